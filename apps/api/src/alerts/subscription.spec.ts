import type { SubscriptionEvent } from '@fristvagt/alerts';
import type { RecordedEvent } from '@fristvagt/event-store';
import {
  decideSubscription,
  foldSubscription,
  type SubscriptionCommand,
  type SubscriptionDecision,
} from './subscription';

const ID = '3f1b2c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d';
const NOW = '2026-03-25T12:00:00.000Z';
const WEBHOOK = { kind: 'webhook', url: 'https://tilsyn.example.dk/hooks' } as const;
const EMAIL = { kind: 'email', address: 'tilsyn@example.dk' } as const;

function recorded(events: readonly SubscriptionEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: event.type,
    data: event.data as unknown as Record<string, unknown>,
    metadata: {
      municipality: '461',
      actor: 'key-1',
      occurredAt: `2026-03-25T12:00:0${i}.000Z`,
      recordedAt: `2026-03-25T12:00:0${i}.500Z`,
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
    },
    streamName: `alert-subscription-${ID}`,
    revision: BigInt(i),
    position: { commit: 1n, prepare: BigInt(i) },
  }));
}

/** given(events) / when(command) / then(events or refusal). */
function given(...events: SubscriptionEvent[]) {
  return {
    when: (command: SubscriptionCommand): SubscriptionDecision =>
      decideSubscription(command, foldSubscription(recorded(events)), NOW),
  };
}

function eventsOf(decision: SubscriptionDecision): readonly SubscriptionEvent[] {
  if (!decision.ok) throw new Error(decision.error.code);
  return decision.events;
}

const create = (channel: typeof WEBHOOK | typeof EMAIL = WEBHOOK): SubscriptionCommand => ({
  type: 'CreateSubscription',
  data: {
    subscriptionId: ID,
    municipality: '461',
    channel,
    ruleIds: null,
    kinds: ['due-soon', 'breached', 'breached'],
    digest: false,
  },
});

const created = (channel: typeof WEBHOOK | typeof EMAIL = WEBHOOK): SubscriptionEvent => ({
  type: 'AlertSubscriptionCreated',
  data: {
    subscriptionId: ID,
    municipality: '461',
    channel,
    ruleIds: null,
    kinds: ['due-soon', 'breached'],
    digest: false,
    secretVersion: channel.kind === 'webhook' ? 1 : null,
  },
});

const removed: SubscriptionEvent = { type: 'AlertSubscriptionRemoved', data: { subscriptionId: ID } };

describe('alert subscriptions', () => {
  it('a webhook subscription starts at secret version 1, an e-mail one has none; kinds are listed once', () => {
    expect(given().when(create())).toEqual({ ok: true, events: [created()] });
    expect(given().when(create(EMAIL))).toEqual({ ok: true, events: [created(EMAIL)] });
  });

  it('a subscription is created once', () => {
    expect(given(created()).when(create())).toMatchObject({
      ok: false,
      error: { code: 'subscription-exists' },
    });
  });

  it('a change records only what differs, and nothing when nothing does', () => {
    const change = (data: Extract<SubscriptionCommand, { type: 'ChangeSubscription' }>['data']) =>
      given(created()).when({ type: 'ChangeSubscription', data });

    expect(change({ kinds: ['breached', 'due-soon'], digest: true, ruleIds: null })).toEqual({
      ok: true,
      events: [
        {
          type: 'AlertSubscriptionChanged',
          data: { subscriptionId: ID, kinds: ['breached', 'due-soon'], digest: true },
        },
      ],
    });
    expect(change({ channel: WEBHOOK, kinds: ['due-soon', 'breached'], digest: false })).toEqual({
      ok: true,
      events: [],
    });
    expect(change({ ruleIds: ['NSR-CONVENE'] })).toMatchObject({
      events: [{ data: { ruleIds: ['NSR-CONVENE'] } }],
    });
  });

  it("a channel keeps its kind: a webhook's secret belongs to the subscription", () => {
    expect(given(created()).when({ type: 'ChangeSubscription', data: { channel: EMAIL } })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'channel-kind-immutable', field: 'channel.kind' }),
    });
  });

  it('rotating moves to the next secret version and keeps the previous one for the overlap', () => {
    const rotate: SubscriptionCommand = { type: 'RotateWebhookSecret', data: { overlapMs: 24 * 3_600_000 } };
    const first = given(created()).when(rotate);
    expect(first).toEqual({
      ok: true,
      events: [
        {
          type: 'WebhookSecretRotated',
          data: {
            subscriptionId: ID,
            secretVersion: 2,
            previousVersion: 1,
            previousValidUntil: '2026-03-26T12:00:00.000Z',
          },
        },
      ],
    });
    const second = given(created(), ...eventsOf(first)).when(rotate);
    expect(second).toMatchObject({ events: [{ data: { secretVersion: 3, previousVersion: 2 } }] });
  });

  it('an e-mail subscription has no secret to rotate', () => {
    expect(given(created(EMAIL)).when({ type: 'RotateWebhookSecret', data: { overlapMs: 0 } })).toMatchObject(
      { ok: false, error: { code: 'not-a-webhook' } },
    );
  });

  it('a removed subscription, like one that never was, cannot be changed, removed or rotated', () => {
    for (const command of [
      { type: 'ChangeSubscription', data: { digest: true } },
      { type: 'RemoveSubscription' },
      { type: 'RotateWebhookSecret', data: { overlapMs: 0 } },
    ] as const) {
      expect(given(created(), removed).when(command)).toMatchObject({
        ok: false,
        error: { code: 'subscription-not-found' },
      });
      expect(given().when(command)).toMatchObject({ ok: false, error: { code: 'subscription-not-found' } });
    }
  });

  it("folds to what the API shows, with the instants of the service's clock", () => {
    const state = foldSubscription(
      recorded([
        created(),
        { type: 'AlertSubscriptionChanged', data: { subscriptionId: ID, digest: true } },
        {
          type: 'WebhookSecretRotated',
          data: {
            subscriptionId: ID,
            secretVersion: 2,
            previousVersion: 1,
            previousValidUntil: '2026-03-26T12:00:00.000Z',
          },
        },
      ]),
    );
    expect(state).toEqual({
      subscriptionId: ID,
      municipality: '461',
      channel: WEBHOOK,
      ruleIds: null,
      kinds: ['due-soon', 'breached'],
      digest: true,
      secretVersion: 2,
      previousVersion: 1,
      previousValidUntil: '2026-03-26T12:00:00.000Z',
      createdBy: 'key-1',
      createdAt: '2026-03-25T12:00:00.000Z',
      updatedAt: '2026-03-25T12:00:02.000Z',
      removedAt: null,
    });
  });
});
