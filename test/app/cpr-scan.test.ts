import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { CprRecorder, saysCprNumber } from '../support/cpr-scan';

/**
 * The recorder every end-to-end test's apps report to (test/support/cpr-scan.ts) must be able to fail: a
 * CPR number in any written form in a response or a log line fails the check, and the failure never repeats
 * the number.
 */

const WRITTEN_FORMS = ['0103104123', '010310-4123', '010310 4123', '010310–4123', '01.03.10-4123'];

function failureOf(recorder: CprRecorder): string {
  try {
    recorder.assertNone('cpr-scan.test.ts');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('assertNone passed');
}

describe('the CPR scan of responses and log lines', () => {
  it("fails on a response that holds '010310 4123', naming the request, with the number masked", () => {
    const recorder = new CprRecorder();
    recorder.recordResponse(
      'GET /v1/cases/7',
      'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"note":"born 010310 4123"}',
    );

    const message = failureOf(recorder);

    expect(message).toContain('1 CPR number(s)');
    expect(message).toContain('response to GET /v1/cases/7');
    expect(message).toContain('born «CPR»');
    expect(message).not.toMatch(/4123/);
  });

  it.each(WRITTEN_FORMS)('fails on %s in a response body and in a log line', (cpr) => {
    const recorder = new CprRecorder();
    recorder.recordResponse('POST /v1/cases', `HTTP/1.1 400 Bad Request\r\n\r\n{"detail":"${cpr}"}`);
    recorder.addLog('log', () => `{"level":"info","msg":"ok"}\n{"level":"error","msg":"cpr ${cpr}"}\n`);

    const findings = recorder.findings();

    expect(findings.map((finding) => finding.source)).toEqual(['response', 'log']);
    expect(JSON.stringify(findings)).not.toContain(cpr);
    expect(recorder.counts()).toEqual({ responses: 1, logLines: 2 });
  });

  it('passes ids, instants, a supervisor’s case read and the built web page, and fails a CPR number elsewhere', () => {
    const recorder = new CprRecorder();
    // ab123456-7890 is ten digits with a hyphen after six, inside a UUID.
    recorder.recordResponse(
      'GET /v1/cases/ab123456-7890-4abc-8def-123456789012',
      'HTTP/1.1 200 OK\r\nx-request-id: ab123456-7890-4abc-8def-123456789012\r\n\r\n' +
        '{"caseId":"ab123456-7890-4abc-8def-123456789012","occurredAt":"2026-03-25T10:00:00.000Z",' +
        '"person":{"cpr":"0103104123","masked":false,"birthDate":"2010-03-01"},"revision":12}',
    );
    recorder.addLog('log', () => '{"level":"info","time":1774432800000,"durationMs":12,"msg":"done"}\n');
    recorder.recordResponse(
      'GET /app/assets/main-QX3EERMY.js',
      'HTTP/1.1 200 OK\r\ncontent-type: text/javascript\r\n\r\nconst hex=[..."0123456789ABCDEF"];',
    );
    recorder.recordResponse(
      'GET /docs-json',
      'HTTP/1.1 200 OK\r\n\r\n{"cpr":{"type":"string","example":"0103101234"}}',
    );
    // A SHA-256 of the hash chain with ten digits in a row (a real one from a checkpoint export).
    recorder.recordResponse(
      'GET /v1/audit/checkpoints',
      'HTTP/1.1 200 OK\r\n\r\n{"hash":"2001104567c7b663716a5761cd28d579b6199c67a57ee3ece221fb9922c0a7c3"}',
    );
    expect(recorder.findings()).toEqual([]);

    recorder.recordResponse(
      'GET /app/assets/0103104123.js',
      'HTTP/1.1 404 Not Found\r\n\r\n{"detail":"no /app/assets/0103104123.js"}',
    );
    expect(recorder.findings()).toHaveLength(1);

    recorder.recordResponse(
      'GET /v1/cases/x',
      '{"person":{"cpr":"010310-XXXX","masked":true},"detail":"0103104123"}',
    );
    expect(recorder.findings()).toHaveLength(2);

    recorder.recordResponse('GET /v1/audit/checkpoints', '{"hash":"abc123","note":"2001104567"}');
    expect(recorder.findings()).toHaveLength(3);
  });

  it('passes the measured values of /metrics, and fails a CPR number in its names or labels', () => {
    const recorder = new CprRecorder();
    const metrics = (body: string) => `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n${body}`;
    recorder.recordResponse(
      'GET /metrics',
      metrics(
        '# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1764642679\n' +
          'fristvagt_command_duration_seconds_sum{command="OpenCase",outcome="ok"} 0.0123456789\n',
      ),
    );
    expect(recorder.findings()).toEqual([]);

    recorder.recordResponse(
      'GET /metrics',
      metrics('fristvagt_obligations_open{municipality="0103104123"} 1\n'),
    );
    recorder.recordResponse('GET /v1/cases', metrics('process_start_time_seconds 1764642679\n'));
    expect(recorder.findings().map((finding) => finding.request)).toEqual(['GET /metrics', 'GET /v1/cases']);
  });

  it('scans a log line only once it is complete, and each line once', () => {
    let log = '{"msg":"a"}\n{"msg":"0103';
    const recorder = new CprRecorder();
    recorder.addLog('log', () => log);
    expect(recorder.findings()).toEqual([]);
    log += '104123"}\n';
    expect(recorder.findings()).toHaveLength(1);
    expect(recorder.findings()).toHaveLength(1);
    expect(recorder.counts().logLines).toBe(2);
  });

  describe('tapping a server', () => {
    let server: Server;
    let port: number;
    const recorder = new CprRecorder();

    beforeAll(async () => {
      // A server that makes the mistake of issue 12: it echoes the path.
      server = createServer((request, response) => {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ detail: `Cannot GET ${request.url}` }));
      });
      server.on('clientError', (_error, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n0103104123'));
      // Not Fastify, so not an app: only this test's recorder hears it (the file's would fail the file).
      recorder.tap(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('records every response with the request it answers, and what Node answers before any request', async () => {
      const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`).then((r) => r.text());
      await get('/v1/persons/010310-4123');
      await get('/v1/cases/ok');
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GARBAGE\r\n\r\n'));
        socket.on('close', () => resolve());
        socket.resume();
      });

      const findings = recorder.findings();

      expect(findings.map((finding) => `${finding.source} ${finding.request}`)).toEqual([
        'response GET /v1/persons/«CPR»',
        'response (unparsed)',
      ]);
      expect(findings[0].excerpt).toContain('"detail":"Cannot GET /v1/persons/«CPR»"');
      expect(recorder.counts().responses).toBe(3);
      expect(saysCprNumber(JSON.stringify(findings))).toBe(false);
    });
  });
});
