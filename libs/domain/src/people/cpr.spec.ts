import fc from 'fast-check';
import { containsCprNumber, cprBirthYear, maskCpr, parseCpr } from './cpr';

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

  describe('containsCprNumber: the forms people type, refused wherever they appear', () => {
    /** A CPR number that parses (a real birth date, the century from the 7th digit) as its four parts. */
    const cprParts = fc
      .record({
        day: fc.integer({ min: 1, max: 31 }),
        month: fc.integer({ min: 1, max: 12 }),
        year: fc.integer({ min: 0, max: 99 }),
        serial: fc.integer({ min: 0, max: 9999 }),
      })
      .map(({ day, month, year, serial }) => ({
        d: String(day).padStart(2, '0'),
        m: String(month).padStart(2, '0'),
        y: String(year).padStart(2, '0'),
        s: String(serial).padStart(4, '0'),
      }))
      .filter(({ d, m, y, s }) => parseCpr(`${d}${m}${y}${s}`).ok);

    type Parts = { d: string; m: string; y: string; s: string };
    const FORMS: ReadonlyArray<[string, (p: Parts) => string]> = [
      ['plain', (p) => `${p.d}${p.m}${p.y}${p.s}`],
      ['hyphen', (p) => `${p.d}${p.m}${p.y}-${p.s}`],
      ['space', (p) => `${p.d}${p.m}${p.y} ${p.s}`],
      ['two spaces', (p) => `${p.d}${p.m}${p.y}  ${p.s}`],
      ['no-break space', (p) => `${p.d}${p.m}${p.y}\u00a0${p.s}`],
      ['en dash', (p) => `${p.d}${p.m}${p.y}\u2013${p.s}`],
      ['em dash', (p) => `${p.d}${p.m}${p.y}\u2014${p.s}`],
      ['minus sign', (p) => `${p.d}${p.m}${p.y}\u2212${p.s}`],
      ['non-breaking hyphen', (p) => `${p.d}${p.m}${p.y}\u2011${p.s}`],
      ['spaced hyphen', (p) => `${p.d}${p.m}${p.y} - ${p.s}`],
      ['spaced en dash', (p) => `${p.d}${p.m}${p.y} \u2013 ${p.s}`],
      ['slash', (p) => `${p.d}${p.m}${p.y}/${p.s}`],
      ['dots and hyphen', (p) => `${p.d}.${p.m}.${p.y}-${p.s}`],
      ['dots and space', (p) => `${p.d}.${p.m}.${p.y} ${p.s}`],
      ['dots and en dash', (p) => `${p.d}.${p.m}.${p.y}\u2013${p.s}`],
      ['dots only', (p) => `${p.d}.${p.m}.${p.y}${p.s}`],
      ['four dots', (p) => `${p.d}.${p.m}.${p.y}.${p.s}`],
      ['dashes', (p) => `${p.d}-${p.m}-${p.y}-${p.s}`],
      ['slashes', (p) => `${p.d}/${p.m}/${p.y}-${p.s}`],
      ['spaces', (p) => `${p.d} ${p.m} ${p.y} ${p.s}`],
    ];

    /** Any text, cut so that no digit touches the number (then it is part of a longer number, not a CPR). */
    const before = fc.string({ unit: 'grapheme', maxLength: 20 }).map((t) => t.replace(/[0-9]+$/, ''));
    const after = fc.string({ unit: 'grapheme', maxLength: 20 }).map((t) => t.replace(/^[0-9]+/, ''));

    it.each(FORMS)('finds %s in the examples of the issue and around words', (_form, write) => {
      const parts = { d: '01', m: '03', y: '10', s: '4123' };
      for (const text of [write(parts), `CPR: ${write(parts)}.`, `Født ${write(parts)}, bor hos mor`]) {
        expect(containsCprNumber(text)).toBe(true);
      }
    });

    it('property: a valid CPR number in every written form is found inside any text', () => {
      fc.assert(
        fc.property(cprParts, fc.constantFrom(...FORMS), before, after, (parts, [, write], head, tail) => {
          expect(containsCprNumber(`${head}${write(parts)}${tail}`)).toBe(true);
        }),
        { numRuns: 2_000 },
      );
    });

    it.each([
      'mødet 01.03.2026 kl. 10',
      'Mødet holdes 01.03.2026 kl. 10.30-12.00 på rådhuset',
      'perioden 01.03.2026-31.03.2026',
      'fra 1. marts 2026 til 31. marts 2026',
      'tlf. 12 34 56 78',
      'tlf. 12345678 eller 1234 5678',
      'ring på +45 12 34 56 78 eller +45 1234 5678',
      'mobil 20 30 40 50, kl. 8-16',
      'dato 2026-03-01, sagsnr. 2026-01234',
      'beløb 1.234.567 kr. og 12 500 kr.',
      'uge 10, 2026: 3 møder á 45 min',
      'netværkssamråd 01.03.26 kl. 10.00',
      'Den unge (17 år) mødte op 01/03/2026 kl. 9',
    ])('does not refuse ordinary Danish text: %j', (text) => {
      expect(containsCprNumber(text)).toBe(false);
    });

    it('property: an eight-digit Danish phone number in any common grouping is never taken for one', () => {
      const phone = fc.stringMatching(/^[2-9][0-9]{7}$/);
      const grouped = fc.constantFrom(
        (n: string) => n,
        (n: string) => `${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}`,
        (n: string) => `${n.slice(0, 4)} ${n.slice(4)}`,
        (n: string) => `+45 ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4, 6)} ${n.slice(6)}`,
        (n: string) => `+45 ${n}`,
        (n: string) => `${n.slice(0, 2)}-${n.slice(2, 4)}-${n.slice(4, 6)}-${n.slice(6)}`,
      );
      fc.assert(
        fc.property(phone, grouped, (number, write) => {
          expect(containsCprNumber(`Ring til mor på tlf. ${write(number)} efter kl. 16.`)).toBe(false);
        }),
      );
    });

    it('property: a date with a four-digit year and a time is never taken for one', () => {
      const date = fc.date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true });
      fc.assert(
        fc.property(date, fc.constantFrom('.', '-', '/'), (when, separator) => {
          const [year, month, day] = when.toISOString().slice(0, 10).split('-');
          const hours = String(when.getUTCHours()).padStart(2, '0');
          const text = `Mødet er ${[day, month, year].join(separator)} kl. ${hours}.00`;
          expect(containsCprNumber(text)).toBe(false);
        }),
      );
    });

    it('still refuses a two-digit-year date followed by four digits: the price of the written forms', () => {
      expect(containsCprNumber('mødet 01.03.26 1030')).toBe(true);
    });
  });
});
