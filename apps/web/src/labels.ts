/** The page's Danish words for the API's codes. A code the page does not know is shown as it is. */

export type Role = 'integration' | 'supervisor' | 'auditor' | 'admin';

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  integration: 'Integration',
  supervisor: 'Leder',
  auditor: 'Revisor',
  admin: 'Administrator',
};

export const BASIS_LABELS: Readonly<Record<string, string>> = {
  statute: 'Lov',
  guidance: 'Vejledning',
  'municipal-standard': 'Kommunal standard',
};

export function basisLabel(basis: string): string {
  return BASIS_LABELS[basis] ?? basis;
}

/** States of an obligation: the word and a symbol, so the state never rests on colour alone. */
export const STATE_LABELS: Readonly<Record<string, { text: string; icon: string }>> = {
  open: { text: 'Åben', icon: '○' },
  'due-soon': { text: 'Forfalder snart', icon: '◔' },
  breached: { text: 'Overskredet', icon: '▲' },
  fulfilled: { text: 'Opfyldt', icon: '✓' },
  cancelled: { text: 'Bortfaldet', icon: '–' },
  waived: { text: 'Frafaldet', icon: '⊘' },
};

export function stateLabel(state: string): { text: string; icon: string } {
  return STATE_LABELS[state] ?? { text: state, icon: '•' };
}

/** The facts of a case, as a caseworker would name them. */
const EVENT_LABELS: Readonly<Record<string, string>> = {
  CaseOpened: 'Sag oprettet',
  PlacementStarted: 'Anbringelse startet',
  PlacementEnded: 'Anbringelse afsluttet',
  CaseTransferred: 'Sag overdraget til anden kommune',
  PoliceDocumentationReceived: 'Dokumentation fra politiet modtaget',
  TargetGroupAssessed: 'Målgruppe vurderet',
  CouncilConvened: 'Netværkssamråd indkaldt',
  CouncilHeld: 'Netværkssamråd afholdt',
  CouncilNotHeld: 'Netværkssamråd ikke afholdt',
  CouncilFollowUpRecorded: 'Opfølgning på netværkssamråd',
  PlanAdopted: 'Handleplan vedtaget',
  PlanRevised: 'Handleplan revideret',
  PlanRevisionAssessed: 'Revision af handleplan vurderet',
  ContactPersonDecided: 'Kontaktperson bevilget',
  ContactPersonStarted: 'Kontaktperson startet',
  FollowUpRecorded: 'Opfølgning registreret',
  StatusStatementSubmitted: 'Statusudtalelse afgivet',
  ContactPersonEnded: 'Kontaktperson afsluttet',
  AftercareAssessed: 'Efterværn vurderet',
  AftercareRequested: 'Efterværn ønsket af den unge',
  AftercareGranted: 'Efterværn bevilget',
  AftercareDeclinedByYouth: 'Efterværn afslået af den unge',
  AftercareEnded: 'Efterværn afsluttet',
  ObligationOpened: 'Frist åbnet',
  ObligationDueSoon: 'Varsel: fristen nærmer sig',
  ObligationBreached: 'Frist overskredet',
  ObligationFulfilled: 'Frist opfyldt',
  ObligationCancelled: 'Frist bortfaldet',
  ObligationWaived: 'Frist frafaldet',
  ObligationNotOpened: 'Frist ikke åbnet',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type;
}

/** One step in an obligation's life (`life[].kind` of the case history). */
export function lifeLabel(kind: string, onTime?: boolean | null): string {
  switch (kind) {
    case 'opened':
      return 'Åbnet';
    case 'warned':
      return 'Varslet';
    case 'breached':
      return 'Overskredet';
    case 'fulfilled':
      return onTime === false ? 'Opfyldt for sent' : onTime === true ? 'Opfyldt rettidigt' : 'Opfyldt';
    case 'cancelled':
      return 'Bortfaldet';
    case 'waived':
      return 'Frafaldet';
    default:
      return kind;
  }
}

export function lifeIcon(kind: string, onTime?: boolean | null): string {
  switch (kind) {
    case 'opened':
      return '○';
    case 'warned':
      return '◔';
    case 'breached':
      return '▲';
    case 'fulfilled':
      return onTime === false ? '✓!' : '✓';
    case 'cancelled':
      return '–';
    case 'waived':
      return '⊘';
    default:
      return '•';
  }
}

/** Who did something: an API key id, or the service itself. */
export function actorLabel(actor: string | null | undefined): string {
  if (!actor) return 'ukendt';
  if (actor === 'scheduler') return 'Fristvagt (automatisk)';
  return `nøgle ${actor}`;
}
