import { checkPurpose, decodePurposeHeader } from './purpose';

describe('an auditor’s purpose', () => {
  it.each([
    'Ankestyrelsen j.nr. 26-0042',
    'Intern revision: stikprøve §52 (2026)',
    '  Opfølgning på klage  ',
  ])('accepts %j, trimmed', (purpose) => {
    expect(checkPurpose(purpose)).toEqual({ ok: true, purpose: purpose.trim() });
  });

  it.each<[unknown, string]>([
    [undefined, 'purpose-required'],
    ['', 'purpose-required'],
    [['a purpose', 'another'], 'invalid-purpose'],
    ['abcd', 'invalid-purpose'],
    ['x'.repeat(201), 'invalid-purpose'],
    ['<b>review</b>', 'invalid-purpose'],
    ['review\u0000of', 'invalid-purpose'],
    ['review of 0103104123', 'personal-data-in-purpose'],
    ['review of 010310-4123', 'personal-data-in-purpose'],
  ])('refuses %j as %s, without repeating it', (raw, code) => {
    const check = checkPurpose(raw);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.code).toBe(code);
      if (typeof raw === 'string' && raw.length > 0) expect(check.detail).not.toContain(raw);
    }
  });

  it('decodes a percent-encoded header, and refuses a broken encoding', () => {
    expect(decodePurposeHeader(encodeURIComponent('Stikprøve 2026'))).toBe('Stikprøve 2026');
    expect(decodePurposeHeader('plain ASCII')).toBe('plain ASCII');
    expect(decodePurposeHeader('%E0%A4%A')).toBeUndefined();
  });
});
