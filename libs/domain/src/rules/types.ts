import type { ExtraNonWorkingDay, LocalDate } from '../calendar';
import type { Basis, FactMatcher, FactType } from '../events';
import type { LeapDayBirthdayRule } from '../people';

export const RULE_IDS = [
  'NSR-CONVENE',
  'NSR-HOLD',
  'NSR-PLAN',
  'NSR-FOLLOWUP',
  'NSR-REOFFENCE',
  'PRELIM-PLAN',
  'CP-PLAN',
  'CP-FOLLOWUP-1',
  'CP-FOLLOWUP-N',
  'CP-STATUS',
  'AC-ASSESS',
  'AC-DECIDE',
  'AC-END',
  'UNDERRETNING-ASSESS',
  'BFU-COMPLETE',
  'UNGEPLAN',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** How a rule's due is computed, as data. Every computed due is "end of a local day" (DOMAIN.md rule 12). */
export type DueComputation =
  /** "Senest N dage efter": local date of the trigger + N days. */
  | { readonly kind: 'days-after'; readonly days: number }
  /** "N måneder efter": local date of the trigger + N calendar months, clamped to month end. */
  | { readonly kind: 'months-after'; readonly months: number }
  /** N months before the youth's birthday at `age`, clamped the same way. */
  | { readonly kind: 'months-before-birthday'; readonly age: number; readonly months: number }
  /** End of the local day before the birthday at `age` ("indtil det fyldte 23. år"). */
  | { readonly kind: 'before-birthday'; readonly age: number }
  /** The municipality's published processing time in days (default in the pack). */
  | { readonly kind: 'processing-time' }
  /** Before the measure starts: no date is known when the duty arises; starting the measure while open breaches it. */
  | { readonly kind: 'before-measure-start' }
  /** Months after the previous follow-up was actually done; Barnets lov lets the municipality set the interval. */
  | {
      readonly kind: 'follow-up-interval';
      readonly defaultMonths: number;
      readonly intervalSetByMunicipality: boolean;
    }
  /** Every N months counted from the start of the measure (start + N, start + 2N, ...). */
  | { readonly kind: 'every-months-from-start'; readonly months: number }
  /**
   * "Inden for N timer": the trigger instant + N elapsed hours, not the end of a local day. Across a DST change
   * the hours are real hours (a notification received at 12:00 the day before the spring change is due at 13:00
   * local), because the duty is to act within a span of time, whatever the wall clock shows. Never rolled.
   */
  | { readonly kind: 'hours-after'; readonly hours: number }
  /**
   * N months after the later of the trigger's local date and the birthday at `age`: "within 3 months of the
   * decision or of the 16th birthday, whichever applies" (a measure decided at 14 needs its plan by 16 + 3 months).
   */
  | { readonly kind: 'months-after-later-of-birthday'; readonly age: number; readonly months: number }
  /** No due by statute; a municipality may set a number of days after the trigger. */
  | { readonly kind: 'none'; readonly municipalityMaySetDays: boolean };

export interface EffectivePeriod {
  /** First local date of the triggering fact the variant applies to. */
  readonly from: LocalDate;
  /** Last local date, inclusive; null means still in force. */
  readonly to: LocalDate | null;
}

/** Where a rule was read in the seed documents (`../shared/seeds/`). */
export interface SeedReference {
  readonly seed: string;
  readonly lines: string;
  readonly quote: string;
}

/** Where a citation was confirmed in a public source (retsinformation.dk, lovguiden.dk, a ministry's page). */
export interface PublicSource {
  readonly title: string;
  readonly url: string;
  /** The words that confirm the citation, as read (Danish). */
  readonly quote: string;
}

export interface RuleDefinition {
  readonly ruleId: RuleId;
  /** Distinguishes the versions of one rule (e.g. `sel-57c`, `barnets-lov`). */
  readonly variant: string;
  readonly title: string;
  /** Fact types that open an obligation under this rule (which of them do so is the workflow's business). */
  readonly triggers: readonly FactType[];
  readonly due: DueComputation;
  /** Opened only when the triggering fact's data has these values (e.g. the municipality decided to make a plan). */
  readonly openedWhen?: Readonly<Record<string, string | boolean>>;
  readonly fulfilledBy: readonly FactMatcher[];
  readonly cancelledBy: readonly FactMatcher[];
  readonly basis: Basis;
  readonly citation: string;
  /** False where the spec says "to verify": the citation is data and can be corrected without a code change. */
  readonly citationVerified: boolean;
  readonly effective: EffectivePeriod;
  /** Days before the due date at which a warning is raised; the pack default applies when absent. */
  readonly warningLeadDays?: number;
  /** For an instant-based due (`hours-after`): hours before the due instant at which a warning is raised. */
  readonly warningLeadHours?: number;
  /** Opened only in municipalities that switch it on (municipal standards such as CP-STATUS). */
  readonly optIn: boolean;
  readonly notes?: string;
  readonly sources: readonly SeedReference[];
  /** Public sources that confirm the citation (pack 2026.2 on); none where it is still to verify. */
  readonly publicSources?: readonly PublicSource[];
}

/** Per-municipality settings, keyed by kommunekode (three digits). Everything is off by default. */
export interface MunicipalityOverrides {
  readonly name?: string;
  /** Rules whose due rolls forward to the next working day (strict calendar days otherwise). */
  readonly rollForward?: readonly RuleId[] | 'all';
  /** Grundlovsdag, 24 and 31 December treated as non-working when rolling forward. */
  readonly extraNonWorkingDays?: readonly ExtraNonWorkingDay[];
  /** Published processing time (sagsbehandlingsfrist) for aftercare requests, in days. */
  readonly aftercareProcessingDays?: number;
  /** Opt-in rules (basis municipal-standard) this municipality applies. */
  readonly municipalStandardRules?: readonly RuleId[];
  readonly warningLeadDays?: Readonly<Partial<Record<RuleId, number>>>;
  /** Municipal due, in days after the trigger, for rules without a statutory due. */
  readonly dueDays?: Readonly<Partial<Record<'NSR-PLAN' | 'NSR-REOFFENCE', number>>>;
}

export interface RulePack {
  readonly id: string;
  readonly version: string;
  readonly description: string;
  /** Birthday of someone born 29 February in a non-leap year (DOMAIN.md time rule 6). */
  readonly leapDayBirthdayRule: LeapDayBirthdayRule;
  readonly defaults: { readonly warningLeadDays: number; readonly aftercareProcessingDays: number };
  readonly rules: readonly RuleDefinition[];
  readonly municipalities: Readonly<Record<string, MunicipalityOverrides>>;
}
