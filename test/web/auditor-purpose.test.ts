import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { AUDITOR_READ_RECORDED, type AuditorReadRecordedData } from '@fristvagt/audit';
import { API_KEY_STORE, type ApiKeyStore } from '../../apps/api/src/access/api-key-store';
import { allEvents } from '../support/api-requests';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const PURPOSE = 'Ankestyrelsen j.nr. 26-0042: stikprøve på frister';

/**
 * Issue 13 on the web page, in Debian's Chromium: an auditor states the purpose at sign-in, and the page sends
 * it with every read (the header on its calls, the parameter on the alert stream), so each is in the access
 * log with that purpose and none is refused for the lack of one.
 */
describe('the web page for an auditor', () => {
  let app: DeadlineApp;
  let browser: Browser;
  let webDir: string;
  let auditorKey = '';

  const records = async () =>
    (await allEvents(app.store))
      .filter((event) => event.type === AUDITOR_READ_RECORDED)
      .map((event) => event.data as unknown as AuditorReadRecordedData);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`The browser tests drive Debian's Chromium at ${CHROMIUM}: install it.`);
    webDir = await mkdtemp(join(tmpdir(), 'fristvagt-web-audit-'));
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), webDir], {
      cwd: ROOT,
    });
    [app, browser] = await Promise.all([
      startDeadlineApp('embedded', { WEB_ASSETS_DIR: webDir }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] }),
    ]);
    const keys = app.running.app.get<ApiKeyStore>(API_KEY_STORE);
    auditorKey = (await keys.create({ role: 'auditor', municipalities: ['461'] }, app.clock.now())).token;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (webDir !== undefined) await rm(webDir, { recursive: true, force: true });
  }, 60_000);

  it('asks an auditor for the purpose, and signs in without one only to sign out again', async () => {
    const context = await browser.newContext({ locale: 'da-DK' });
    try {
      const page = await context.newPage();
      await page.goto(`${app.running.url}/app/`);
      await page.getByLabel('API-nøgle').fill(auditorKey);
      await page.getByRole('button', { name: 'Log ind' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Som revisor skal du angive formålet');
      const session = (await page.evaluate(`fetch('/v1/session').then((r) => r.status)`)) as number;
      expect(session).toBe(401);
      expect(await records()).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('sends the purpose with every read, each recorded, none refused, and keeps it over a reload', async () => {
    const context = await browser.newContext({ locale: 'da-DK' });
    const refused: string[] = [];
    try {
      const page = await context.newPage();
      page.on('response', (response) => {
        if (response.status() === 400) refused.push(new URL(response.url()).pathname);
      });
      await page.goto(`${app.running.url}/app/`);
      await page.getByLabel('API-nøgle').fill(auditorKey);
      await page.getByLabel('Formål (kun for revisorer)').fill(PURPOSE);
      await page.getByRole('button', { name: 'Log ind' }).click();
      await page.getByRole('heading', { level: 1, name: 'Frister' }).waitFor({ timeout: 15_000 });

      const routes = async () => new Set((await records()).map((record) => record.route));
      const deadline = Date.now() + 10_000;
      for (;;) {
        const seen = await routes();
        if ((seen.has('/v1/rules') && seen.has('/v1/alerts/stream')) || Date.now() > deadline) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      const first = await records();
      expect(first.map((record) => record.route)).toEqual(
        expect.arrayContaining(['/v1/rules', '/v1/alerts/stream']),
      );
      for (const record of first) {
        expect(record).toMatchObject({ via: 'session', purpose: PURPOSE, method: 'GET' });
      }
      expect(refused).toEqual([]);

      // A reload keeps the session and the purpose (the tab's sessionStorage).
      const before = first.length;
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Frister' }).waitFor({ timeout: 15_000 });
      const afterReload = async () => (await records()).slice(before);
      const until = Date.now() + 10_000;
      while ((await afterReload()).length === 0 && Date.now() < until)
        await new Promise((done) => setTimeout(done, 100));
      const again = await afterReload();
      expect(again.length).toBeGreaterThan(0);
      for (const record of again) expect(record.purpose).toBe(PURPOSE);
      expect(refused).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
