import { runCli } from './cli';

async function run(argv: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    readStdin: async () => stdin,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('fristvagt due', () => {
  it('prints the NSR-CONVENE due across the spring DST change', async () => {
    const { code, stdout } = await run(['due', 'NSR-CONVENE', '--from', '2025-03-25T10:00:00Z']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ruleId: 'NSR-CONVENE',
      variant: 'barnets-lov',
      strictDueAt: '2025-04-01T22:00:00.000Z',
      rolledDueAt: null,
      localDueDate: '2025-04-01',
      basis: 'statute',
      citation:
        'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
      citationVerified: false,
      rulePack: { id: 'dk-youth', version: '2026.2' },
    });
  });

  it('uses the birth date for AC-ASSESS and the municipality for AC-DECIDE', async () => {
    const assess = await run([
      'due',
      'AC-ASSESS',
      '--from',
      '2020-01-06T10:00:00Z',
      '--birth-date',
      '2010-08-31',
    ]);
    expect(JSON.parse(assess.stdout)).toMatchObject({ localDueDate: '2028-02-29' });
    const decide = await run(['due', 'AC-DECIDE', '--from', '2025-03-25T10:00:00Z', '--municipality', '561']);
    expect(JSON.parse(decide.stdout)).toMatchObject({ localDueDate: '2025-04-24' });
    const plan = await run(['due', 'NSR-PLAN', '--from', '2025-03-25T10:00:00Z']);
    expect(JSON.parse(plan.stdout)).toMatchObject({ strictDueAt: null, localDueDate: null });
  });

  it('prints the new rules: UNDERRETNING-ASSESS 24 real hours after receipt, BFU-COMPLETE after 4 months', async () => {
    const notification = await run(['due', 'UNDERRETNING-ASSESS', '--from', '2025-03-29T11:00:00Z']);
    expect(JSON.parse(notification.stdout)).toMatchObject({
      strictDueAt: '2025-03-30T11:00:00.000Z',
      rolledDueAt: null,
      localDueDate: '2025-03-30',
    });
    const investigation = await run(['due', 'BFU-COMPLETE', '--from', '2024-10-31T10:00:00Z']);
    expect(JSON.parse(investigation.stdout)).toMatchObject({ localDueDate: '2025-02-28' });
    const plan = await run([
      'due',
      'UNGEPLAN',
      '--from',
      '2025-01-15T10:00:00Z',
      '--birth-date',
      '2011-08-31',
    ]);
    expect(JSON.parse(plan.stdout)).toMatchObject({ localDueDate: '2027-11-30' });
  });

  it('--pack-version 2026.1 computes under the earlier pack, with its citations', async () => {
    const { code, stdout } = await run([
      'due',
      'NSR-CONVENE',
      '--from',
      '2025-03-25T10:00:00Z',
      '--pack-version',
      '2026.1',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      citation: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
      rulePack: { id: 'dk-youth', version: '2026.1' },
    });
  });

  it.each([
    [
      ['due', 'NSR-CONVENE', '--from', '2025-03-25T10:00:00Z', '--pack-version', '1999.1'],
      'Unknown --pack-version',
    ],
    [['due', 'BFU-COMPLETE', '--from', '2025-03-25T10:00:00Z', '--pack-version', '2026.1'], 'not in effect'],
    [['due', 'UNGEPLAN', '--from', '2025-03-25T10:00:00Z'], 'needs --birth-date'],
    [['due'], 'due needs a RULE_ID'],
    [['due', 'NSR-CONVENE'], 'due needs --from'],
    [['due', 'NSR-NOPE', '--from', '2025-03-25T10:00:00Z'], 'Unknown rule id'],
    [['due', 'NSR-CONVENE', '--from', '2025-03-25'], '--from must be'],
    [['due', 'NSR-CONVENE', '--from'], '--from needs a value'],
    [['due', 'NSR-CONVENE', '--to', 'x'], 'Unknown argument: --to'],
    [['due', 'NSR-CONVENE', '--from', '2025-03-25T10:00:00Z', '--municipality', '1'], 'three digits'],
    [['due', 'AC-END', '--from', '2025-03-25T10:00:00Z'], 'needs --birth-date'],
    [
      ['due', 'AC-END', '--from', '2025-03-25T10:00:00Z', '--birth-date', '2025-02-30'],
      '--birth-date must be',
    ],
    [['due', 'NSR-CONVENE', '--from', '2010-03-25T10:00:00Z'], 'not in effect on 2010-03-25'],
    [['holidays'], 'holidays needs a year'],
    [['holidays', 'soon'], 'holidays needs a year'],
    [['birthdate', '0102031234'], 'takes no arguments'],
    [[], 'No command given'],
    [['frobnicate'], 'Unknown command: frobnicate'],
  ])('%j exits 2 with a clear message', async (argv, message) => {
    const { code, stderr, stdout } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });
});

describe('fristvagt holidays', () => {
  it('prints the year, with Store bededag up to 2023 only', async () => {
    const y2023 = JSON.parse((await run(['holidays', '2023'])).stdout) as Array<{ date: string }>;
    const y2025 = JSON.parse((await run(['holidays', '2025'])).stdout) as Array<{ date: string }>;
    expect(y2023.map((h) => h.date)).toContain('2023-05-05');
    expect(y2025.map((h) => h.date)).toEqual(
      expect.arrayContaining(['2025-04-17', '2025-04-18', '2025-12-25']),
    );
    expect(y2025).toHaveLength(10);
  });
});

describe('fristvagt birthdate', () => {
  it('reads the CPR number from STDIN and prints only the birth date', async () => {
    const { code, stdout } = await run(['birthdate'], '010203-4567\n');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ birthDate: '2003-02-01' });
  });

  it('prints a JSON error with exit code 2 for an impossible date, never echoing the number', async () => {
    const { code, stdout } = await run(['birthdate'], '300201-1234');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ code: 'cpr-impossible-date' });
    expect(stdout).not.toContain('300201');
  });
});
