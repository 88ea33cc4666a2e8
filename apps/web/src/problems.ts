/**
 * The API answers every refusal as problem+json with a stable `code` (docs/api.md, "Errors"). The page says
 * the known ones in Danish; for any other it says what kind of refusal it was and adds the server's own words.
 */
export interface Problem {
  readonly status: number;
  readonly code: string | null;
  readonly detail: string | null;
  readonly field: string | null;
}

const MESSAGES: Readonly<Record<string, string>> = {
  network: 'Fristvagt kunne ikke nås. Tjek forbindelsen, og prøv igen.',
  'invalid-api-key': 'Nøglen blev ikke genkendt. Den kan være forkert, udløbet eller tilbagekaldt.',
  unauthenticated: 'Du er ikke logget ind.',
  'no-session': 'Du er ikke logget ind.',
  'session-expired': 'Din session er udløbet. Log ind igen.',
  'role-cannot-sign-in':
    'En integrationsnøgle kan ikke bruges til at logge ind. Brug en nøgle til en leder, revisor eller administrator.',
  'forbidden-role': 'Din rolle må ikke udføre denne handling.',
  'municipality-out-of-scope': 'Du har ikke adgang til den kommune.',
  'case-not-found': 'Sagen findes ikke, eller du har ikke adgang til den.',
  'obligation-not-found': 'Forpligtelsen findes ikke på sagen.',
  'revision-mismatch':
    'Sagen er ændret, siden du åbnede den. Den er hentet igen; se den igennem og prøv igen.',
  'stream-revision-conflict': 'Sagen blev ændret samtidig af en anden. Den er hentet igen; prøv igen.',
  'read-model-not-ready': 'Oversigten er ved at blive bygget. Siden prøver igen om lidt.',
  'cpr-in-free-text': 'Teksten ligner et CPR-nummer. Skriv begrundelsen uden CPR-numre.',
  'csrf-token-invalid': 'Sikkerhedstjekket mislykkedes. Genindlæs siden og prøv igen.',
  'csrf-token-missing': 'Sikkerhedstjekket mislykkedes. Genindlæs siden og prøv igen.',
  'cross-origin-request': 'Forespørgslen kom ikke fra Fristvagts egen side og blev afvist.',
  'invalid-month': 'Måneden skal skrives som år og måned.',
  'invalid-range':
    'Perioden er ugyldig: fra-måneden skal ligge før til-måneden, og perioden må højst være 36 måneder.',
  'occurred-in-future':
    'Tidspunktet ligger ude i fremtiden efter Fristvagts ur. Tjek, at computerens ur går rigtigt, og prøv igen.',
  'obligation-not-open': 'Forpligtelsen er ikke længere åben.',
  'obligation-closed': 'Forpligtelsen er ikke længere åben.',
  'validation-failed': 'Oplysningerne er ikke udfyldt korrekt.',
  required: 'Et påkrævet felt mangler.',
  'payload-too-large': 'Teksten er for lang.',
  'rate-limited': 'For mange forsøg. Vent lidt, og prøv igen.',
  'too-many-attempts': 'For mange forsøg. Vent lidt, og prøv igen.',
};

const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'Forespørgslen blev afvist.',
  401: 'Du er ikke logget ind.',
  403: 'Du har ikke adgang til det.',
  404: 'Det findes ikke, eller du har ikke adgang til det.',
  409: 'Sagens tilstand tillader det ikke.',
  412: 'Sagen er ændret, siden du åbnede den.',
  422: 'Reglerne tillader det ikke.',
  429: 'For mange forsøg. Vent lidt, og prøv igen.',
  503: 'Tjenesten er midlertidigt utilgængelig. Prøv igen om lidt.',
};

/** A sentence in Danish for a refusal; the server's `detail` (in English) follows where the code is unknown. */
export function problemMessage(problem: Problem): string {
  if (problem.code !== null && MESSAGES[problem.code] !== undefined) return MESSAGES[problem.code];
  const general =
    BY_STATUS[problem.status] ??
    (problem.status >= 500
      ? 'Der opstod en fejl på serveren. Prøv igen om lidt.'
      : 'Forespørgslen mislykkedes.');
  const detail = problem.detail?.trim();
  return detail ? `${general} (Serverens besked: ${detail})` : general;
}
