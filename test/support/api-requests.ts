import type { Response } from 'supertest';
import type { EventStore, Position, RecordedEvent } from '@fristvagt/event-store';
import type { TestApi } from './api';

/** Every event in the store, in global order (readAll pages at 1,000). */
export async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: 1_000 });
    events.push(...page);
    if (page.length < 1_000) return events;
    from = page[page.length - 1].position;
  }
}

/** How many events there are and where the last one is: equal before and after means nothing was appended. */
export async function storeMark(store: EventStore): Promise<{ count: number; last: string | null }> {
  const events = await allEvents(store);
  const last = events[events.length - 1]?.position;
  return { count: events.length, last: last === undefined ? null : `${last.commit}/${last.prepare}` };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** POST a JSON command with a bearer token and an Idempotency-Key. */
export function postCommand(
  api: TestApi,
  token: string,
  path: string,
  body: unknown,
  idempotencyKey: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Response> {
  let request = api.http
    .post(path)
    .set('Authorization', `Bearer ${token}`)
    .set('Idempotency-Key', idempotencyKey);
  for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
  return request.send(body as object);
}

/** The problem+json media type check every refusal must pass. */
export function isProblemJson(response: { readonly headers: Record<string, unknown> }): boolean {
  return /^application\/problem\+json\b/.test(String(response.headers['content-type'] ?? ''));
}

/** What a refusal says about itself, to compare in one toEqual. */
export function refusalOf(response: Response): { status: number; code: unknown; field: unknown } {
  return { status: response.status, code: response.body.code, field: response.body.field };
}

/**
 * Asks (with minPosition and wait) until the answer says the read model has reached the position, six times
 * at most: the worker follows the log asynchronously, and parallel test files can hold it back for seconds.
 */
export async function awaitReadModel(
  ask: () => Promise<Response>,
  reached: (body: Response['body']) => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const response = await ask();
    if (response.status === 200 && reached(response.body)) return;
    if (attempt === 5)
      throw new Error(`the read model did not catch up: ${response.status} ${response.text}`);
  }
}

/** The answer is a problem+json refusal with this status, code and field. */
export function expectRefusal(
  response: Response,
  expected: { status: number; code: string; field: string | undefined },
): void {
  expect(refusalOf(response)).toEqual(expected);
  expect(isProblemJson(response)).toBe(true);
}

/** postCommand that must be accepted: anything but a 201 fails the test, naming the path and the refusal's detail. */
export async function postAccepted(
  api: TestApi,
  token: string,
  path: string,
  body: unknown,
  idempotencyKey: string,
): Promise<Response> {
  const response = await postCommand(api, token, path, body, idempotencyKey);
  expect({ path, status: response.status, detail: response.body.detail }).toEqual({
    path,
    status: 201,
    detail: undefined,
  });
  return response;
}
