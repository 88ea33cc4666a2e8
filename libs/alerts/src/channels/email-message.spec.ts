import { DK_YOUTH_PACK, RULE_IDS } from '@fristvagt/domain';
import type { DigestAlert, ObligationAlert } from '../alert';
import { DANISH_RULE_TITLES, danishDue, danishInstant, danishRuleTitle } from './danish';
import { renderAlertEmail } from './email-message';

/** Ten digits with an optional hyphen or space: the shape of a CPR number. */
const CPR_SHAPED = /\d{6}[- ]?\d{4}/;

const CASE_ID = '5f0c3b8e-2d41-4a7e-9c1b-7e2f4d6a8b0c';
const BREACHED: ObligationAlert = {
  alertId: 'a1b2c3d4-e5f6-5a7b-8c9d-aebfc0d1e2f3',
  kind: 'breached',
  municipality: '461',
  caseId: CASE_ID,
  obligationId: 'b7e1c2d4-aa30-4f5e-8d9c-0e1f2a3b4c5d',
  ruleId: 'NSR-CONVENE',
  dueAt: '2026-03-10T23:00:00.000Z',
  detectedAt: '2026-03-10T23:00:04.000Z',
  citation: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
  caseUrl: `https://fristvagt.kommune.dk/cases/${CASE_ID}`,
};

describe('Danish rule titles', () => {
  it.each([...RULE_IDS])('%s has a Danish title', (ruleId) => {
    expect(DANISH_RULE_TITLES[ruleId]).toMatch(/^[A-ZÆØÅ]/);
  });

  it('covers every rule of the current pack', () => {
    for (const rule of DK_YOUTH_PACK.rules) expect(danishRuleTitle(rule.ruleId)).not.toMatch(/^Regel /);
  });

  it('names an unknown rule by its id', () => {
    expect(danishRuleTitle('XYZ-1')).toBe('Regel XYZ-1');
  });
});

describe('Danish times', () => {
  it.each([
    ['2026-03-10T23:00:00.000Z', '10. marts 2026 kl. 24.00'],
    // The spring DST change (29 March 2026): the day before ends at 23:00Z, the day itself at 22:00Z.
    ['2026-03-28T23:00:00Z', '28. marts 2026 kl. 24.00'],
    ['2026-03-29T22:00:00Z', '29. marts 2026 kl. 24.00'],
    ['2026-06-30T22:00:00Z', '30. juni 2026 kl. 24.00'],
    ['2025-12-31T23:00:00Z', '31. december 2025 kl. 24.00'],
    // UNDERRETNING-ASSESS is due at an instant (receipt + 24 hours), not at the end of a day.
    ['2026-03-11T13:30:00Z', '11. marts 2026 kl. 14.30'],
  ])('the due %s reads "%s"', (iso, danish) => {
    expect(danishDue(iso)).toBe(danish);
  });

  it.each([
    ['2026-03-10T23:00:00Z', '11. marts 2026 kl. 00.00'],
    ['2026-10-25T00:30:00Z', '25. oktober 2026 kl. 02.30'],
    ['2026-10-25T01:30:00Z', '25. oktober 2026 kl. 02.30'],
  ])('the instant %s reads "%s"', (iso, danish) => {
    expect(danishInstant(iso)).toBe(danish);
  });

  it('refuses what is not an instant', () => {
    expect(() => danishDue('10 March')).toThrow(RangeError);
  });
});

