import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { cprFor } from '../support/api';
import { type DeadlineApp, startDeadlineApp } from '../support/deadline-app';
import { LIVE_DUE, LIVE_RECEIVED, seedDashboard, type Seeded } from './dashboard-seed';

/**
 * Issue 14's web page in a real browser: Debian's Chromium driven by playwright-core (which never downloads a
 * browser of its own), against the whole service on the embedded defaults, with the page built by
 * scripts/build-web.mjs into a folder of its own. The service clock is set to 15 December 2026 shortly before
 * midnight, and the browser's clock to the same instant, so one obligation can be watched breaching live.
 *
 * With SCREENSHOTS_DIR set (npm run docs:screenshots) it also writes frister.png, sag.png and overholdelse.png.
 */
const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SCREENSHOTS_DIR = process.env.SCREENSHOTS_DIR ? resolve(ROOT, process.env.SCREENSHOTS_DIR) : undefined;

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core on the page as it is now; the CSP forbids inline scripts, so it is evaluated over the protocol. */
async function expectNoSeriousViolations(page: Page, view: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document).then((result) => result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    })))`,
  )) as AxeViolation[];
  const serious = violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  if (serious.length > 0) {
    const lines = serious.map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n    ${violation.targets.join('\n    ')}`,
    );
    throw new Error(
      `axe found ${serious.length} serious or critical violations on ${view}:\n${lines.join('\n')}`,
    );
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS_DIR === undefined) return;
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  // The whole page in a window as tall as the page: a full-page capture resizes the window while it shoots,
  // and a chart redrawing for that resize may be caught blank.
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  await page.screenshot({ path: join(SCREENSHOTS_DIR, name) });
  await page.setViewportSize(viewport);
}

/** A fetch made by the page itself, with its session cookie: the status and the JSON body. */
async function pageFetch(page: Page, path: string): Promise<{ status: number; body: unknown }> {
  return (await page.evaluate(
    `fetch(${JSON.stringify(path)}).then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }))`,
  )) as { status: number; body: unknown };
}

/**
 * Polls a condition from the test (the page's CSP forbids the string evaluation waitForFunction would need).
 */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const card = (caseId: string, obligationId: string, column?: string) =>
  `${column === undefined ? '' : `[data-column="${column}"] `}article[data-case-id="${caseId}"][data-obligation-id="${obligationId}"]`;

