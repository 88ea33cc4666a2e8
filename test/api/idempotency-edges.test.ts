import { cprFor, useTestApi } from '../support/api';
import { postCommand } from '../support/api-requests';

/**
 * Retries at the edges of Idempotency-Key (issue 12, point 3): a retry that the command itself put out of the
 * caller's reach, a case id written in another case, and one key used on two cases.
 */

jest.setTimeout(60_000);

describe('Idempotency-Key at the edges', () => {
  const app = useTestApi({ now: '2026-03-25T12:00:00Z' });

  async function openCase(key: string, birthDate: string): Promise<string> {
    const opened = await postCommand(
      app.api,
      app.token,
      '/v1/cases',
      { cpr: cprFor(birthDate), municipality: '461', occurredAt: '2026-03-20T09:00:00Z' },
      key,
    );
    expect(opened.status).toBe(201);
    return opened.body.caseId as string;
  }

  it('answers a retried transfer with the original answer, though the transfer took the case out of scope', async () => {
    const caseId = await openCase('edge-open-transfer', '2010-04-01');
    const body = { toMunicipality: '101', occurredAt: '2026-03-24T10:00:00Z' };

    const first = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/transfers`,
      body,
      'edge-transfer',
    );
    expect(first.status).toBe(201);
    const before = await app.api.eventCount();

    const retry = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/transfers`,
      body,
      'edge-transfer',
    );
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(await app.api.eventCount()).toBe(before);

    // Another request with the key, or another key, still finds a case it may no longer see.
    const changed = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/transfers`,
      { ...body, occurredAt: '2026-03-24T11:00:00Z' },
      'edge-transfer',
    );
    expect(changed.status).toBe(404);
    expect(changed.body.code).toBe('case-not-found');
    const otherKey = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/transfers`,
      body,
      'edge-transfer-2',
    );
    expect(otherKey.status).toBe(404);
    expect(otherKey.body.code).toBe('case-not-found');
  });

  it('replays a command whose case id is written in upper case', async () => {
    const caseId = await openCase('edge-open-upper', '2010-05-02');
    const body = {
      documentationId: 'pol-upper',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-24T10:00:00Z',
    };
    const first = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId}/police-notifications`,
      body,
      'edge-upper',
    );
    expect(first.status).toBe(201);

    const retry = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${caseId.toUpperCase()}/police-notifications`,
      body,
      'edge-upper',
    );
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('refuses the same Idempotency-Key on another case with 422 idempotency-key-reused, appending nothing', async () => {
    const first = await openCase('edge-open-a', '2010-06-03');
    const second = await openCase('edge-open-b', '2010-07-04');
    const body = {
      documentationId: 'pol-shared-key',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: '2026-03-24T10:00:00Z',
    };
    const answered = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${first}/police-notifications`,
      body,
      'edge-shared',
    );
    expect(answered.status).toBe(201);
    const before = await app.api.eventCount();

    const reused = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${second}/police-notifications`,
      body,
      'edge-shared',
    );
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency-key-reused', field: 'Idempotency-Key' });
    expect(await app.api.eventCount()).toBe(before);

    // The first case still replays its answer.
    const retry = await postCommand(
      app.api,
      app.token,
      `/v1/cases/${first}/police-notifications`,
      body,
      'edge-shared',
    );
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });
});