describe('renderAlertEmail', () => {
  it.each([
    ['due-soon', 'Frist nærmer sig: Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00'],
    ['breached', 'Frist overskredet: Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00'],
    ['fulfilled-late', 'Opfyldt for sent: Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00'],
  ] as const)('%s: the subject is "%s"', (kind, subject) => {
    expect(renderAlertEmail({ ...BREACHED, kind }).subject).toBe(subject);
  });

  it('tells the rule, its citation, the due, the detection, the municipality, the case and the link', () => {
    const { text, html } = renderAlertEmail(BREACHED);
    expect(text).toBe(
      [
        'Frist overskredet',
        '',
        'Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00.',
        'Fristen er overskredet, og forpligtelsen er endnu ikke opfyldt.',
        '',
        'Regel:                     NSR-CONVENE: Netværkssamråd skal indkaldes',
        'Hjemmel:                   Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
        'Frist:                     10. marts 2026 kl. 24.00',
        'Overskridelse registreret: 11. marts 2026 kl. 00.00',
        'Kommune:                   461',
        `Sag:                       ${CASE_ID}`,
        '',
        `Se sagen: https://fristvagt.kommune.dk/cases/${CASE_ID}`,
        '',
        'Alle tider er dansk tid. Beskeden er sendt automatisk af Fristvagt og indeholder ingen personoplysninger; se sagen via linket.',
        '',
      ].join('\n'),
    );
    expect(html).toContain(`<a href="https://fristvagt.kommune.dk/cases/${CASE_ID}">Se sagen</a>`);
    expect(html).toContain('<h1>Frist overskredet</h1>');
    expect(html).toContain('<html lang="da">');
  });

  it('says when a rule has no due', () => {
    const email = renderAlertEmail({ ...BREACHED, ruleId: 'NSR-PLAN', dueAt: null });
    expect(email.subject).toBe(
      'Frist overskredet: Handleplan skal udarbejdes på baggrund af netværkssamrådet',
    );
    expect(email.text).toContain('Frist:                     ingen fast frist');
  });

  it('escapes everything in the HTML part and links only http(s) URLs', () => {
    const { html } = renderAlertEmail({
      ...BREACHED,
      citation: '<script>alert("x")</script> & § 57 c',
      caseUrl: 'javascript:alert(1)',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; § 57 c');
    expect(html).not.toContain('href="javascript:');
  });

  describe('the digest', () => {
    const entry = {
      caseId: CASE_ID,
      obligationId: 'b7e1c2d4-aa30-4f5e-8d9c-0e1f2a3b4c5d',
      citation: 'Barnets lov § 95',
      caseUrl: `https://fristvagt.kommune.dk/cases/${CASE_ID}`,
    };
    const digest: DigestAlert = {
      alertId: 'c0ffee00-aaaa-5bbb-8ccc-deadbeefcafe',
      kind: 'digest',
      municipality: '561',
      since: '2026-03-09T06:00:00.000Z',
      at: '2026-03-10T06:00:00.000Z',
      dueSoon: [
        { ...entry, ruleId: 'CP-FOLLOWUP-1', dueAt: '2026-03-12T23:00:00.000Z', breachDetectedAt: null },
        {
          ...entry,
          ruleId: 'UNDERRETNING-ASSESS',
          dueAt: '2026-03-11T09:15:00.000Z',
          breachDetectedAt: null,
        },
      ],
      breached: [
        {
          ...entry,
          ruleId: 'NSR-CONVENE',
          dueAt: '2026-03-09T23:00:00.000Z',
          breachDetectedAt: '2026-03-09T23:00:02.000Z',
        },
      ],
    };

    it('lists both sections, in Danish and Copenhagen time', () => {
      const { subject, text, html } = renderAlertEmail(digest);
      expect(subject).toBe('Daglig oversigt: 2 frister de næste 7 dage, 1 overskredet (kommune 561)');
      expect(text).toContain('Opgjort 10. marts 2026 kl. 07.00.');
      expect(text).toContain('Frister de næste 7 dage (2):');
      expect(text).toContain(
        '- Første opfølgning på kontaktpersonordningen skal foretages senest 12. marts 2026 kl. 24.00',
      );
      expect(text).toContain('- Underretning skal vurderes senest 11. marts 2026 kl. 10.15');
      expect(text).toContain('Overskredet siden 9. marts 2026 kl. 07.00 (1):');
      expect(text).toContain(
        '- Netværkssamråd skal indkaldes senest 9. marts 2026 kl. 24.00, overskridelse registreret 10. marts 2026 kl. 00.00',
      );
      expect(text).toContain(`  Se sagen: https://fristvagt.kommune.dk/cases/${CASE_ID}`);
      expect(html.match(/<li>/g)).toHaveLength(3);
    });

    it('says "Ingen." for an empty section', () => {
      const { subject, text } = renderAlertEmail({ ...digest, dueSoon: [digest.dueSoon[0]!], breached: [] });
      expect(subject).toBe('Daglig oversigt: 1 frist de næste 7 dage, 0 overskredet (kommune 561)');
      expect(text).toMatch(/\(0\):\nIngen\.\n/);
    });

    it('carries no CPR-shaped number', () => {
      const { subject, text, html } = renderAlertEmail(digest);
      for (const part of [subject, text, html]) expect(part).not.toMatch(CPR_SHAPED);
    });
  });

  it('carries no CPR-shaped number for any kind', () => {
    for (const kind of ['due-soon', 'breached', 'fulfilled-late'] as const) {
      const { subject, text, html } = renderAlertEmail({ ...BREACHED, kind });
      for (const part of [subject, text, html]) expect(part).not.toMatch(CPR_SHAPED);
    }
  });
});
