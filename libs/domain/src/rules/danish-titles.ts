/**
 * What each rule asks for, in the Danish a supervisor reads (alerts, the web page, the catalogue's `titleDa`):
 * the rule pack's titles (libs/domain/src/rules/dk-youth.ts) are English, the terms are DOMAIN.md's.
 * Keyed by string because alerts and read models carry the rule id as data: a rule without a title here is
 * shown by its id.
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

/** The Danish name of a rule, e.g. "Netværkssamråd skal indkaldes"; "Regel <id>" for an unknown id. */
export function danishRuleTitle(ruleId: string): string {
  return DANISH_RULE_TITLES[ruleId] ?? `Regel ${ruleId}`;
}
