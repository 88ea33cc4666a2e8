import type { FactMatcher } from '../events';
import type { PublicSource, RuleDefinition, RulePack } from './types';

const SEED_NSR = '003_c1c4548927aeaf54.txt';
const SEED_CP = '001_af806ca71ebcd414.txt';
const SEED_AC = '002_3af34aa92b4efd47.txt';
const SEED_STATUS = '004_b611f15f313efdc3.txt';

/** Serviceloven entered into force on 1 July 1998; rules without a known start apply from then. */
const SERVICELOVEN_FROM = '1998-07-01';
const NSR_FROM = '2014-10-01';
const SEL_TO = '2023-12-31';
const BARNETS_LOV_FROM = '2024-01-01';

const notInTargetGroup: FactMatcher = { fact: 'TargetGroupAssessed', where: { inTargetGroup: false } };
const measureEnded: FactMatcher = { fact: 'ContactPersonEnded' };
const aftercareDecision: FactMatcher[] = [{ fact: 'AftercareAssessed' }, { fact: 'AftercareGranted' }];

const nsrConvene = {
  ruleId: 'NSR-CONVENE',
  title:
    'Convene a network council (netværkssamråd) no later than 7 days after receiving police documentation',
  triggers: ['PoliceDocumentationReceived'],
  due: { kind: 'days-after', days: 7 },
  fulfilledBy: [{ fact: 'CouncilConvened' }],
  cancelledBy: [notInTargetGroup],
  basis: 'statute',
  optIn: false,
  sources: [
    {
      seed: SEED_NSR,
      lines: '204-207',
      quote: 'senest 7 dage efter den har modtaget dokumentation fra politiet om, at en ung under 18 år ...',
    },
    {
      seed: SEED_NSR,
      lines: '1135-1136',
      quote: 'det er dagen efter modtagelsen af dokumentationen, at de 7 dage begynder at tælle fra',
    },
    {
      seed: SEED_NSR,
      lines: '1150',
      quote: 'I hvert femte tilfælde bliver der indkaldt ... på den sidste dag',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const nsrReoffence = {
  ruleId: 'NSR-REOFFENCE',
  title: 'Assess whether the action plan must be revised after new suspicion within one year of a council',
  triggers: ['PoliceDocumentationReceived'],
  due: { kind: 'none', municipalityMaySetDays: true },
  fulfilledBy: [
    { fact: 'PlanRevised', where: { reason: 're-offence' } },
    { fact: 'PlanRevisionAssessed', where: { occasion: 're-offence' } },
  ],
  cancelledBy: [notInTargetGroup],
  basis: 'statute',
  optIn: false,
  notes: 'Replaces NSR-CONVENE for a notification whose receipt date is on or before the held date + 1 year.',
  sources: [
    {
      seed: SEED_NSR,
      lines: '218-221',
      quote: 'Hvis den unge inden for et år efter netværkssamrådet igen er mistænkt ... dog uden at indkalde',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const cpFollowUp1 = {
  ruleId: 'CP-FOLLOWUP-1',
  title: 'First follow-up on the contact-person measure no later than 3 months after it started',
  triggers: ['ContactPersonStarted'],
  due: { kind: 'months-after', months: 3 },
  fulfilledBy: [{ fact: 'FollowUpRecorded' }],
  cancelledBy: [measureEnded],
  basis: 'statute',
  optIn: false,
  sources: [
    {
      seed: SEED_CP,
      lines: '1784-1787',
      quote:
        'Senest tre måneder efter, at foranstaltningen er iværksat, har kommunen jf. servicelovens § 70 pligt',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const cpFollowUpN = {
  ruleId: 'CP-FOLLOWUP-N',
  title: 'Next follow-up on the contact-person measure, counted from when the previous one was done',
  triggers: ['FollowUpRecorded'],
  fulfilledBy: [{ fact: 'FollowUpRecorded' }],
  cancelledBy: [measureEnded],
  basis: 'statute',
  optIn: false,
  sources: [
    {
      seed: SEED_CP,
      lines: '1552-1553',
      quote: 'tre måneder efter bevillingen og herefter hvert halve år',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective' | 'due'>;

const acAssessPlacement = {
  ruleId: 'AC-ASSESS',
  title: 'Decide on aftercare no later than 6 months before the 18th birthday (placed youth)',
  triggers: ['PlacementStarted'],
  due: { kind: 'months-before-birthday', age: 18, months: 6 },
  fulfilledBy: aftercareDecision,
  cancelledBy: [],
  basis: 'statute',
  optIn: false,
  notes:
    'Opened when a placement starts before the 18th birthday; cancelled when the youth is neither placed nor has a ' +
    'contact person any more. A trigger after the computed due is due at the end of its own local day.',
  sources: [
    {
      seed: SEED_CP,
      lines: '1694-1697',
      quote: 'hvis den unge har været anbragt umiddelbart inden det 18. år, jf. § 76, stk. 3, nr. 2',
    },
    {
      seed: SEED_AC,
      lines: '475',
      quote: 'har været anbragt eller har haft en kontaktperson frem til det fyldte 18 år',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const acAssessContactPerson = {
  ...acAssessPlacement,
  title:
    'Decide on aftercare no later than 6 months before the 18th birthday (youth with a fixed contact person)',
  triggers: ['ContactPersonStarted'],
  basis: 'guidance',
  sources: [
    {
      seed: SEED_CP,
      lines: '1692-1695',
      quote:
        'ikke muligt at få bevilget en kontaktperson for unge i efterværn, hvis de ikke har haft en fast kontaktperson',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const acEnd = {
  ruleId: 'AC-END',
  title: 'Aftercare ends no later than the day before the 23rd birthday',
  triggers: ['AftercareGranted'],
  due: { kind: 'before-birthday', age: 23 },
  fulfilledBy: [{ fact: 'AftercareEnded' }],
  cancelledBy: [],
  basis: 'statute',
  optIn: false,
  sources: [
    { seed: SEED_AC, lines: '2474', quote: 'servicelovens § 76 kun gælder for unge i alderen 18-22 år' },
    {
      seed: SEED_CP,
      lines: '3863',
      quote: 'gruppen for efterværn er unge i aldersgruppen mellem 18 og 23 år',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

/** The rules of pack 2026.1, kept as they were so that obligations it opened can be re-evaluated under it. */
const rules2026_1: RuleDefinition[] = [
  {
    ...nsrConvene,
    variant: 'sel-57c',
    citation: 'Serviceloven § 57 c, stk. 1 (in force 1 October 2014)',
    citationVerified: true,
    effective: { from: NSR_FROM, to: SEL_TO },
  },
  {
    ...nsrConvene,
    variant: 'barnets-lov',
    citation: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
    citationVerified: false,
    effective: { from: BARNETS_LOV_FROM, to: null },
  },
  {
    ruleId: 'NSR-HOLD',
    variant: 'guidance',
    title: 'Hold the network council soon after convening it, preferably within 14 days',
    triggers: ['CouncilConvened'],
    due: { kind: 'days-after', days: 14 },
    fulfilledBy: [{ fact: 'CouncilHeld' }, { fact: 'CouncilNotHeld' }],
    cancelledBy: [],
    basis: 'guidance',
    citation:
      'Socialstyrelsen recommendation: "hurtigst muligt efter indkaldelsen og gerne inden for 14 dage"',
    citationVerified: true,
    effective: { from: NSR_FROM, to: null },
    optIn: false,
    notes: 'The statute sets no deadline for holding the council; the 7 days are for sending the invitation.',
    sources: [
      {
        seed: SEED_NSR,
        lines: '1109-1113',
        quote: 'Socialstyrelsen anbefaler dog, at netværkssamrådet afholdes ... gerne inden for 14 dage',
      },
    ],
  },
  {
    ruleId: 'NSR-PLAN',
    variant: 'sel-57c',
    title: 'Make an action plan on the basis of the council',
    triggers: ['CouncilHeld'],
    due: { kind: 'none', municipalityMaySetDays: true },
    fulfilledBy: [{ fact: 'PlanAdopted' }],
    cancelledBy: [],
    basis: 'statute',
    citation:
      'Serviceloven § 57 c, stk. 2, from 1 October 2014 until amended by L 8 (2019-20); end date to verify',
    citationVerified: false,
    effective: { from: NSR_FROM, to: null },
    optIn: false,
    notes: 'The end of the period is not confirmed, so the rule stays in force until the pack is corrected.',
    sources: [
      {
        seed: SEED_NSR,
        lines: '212-214',
        quote:
          'På baggrund af drøftelser på netværkssamrådet skal de sociale myndigheder udarbejde en handleplan',
      },
    ],
  },
  {
    ruleId: 'NSR-FOLLOWUP',
    variant: 'guidance',
    title: 'Follow up on the council, for example 3 months after it was held',
    triggers: ['CouncilHeld'],
    due: { kind: 'months-after', months: 3 },
    fulfilledBy: [
      { fact: 'CouncilFollowUpRecorded' },
      { fact: 'PlanRevised', where: { reason: 'follow-up-outcome' } },
      { fact: 'PlanRevisionAssessed', where: { occasion: 'follow-up-outcome' } },
    ],
    cancelledBy: [],
    basis: 'guidance',
    citation: 'Socialstyrelsen recommendation: "en opfølgning, eksempelvis 3 måneder efter netværkssamrådet"',
    citationVerified: true,
    effective: { from: NSR_FROM, to: null },
    optIn: false,
    sources: [
      {
        seed: SEED_NSR,
        lines: '1741-1745',
        quote:
          'Socialstyrelsen anbefaler, at det er hensigtsmæssigt med en opfølgning, eksempelvis 3 måneder efter',
      },
    ],
  },
  {
    ...nsrReoffence,
    variant: 'sel-57c',
    citation: 'Serviceloven § 57 c, stk. 2 (in force 1 October 2014)',
    citationVerified: true,
    effective: { from: NSR_FROM, to: SEL_TO },
  },
  {
    ...nsrReoffence,
    variant: 'barnets-lov',
    citation: 'Barnets lov, chapter on young offenders (netværkssamråd); section number to verify',
    citationVerified: false,
    effective: { from: BARNETS_LOV_FROM, to: null },
  },
  {
    ruleId: 'PRELIM-PLAN',
    variant: 'former-sel-57c',
    title:
      'Make a preliminary action plan (foreløbig handleplan) no later than 7 days after the police notification',
    triggers: ['PoliceDocumentationReceived'],
    due: { kind: 'days-after', days: 7 },
    fulfilledBy: [{ fact: 'PlanAdopted' }],
    cancelledBy: [notInTargetGroup],
    basis: 'statute',
    citation: 'Former Serviceloven § 57 c, stk. 2 (until 30 September 2014)',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: '2014-09-30' },
    optIn: false,
    notes: 'The start of the period is not in the seeds; the pack uses the entry into force of Serviceloven.',
    sources: [
      {
        seed: SEED_NSR,
        lines: '223-227',
        quote: 'en såkaldt foreløbig handleplan senest 7 dage efter underretning fra politiet',
      },
    ],
  },
  {
    ruleId: 'CP-PLAN',
    variant: 'sel-140',
    title: 'Make an action plan before the contact-person measure starts',
    triggers: ['ContactPersonDecided'],
    due: { kind: 'before-measure-start' },
    fulfilledBy: [{ fact: 'PlanAdopted' }],
    cancelledBy: [measureEnded],
    basis: 'statute',
    citation: 'Serviceloven § 140 (contact person under § 52, stk. 3, nr. 6)',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: SEL_TO },
    optIn: false,
    notes:
      'No date is known at the decision; starting the measure while the plan is missing breaches it at the start.',
    sources: [
      {
        seed: SEED_CP,
        lines: '1781-1783',
        quote:
          'skal kommunen udarbejde en handleplan, inden en kontaktpersonordning bliver iværksat, jf. § 140',
      },
    ],
  },
  {
    ruleId: 'CP-PLAN',
    variant: 'barnets-lov-91',
    title: 'Make a plan within 3 months of the decision, where the municipality decides to make one',
    triggers: ['ContactPersonDecided'],
    due: { kind: 'months-after', months: 3 },
    openedWhen: { planRequired: true },
    fulfilledBy: [{ fact: 'PlanAdopted' }],
    cancelledBy: [measureEnded],
    basis: 'statute',
    citation: 'Barnets lov § 91 (contact person under § 32, stk. 1, nr. 3; number to verify)',
    citationVerified: false,
    effective: { from: BARNETS_LOV_FROM, to: null },
    optIn: false,
    sources: [],
  },
  {
    ...cpFollowUp1,
    variant: 'sel-70',
    citation: 'Serviceloven § 70',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: SEL_TO },
  },
  {
    ...cpFollowUp1,
    variant: 'barnets-lov-95',
    citation: 'Barnets lov § 95',
    citationVerified: true,
    effective: { from: BARNETS_LOV_FROM, to: null },
    notes:
      'Barnets lov also makes the follow-up due when a parallel investigation finishes, if earlier: not modelled.',
  },
  {
    ...cpFollowUpN,
    variant: 'sel-70',
    due: { kind: 'follow-up-interval', defaultMonths: 6, intervalSetByMunicipality: false },
    citation: 'Serviceloven § 70',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: SEL_TO },
  },
  {
    ...cpFollowUpN,
    variant: 'barnets-lov-95',
    due: { kind: 'follow-up-interval', defaultMonths: 6, intervalSetByMunicipality: true },
    citation: 'Barnets lov § 95',
    citationVerified: true,
    effective: { from: BARNETS_LOV_FROM, to: null },
    notes:
      'The interval is the one recorded on the latest follow-up that set it (first follow-up), default 6 months.',
  },
  {
    ruleId: 'CP-STATUS',
    variant: 'municipal-standard',
    title: "Half-yearly status statement from the contact person, with the youth's own words",
    triggers: ['ContactPersonStarted', 'StatusStatementSubmitted'],
    due: { kind: 'every-months-from-start', months: 6 },
    fulfilledBy: [{ fact: 'StatusStatementSubmitted' }],
    cancelledBy: [measureEnded],
    basis: 'municipal-standard',
    citation: 'Municipal standard (Esbjerg: ICS status statement once every half year)',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: null },
    optIn: true,
    notes:
      'Periods are anchored on the start; a late statement makes the next period the first one still ahead.',
    sources: [
      {
        seed: SEED_STATUS,
        lines: '128-132',
        quote:
          'udfylder kontaktpersonen én gang hvert halve år en ICS-statusudtalelse i samarbejde med den unge',
      },
    ],
  },
  {
    ...acAssessPlacement,
    variant: 'placement-sel-76',
    citation: 'Serviceloven § 76 (duty to assess aftercare before the 18th birthday)',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: SEL_TO },
  },
  {
    ...acAssessPlacement,
    variant: 'placement-barnets-lov-111',
    citation: 'Barnets lov § 111',
    citationVerified: true,
    effective: { from: BARNETS_LOV_FROM, to: null },
  },
  {
    ...acAssessContactPerson,
    variant: 'contact-person-guidance',
    citation: 'Serviceloven § 76 / Barnets lov (ungestøtte); guidance for youths with a fixed contact person',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: null },
  },
  {
    ruleId: 'AC-DECIDE',
    variant: 'processing-time',
    title: "Decide on the youth's aftercare request within the municipality's published processing time",
    triggers: ['AftercareRequested'],
    due: { kind: 'processing-time' },
    fulfilledBy: aftercareDecision,
    cancelledBy: [{ fact: 'AftercareDeclinedByYouth' }],
    basis: 'municipal-standard',
    citation: 'Retssikkerhedsloven § 3, stk. 2 (published sagsbehandlingsfrist)',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: null },
    optIn: false,
    notes: 'A request received on or after the 23rd birthday is recorded and opens nothing.',
    sources: [],
  },
  {
    ...acEnd,
    variant: 'sel-76',
    citation: 'Serviceloven § 76 ("indtil det fyldte 23. år")',
    citationVerified: true,
    effective: { from: SERVICELOVEN_FROM, to: SEL_TO },
  },
  {
    ...acEnd,
    variant: 'barnets-lov-113-116',
    citation: 'Barnets lov §§ 113-116 (ungestøtte, "indtil det fyldte 23. år")',
    citationVerified: true,
    effective: { from: BARNETS_LOV_FROM, to: null },
  },
];

const DESCRIPTION =
  'Network councils, contact persons, aftercare and action plans (Serviceloven and Barnets lov).';
const MUNICIPALITIES: RulePack['municipalities'] = {
  '561': { name: 'Esbjerg', municipalStandardRules: ['CP-STATUS'] },
};

/** Pack 2026.1: selectable for re-evaluation and the rule catalogue; new cases use the current pack. */
export const DK_YOUTH_PACK_2026_1: RulePack = {
  id: 'dk-youth',
  version: '2026.1',
  description: DESCRIPTION,
  leapDayBirthdayRule: 'march-1',
  defaults: { warningLeadDays: 2, aftercareProcessingDays: 30 },
  rules: rules2026_1,
  municipalities: MUNICIPALITIES,
};

// ---------------------------------------------------------------- 2026.2: corrected citations, three new rules

/** Barnets lov as consolidated by LBK nr 282 af 17/03/2025, section by section on lovguiden.dk. */
const barnetsLov = (section: number, quote: string): PublicSource => ({
  title: `Bekendtgørelse af barnets lov § ${section} (LBK nr 282 af 17/03/2025)`,
  url: `https://www.lovguiden.dk/loven/bekendtgørelse-af-barnets-lov/${section}`,
  quote,
});

const SOCIALSTYRELSEN_NSR: PublicSource = {
  title: 'Socialstyrelsen: Om netværkssamråd',
  url: 'https://socialstyrelsen.dk/unge/kriminalitet/socialstyrelsens-radgivningsmuligheder/netvaerkssamrad/om-netvaerkssamrad',
  quote:
    'Bestemmelsen om netværkssamråd erstattede pr. 1. oktober 2014 den tidligere bestemmelse i servicelovens § 57c stk. 2',
};
const BARNETS_LOV_CHAPTERS: PublicSource = {
  title: 'Barnets lov, table of chapters (themis.dk)',
  url: 'https://themis.dk/synopsis/docs/Lovsamling/Barnets_lov.html',
  quote: 'Kapitel 15: Dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131',
};
const SM_UNDERRETNING: PublicSource = {
  title: 'Social- og Boligministeriet: Kommunens pligt (underretninger)',
  url: 'https://www.sm.dk/arbejdsomraader/boern-og-unge-i-udsatte-positioner/underretningspligt/kommunens-pligt',
  quote:
    'Når kommunen modtager en underretning, skal kommunen inden for 24 timer vurdere, om barnet eller den unges sundhed eller udvikling er i fare',
};
const VEJLEDNING_UNDERRETNING: PublicSource = {
  title: 'VEJ nr 9471 af 21/06/2024, delvejledning 2 til barnets lov, table of contents',
  url: 'https://regelrytter.dk/https-www-retsinformation-dk-api-pdf-244358',
  quote: 'Kapitel 2: Kommunens behandling af underretninger (barnets lovs §§ 136-137)',
};
const SOROE_155: PublicSource = {
  title: 'Sorø Kommune, beredskabsplan (cites the pre-2024 rule)',
  url: 'https://admin.soroe.dk/politik-og-indflydelse/politik-strategier-planer-og-regulativer/beredskabsplan-for-forebyggelse-og-haandtering-af-overgreb-mod-boern-og-unge',
  quote:
    'Senest 24 timer efter modtagelsen af en underretning skal det vurderes ... jf. Serviceloven § 155 stk. 1 og stk. 2',
};
const BL_20 = barnetsLov(
  20,
  'Stk. 3. Den børnefaglige undersøgelse skal afsluttes, senest 4 måneder efter at kommunalbestyrelsen bliver opmærksom på ... Hvis undersøgelsen undtagelsesvis ikke kan afsluttes inden 4 måneder, skal kommunalbestyrelsen udarbejde en foreløbig vurdering og snarest herefter afslutte undersøgelsen.',
);
const BL_91 = barnetsLov(
  91,
  'når der træffes afgørelse om indsatser efter § 32, stk. 1, tage stilling til, om der skal udarbejdes en barnets plan ... senest 3 måneder efter at der er truffet afgørelse om en indsats',
);
const BL_95 = barnetsLov(
  95,
  'Opfølgningen efter stk. 1 skal første gang finde sted på det tidligste af følgende tidspunkter: ... Når afdækningen eller undersøgelsen, som er foretaget sideløbende ... er afsluttet. 3 måneder efter iværksættelse af indsatsen.',
);
const BL_95_3 = barnetsLov(
  95,
  'Stk. 3. Kommunalbestyrelsen skal i forbindelse med den første opfølgning træffe beslutning om den fremadrettede tilrettelæggelse af opfølgningen.',
);
const BL_108 = barnetsLov(
  108,
  'Stk. 3. En ungeplan skal foreligge, senest 3 måneder efter at der er truffet afgørelse om indsatsen, eller efter at den unge er fyldt 16 år',
);
const BL_111 = barnetsLov(
  111,
  'senest 6 måneder forud for ophør af en anbringelse ved det fyldte 18. år træffe afgørelse om ungestøtteindsatser til den unge efter §§ 114-116 og 120',
);
const SEL_68_11: PublicSource = {
  ...BL_111,
  quote:
    'Forarbejder: Det fremgår af § 68, stk. 11, i serviceloven, at kommunalbestyrelsen ... senest seks måneder forud for ophør af en anbringelse ved det fyldte 18. år skal træffe afgørelse om, hvorvidt den unge har behov for efterværn',
};
const SEL_140: PublicSource = {
  ...BL_91,
  quote:
    'Forarbejder: Det fremgår af § 140, stk. 1, i serviceloven, at kommunalbestyrelsen skal udarbejde en handleplan, inden der træffes afgørelse om foranstaltninger efter §§ 52, 76 og 76 a.',
};

/** What 2026.2 changes in a 2026.1 rule, keyed `ruleId/variant`. */
type Correction = Partial<
  Pick<RuleDefinition, 'title' | 'citation' | 'citationVerified' | 'notes' | 'publicSources' | 'openedWhen'>
>;

const CORRECTIONS: Readonly<Record<string, Correction>> = {
  'NSR-CONVENE/sel-57c': { publicSources: [SOCIALSTYRELSEN_NSR] },
  'NSR-CONVENE/barnets-lov': {
    citation:
      'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
    publicSources: [BARNETS_LOV_CHAPTERS],
  },
  'NSR-REOFFENCE/barnets-lov': {
    citation:
      'Barnets lov, chapter 15 (dømte unge og unge i risiko for at begå kriminalitet, §§ 127-131); section number to verify',
    publicSources: [BARNETS_LOV_CHAPTERS],
  },
  'NSR-PLAN/sel-57c': {
    citation:
      'Serviceloven § 57 c (the action plan on the basis of the council, from 1 October 2014); the act that repealed or moved it and its end date to verify',
    publicSources: [SOCIALSTYRELSEN_NSR],
    notes:
      'No public source consulted names the act that repealed Serviceloven § 57 c, stk. 2, or where the plan duty ' +
      'went in Barnets lov, so the rule stays in force until the pack is corrected.',
  },
  'PRELIM-PLAN/former-sel-57c': { publicSources: [SOCIALSTYRELSEN_NSR] },
  'CP-PLAN/sel-140': { publicSources: [SEL_140] },
  'CP-PLAN/barnets-lov-91': {
    title:
      "Make the child's plan (barnets plan) within 3 months of the decision, where the municipality decides to make one",
    citation:
      'Barnets lov § 91, stk. 1 (contact person under § 32, stk. 1, nr. 3, earlier Serviceloven § 52, stk. 3, nr. 6; the number in § 32 to verify)',
    citationVerified: false,
    publicSources: [BL_91],
  },
  'CP-FOLLOWUP-1/sel-70': {
    citation: 'Serviceloven § 70 (first follow-up no later than 3 months after the start)',
  },
  'CP-FOLLOWUP-1/barnets-lov-95': {
    citation:
      'Barnets lov § 95, stk. 2 (first follow-up at the earlier of 3 months after the start and the end of a parallel investigation)',
    publicSources: [BL_95],
    notes:
      'The end of a parallel investigation (§ 95, stk. 2, nr. 1) can make the first follow-up due earlier; the pack ' +
      'does not yet link an investigation to a measure, so only the 3 months are counted.',
  },
  'CP-FOLLOWUP-N/sel-70': {
    citation: 'Serviceloven § 70 (after the first follow-up, at most every 6 months)',
  },
  'CP-FOLLOWUP-N/barnets-lov-95': {
    citation: 'Barnets lov § 95, stk. 3 (the municipality decides the further follow-up at the first one)',
    publicSources: [BL_95_3],
  },
  'AC-ASSESS/placement-sel-76': {
    citation:
      'Serviceloven § 68, stk. 11 (decision on aftercare under §§ 76, 76 a no later than 6 months before a placement ends at 18)',
    publicSources: [SEL_68_11],
  },
  'AC-ASSESS/placement-barnets-lov-111': {
    citation:
      'Barnets lov § 111, stk. 1 (decision on ungestøtte under §§ 114-116 no later than 6 months before a placement ends at 18)',
    publicSources: [BL_111],
  },
  'AC-ASSESS/contact-person-guidance': {
    citation:
      'Serviceloven § 76 / Barnets lov §§ 113-116 (ungestøtte, target group § 114); guidance for youths with a fixed contact person',
    publicSources: [BL_111],
  },
  'AC-END/barnets-lov-113-116': {
    citation:
      'Barnets lov §§ 113-116 (ungestøtte, target group § 114, "indtil det fyldte 23. år"); the age limit in these sections to verify',
    citationVerified: false,
    publicSources: [BL_111],
    notes:
      'A hard end of the window: due at 00:00 on the 23rd birthday and never rolled forward to a working day, ' +
      'whatever the municipality sets.',
  },
  'AC-DECIDE/processing-time': {
    publicSources: [
      {
        title:
          'Forslag til lov om ændring af lov om retssikkerhed og administration på det sociale område (2017-18)',
        url: 'http://docplayer.dk/70880821-Lov-om-aendring-af-lov-om-retssikkerhed-og-administration-paa-det-sociale-omraade.html',
        quote:
          'Fristerne efter § 3, stk. 2, skal for afgørelser efter lov om social service offentliggøres og fremgå tydeligt på kommunens hjemmeside',
      },
    ],
  },
  'AC-END/sel-76': {
    notes:
      'A hard end of the window: due at 00:00 on the 23rd birthday and never rolled forward to a working day, ' +
      'whatever the municipality sets.',
  },
};

const SEL_155_FROM = '2013-10-01';
const SEL_50_FROM = '2006-01-01';

const underretningAssess = {
  ruleId: 'UNDERRETNING-ASSESS',
  title:
    "Assess within 24 hours of receipt whether a notification of concern shows the child's health or development at risk",
  triggers: ['NotificationOfConcernReceived'],
  due: { kind: 'hours-after', hours: 24 },
  warningLeadHours: 6,
  fulfilledBy: [{ fact: 'NotificationOfConcernAssessed' }],
  cancelledBy: [],
  basis: 'statute',
  optIn: false,
  notes:
    'Due at the receipt instant + 24 elapsed hours, not at the end of a local day, and never rolled forward: ' +
    'municipalities keep an out-of-hours duty for it. Across a DST change the 24 hours are real hours, so a ' +
    'notification received at 12:00 the day before the spring change is due at 13:00 local time.',
  sources: [
    {
      seed: SEED_NSR,
      lines: '1302',
      quote: 'dengang vi blev pålagt 24 timers vurderingstid i forbindelse med underretninger',
    },
  ],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const bfuComplete = {
  ruleId: 'BFU-COMPLETE',
  title:
    'Complete the child welfare investigation (børnefaglig undersøgelse) within 4 months, or record a preliminary assessment by then',
  triggers: ['InvestigationStarted'],
  due: { kind: 'months-after', months: 4 },
  fulfilledBy: [{ fact: 'InvestigationCompleted' }, { fact: 'PreliminaryAssessmentRecorded' }],
  cancelledBy: [],
  basis: 'statute',
  optIn: false,
  notes:
    'The 4 months run from when the municipality became aware that the child may need support: record ' +
    'InvestigationStarted at that instant. A preliminary assessment fulfils this obligation and opens the ' +
    'follow-up (BFU-COMPLETE, sequence 2).',
  sources: [],
} as const satisfies Omit<RuleDefinition, 'variant' | 'citation' | 'citationVerified' | 'effective'>;

const ungeplan = {
  ruleId: 'UNGEPLAN',
  fulfilledBy: [{ fact: 'PlanAdopted', where: { kind: 'youth-plan' } }],
  due: { kind: 'months-after-later-of-birthday', age: 16, months: 3 },
  basis: 'statute',
  citation:
    'Barnets lov § 108, stk. 3 (within 3 months of the decision on the measure or of the 16th birthday)',
  citationVerified: true,
  effective: { from: BARNETS_LOV_FROM, to: null },
  optIn: false,
  sources: [],
} as const satisfies Omit<RuleDefinition, 'variant' | 'title' | 'triggers' | 'cancelledBy'>;

const newRules: RuleDefinition[] = [
  {
    ...underretningAssess,
    variant: 'sel-155',
    citation: 'Serviceloven § 155, stk. 2 (24-hour assessment); in force from 1 October 2013 to verify',
    citationVerified: false,
    effective: { from: SEL_155_FROM, to: SEL_TO },
    publicSources: [SOROE_155],
  },
  {
    ...underretningAssess,
    variant: 'barnets-lov-136',
    citation:
      "Barnets lov §§ 136-137 (the municipality's handling of notifications; the 24-hour assessment); section and stk. to verify",
    citationVerified: false,
    effective: { from: BARNETS_LOV_FROM, to: null },
    publicSources: [SM_UNDERRETNING, VEJLEDNING_UNDERRETNING],
  },
  {
    ...bfuComplete,
    variant: 'sel-50',
    citation:
      'Serviceloven § 50, stk. 7 (4 months, then a preliminary assessment); stk. and start date to verify',
    citationVerified: false,
    effective: { from: SEL_50_FROM, to: SEL_TO },
    publicSources: [
      {
        ...BL_20,
        quote:
          'Forarbejder: Efter servicelovens § 50, stk. 1, 1. pkt., skal kommunalbestyrelsen undersøge barnets eller den unges forhold',
      },
    ],
  },
  {
    ...bfuComplete,
    variant: 'barnets-lov-20',
    citation: 'Barnets lov § 20, stk. 3, 1. pkt.',
    citationVerified: true,
    effective: { from: BARNETS_LOV_FROM, to: null },
    publicSources: [BL_20],
  },
  {
    ...bfuComplete,
    variant: 'after-preliminary-assessment',
    title:
      'Complete the investigation soon after its preliminary assessment ("snarest herefter"): the pack allows 30 days',
    triggers: ['PreliminaryAssessmentRecorded'],
    due: { kind: 'days-after', days: 30 },
    fulfilledBy: [{ fact: 'InvestigationCompleted' }],
    citation:
      'Barnets lov § 20, stk. 3, 2. pkt. ("snarest herefter afslutte undersøgelsen"); the 30 days are this pack\'s reading of "snarest", not the statute\'s',
    citationVerified: true,
    effective: { from: SEL_50_FROM, to: null },
    notes:
      'The follow-up of an investigation that overran its 4 months: it stays open until completed, and a ' +
      'supervisor is warned like for any other due.',
    publicSources: [BL_20],
  },
  {
    ...ungeplan,
    variant: 'barnets-lov-108-support',
    title:
      'Make the youth plan (ungeplan) for a youth with a contact person, where the municipality decides to make one',
    triggers: ['ContactPersonDecided'],
    openedWhen: { planRequired: true },
    cancelledBy: [measureEnded],
    notes:
      'Due 3 months after the decision, or after the 16th birthday where the youth was younger at the decision ' +
      '(§ 108, stk. 1, nr. 1-3). A plan adopted with kind youth-plan fulfils it.',
    publicSources: [BL_108],
  },
  {
    ...ungeplan,
    variant: 'barnets-lov-108-placement',
    title: 'Make the youth plan (ungeplan) for a placed youth',
    triggers: ['PlacementStarted'],
    cancelledBy: [{ fact: 'PlacementEnded' }],
    notes:
      'Mandatory for a placement (§ 108, stk. 2); due 3 months after the placement, or after the 16th birthday ' +
      'where the youth was younger. A placement without consent needs the plan before the decision (§ 108, stk. 4): ' +
      'not modelled.',
    publicSources: [BL_108],
  },
];

const rules2026_2: RuleDefinition[] = [
  ...rules2026_1.map((rule) => ({ ...rule, ...CORRECTIONS[`${rule.ruleId}/${rule.variant}`] })),
  ...newRules,
];

/** The current rule pack for Danish youth cases. Municipal overrides are only those the seeds document. */
export const DK_YOUTH_PACK: RulePack = {
  id: 'dk-youth',
  version: '2026.2',
  description:
    'Network councils, contact persons, aftercare, action plans, notifications of concern, child welfare ' +
    'investigations and youth plans (Serviceloven and Barnets lov).',
  leapDayBirthdayRule: 'march-1',
  defaults: { warningLeadDays: 2, aftercareProcessingDays: 30 },
  rules: rules2026_2,
  municipalities: MUNICIPALITIES,
};

/** Every pack version a caller may select, newest first; obligations name the one that opened them. */
export const RULE_PACKS: readonly RulePack[] = [DK_YOUTH_PACK, DK_YOUTH_PACK_2026_1];

/** The pack `id` at `version`, or the current one when no version is asked for; undefined when unknown. */
export function findRulePack(version?: string, id = DK_YOUTH_PACK.id): RulePack | undefined {
  return RULE_PACKS.find((pack) => pack.id === id && (version === undefined || pack.version === version));
}