describe('the web page', () => {
  let app: DeadlineApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let webDir: string;
  let seeded: Seeded;
  const tokens = { supervisor: '', integration461: '', integration101: '' };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The browser tests drive Debian's Chromium at ${CHROMIUM}, which is not installed: ` +
          'install it with `apt-get install chromium` (playwright-core never downloads a browser).',
      );
    }
    webDir = await mkdtemp(join(tmpdir(), 'fristvagt-web-'));
    // The script the build runs, into a folder of this test's own.
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs'), webDir], {
      cwd: ROOT,
    });
    [app, browser] = await Promise.all([
      startDeadlineApp('embedded', { WEB_ASSETS_DIR: webDir, SCHEDULER_SWEEP_INTERVAL: '1s' }),
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    ]);
    // Six minutes before the midnight the live obligation falls due: time to seed and look around first, and
    // a jump to 3 s before it later that is well within the session's idle timeout (30 min by the same clock).
    app.clock.setNow(new Date(Date.parse(LIVE_DUE) - 6 * 60_000));
    tokens.supervisor = await app.key('supervisor', ['461']);
    tokens.integration461 = await app.key('integration', ['461']);
    tokens.integration101 = await app.key('integration', ['101']);
    seeded = await seedDashboard(app, tokens.integration461, tokens.integration101);
    // The board reads the read models, which follow the log a moment behind: wait until they have it all.
    for (const [path, status] of [
      ['/v1/obligations/summary', 'readModel'],
      ['/v1/compliance', 'checkpoint'],
    ] as const) {
      const response = await app.http
        .get(path)
        .query({ minPosition: seeded.lastPosition, wait: '10000' })
        .set('Authorization', `Bearer ${tokens.supervisor}`);
      expect(response.status).toBe(200);
      expect(response.body[status].reached).toBe(true);
    }

    // A browser far from Copenhagen: the page must show Copenhagen time whatever the browser's zone.
    context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'da-DK',
      timezoneId: 'America/New_York',
    });
    page = await context.newPage();
    await page.clock.setSystemTime(app.clock.now());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    if (webDir !== undefined) await rm(webDir, { recursive: true, force: true });
  }, 60_000);

  it('refuses an integration key at sign-in, with a message in Danish, and sets no session', async () => {
    const other = await browser.newContext({ locale: 'da-DK' });
    try {
      const signIn = await other.newPage();
      await signIn.goto(`${app.running.url}/app/`);
      await signIn.getByLabel('API-nøgle').fill(tokens.integration461);
      await signIn.getByRole('button', { name: 'Log ind' }).click();
      const alert = signIn.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('En integrationsnøgle kan ikke bruges til at logge ind');
      expect((await pageFetch(signIn, '/v1/session')).status).toBe(401);
      expect(await other.cookies()).toEqual([]);
      await expectNoSeriousViolations(signIn, 'the sign-in form');
    } finally {
      await other.close();
    }
  }, 30_000);

  it('signs in with a supervisor key and shows the seeded obligations in their columns', async () => {
    await page.goto(`${app.running.url}/app/`);
    const keyField = page.getByLabel('API-nøgle');
    expect(await keyField.getAttribute('type')).toBe('password');
    await keyField.fill(tokens.supervisor);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('heading', { level: 1, name: 'Frister' }).waitFor();
    expect(await page.getByTestId('who').textContent()).toMatch(/Leder.*461/);

    for (const [column, keys] of Object.entries(seeded.columns)) {
      for (const key of keys) {
        const [caseId, obligationId] = key.split(' ');
        await page.locator(card(caseId, obligationId, column)).waitFor({ timeout: 10_000 });
      }
    }
    // Nothing else: the board holds exactly the open obligations the session's API answers, by state.
    const counts = await page.evaluate(
      `[...document.querySelectorAll('[data-column]')].map((column) => [column.dataset.column, column.querySelectorAll('article').length])`,
    );
    const listed = (await pageFetch(page, '/v1/obligations?limit=500')).body as {
      items: { state: string }[];
    };
    const byState = { breached: 0, 'due-soon': 0, open: 0 } as Record<string, number>;
    for (const item of listed.items) byState[item.state] += 1;
    expect(Object.fromEntries(counts as [string, number][])).toEqual(byState);

    // Time left in words, and dates on Copenhagen's calendar although the browser is in New York.
    const [soonCase, soonObligation] = seeded.columns['due-soon'][0].split(' ');
    const soon = page.locator(card(soonCase, soonObligation));
    expect(await soon.getByTestId('time-left').textContent()).toContain('om 1 dag');
    expect(await soon.locator('time').textContent()).toBe('16. december 2026');
    const [lateCase, lateObligation] = seeded.columns.breached[0].split(' ');
    expect(await page.locator(card(lateCase, lateObligation)).getByTestId('time-left').textContent()).toMatch(
      /overskredet for \d+ (måneder|måned|dage|dag) siden/,
    );
    // Each card says its state in words, not only in colour.
    expect(await page.locator(card(lateCase, lateObligation)).textContent()).toContain('Overskredet');
    // A rule by its id and its Danish name (the catalogue's titleDa), not the rule pack's English title.
    const convene = page.locator('[data-column] article[data-obligation-id^="NSR-CONVENE:"]').first();
    expect(await convene.locator('.card__rule').textContent()).toBe('NSR-CONVENE');
    expect(await convene.getByRole('heading', { level: 3 }).textContent()).toBe(
      'Netværkssamråd skal indkaldes',
    );
    expect(await page.locator('.board').textContent()).not.toContain('Convene a network council');
    expect(await page.getByLabel('Regel').textContent()).toContain(
      'NSR-CONVENE – Netværkssamråd skal indkaldes',
    );

    await expectNoSeriousViolations(page, 'Frister');
    await screenshot(page, 'frister.png');
  }, 60_000);

  it('filters the board by rule and by case', async () => {
    const cards = page.locator('[data-column] article');
    await page.getByLabel('Regel').selectOption('CP-FOLLOWUP-1');
    await until(async () => (await cards.count()) === 2, 'two CP-FOLLOWUP-1 cards');
    for (const id of await cards.evaluateAll((all) =>
      all.map((one) => one.getAttribute('data-obligation-id')),
    )) {
      expect(id).toMatch(/^CP-FOLLOWUP-1:/);
    }
    await page.getByLabel('Regel').selectOption('');
    const [caseId] = seeded.columns['due-soon'][0].split(' ');
    await page.getByLabel('Sag (id eller begyndelsen af det)').fill(caseId.slice(0, 8));
    await until(async () => (await cards.count()) === 1, 'one card for the case');
    expect(await cards.getAttribute('data-case-id')).toBe(caseId);
    await page.getByLabel('Sag (id eller begyndelsen af det)').fill('');
    await until(async () => (await cards.count()) > 1, 'every card again');
  }, 30_000);

  it('moves an obligation that breaches to "Overskredet" within 2 s of its due instant, without a reload', async () => {
    const opened = await app.post(tokens.integration461, '/v1/cases', {
      cpr: cprFor('2009-09-09', 4999),
      municipality: '461',
      occurredAt: '2026-12-07T08:00:00.000Z',
    });
    const caseId = String(opened.caseId);
    await page.evaluate('window.sameDocument = true');
    expect(app.clock.now().getTime()).toBeLessThan(Date.parse(LIVE_DUE) - 3_500);
    app.clock.setNow(new Date(Date.parse(LIVE_DUE) - 3_500));
    await page.clock.setSystemTime(app.clock.now());

    // Received on 8 December: NSR-CONVENE falls due at midnight, about 3 s from now. Its warning time is past,
    // so the stream says due-soon at once and the board fetches the new card.
    const notified = await app.post(tokens.integration461, `/v1/cases/${caseId}/police-notifications`, {
      documentationId: 'pol-live-1',
      kind: 'interview-invitation',
      offenceCategories: ['robbery'],
      occurredAt: LIVE_RECEIVED,
    });
    const { obligationId } = (notified.obligations as { opened: { obligationId: string }[] }).opened[0];
    await page.locator(card(caseId, obligationId)).waitFor({ timeout: 3_000 });
    expect(app.clock.now().getTime()).toBeLessThan(Date.parse(LIVE_DUE));
    expect(await page.locator(card(caseId, obligationId)).getAttribute('data-state')).not.toBe('breached');

    await page.locator(card(caseId, obligationId, 'breached')).waitFor({ timeout: 10_000 });
    const lateMs = app.clock.now().getTime() - Date.parse(LIVE_DUE);
    expect(lateMs).toBeLessThan(2_000);
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    expect(await page.locator('#announcer').textContent()).toContain('Frist overskredet: NSR-CONVENE');
  }, 30_000);

  it('opens a case from the board and waives an obligation with the required written justification', async () => {
    const { caseId, obligationId } = seeded.waiveCase;
    await page.getByRole('link', { name: 'Frister' }).click();
    await page
      .locator(card(caseId, obligationId, 'open'))
      .getByRole('link')
      .click();
    await page.getByRole('heading', { level: 1, name: `Sag ${caseId}` }).waitFor();
    const obligation = page.locator(`article.obligation[data-obligation-id="${obligationId}"]`);
    expect(await obligation.textContent()).toContain('Åben');
    expect(await obligation.textContent()).toContain('Socialstyrelsen');
    expect(await obligation.getByRole('heading', { level: 3 }).textContent()).toBe(
      'Netværkssamråd bør afholdes',
    );
    expect(await page.locator('.timeline').textContent()).toContain('Netværkssamråd indkaldt');
    expect(await page.locator('.timeline').textContent()).toContain('NSR-HOLD: Netværkssamråd bør afholdes');
    await expectNoSeriousViolations(page, 'Sag');

    await obligation.getByRole('button', { name: 'Frafald forpligtelsen…' }).click();
    const justification = obligation.getByLabel('Skriftlig begrundelse (påkrævet)');
    await justification.waitFor();
    // Without a justification nothing is sent.
    await obligation.getByRole('button', { name: 'Frafald', exact: true }).click();
    expect(await obligation.getByRole('alert').textContent()).toContain('Skriv en begrundelse');
    await expectNoSeriousViolations(page, 'Sag with the waiver form');

    const reason = 'Den unge er flyttet til Aarhus Kommune, som holder samrådet.';
    await justification.fill(reason);
    await obligation.getByRole('button', { name: 'Frafald', exact: true }).click();
    const waived = page.locator(
      `article.obligation[data-obligation-id="${obligationId}"][data-state="waived"]`,
    );
    await waived.waitFor({ timeout: 10_000 });
    expect(await waived.textContent()).toContain(reason);
    expect(await waived.textContent()).toContain('Frafaldet');

    const events = await app.store.readStream(`case-${caseId}`);
    const waiver = events.find((event) => event.type === 'ObligationWaived');
    expect(waiver?.data).toMatchObject({ obligationId, justification: reason });
    await screenshot(page, 'sag.png');
  }, 30_000);

  it('shows compliance per rule and month and the days to convene network councils, as charts and tables', async () => {
    await page.getByRole('link', { name: 'Overholdelse' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overholdelse' }).waitFor();
    await page.getByTestId('rule-summary').waitFor();
    const report = (await pageFetch(page, '/v1/compliance')).body as {
      networkCouncilConvocation: { bins: { label: string; count: number }[]; notConvened: number };
    };

    const onTime = page.getByTestId('chart-on-time');
    expect(await onTime.locator('canvas').getAttribute('role')).toBe('img');
    expect(await onTime.locator('canvas').getAttribute('aria-label')).toContain('opfyldt rettidigt');
    expect(await page.getByTestId('rule-summary').textContent()).toContain('NSR-CONVENE');
    expect(
      await page.getByTestId('rule-summary').locator('.summary-table__title').allTextContents(),
    ).toContain('Netværkssamråd skal indkaldes');

    const convocation = page.getByTestId('chart-convocation');
    await convocation.getByText('Vis tallene som tabel').click();
    const rows = (await convocation
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent]))) as [
      string,
      string,
    ][];
    expect(rows.map(([label]) => label)).toEqual([
      '0-7 dage (inden for fristen)',
      '8-14 dage',
      '15-21 dage',
      '22-28 dage',
      '29-35 dage',
      'over 35 dage',
      'Ikke indkaldt',
    ]);
    expect(rows.map(([, count]) => Number(count))).toEqual([
      ...report.networkCouncilConvocation.bins.map((bin) => bin.count),
      report.networkCouncilConvocation.notConvened,
    ]);
    // The canvas has been drawn by Chart.js: not blank.
    const drawn = await convocation
      .locator('canvas')
      .evaluate((canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL().length);
    expect(drawn).toBeGreaterThan(2_000);

    await expectNoSeriousViolations(page, 'Overholdelse');
    await convocation.getByText('Vis tallene som tabel').click();
    await screenshot(page, 'overholdelse.png');
  }, 30_000);

  it('never shows a supervisor of 461 a case of 101, on the page or through the session’s API calls', async () => {
    const other = seeded.otherMunicipalityCase;
    await page.getByRole('link', { name: 'Frister' }).click();
    await page.getByRole('heading', { level: 1, name: 'Frister' }).waitFor();
    await page.locator('[data-column="open"] article').first().waitFor();
    expect(await page.locator(`[data-case-id="${other}"]`).count()).toBe(0);

    await page.evaluate(`location.hash = '#/sag/${other}'`);
    await page.getByTestId('case-not-found').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sagen blev ikke fundet');

    expect((await pageFetch(page, `/v1/cases/${other}`)).status).toBe(404);
    expect((await pageFetch(page, `/v1/cases/${other}/history`)).status).toBe(404);
    const listed = await pageFetch(page, `/v1/obligations?caseId=${other}`);
    expect(listed).toMatchObject({ status: 200, body: { items: [] } });
    expect((await pageFetch(page, '/v1/obligations?municipality=101')).status).toBe(403);
    expect((await pageFetch(page, '/v1/compliance?municipality=101')).status).toBe(403);
  }, 30_000);

  it('signs out: the session ends and the sign-in form is back', async () => {
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Du er logget ud');
    expect((await pageFetch(page, '/v1/session')).status).toBe(401);
  }, 30_000);
});
