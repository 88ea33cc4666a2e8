import type { ServerResponse } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AlertsReadModel, DELIVERY_STREAM_PREFIX } from '@fristvagt/alerts';
import type {
  ObligationBreached,
  ObligationDueSoon,
  ObligationFulfilled,
  ObligationOpened,
} from '@fristvagt/domain';
import {
  comparePositions,
  EVENT_STORE,
  type EventStore,
  formatPosition,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '@fristvagt/event-store';
import { LOGGER, type Logger } from '@fristvagt/logging';
import { ObligationsReadModel } from '@fristvagt/projections';
import { inScope, type Principal } from '../access/principal';
import type { CredentialCheck } from '../access/sessions';

/** The `event:` names of the stream. */
export const STREAM_EVENTS = ['due-soon', 'breached', 'fulfilled-late', 'delivery-failed'] as const;
export type StreamEventName = (typeof STREAM_EVENTS)[number];

export interface StreamMessage {
  /** The event's global position, `commit:prepare`: what a reconnecting client sends back as Last-Event-ID. */
  readonly id: string;
  readonly event: StreamEventName;
  readonly data: Readonly<Record<string, unknown>>;
}

export const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  // nginx and the like would otherwise buffer the stream and hold events back.
  'X-Accel-Buffering': 'no',
} as const;

export interface AlertStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream, and re-checks the credential. Default 15 s. */
  readonly heartbeatMs?: number;
  /** What the browser waits before it reconnects (the `retry:` field). Default 3 s. */
  readonly retryMs?: number;
}

export const ALERT_STREAM_OPTIONS = Symbol('AlertStreamOptions');

const CASE_STREAM_PREFIX = 'case-';
const HEAD_SCAN_BATCH = 1_000;

/**
 * The alert-worthy events of a case or delivery, as the stream shows them to this principal; undefined for
 * everything else, and for what lies outside the principal's municipalities. Pure but for the rule and due of
 * a late fulfilment, which the event itself does not carry (`opened` finds them in the case stream).
 */
export async function streamMessage(
  event: RecordedEvent,
  principal: Principal,
  opened: (caseId: string, obligationId: string) => Promise<ObligationOpened['data'] | undefined>,
): Promise<StreamMessage | undefined> {
  const municipality = event.metadata.municipality;
  if (!inScope(principal, municipality)) return undefined;
  const id = formatPosition(event.position);
  if (event.streamName.startsWith(DELIVERY_STREAM_PREFIX)) {
    if (event.type !== 'AlertDeliveryFailed' || principal.role !== 'admin') return undefined;
    const { deliveryId, attempts, status, error, at } = event.data;
    return {
      id,
      event: 'delivery-failed',
      data: { deliveryId, municipality, attempts, status, error, detectedAt: at },
    };
  }
  if (!event.streamName.startsWith(CASE_STREAM_PREFIX)) return undefined;
  const caseId = event.streamName.slice(CASE_STREAM_PREFIX.length);
  switch (event.type) {
    case 'ObligationDueSoon': {
      const data = event.data as unknown as ObligationDueSoon['data'];
      return {
        id,
        event: 'due-soon',
        data: {
          caseId,
          municipality,
          obligationId: data.obligationId,
          ruleId: ruleOf(data.obligationId),
          dueAt: data.dueAt,
          warnAt: data.warnAt,
          detectedAt: data.detectedAt,
        },
      };
    }
    case 'ObligationBreached': {
      const data = event.data as unknown as ObligationBreached['data'];
      return {
        id,
        event: 'breached',
        data: {
          caseId,
          municipality,
          obligationId: data.obligationId,
          ruleId: ruleOf(data.obligationId),
          dueAt: data.dueAt,
          detectedAt: data.detectedAt,
        },
      };
    }
    case 'ObligationFulfilled': {
      const data = event.data as unknown as ObligationFulfilled['data'];
      if (data.late !== true) return undefined;
      const obligation = await opened(caseId, data.obligationId);
      return {
        id,
        event: 'fulfilled-late',
        data: {
          caseId,
          municipality,
          obligationId: data.obligationId,
          ruleId: obligation?.ruleId ?? ruleOf(data.obligationId),
          dueAt: obligation?.dueAt ?? null,
          detectedAt: data.fulfilledAt,
        },
      };
    }
    default:
      return undefined;
  }
}

