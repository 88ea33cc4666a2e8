import type { Response } from 'supertest';
import { cprFor, useTestApi } from '../support/api';
import { allEvents, mapLimit, postCommand, storeMark } from '../support/api-requests';

/**
 * Every command sent twice at the same moment with the same Idempotency-Key and body (a client retrying
 * while its first attempt is still in flight) is applied once, and both copies get the same answer.
 */

jest.setTimeout(120_000);

const COMMANDS = 1_000;
/** Pairs in flight at once: 64 requests. */
const PAIRS_IN_FLIGHT = 32;

/** A valid CPR number per index: a birth date in 2008-2011 and a serial whose 7th digit says 2000s. */
function cprNumber(i: number): string {
  const birth = new Date(Date.UTC(2008, 0, 1) + (i % 1_400) * 86_400_000).toISOString().slice(0, 10);
  return cprFor(birth, 4000 + Math.floor(i / 1_400));
}

interface Pair {
  readonly first: Response;
  readonly second: Response;
}

/** The same request twice, both started before either is answered. */
async function sendTwice(send: () => Promise<Response>): Promise<Pair> {
  const [first, second] = await Promise.all([send(), send()]);
  return { first, second };
}

function replayed(response: Response): boolean {
  return response.headers['idempotent-replayed'] === 'true';
}

/** A readable list of what is wrong with the pairs (the first 20, and the errors logged), empty when all is well. */
function pairFaults(pairs: readonly Pair[], logs: string): string[] {
  const faults = allPairFaults(pairs);
  if (faults.length === 0) return [];
  const errors = logs.split('\n').filter((line) => line.includes('"level":"error"'));
  return [
    `${faults.length} of ${pairs.length} pairs are wrong`,
    ...faults.slice(0, 20),
    ...errors.slice(0, 3).map((line) => `logged: ${line.slice(0, 1_500)}`),
  ];
}

function allPairFaults(pairs: readonly Pair[]): string[] {
  const faults: string[] = [];
  pairs.forEach(({ first, second }, i) => {
    if (first.status !== 201 || second.status !== 201) {
      faults.push(
        `#${i}: ${first.status} ${first.text.slice(0, 200)} / ${second.status} ${second.text.slice(0, 200)}`,
      );
    } else if (JSON.stringify(first.body) !== JSON.stringify(second.body)) {
      faults.push(`#${i}: bodies differ:\n  ${first.text}\n  ${second.text}`);
    } else if (replayed(first) === replayed(second)) {
      faults.push(`#${i}: Idempotent-Replayed ${String(replayed(first))} on both`);
    } else if (first.headers.etag !== second.headers.etag) {
      faults.push(`#${i}: ETag ${first.headers.etag} / ${second.headers.etag}`);
    }
  });
  return faults;
}

