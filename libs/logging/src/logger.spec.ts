import { Writable } from 'node:stream';
import { withLogContext } from './log-context';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';
import { redactLogLine } from './redaction';

/** A logger writing into memory; returns the logger and the lines written so far. */
function capture(): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'trace', destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const CPR_WITH_HYPHEN = '070761-4285';
const CPR_WITHOUT_HYPHEN = '0707614285';
const BARE_CPR_NUMBER = 2512489996;

describe('the logger', () => {
  it('never writes a CPR number, in the message or nested anywhere in the fields', () => {
    const { logger, lines } = capture();
    logger.info(`notification received for ${CPR_WITH_HYPHEN}`);
    logger.warn(
      {
        child: { person: { identity: { number: CPR_WITHOUT_HYPHEN, asNumber: BARE_CPR_NUMBER } } },
        list: [`a ${CPR_WITH_HYPHEN} b`, BARE_CPR_NUMBER],
      },
      'nested',
    );
    logger.error(new Error(`lookup failed for ${CPR_WITHOUT_HYPHEN}`));
    logger.child({ case: CPR_WITH_HYPHEN }).info('from a child logger');

    const output = lines();
    expect(output).toHaveLength(4);
    for (const line of output) {
      expect(line).not.toMatch(/0707614285|070761-4285|2512489996/);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    expect(JSON.parse(output[0]!).msg).toBe('notification received for [REDACTED-CPR]');
    expect(JSON.parse(output[1]!).child.person.identity).toEqual({
      number: '[REDACTED-CPR]',
      asNumber: '[REDACTED-CPR]',
    });
  });

  it.each([
    ['a space', '070761 4285'],
    ['an en dash', '070761\u20134285'],
    ['spaced em dash', '070761 \u2014 4285'],
    ['a no-break space', '070761\u00a04285'],
    ['a dotted date', '07.07.61-4285'],
    ['a dotted date and a space', '07.07.61 4285'],
    ['a slashed date', '07/07/61-4285'],
    ['a spaced date', '07 07 61 4285'],
  ])('censors a CPR number written with %s, and the line stays JSON', (_form, written) => {
    const { logger, lines } = capture();
    logger.info({ note: `the youth ${written} called`, nested: { list: [written] } }, `about ${written}`);
    const [line] = lines();
    expect(line).not.toContain('4285');
    const record = JSON.parse(line!) as Record<string, unknown>;
    expect(record.msg).toBe('about [REDACTED-CPR]');
    expect(record.note).toBe('the youth [REDACTED-CPR] called');
  });

  it('leaves dates with a four-digit year and phone numbers alone', () => {
    const { logger, lines } = capture();
    logger.info('meeting 01.03.2026 kl. 10, tlf. 12 34 56 78');
    expect(JSON.parse(lines()[0]!).msg).toBe('meeting 01.03.2026 kl. 10, tlf. 12 34 56 78');
  });

  it('leaves UUIDs whole, even one whose digits read like a CPR number, and still censors one beside it', () => {
    const { logger, lines } = capture();
    // ee662748-0390-… came from a CI run: "662748-0390" was censored inside the case id.
    logger.info(
      {
        caseId: 'ee662748-0390-57fb-9ac1-c61b3ee816ec',
        note: 'ee662748-0390-57fb-9ac1-c61b3ee816ec 010310-4827',
      },
      'read',
    );
    const record = JSON.parse(lines()[0]!);
    expect(record.caseId).toBe('ee662748-0390-57fb-9ac1-c61b3ee816ec');
    expect(record.note).toBe('ee662748-0390-57fb-9ac1-c61b3ee816ec [REDACTED-CPR]');
  });

  it('censors keys named cpr, authorization, password and cookie at any depth', () => {
    const { logger, lines } = capture();
    logger.info({
      cpr: 'anything',
      req: { headers: { authorization: 'Bearer abc.def', cookie: 'session=1' } },
      deep: { er: { still: { password: 'hunter2', Password: 42, cpr: { value: 'x' } } } },
    });
    const line = lines()[0]!;
    expect(line).not.toMatch(/anything|abc\.def|hunter2|session=1|"value"/);
    const record = JSON.parse(line);
    expect(record.cpr).toBe('[REDACTED]');
    expect(record.req.headers.authorization).toBe('[REDACTED]');
    expect(record.deep.er.still.password).toBe('[REDACTED]');
    expect(record.deep.er.still.Password).toBe('[REDACTED]');
  });

  it('censors secrets that only appear once an error is serialized', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('connect to postgres://app:hunter2@db:5432/x failed'), {
      password: 'hunter2',
    });
    logger.error({ err: error }, 'query failed');
    const line = lines()[0]!;
    expect(line).not.toContain('hunter2');
    expect(JSON.parse(line).err.message).toBe('connect to postgres://app:[REDACTED]@db:5432/x failed');
  });

  it('leaves ordinary numbers, ids and times alone', () => {
    const { logger, lines } = capture();
    logger.info({ revision: 12, position: '123456789012', id: '0b9e6a32-6b1e-4d0f-9d3c-1a2b3c4d5e6f' }, 'ok');
    const record = JSON.parse(lines()[0]!);
    expect(record).toMatchObject({ revision: 12, position: '123456789012', msg: 'ok', level: 'info' });
    expect(record.id).toBe('0b9e6a32-6b1e-4d0f-9d3c-1a2b3c4d5e6f');
    expect(typeof record.time).toBe('string');
  });

  it('routes Nest log calls through pino with their context', () => {
    const { logger, lines } = capture();
    const nest = new PinoNestLogger(logger);
    nest.log(`Mapped {/cases/${CPR_WITH_HYPHEN}, GET} route`, 'RouterExplorer');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    nest.verbose('detail');
    const [info, error, verbose] = lines().map((line) => JSON.parse(line));
    expect(info).toMatchObject({
      level: 'info',
      context: 'RouterExplorer',
      msg: 'Mapped {/cases/[REDACTED-CPR], GET} route',
    });
    expect(error).toMatchObject({
      level: 'error',
      context: 'ExceptionsHandler',
      msg: 'boom',
      stack: 'Error: boom\n    at x',
    });
    expect(verbose).toMatchObject({ level: 'trace', msg: 'detail' });
  });
});

