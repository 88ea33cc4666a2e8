import {
  accessLogStreamName,
  daysBetween,
  matchesAccessFilter,
  toAccessLogEntry,
  utcDay,
} from '@fristvagt/audit';
import { EVENT_STORE, type EventStore, type RecordedEvent, StreamNotFound } from '@fristvagt/event-store';
import { CLOCK, type Clock } from '@fristvagt/config';
import { Inject, Injectable } from '@nestjs/common';
import { toUtcInstant } from '../obligations/dto/obligations-query.dto';
import { inputProblem } from '../problems/input-validation';
import { DEFAULT_LIMIT } from '../http/query-params';
import {
  type AccessLogPage,
  type AccessLogQueryDto,
  decodeAccessLogCursor,
  DEFAULT_ACCESS_LOG_DAYS,
  encodeAccessLogCursor,
  MAX_ACCESS_LOG_DAYS,
} from './dto/access-log.dto';

const DAY_MS = 86_400_000;

/** The admins' view of the auditors' access log: the day streams from `from` to `to`, filtered, oldest first. */
@Injectable()
export class AccessLogQueries {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: AccessLogQueryDto): Promise<AccessLogPage> {
    const to = toUtcInstant(query.to) ?? this.clock.now().toISOString();
    const from =
      toUtcInstant(query.from) ?? new Date(Date.parse(to) - DEFAULT_ACCESS_LOG_DAYS * DAY_MS).toISOString();
    if (Date.parse(from) > Date.parse(to)) {
      throw inputProblem([
        {
          field: query.to !== undefined ? 'to' : 'from',
          code: 'invalid-range',
          detail: 'from must not be after to',
        },
      ]);
    }
    if (Date.parse(to) - Date.parse(from) > MAX_ACCESS_LOG_DAYS * DAY_MS) {
      throw inputProblem([
        {
          field: query.from !== undefined ? 'from' : 'to',
          code: 'invalid-range',
          detail: `from and to may be at most ${MAX_ACCESS_LOG_DAYS} days apart`,
        },
      ]);
    }
    const filter = {
      auditor: query.auditor,
      caseId: query.caseId,
      from: Date.parse(from),
      to: Date.parse(to),
    };
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor === undefined ? undefined : decodeAccessLogCursor(query.cursor);
    const items: AccessLogPage['items'] = [];
    let last: { day: string; revision: number } | undefined;
    for (const day of daysBetween(utcDay(from), utcDay(to))) {
      if (after !== undefined && day < after.day) continue;
      for (const event of await this.readDay(day)) {
        const revision = Number(event.revision);
        if (after !== undefined && day === after.day && revision <= after.revision) continue;
        if (!matchesAccessFilter(event, filter)) continue;
        if (items.length === limit) {
          return { items, next: encodeAccessLogCursor(last!), from, to };
        }
        items.push({ ...toAccessLogEntry(event), parameters: [...toAccessLogEntry(event).parameters] });
        last = { day, revision };
      }
    }
    return { items, next: null, from, to };
  }

  private async readDay(day: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(accessLogStreamName(day));
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }
}