describe('the same command twice, concurrently', () => {
  const app = useTestApi({ now: '2026-03-25T12:00:00Z' });

  it(`opens ${COMMANDS} cases once each`, async () => {
    const openBody = (i: number) => ({
      cpr: cprNumber(i),
      municipality: '461',
      occurredAt: '2026-03-20T10:00:00Z',
    });
    const before = await allEvents(app.api.store);

    const pairs = await mapLimit(
      Array.from({ length: COMMANDS }, (_, i) => i),
      PAIRS_IN_FLIGHT,
      (i) => sendTwice(() => postCommand(app.api, app.token, '/v1/cases', openBody(i), `open-${i}`)),
    );

    expect(pairFaults(pairs, app.api.logs())).toEqual([]);
    const opened = (await allEvents(app.api.store))
      .slice(before.length)
      .filter((e) => e.type === 'CaseOpened');
    expect(opened).toHaveLength(COMMANDS);
    const caseIds = pairs.map(({ first }) => first.body.caseId as string);
    expect(new Set(caseIds).size).toBe(COMMANDS);
    expect(new Set(opened.map((e) => e.streamName))).toEqual(new Set(caseIds.map((id) => `case-${id}`)));
    pairs.forEach(({ first, second }) => expect(second.headers.location).toBe(first.headers.location));
    // Exactly one of each pair did the work; the other was told it got the original answer.
    expect(pairs.flatMap((p) => [p.first, p.second]).filter(replayed)).toHaveLength(COMMANDS);
  });

  it(`records ${COMMANDS} police notifications once each`, async () => {
    // 50 cases with 20 notifications each; the pairs of one case are sent one after the other, so the
    // only writers that meet on a stream are the two copies of one command.
    const caseCount = 50;
    const perCase = COMMANDS / caseCount;
    const cases = await mapLimit(
      Array.from({ length: caseCount }, (_, c) => c),
      8,
      async (c) => {
        const response = await postCommand(
          app.api,
          app.token,
          '/v1/cases',
          { cpr: cprFor('2010-06-15', 5000 + c), municipality: '461', occurredAt: '2026-03-20T10:00:00Z' },
          `police-case-${c}`,
        );
        expect(response.status).toBe(201);
        return response.body.caseId as string;
      },
    );
    const before = await allEvents(app.api.store);

    const pairsByCase = await mapLimit(cases, PAIRS_IN_FLIGHT, async (caseId, c) => {
      const pairs: Pair[] = [];
      for (let k = 0; k < perCase; k++) {
        const body = {
          documentationId: `pol-${c}-${k}`,
          kind: k % 2 === 0 ? 'interview-invitation' : 'weekly-report',
          offenceCategories: ['robbery'],
          occurredAt: '2026-03-25T10:00:00Z',
        };
        pairs.push(
          await sendTwice(() =>
            postCommand(
              app.api,
              app.token,
              `/v1/cases/${caseId}/police-notifications`,
              body,
              `police-${c}-${k}`,
            ),
          ),
        );
      }
      return pairs;
    });
    const pairs = pairsByCase.flat();

    expect(pairs).toHaveLength(COMMANDS);
    expect(pairFaults(pairs, app.api.logs())).toEqual([]);
    const received = (await allEvents(app.api.store))
      .slice(before.length)
      .filter((e) => e.type === 'PoliceDocumentationReceived');
    expect(received).toHaveLength(COMMANDS);
    expect(new Set(received.map((e) => `${e.streamName}/${String(e.data.documentationId)}`)).size).toBe(
      COMMANDS,
    );
    expect(pairs.flatMap((p) => [p.first, p.second]).filter(replayed)).toHaveLength(COMMANDS);
    // Each case's revisions went up by the same events in order: 20 notifications, each with its obligation.
    const all = await allEvents(app.api.store);
    const revisions = cases.map((caseId, c) => ({
      answered: (pairsByCase[c][perCase - 1].first.body as { revision: number }).revision,
      stored: all.filter((e) => e.streamName === `case-${caseId}`).length - 1,
    }));
    expect(revisions.filter((r) => r.answered !== r.stored)).toEqual([]);
  });

  it('refuses the same key with a different body and appends nothing', async () => {
    const first = await postCommand(
      app.api,
      app.token,
      '/v1/cases',
      { cpr: cprFor('2011-02-03'), municipality: '461', occurredAt: '2026-03-20T10:00:00Z' },
      'reused-key',
    );
    expect(first.status).toBe(201);
    const caseId = first.body.caseId as string;
    const police = {
      documentationId: 'pol-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-25T10:00:00Z',
    };
    expect(
      (
        await postCommand(
          app.api,
          app.token,
          `/v1/cases/${caseId}/police-notifications`,
          police,
          'reused-police',
        )
      ).status,
    ).toBe(201);
    const before = await storeMark(app.api.store);

    const attempts: Array<[string, unknown, string]> = [
      // Another person, another date, another municipality key order: each a different request.
      [
        '/v1/cases',
        { cpr: cprFor('2011-02-04'), municipality: '461', occurredAt: '2026-03-20T10:00:00Z' },
        'reused-key',
      ],
      [
        '/v1/cases',
        { cpr: cprFor('2011-02-03'), municipality: '461', occurredAt: '2026-03-20T10:00:01Z' },
        'reused-key',
      ],
      [`/v1/cases/${caseId}/police-notifications`, { ...police, documentationId: 'pol-2' }, 'reused-police'],
      [
        `/v1/cases/${caseId}/police-notifications`,
        { ...police, offenceCategories: ['theft'] },
        'reused-police',
      ],
      // The same key on another endpoint of the same case.
      [
        `/v1/cases/${caseId}/placements`,
        { placementId: 'placement-1', occurredAt: '2026-03-25T10:00:00Z' },
        'reused-police',
      ],
    ];
    // Sent twice at once as well: both copies are refused.
    const answers = (
      await Promise.all(
        attempts.map(([path, body, key]) =>
          sendTwice(() => postCommand(app.api, app.token, path, body, key)).then(({ first, second }) => [
            first,
            second,
          ]),
        ),
      )
    ).flat();

    for (const answer of answers) {
      expect({ status: answer.status, code: answer.body.code, field: answer.body.field }).toEqual({
        status: 422,
        code: 'idempotency-key-reused',
        field: 'Idempotency-Key',
      });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await storeMark(app.api.store)).toEqual(before);

    // The original requests still replay.
    const again = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/police-notifications`,
      // Key order does not make a request different.
      {
        occurredAt: police.occurredAt,
        offenceCategories: ['robbery'],
        kind: police.kind,
        documentationId: 'pol-1',
      },
      'reused-police',
    );
    expect(again.status).toBe(201);
    expect(replayed(again)).toBe(true);
    expect(await storeMark(app.api.store)).toEqual(before);
  });
});
