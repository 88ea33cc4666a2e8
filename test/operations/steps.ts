import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { FixedClock } from '@fristvagt/config';
import { EVENT_STORE, type EventStore } from '@fristvagt/event-store';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import type { ApiRole } from '../../apps/api/src/access/principal';
import { bootstrap, type RunningApp } from '../../apps/api/src/main';
import { cprScan } from '../support/cpr-scan';

const ROOT = resolve(__dirname, '../..');

/**
 * The shell block of docs/operations.md marked `<!-- <kind>: <name> -->`, so that a test runs what a person
 * following the page types, and the page cannot drift from what was tested.
 */
export function docStep(kind: 'restore-step' | 'pitr-step', name: string): string {
  const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
  const match = new RegExp(`<!-- ${kind}: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (match === null) throw new Error(`docs/operations.md has no ${kind} "${name}"`);
  return match[1];
}

export interface StepResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a block of docs/operations.md with bash, stopping at the first failing command. `npm run -s cli --` is the
 * one thing replaced: it would build the whole tree first (which other work in progress may break); the same
 * entry point, apps/cli's main.ts, runs from the sources instead, as the fault tests run the service.
 */
export function runDocStep(
  kind: 'restore-step' | 'pitr-step',
  name: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; user?: { uid: number; gid: number } },
): Promise<StepResult> {
  const cli = `node -r ${join(ROOT, 'test/support/ts-register.js')} ${join(ROOT, 'apps/cli/src/main.ts')}`;
  const shim = `npm() { if [ "$1 $2 $3 $4" = "run -s cli --" ]; then shift 4; ${cli} "$@"; else command npm "$@"; fi; }`;
  const script = `set -euo pipefail\n${shim}\n${docStep(kind, name)}`;
  return new Promise((resolveRun, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      ...options.user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    cprScan.addLog(`docs/operations.md ${kind} ${name}`, () => stdout + stderr);
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** What a restore must keep of an obligation. */
export interface ListedObligation {
  readonly caseId: string;
  readonly obligationId: string;
  readonly ruleId: string;
  readonly state: string;
  readonly dueAt: string | null;
}

const ALL_STATES = 'open,due-soon,breached,fulfilled,cancelled,waived';

/** Every obligation `GET /v1/obligations` shows the token, in every state, ordered by case and obligation. */
export async function listObligations(
  http: ReturnType<typeof request>,
  token: string,
): Promise<ListedObligation[]> {
  const items: ListedObligation[] = [];
  let cursor: string | null = null;
  do {
    const response: request.Response = await http
      .get('/v1/obligations')
      .query({ state: ALL_STATES, limit: '100', ...(cursor !== null && { cursor }) })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    for (const item of response.body.items as ListedObligation[]) {
      const { caseId, obligationId, ruleId, state, dueAt } = item;
      items.push({ caseId, obligationId, ruleId, state, dueAt });
    }
    cursor = response.body.next;
  } while (cursor !== null);
  const key = (o: ListedObligation) => `${o.caseId}/${o.obligationId}`;
  return items.sort((a, b) => key(a).localeCompare(key(b)));
}

export interface Service {
  readonly running: RunningApp;
  readonly http: ReturnType<typeof request>;
  readonly store: EventStore;
  key(role: ApiRole, municipalities: readonly string[] | '*'): Promise<string>;
  close(): Promise<void>;
}

/**
 * The service (api and worker in one process) on a database the test made, with its clock pinned at `now` and
 * its log lines scanned for CPR numbers.
 */
export async function startServiceOn(
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  now: string,
  name: string,
): Promise<Service> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fristvagt-ops-'));
  const lines: string[] = [];
  const clock = new FixedClock(now);
  const running = await bootstrap(
    {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      FRISTVAGT_ROLE: 'all',
      ...env,
    },
    {
      clock,
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    },
  ).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  cprScan.addLog(`${name} log`, () => lines.join(''));
  const keys = running.app.get<ApiKeyStore>(API_KEY_STORE);
  return {
    running,
    http: request(running.url),
    store: running.app.get<EventStore>(EVENT_STORE),
    key: async (role, municipalities) => (await keys.create({ role, municipalities }, clock.now())).token,
    close: async () => {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A handful of cases in municipality 461 through the API, `now` being the service's pinned clock: one
 * NSR-CONVENE open (due in a week), one breached (the notification came ten days ago; the engine finds it), one
 * fulfilled by a convened council (whose NSR-HOLD stays open), one waived. Returns the case ids and the last
 * command's position, and waits until the read model shows all of it, the breach included.
 */
export async function seedCases(
  http: ReturnType<typeof request>,
  tokens: { integration: string; supervisor: string },
  now: string,
): Promise<{ caseIds: string[]; position: string }> {
  const at = (hoursBeforeNow: number) => new Date(Date.parse(now) - hoursBeforeNow * 3_600_000).toISOString();
  let commands = 0;
  let position = '';
  const post = async (path: string, body: object, token = tokens.integration) => {
    const response = await http
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Idempotency-Key', `seed-${++commands}`)
      .send(body);
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${response.text}`);
    position = response.body.position;
    return response.body as { caseId: string; obligations: { opened: Array<{ obligationId: string }> } };
  };
  const caseIds: string[] = [];
  const open = async (birthDate: string) => {
    const [year, month, day] = birthDate.split('-');
    const cpr = `${day}${month}${year.slice(2)}${4123 + 2 * caseIds.length}`;
    const { caseId } = await post('/v1/cases', { cpr, municipality: '461', occurredAt: at(400) });
    caseIds.push(caseId);
    return caseId;
  };
  const notify = (caseId: string, documentationId: string, hoursAgo: number) =>
    post(`/v1/cases/${caseId}/police-notifications`, {
      documentationId,
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: at(hoursAgo),
    });

  await notify(await open('2011-05-05'), 'pol-1', 2);
  await notify(await open('2010-09-10'), 'pol-2', 240);
  const convened = await open('2012-01-15');
  await notify(convened, 'pol-3', 48);
  await post(`/v1/cases/${convened}/network-council/convocations`, {
    councilId: 'c-1',
    documentationId: 'pol-3',
    invitees: [{ role: 'youth' }],
    meetingDate: new Date(Date.parse(now) + 2 * 86_400_000).toISOString().slice(0, 10),
    occurredAt: at(24),
  });
  const waived = await open('2011-11-11');
  const notified = await notify(waived, 'pol-4', 20);
  await post(
    `/v1/cases/${waived}/obligations/${notified.obligations.opened[0].obligationId}/waivers`,
    { justification: 'Handled by the neighbouring municipality', occurredAt: at(1) },
    tokens.supervisor,
  );

  for (let attempt = 0; ; attempt++) {
    const response = await http
      .get('/v1/obligations')
      .query({ state: 'breached', minPosition: position, wait: '10000' })
      .set('Authorization', `Bearer ${tokens.supervisor}`);
    if (
      response.status === 200 &&
      response.body.readModel.reached === true &&
      response.body.items.length === 1
    )
      break;
    if (attempt === 5)
      throw new Error(`the read model did not catch up: ${response.status} ${response.text}`);
  }
  return { caseIds, position };
}

/** One more case, with an open NSR-CONVENE: what a restore to an earlier point must not have. */
export async function openLaterCase(
  http: ReturnType<typeof request>,
  integration: string,
  now: string,
): Promise<string> {
  const opened = await http
    .post('/v1/cases')
    .set('Authorization', `Bearer ${integration}`)
    .set('Idempotency-Key', 'after-the-backup')
    .send({
      cpr: '0404104131',
      municipality: '461',
      occurredAt: new Date(Date.parse(now) - 400 * 3_600_000),
    });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${opened.text}`);
  const caseId = opened.body.caseId as string;
  const notified = await http
    .post(`/v1/cases/${caseId}/police-notifications`)
    .set('Authorization', `Bearer ${integration}`)
    .set('Idempotency-Key', 'after-the-backup-notify')
    .send({
      documentationId: 'pol-5',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: new Date(Date.parse(now) - 3 * 3_600_000),
    });
  if (notified.status !== 201) throw new Error(`notify: ${notified.status} ${notified.text}`);
  return caseId;
}