/** One message in the text/event-stream format; JSON.stringify leaves no line break for `data:` to split on. */
export function formatMessage(message: StreamMessage): string {
  return `id: ${message.id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** An obligation id starts with its rule id (obligationIdFor in libs/domain). */
function ruleOf(obligationId: string): string {
  return obligationId.split(':')[0];
}

interface OpenStream {
  /** Ends the stream if its credential no longer holds. */
  recheck(): Promise<void>;
  close(): void;
}

/**
 * GET /v1/alerts/stream, behind the controller: one catch-up subscription to the global log per client, from
 * the head of the log or right after the client's Last-Event-ID, filtered to what the caller may see. Every
 * event is sent once per connection and in log order, so a client that reconnects with the id of the last
 * event it received misses nothing and sees nothing twice.
 */
@Injectable()
export class AlertStream implements OnModuleDestroy {
  private readonly open = new Set<OpenStream>();
  /** The furthest head of the log seen so far: where the next search for the head starts. */
  private knownHead: Position | 'start' = 'start';
  private readonly heartbeatMs: number;
  private readonly retryMs: number;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly alerts: AlertsReadModel,
    private readonly obligations: ObligationsReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ALERT_STREAM_OPTIONS) options: AlertStreamOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.retryMs = options.retryMs ?? 3_000;
  }

  /**
   * The position of the last event in the log (`'start'` for an empty log), as far as the log can be read in
   * order: events of transactions still open elsewhere come after it, so a stream that starts here may begin
   * with an event stored a moment before it connected, and never lacks one stored after. The port has no
   * "head" call, so this reads forward from the furthest point known to be passed: the read models'
   * checkpoints, or an earlier head.
   */
  async head(): Promise<Position | 'start'> {
    let from = this.knownHead;
    for (const hint of await this.checkpoints()) if (later(hint, from)) from = hint;
    for (;;) {
      const page = await this.store.readAll({ fromPosition: from, maxCount: HEAD_SCAN_BATCH });
      if (page.length > 0) from = page[page.length - 1].position;
      if (page.length < HEAD_SCAN_BATCH) break;
    }
    if (later(from, this.knownHead)) this.knownHead = from;
    return from;
  }

  /**
   * Streams to `response` until the client goes, its credential stops holding (the API key revoked; the web
   * session signed out, expired or its key revoked), or the app shuts down. The response is the raw Node one:
   * its headers are sent here. `stillValid` is asked at every heartbeat; it never counts as a use of a session,
   * so an open stream alone does not keep a page signed in.
   */
  serve(
    response: ServerResponse,
    principal: Principal,
    stillValid: CredentialCheck,
    from: Position | 'start',
  ): void {
    const subscription: Subscription = this.store.subscribe({ from, name: 'alert-stream' });
    let closed = false;

    const write = async (chunk: string): Promise<void> => {
      if (closed) return;
      if (response.write(chunk)) return;
      // A slow reader holds back its own subscription, and nothing else.
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    };

    const heartbeat = setInterval(() => {
      void write(': heartbeat\n\n');
      void stream.recheck();
    }, this.heartbeatMs);
    heartbeat.unref();

    const stream: OpenStream = {
      recheck: () =>
        stillValid().then(
          (valid) => {
            if (!valid) stream.close();
          },
          (error: unknown) =>
            this.logger.warn({ err: error }, 'alert stream: could not re-check the credential'),
        ),
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        this.open.delete(stream);
        void subscription.stop();
        if (!response.writableEnded) response.end();
      },
    };
    this.open.add(stream);
    response.on('close', stream.close);
    response.on('error', stream.close);

    response.writeHead(200, STREAM_HEADERS);
    void write(
      `retry: ${this.retryMs}\n: alerts after ${from === 'start' ? 'the start' : formatPosition(from)}\n\n`,
    );

    const opened = (caseId: string, obligationId: string) => this.opened(caseId, obligationId);
    void (async () => {
      try {
        let last: Position | 'start' = from;
        for await (const event of subscription) {
          if (closed) break;
          // The port delivers at least once; a connection sends each event once.
          if (!later(event.position, last)) continue;
          last = event.position;
          const message = await streamMessage(event, principal, opened);
          if (message !== undefined) await write(formatMessage(message));
        }
      } catch (error) {
        // The client reconnects (EventSource does so by itself) with the id of the last event it received.
        this.logger.warn(
          { err: error, keyId: principal.keyId },
          'alert stream: the event log could not be read',
        );
      } finally {
        stream.close();
      }
    })();
  }

  /**
   * Re-checks every open stream's credential now, as each heartbeat does, and ends those that no longer hold;
   * resolves when all are checked.
   */
  async recheck(): Promise<void> {
    await Promise.all([...this.open].map((stream) => stream.recheck()));
  }

  /** How many clients are connected now. */
  openStreams(): number {
    return this.open.size;
  }

  /** Open streams end when the app stops; otherwise the HTTP server would wait for them. */
  onModuleDestroy(): void {
    for (const stream of [...this.open]) stream.close();
  }

  /** The obligation as opened, for what a late fulfilment does not repeat; undefined if it cannot be read. */
  private async opened(caseId: string, obligationId: string): Promise<ObligationOpened['data'] | undefined> {
    try {
      const events = await this.store.readStream(`${CASE_STREAM_PREFIX}${caseId}`);
      const found = events.findLast(
        (event) => event.type === 'ObligationOpened' && event.data.obligationId === obligationId,
      );
      return found?.data as unknown as ObligationOpened['data'] | undefined;
    } catch (error) {
      this.logger.warn(
        { err: error, caseId },
        'alert stream: could not read the obligation of a late fulfilment',
      );
      return undefined;
    }
  }

  private async checkpoints(): Promise<Position[]> {
    const read = async (checkpoint: () => Promise<{ position: Position | null }>) => {
      try {
        return (await checkpoint()).position;
      } catch {
        // Not built yet (read-model-not-ready): the head is then found from what is known.
        return null;
      }
    };
    const positions = await Promise.all([
      read(() => this.alerts.live.checkpoint()),
      read(() => this.obligations.checkpoint()),
    ]);
    return positions.filter((position): position is Position => position !== null);
  }
}

function later(a: Position | 'start', b: Position | 'start'): boolean {
  if (a === 'start') return false;
  return b === 'start' || comparePositions(a, b) > 0;
}
