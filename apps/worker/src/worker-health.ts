import { Injectable } from '@nestjs/common';

export interface WorkerHealthReport {
  readonly status: 'running';
  /** ISO-8601 UTC. */
  readonly startedAt: string;
}

/** Tells /health that the worker part (projections, wake-ups, alert delivery) runs in this process. */
@Injectable()
export class WorkerHealth {
  private readonly startedAt = new Date();

  report(): WorkerHealthReport {
    return { status: 'running', startedAt: this.startedAt.toISOString() };
  }
}
