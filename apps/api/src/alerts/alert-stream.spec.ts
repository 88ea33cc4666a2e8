import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { AlertsReadModel } from '@fristvagt/alerts';
import type { EventStore, RecordedEvent } from '@fristvagt/event-store';
import type { Logger } from '@fristvagt/logging';
import type { ObligationsReadModel } from '@fristvagt/projections';
import type { Principal } from '../access/principal';
import { AlertStream, formatMessage, STREAM_HEADERS, streamMessage } from './alert-stream';

const CASE = '0b6f3c1e-9f4a-5d2b-8c1e-2a7d4e6f8a90';
const OBLIGATION = 'NSR-CONVENE:documentation:pol-1';

function event(
  type: string,
  data: Record<string, unknown>,
  options: { stream?: string; municipality?: string } = {},
): RecordedEvent {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    type,
    data,
    metadata: {
      municipality: options.municipality ?? '461',
      actor: 'scheduler',
      occurredAt: '2026-03-25T12:00:00.000Z',
      recordedAt: '2026-03-25T12:00:00.100Z',
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
    },
    streamName: options.stream ?? `case-${CASE}`,
    revision: 3n,
    position: { commit: 7801240n, prepare: 2n },
  };
}

const supervisor = (municipalities: string[]): Principal => ({
  keyId: 'k',
  role: 'supervisor',
  municipalities,
});
const admin: Principal = { keyId: 'a', role: 'admin', municipalities: '*' };
const noLookup = async () => undefined;

describe('the alert stream', () => {
  const breached = event('ObligationBreached', {
    obligationId: OBLIGATION,
    dueAt: '2026-03-10T23:00:00.000Z',
    detectedAt: '2026-03-10T23:00:00.204Z',
  });

  it('shows a breach as `breached`, with the case, its municipality and the rule, and its position as id', async () => {
    const message = await streamMessage(breached, supervisor(['461']), noLookup);

    expect(message).toEqual({
      id: '7801240:2',
      event: 'breached',
      data: {
        caseId: CASE,
        municipality: '461',
        obligationId: OBLIGATION,
        ruleId: 'NSR-CONVENE',
        dueAt: '2026-03-10T23:00:00.000Z',
        detectedAt: '2026-03-10T23:00:00.204Z',
      },
    });
    expect(formatMessage(message!)).toBe(
      `id: 7801240:2\nevent: breached\ndata: ${JSON.stringify(message!.data)}\n\n`,
    );
  });

  it("never shows another municipality's events", async () => {
    expect(await streamMessage(breached, supervisor(['101']), noLookup)).toBeUndefined();
  });

  it('shows a fulfilment only when it was late, with the due of the obligation it fulfilled', async () => {
    const fulfilled = (late: boolean) =>
      event('ObligationFulfilled', {
        obligationId: OBLIGATION,
        onTime: !late,
        late,
        by: { type: 'CouncilConvened', key: 'c-1' },
        fulfilledAt: '2026-03-12T09:00:00.000Z',
      });
    const opened = async () => ({ ruleId: 'NSR-CONVENE', dueAt: '2026-03-10T23:00:00.000Z' }) as never;

    expect(await streamMessage(fulfilled(false), supervisor(['461']), opened)).toBeUndefined();
    expect(await streamMessage(fulfilled(true), supervisor(['461']), opened)).toMatchObject({
      event: 'fulfilled-late',
      data: { dueAt: '2026-03-10T23:00:00.000Z', detectedAt: '2026-03-12T09:00:00.000Z' },
    });
  });

  it('shows failed deliveries to admins only', async () => {
    const failed = event(
      'AlertDeliveryFailed',
      { deliveryId: 'd', attempts: 10, status: 503, error: 'HTTP 503', at: '2026-03-25T12:00:00.000Z' },
      { stream: 'alert-delivery-d' },
    );

    expect(await streamMessage(failed, supervisor(['461']), noLookup)).toBeUndefined();
    expect(await streamMessage(failed, admin, noLookup)).toMatchObject({
      event: 'delivery-failed',
      data: { deliveryId: 'd', municipality: '461', attempts: 10 },
    });
  });

  it('leaves out every other event', async () => {
    expect(
      await streamMessage(event('ObligationOpened', { obligationId: OBLIGATION }), admin, noLookup),
    ).toBe(undefined);
    expect(
      await streamMessage(
        event('AlertSubscriptionCreated', {}, { stream: 'alert-subscription-x' }),
        admin,
        noLookup,
      ),
    ).toBeUndefined();
  });
});

describe('a connected client', () => {
  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 2_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it('gets a heartbeat comment, and its stream ends (subscription stopped) once its credential no longer holds', async () => {
    const principal = supervisor(['461']);
    let revoked = false;
    let stopped = false;
    // A log with nothing new in it: the iteration waits until the subscription is stopped.
    const subscription = {
      stop: async () => {
        stopped = true;
      },
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          while (!stopped) await new Promise((resolve) => setTimeout(resolve, 5));
          return { done: true as const, value: undefined };
        },
      }),
    };
    const store = { subscribe: () => subscription } as unknown as EventStore;
    const stillValid = async () => !revoked;
    const logger = { warn: jest.fn() } as unknown as Logger;
    const stream = new AlertStream(store, {} as AlertsReadModel, {} as ObligationsReadModel, logger, {
      heartbeatMs: 20,
    });
    const written: string[] = [];
    let head: unknown;
    const response = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          written.push(chunk.toString('utf8'));
          callback();
        },
      }),
      {
        writeHead(status: number, headers: object) {
          head = { status, headers };
          return response;
        },
      },
    );

    stream.serve(response as unknown as ServerResponse, principal, stillValid, 'start');
    expect(stream.openStreams()).toBe(1);
    await until(() => written.join('').includes(': heartbeat\n\n'));
    expect(head).toEqual({ status: 200, headers: STREAM_HEADERS });
    expect(written[0]).toBe('retry: 3000\n: alerts after the start\n\n');
    revoked = true;

    await until(() => response.writableEnded);
    expect(stopped).toBe(true);
    expect(stream.openStreams()).toBe(0);
  });
});
