import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { containsCprNumber, replaceCprNumbers } from '@fristvagt/domain';

/**
 * Issue 12: no response and no log line may repeat a CPR number, whatever route or header it came in. Every
 * app an end-to-end test file starts is tapped (`recordEveryApp`, loaded for every integration
 * test file by jest.config.js): the bytes it writes to its sockets, status line, headers and body, including
 * the answers Node's parser gives before any route. The helpers that start apps (startTestApi,
 * startDeadlineApp, startService) register their log lines; startService's child process taps its own
 * servers (cpr-scan-child.ts). After the test file, `assertNone` fails it with every finding, CPR masked.
 *
 * The detector is the domain's `containsCprNumber` (plain, hyphen, space, dashes, dotted dates), nothing of
 * its own. Its plain form is deliberately broad (any ten digits), so values that are never a CPR number are
 * blanked before it looks: UUIDs (case, request and key ids), hex digests (the hash chain), the full CPR number of a case read by a
 * role entitled to it (the one disclosure the design makes), the bodies of the web page's and Swagger UI's
 * built files, and the examples of the OpenAPI document.
 */

const CENSOR = '«CPR»';
const EXCERPT_CHARS = 80;

/** Ids that are UUIDs: random hex in which ten digits in a row happen about once in a hundred. */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * Hashes written in hex (the hash chain's SHA-256 of 64 characters, key fingerprints): random hex again, in
 * which ten digits in a row happen about once in fifteen 64-character hashes. 32 hex characters or more.
 */
const HEX_DIGEST = /\b[0-9a-f]{32,}\b/gi;

/** Where a text was said: a response (with its request) or a log. */
export interface CprFinding {
  /** `response` or the name of a log. */
  readonly source: string;
  /** The request the response answered, CPR masked; empty for a log line. */
  readonly request: string;
  /** The test that was running when it was said. */
  readonly test: string;
  /** The text around the first CPR number, every CPR number in it masked. */
  readonly excerpt: string;
}

/**
 * The one place a CPR number is meant to be said: a case read by a role that sees it in full (supervisor,
 * admin; docs/api.md), as `"person":{"cpr":"0103104123","masked":false,...}`.
 */
const DISCLOSED_CPR = /"cpr":"[^"]*"(?=,"masked":false)/g;

/**
 * A text with its random ids blanked out: UUIDs (case, request and correlation ids) and hex digests, whose digits
 * now and then spell any short value a test looks for (a CPR number's last four digits, a municipality code).
 */
export function withoutRandomIds(text: string): string {
  return text.replace(UUID, 'uuid').replace(HEX_DIGEST, 'hex');
}

/** A text with its random ids and sanctioned disclosures blanked out, so that only a leak is left for the detector. */
function withoutIds(text: string): string {
  return withoutRandomIds(text).replace(DISCLOSED_CPR, '"cpr":"disclosed"');
}

/**
 * Files made from the sources, never from what a request sent: the web page's built files and Swagger UI's.
 * A bundle holds strings like `'0123456789ABCDEF'` that the plain form takes for a CPR number, so only the
 * status line and headers of their successful answers are scanned.
 */
const STATIC_ASSET = /^GET \/(app\/assets|docs)\/[^?]*$/;

/**
 * Prometheus metrics, whose sample values are numbers the service measured (process_start_time_seconds is ten
 * digits): the values are blanked, the names and labels (where a leak would show) are scanned.
 */
const METRICS = /^GET \/metrics(\?|$)/;
const SAMPLE_VALUE = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) \S+( -?\d+)?$/gm;

/** The OpenAPI document, whose examples show what a CPR number looks like: everything else in it is scanned. */
const OPENAPI_DOCUMENT = /^GET \/docs-json(\?|$)/;
const EXAMPLE = /"example":"[^"]*"/g;

/** What of a response to `request` is scanned. */
function scannedPart(request: string, raw: string): string {
  const ok = /^HTTP\/1\.[01] 2/.test(raw);
  if (ok && STATIC_ASSET.test(request)) {
    const end = raw.indexOf('\r\n\r\n');
    return end < 0 ? raw : raw.slice(0, end);
  }
  if (ok && METRICS.test(request)) return raw.replace(SAMPLE_VALUE, '$1 0');
  return ok && OPENAPI_DOCUMENT.test(request) ? raw.replace(EXAMPLE, '"example":"…"') : raw;
}

/** Whether `text` holds a CPR number in any written form. */
export function saysCprNumber(text: string): boolean {
  return containsCprNumber(withoutIds(text));
}