describe('the log context', () => {
  it('puts the request and correlation ids on every line written inside it, also after an await', async () => {
    const { logger, lines } = capture();
    logger.info('before');
    await withLogContext({ requestId: 'req-1', correlationId: 'corr-1' }, async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ component: 'x' }).warn({ caseId: 'c-1' }, 'later');
    });
    logger.info('after');
    const [before, inside, later, after] = lines().map((line) => JSON.parse(line));
    expect(before.requestId).toBeUndefined();
    expect(inside).toMatchObject({ requestId: 'req-1', correlationId: 'corr-1', msg: 'inside' });
    expect(later).toMatchObject({
      requestId: 'req-1',
      correlationId: 'corr-1',
      component: 'x',
      caseId: 'c-1',
    });
    expect(after.correlationId).toBeUndefined();
  });

  it('lets a field of the log call win, adds to an outer context, and is not changed by a line', () => {
    const { logger, lines } = capture();
    withLogContext({ requestId: 'req-1', correlationId: 'corr-1' }, () => {
      logger.info({ correlationId: 'corr-of-the-breach' }, 'explicit');
      withLogContext({ correlationId: 'corr-2' }, () => logger.info('nested'));
      logger.info('again');
    });
    const [explicit, nested, again] = lines().map((line) => JSON.parse(line));
    expect(explicit).toMatchObject({ requestId: 'req-1', correlationId: 'corr-of-the-breach' });
    expect(nested).toMatchObject({ requestId: 'req-1', correlationId: 'corr-2' });
    expect(again).toMatchObject({ requestId: 'req-1', correlationId: 'corr-1' });
    expect(again.msg).toBe('again');
  });
});

describe('redactLogLine', () => {
  it('keeps the line valid JSON when a bare number is censored', () => {
    const line = redactLogLine(`{"a":${BARE_CPR_NUMBER},"b":[${BARE_CPR_NUMBER}],"c":1.2512489996}`);
    expect(JSON.parse(line)).toEqual({ a: '[REDACTED-CPR]', b: ['[REDACTED-CPR]'], c: 1.2512489996 });
  });
});
