import fc from 'fast-check';
import { cprBirthYear, maskCpr, parseCpr } from './cpr';

const birthDateOf = (input: string): string => {
  const result = parseCpr(input);
  if (!result.ok) throw new Error(`expected ${input} to parse, got ${result.error.code}`);
  return result.value.birthDate;
};

const errorOf = (input: string) => {
  const result = parseCpr(input);
  if (result.ok) throw new Error(`expected ${input} to be refused`);
  return result.error;
};

describe('rule 7: CPR numbers', () => {
  describe('the century comes from the 7th digit', () => {
    // [7th digit, YY, expected birth year], at the boundaries YY 36/37 and 57/58.
    const table: [number, string, number][] = [];
    for (const digit of [0, 1, 2, 3])
      table.push(
        [digit, '36', 1936],
        [digit, '37', 1937],
        [digit, '57', 1957],
        [digit, '58', 1958],
        [digit, '00', 1900],
        [digit, '99', 1999],
      );
    for (const digit of [4, 9])
      table.push(
        [digit, '00', 2000],
        [digit, '36', 2036],
        [digit, '37', 1937],
        [digit, '57', 1957],
        [digit, '99', 1999],
      );
    for (const digit of [5, 6, 7, 8])
      table.push(
        [digit, '00', 2000],
        [digit, '36', 2036],
        [digit, '57', 2057],
        [digit, '58', 1858],
        [digit, '99', 1899],
      );

    it.each(table)('7th digit %i with YY %s is born in %i', (digit, yy, year) => {
      expect(birthDateOf(`1506${yy}-${digit}123`)).toBe(`${year}-06-15`);
      expect(cprBirthYear(Number(yy), digit)).toBe(year);
    });
  });

  it('parses DDMMYY-SSSS and returns the normalized 10 digits and the birth date', () => {
    expect(parseCpr('010203-4567')).toEqual({
      ok: true,
      value: { normalized: '0102034567', birthDate: '2003-02-01' },
    });
  });

  it('the hyphen is optional', () => {
    expect(parseCpr('0102034567')).toEqual({
      ok: true,
      value: { normalized: '0102034567', birthDate: '2003-02-01' },
    });
  });

  it('surrounding whitespace is ignored', () => {
    expect(parseCpr('  010203-4567\n')).toEqual(parseCpr('0102034567'));
    expect(parseCpr('\t0102034567 ')).toEqual(parseCpr('0102034567'));
  });

  it('does not apply the modulus-11 check (such numbers are issued since 2007)', () => {
    // 0101011234 fails modulus 11 (weights 4,3,2,7,6,5,4,3,2,1 give 30, not divisible by 11) but is valid.
    expect(parseCpr('010101-1234').ok).toBe(true);
  });

  it.each([
    [''],
    ['   '],
    ['010203456'], // 9 digits
    ['01020345678'], // 11 digits
    ['010203 4567'], // space instead of hyphen
    ['010203--4567'],
    ['01020-34567'], // hyphen in the wrong place
    ['0102034-567'],
    ['010203-456A'],
    ['ABCDEF-GHIJ'],
    ['01 02 03-4567'],
    ['٠١٠٢٠٣٤٥٦٧'], // Arabic-Indic digits are not CPR digits
    ['+010203-4567'],
  ])('%j is malformed', (input) => {
    expect(errorOf(input)).toMatchObject({ kind: 'domain-error', code: 'cpr-malformed', field: 'cpr' });
  });

  it('a non-string is malformed, not a crash', () => {
    expect(errorOf(1020345678 as unknown as string).code).toBe('cpr-malformed');
    expect(errorOf(undefined as unknown as string).code).toBe('cpr-malformed');
  });

  it.each([
    ['310223-1234', '31 February'],
    ['290223-1234', '29 February 1923, not a leap year'],
    ['290200-1234', '29 February 1900 (7th digit 1), not a leap year'],
    ['290258-5234', '29 February 1858 (7th digit 5, YY 58), not a leap year'],
    ['300290-1234', '30 February'],
    ['310425-1234', '31 April'],
    ['000125-1234', 'day 0'],
    ['320125-1234', 'day 32'],
    ['011325-1234', 'month 13'],
    ['010025-1234', 'month 0'],
  ])('%s encodes an impossible date (%s)', (input) => {
    expect(errorOf(input)).toMatchObject({ kind: 'domain-error', code: 'cpr-impossible-date', field: 'cpr' });
  });

  it.each([
    ['290200-4234', '2000-02-29'], // 7th digit 4, YY 00 → 2000, a leap year
    ['290200-5234', '2000-02-29'],
    ['290256-5234', '2056-02-29'],
    ['290296-1234', '1996-02-29'],
    ['290208-4321', '2008-02-29'],
  ])('%s is a real leap-day birth on %s', (input, expected) => {
    expect(birthDateOf(input)).toBe(expected);
  });

  it('no error message contains any digit, so none can echo the CPR number', () => {
    const failing = ['', '010203456', '010203-456A', '310223-1234', '290223-1234', '011325-1234'];
    for (const input of failing) expect(errorOf(input).message).not.toMatch(/\d/);
  });

  it('property: a refused input never appears in the error message', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789-  x'), minLength: 1, maxLength: 14 });
    fc.assert(
      fc.property(digits, (input) => {
        const result = parseCpr(input);
        if (!result.ok) {
          expect(result.error.message).not.toMatch(/\d/);
          // Only inputs with digits can leak a CPR number; a lone '-' or 'x' is in ordinary words too.
          if (/\d/.test(input)) expect(result.error.message).not.toContain(input.trim());
        }
      }),
    );
  });

  it('masks the serial: DDMMYY-XXXX', () => {
    expect(maskCpr('0102034567')).toBe('010203-XXXX');
  });

  it('refuses to mask anything but a normalized CPR number, without echoing it', () => {
    for (const input of ['010203-4567', '010203456', '', 'abcdefghij']) {
      expect(() => maskCpr(input)).toThrow(RangeError);
      try {
        maskCpr(input);
      } catch (e) {
        expect((e as Error).message).not.toMatch(/\d/);
      }
    }
  });
});
