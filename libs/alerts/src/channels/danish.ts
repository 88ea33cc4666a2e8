import { DateTime } from 'luxon';

/**
 * What each rule asks for, in the Danish a supervisor reads in an alert: "<title> senest <due>". The English
 * titles and the citations are in the rule pack (libs/domain/src/rules/dk-youth.ts); the terms are DOMAIN.md's.
 * Keyed by string because an alert carries the rule id as data: a rule without a title here is shown by its id.
 */
export const DANISH_RULE_TITLES: Readonly<Record<string, string>> = {
  'NSR-CONVENE': 'Netværkssamråd skal indkaldes',
  'NSR-HOLD': 'Netværkssamråd bør afholdes',
  'NSR-PLAN': 'Handleplan skal udarbejdes på baggrund af netværkssamrådet',
  'NSR-FOLLOWUP': 'Opfølgning på netværkssamrådet bør foretages',
  'NSR-REOFFENCE': 'Handleplanen skal vurderes efter ny mistanke inden for et år efter netværkssamrådet',
  'PRELIM-PLAN': 'Foreløbig handleplan skal udarbejdes',
  'CP-PLAN': 'Handleplan for kontaktpersonordningen skal udarbejdes',
  'CP-FOLLOWUP-1': 'Første opfølgning på kontaktpersonordningen skal foretages',
  'CP-FOLLOWUP-N': 'Næste opfølgning på kontaktpersonordningen skal foretages',
  'CP-STATUS': 'Halvårlig statusudtalelse fra kontaktpersonen skal afgives',
  'AC-ASSESS': 'Afgørelse om efterværn (ungestøtte) skal træffes',
  'AC-DECIDE': 'Afgørelse om den unges anmodning om efterværn skal træffes',
  'AC-END': 'Efterværn (ungestøtte) skal ophøre',
  'UNDERRETNING-ASSESS': 'Underretning skal vurderes',
  'BFU-COMPLETE': 'Børnefaglig undersøgelse skal afsluttes',
  UNGEPLAN: 'Ungeplan skal udarbejdes',
};

export function danishRuleTitle(ruleId: string): string {
  return DANISH_RULE_TITLES[ruleId] ?? `Regel ${ruleId}`;
}

const ZONE = 'Europe/Copenhagen';

function local(iso: string): DateTime {
  const instant = DateTime.fromISO(iso, { zone: 'utc' });
  if (!instant.isValid) throw new RangeError(`not an ISO instant: ${iso}`);
  return instant.setZone(ZONE).setLocale('da');
}

/**
 * A due instant in Danish, Copenhagen time: "10. marts 2026 kl. 24.00". Most dues are the end of a local day
 * (00:00 of the next day, DOMAIN.md time rule 12), which is written as 24.00 on the day itself, the way Danish
 * deadlines are read; a due at any other time (UNDERRETNING-ASSESS: receipt + 24 hours) keeps its day and time.
 */
export function danishDue(iso: string): string {
  const at = local(iso);
  if (at.hour === 0 && at.minute === 0 && at.second === 0 && at.millisecond === 0) {
    return `${at.minus({ days: 1 }).toFormat('d. MMMM yyyy')} kl. 24.00`;
  }
  return at.toFormat("d. MMMM yyyy 'kl.' HH.mm");
}

/** An instant that is not a deadline (when something was detected or done), Copenhagen time: "11. marts 2026 kl. 00.00". */
export function danishInstant(iso: string): string {
  return local(iso).toFormat("d. MMMM yyyy 'kl.' HH.mm");
}
