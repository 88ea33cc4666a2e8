import type { FactMatcher } from '../events';
import type { RuleDefinition, RulePack } from './types';

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

const rules: RuleDefinition[] = [
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

/** The current rule pack for Danish youth cases. Municipal overrides are only those the seeds document. */
export const DK_YOUTH_PACK: RulePack = {
  id: 'dk-youth',
  version: '2026.1',
  description:
    'Network councils, contact persons, aftercare and action plans (Serviceloven and Barnets lov).',
  leapDayBirthdayRule: 'march-1',
  defaults: { warningLeadDays: 2, aftercareProcessingDays: 30 },
  rules,
  municipalities: {
    '561': { name: 'Esbjerg', municipalStandardRules: ['CP-STATUS'] },
  },
};
