import type { Alert, AlertKind, DigestAlert, DigestEntry, ObligationAlert } from '../alert';
import { danishDue, danishInstant, danishRuleTitle } from './danish';

/**
 * One alert as an e-mail: Danish, plain text with a simple HTML alternative, all times in Copenhagen time.
 * Identifiers are kept to the case id (the alert id is in the Message-ID header): every UUID is a chance of
 * ten digits in a row, which mail filters looking for CPR numbers stop.
 */
export interface AlertEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const HEADINGS: Record<AlertKind, string> = {
  'due-soon': 'Frist nærmer sig',
  breached: 'Frist overskredet',
  'fulfilled-late': 'Opfyldt for sent',
};

const LEADS: Record<AlertKind, string> = {
  'due-soon': 'Fristen nærmer sig, og forpligtelsen er endnu ikke opfyldt.',
  breached: 'Fristen er overskredet, og forpligtelsen er endnu ikke opfyldt.',
  'fulfilled-late': 'Forpligtelsen er nu opfyldt, men efter fristen.',
};

/** What `detectedAt` means for each kind. */
const DETECTED_LABELS: Record<AlertKind, string> = {
  'due-soon': 'Varslet',
  breached: 'Overskridelse registreret',
  'fulfilled-late': 'Opfyldt',
};

const FOOTER =
  'Alle tider er dansk tid. Beskeden er sendt automatisk af Fristvagt og indeholder ingen personoplysninger; ' +
  'se sagen via linket.';

export function renderAlertEmail(alert: Alert): AlertEmail {
  return alert.kind === 'digest' ? renderDigest(alert) : renderObligation(alert);
}

/** "Netværkssamråd skal indkaldes senest 10. marts 2026 kl. 24.00", or the title alone when there is no due. */
function requirement(ruleId: string, dueAt: string | null): string {
  const title = danishRuleTitle(ruleId);
  return dueAt === null ? title : `${title} senest ${danishDue(dueAt)}`;
}

function renderObligation(alert: ObligationAlert): AlertEmail {
  const heading = HEADINGS[alert.kind];
  const what = requirement(alert.ruleId, alert.dueAt);
  const facts: [string, string][] = [
    ['Regel', `${alert.ruleId}: ${danishRuleTitle(alert.ruleId)}`],
    ['Hjemmel', alert.citation],
    ['Frist', alert.dueAt === null ? 'ingen fast frist' : danishDue(alert.dueAt)],
    [DETECTED_LABELS[alert.kind], danishInstant(alert.detectedAt)],
    ['Kommune', alert.municipality],
    ['Sag', alert.caseId],
  ];
  const width = Math.max(...facts.map(([label]) => label.length)) + 2;
  const text = [
    heading,
    '',
    `${what}.`,
    LEADS[alert.kind],
    '',
    ...facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    `Se sagen: ${alert.caseUrl}`,
    '',
    FOOTER,
    '',
  ].join('\n');
  const html = page(heading, [
    `<h1>${escape(heading)}</h1>`,
    `<p><strong>${escape(what)}.</strong><br>${escape(LEADS[alert.kind])}</p>`,
    '<table>',
    ...facts.map(
      ([label, value]) => `<tr><th align="left">${escape(label)}</th><td>${escape(value)}</td></tr>`,
    ),
    '</table>',
    `<p>${link(alert.caseUrl, 'Se sagen')}</p>`,
    `<p><small>${escape(FOOTER)}</small></p>`,
  ]);
  return { subject: `${heading}: ${what}`, text, html };
}

function renderDigest(alert: DigestAlert): AlertEmail {
  const heading = `Daglig oversigt over frister, kommune ${alert.municipality}`;
  const subject =
    `Daglig oversigt: ${count(alert.dueSoon.length, 'frist', 'frister')} de næste 7 dage, ` +
    `${alert.breached.length} overskredet (kommune ${alert.municipality})`;
  const sections: [string, readonly DigestEntry[]][] = [
    [`Frister de næste 7 dage (${alert.dueSoon.length})`, alert.dueSoon],
    [`Overskredet siden ${danishInstant(alert.since)} (${alert.breached.length})`, alert.breached],
  ];
  const entryLines = (entry: DigestEntry): string[] => [
    `- ${requirement(entry.ruleId, entry.dueAt)}${breachNote(entry)}`,
    `  Regel: ${entry.ruleId}. Hjemmel: ${entry.citation}`,
    `  Sag: ${entry.caseId}`,
    `  Se sagen: ${entry.caseUrl}`,
  ];
  const text = [
    heading,
    `Opgjort ${danishInstant(alert.at)}.`,
    '',
    ...sections.flatMap(([title, entries]) => [
      `${title}:`,
      ...(entries.length === 0 ? ['Ingen.'] : entries.flatMap(entryLines)),
      '',
    ]),
    FOOTER,
    '',
  ].join('\n');
  const htmlEntry = (entry: DigestEntry): string =>
    `<li><strong>${escape(requirement(entry.ruleId, entry.dueAt))}</strong>${escape(breachNote(entry))}<br>` +
    `Regel: ${escape(entry.ruleId)}. Hjemmel: ${escape(entry.citation)}<br>` +
    `Sag: ${escape(entry.caseId)}. ${link(entry.caseUrl, 'Se sagen')}</li>`;
  const html = page(heading, [
    `<h1>${escape(heading)}</h1>`,
    `<p>Opgjort ${escape(danishInstant(alert.at))}.</p>`,
    ...sections.flatMap(([title, entries]) => [
      `<h2>${escape(title)}</h2>`,
      entries.length === 0 ? '<p>Ingen.</p>' : `<ul>\n${entries.map(htmlEntry).join('\n')}\n</ul>`,
    ]),
    `<p><small>${escape(FOOTER)}</small></p>`,
  ]);
  return { subject, text, html };
}

function breachNote(entry: DigestEntry): string {
  return entry.breachDetectedAt === null
    ? ''
    : `, overskridelse registreret ${danishInstant(entry.breachDetectedAt)}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function page(title: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="da">',
    `<head><meta charset="utf-8"><title>${escape(title)}</title></head>`,
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Only http(s) links become links: the URL is built from PUBLIC_URL, but an e-mail is no place to find out. */
function link(url: string, label: string): string {
  return /^https?:\/\//i.test(url) ? `<a href="${escape(url)}">${escape(label)}</a>` : escape(url);
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}