/** The text around the first CPR number in `text`, each one masked. */
export function maskedExcerpt(text: string): string {
  const masked = replaceCprNumbers(withoutIds(text), CENSOR);
  const at = Math.max(0, masked.indexOf(CENSOR));
  const start = Math.max(0, at - EXCERPT_CHARS);
  const end = Math.min(masked.length, at + CENSOR.length + EXCERPT_CHARS);
  const excerpt = masked.slice(start, end).replace(/\r?\n/g, '⏎');
  return `${start > 0 ? '…' : ''}${excerpt}${end < masked.length ? '…' : ''}`;
}

function currentTest(): string {
  if (typeof expect === 'undefined') return '';
  // Test names may quote the CPR numbers they send.
  return replaceCprNumbers(expect.getState().currentTestName ?? '(outside a test)', CENSOR);
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  }
  return '';
}

/** One response on a connection: the request it answers and what was written for it so far. */
interface Exchange {
  /** `METHOD target`, or `(unparsed)` for what Node writes without a request (its answers to broken framing). */
  readonly request: string;
  readonly test: string;
  readonly parts: string[];
}

/**
 * Calls `record` once per response `server` writes (the raw bytes, as text), with the request it answers.
 * Only listens and wraps each socket's `write` and `end`: the server behaves as before. The function it
 * returns records what the open connections have written so far.
 */
export function tapHttpServer(
  server: Server,
  record: (request: string, raw: string, test: string) => void,
): () => void {
  const open = new Set<Exchange[]>();
  const exchangesOf = new WeakMap<Socket, Exchange[]>();
  const flush = (exchange: Exchange) => {
    try {
      if (exchange.parts.length > 0) record(exchange.request, exchange.parts.join(''), exchange.test);
    } catch (error) {
      // Runs in the app's socket events: a fault of the scan must never take the app under test down with it.
      process.stderr.write(`cpr-scan could not record a response: ${String(error)}\n`);
    }
    exchange.parts.length = 0;
  };
  const onConnection = (socket: Socket) => {
    // In order: HTTP/1.1 answers the requests of a connection in the order they came.
    const exchanges: Exchange[] = [];
    exchangesOf.set(socket, exchanges);
    open.add(exchanges);
    const current = (): Exchange => {
      if (exchanges.length === 0) exchanges.push({ request: '(unparsed)', test: currentTest(), parts: [] });
      return exchanges[0];
    };
    const write = socket.write;
    const end = socket.end;
    socket.write = function (this: Socket, chunk: unknown, ...rest: unknown[]) {
      current().parts.push(chunkText(chunk));
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Socket['write'];
    socket.end = function (this: Socket, chunk?: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && typeof chunk !== 'function') current().parts.push(chunkText(chunk));
      return (end as (...args: unknown[]) => Socket).call(this, chunk, ...rest);
    } as Socket['end'];
    socket.once('close', () => {
      exchanges.splice(0).forEach(flush);
      open.delete(exchanges);
    });
  };
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const exchanges = exchangesOf.get(request.socket);
    if (exchanges === undefined) return;
    // What was written before the request was read (a 100 Continue) is recorded on its own.
    if (exchanges.length === 1 && exchanges[0].request === '(unparsed)') flush(exchanges.shift()!);
    const exchange: Exchange = {
      request: `${request.method ?? '?'} ${request.url ?? '?'}`,
      test: currentTest(),
      parts: [],
    };
    exchanges.push(exchange);
    response.once('finish', () => {
      const at = exchanges.indexOf(exchange);
      if (at >= 0) exchanges.splice(at, 1);
      flush(exchange);
    });
  };
  server.prependListener('connection', onConnection);
  server.prependListener('request', onRequest);
  return () => open.forEach((exchanges) => exchanges.forEach(flush));
}

/**
 * What the apps of one test file said. `recordResponse` and `recordLog` scan as they go and keep only the
 * findings; `addLog` registers a log that is read (and scanned) when the findings are asked for.
 */
export class CprRecorder {
  private readonly found: CprFinding[] = [];
  private readonly elsewhere: Array<() => readonly CprFinding[]> = [];
  private readonly logs: Array<{ name: string; read: () => string; scannedChars: number }> = [];
  private readonly flushes: Array<() => void> = [];
  private readonly tapped = new WeakSet<Server>();
  private responseCount = 0;
  private logLineCount = 0;

  /** `onFinding` hears of each finding as it is made (a child process passes them on to the test's). */
  constructor(private readonly onFinding: (finding: CprFinding) => void = () => undefined) {}

  recordResponse(request: string, raw: string, test = currentTest()): void {
    this.responseCount++;
    if (!saysCprNumber(scannedPart(request, raw))) return;
    this.add({
      source: 'response',
      request: replaceCprNumbers(request, CENSOR),
      test,
      excerpt: maskedExcerpt(raw),
    });
  }

  recordLog(name: string, line: string, test = currentTest()): void {
    this.logLineCount++;
    if (!saysCprNumber(line)) return;
    this.add({ source: name, request: '', test, excerpt: maskedExcerpt(line) });
  }

  /** Every response `server` writes from now on. */
  tap(server: Server): void {
    if (this.tapped.has(server)) return;
    this.tapped.add(server);
    this.flushes.push(tapHttpServer(server, (request, raw, test) => this.recordResponse(request, raw, test)));
  }

  /** A log read in full whenever the findings are asked for; only what was added since is scanned. */
  addLog(name: string, read: () => string): void {
    this.logs.push({ name, read, scannedChars: 0 });
  }

  /** Findings made elsewhere (another process), read whenever the findings are asked for. */
  addFindings(read: () => readonly CprFinding[]): void {
    this.elsewhere.push(read);
  }

  /** How much was scanned: responses and log lines. */
  counts(): { responses: number; logLines: number } {
    this.scanLogs();
    return { responses: this.responseCount, logLines: this.logLineCount };
  }

  findings(): readonly CprFinding[] {
    this.scanLogs();
    return [...this.found, ...this.elsewhere.flatMap((read) => read())];
  }

  /** Throws, naming every finding (CPR masked), when any response or log line held a CPR number. */
  assertNone(where = typeof expect === 'undefined' ? '' : (expect.getState().testPath ?? '')): void {
    const findings = this.findings();
    if (findings.length === 0) return;
    const shown = findings
      .slice(0, 20)
      .map((finding) =>
        finding.request !== ''
          ? `  ${finding.source} to ${finding.request} (test "${finding.test}"): ${finding.excerpt}`
          : `  ${finding.source} line: ${finding.excerpt}`,
      );
    throw new Error(
      `${findings.length} CPR number(s) in what the app under test said (${where}):\n${shown.join('\n')}` +
        (findings.length > 20 ? `\n  … and ${findings.length - 20} more` : ''),
    );
  }

  private add(finding: CprFinding): void {
    this.found.push(finding);
    this.onFinding(finding);
  }

  private scanLogs(): void {
    for (const flush of this.flushes) flush();
    for (const log of this.logs) {
      const text = log.read();
      const fresh = text.slice(log.scannedChars);
      // A line still being written is scanned when it is complete.
      const complete = fresh.lastIndexOf('\n') + 1;
      for (const line of fresh.slice(0, complete).split('\n')) {
        if (line.trim() !== '') this.recordLog(log.name, line, '');
      }
      log.scannedChars += complete;
    }
  }
}

const RECORDER = Symbol.for('fristvagt.test.cpr-recorder');
type Listen = (this: Server, ...args: unknown[]) => Server;

/** Whether `listen` was called by Fastify, as the app's server is (the tests' own receivers are not). */
function listenedByFastify(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return /[\\/]node_modules[\\/]fastify[\\/]/.test(stack);
}

/**
 * From now on every app this process starts listening is tapped for `recorder`: those the helpers start and
 * those a test boots itself. Only Fastify's servers: a test's own receiver may answer with a CPR number on
 * purpose, to see that the app does not pass it on. Node's http module is one per process, shared by the
 * test files jest runs in it one after another, so `listen` is wrapped once and taps for the recorder set last.
 */
export function recordEveryApp(recorder: CprRecorder): void {
  const prototype = Server.prototype as unknown as { listen: Listen; [RECORDER]?: CprRecorder };
  if (!(RECORDER in prototype)) {
    const listen = prototype.listen;
    prototype.listen = function (this: Server, ...args: unknown[]) {
      if (listenedByFastify()) prototype[RECORDER]?.tap(this);
      return listen.apply(this, args);
    };
  }
  prototype[RECORDER] = recorder;
}

/**
 * The recorder of the test file that imports this module (jest gives each test file its own modules), with
 * an afterAll at the file's top level: it runs after the afterAll of every describe block, where the apps close.
 */
export const cprScan = new CprRecorder();

recordEveryApp(cprScan);
if (typeof afterAll === 'function') {
  afterAll(() => {
    // FRISTVAGT_CPR_SCAN_COUNTS=1 shows how much each test file had scanned.
    if (process.env.FRISTVAGT_CPR_SCAN_COUNTS === '1') {
      process.stderr.write(`cpr-scan ${expect.getState().testPath}: ${JSON.stringify(cprScan.counts())}\n`);
    }
    cprScan.assertNone();
  });
}
