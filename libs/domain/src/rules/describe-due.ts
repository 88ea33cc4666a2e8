import type { DueComputation } from './types';

/** 18 → `18th`, 22 → `22nd`, 23 → `23rd`. */
function ordinal(n: number): string {
  const last = n % 10;
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen || last > 3 ? 'th' : ['th', 'st', 'nd', 'rd'][last]}`;
}

/** A rule's due in plain terms, for people reading the rule catalogue and docs/legal-rules.md. */
export function describeDue(due: DueComputation): string {
  switch (due.kind) {
    case 'days-after':
      return `end of local day (trigger date + ${due.days} days)`;
    case 'months-after':
      return `end of local day (trigger date + ${due.months} months, clamped to month end)`;
    case 'months-before-birthday':
      return `end of local day (${ordinal(due.age)} birthday − ${due.months} months, clamped to month end)`;
    case 'before-birthday':
      return `end of the local day before the ${ordinal(due.age)} birthday (00:00 on the birthday; never rolled forward)`;
    case 'hours-after':
      return `trigger instant + ${due.hours} elapsed hours (not end of day; real hours across DST; never rolled forward)`;
    case 'months-after-later-of-birthday':
      return `end of local day (the later of the trigger date and the ${ordinal(due.age)} birthday + ${due.months} months, clamped to month end)`;
    case 'processing-time':
      return "end of local day (trigger date + the municipality's processing time in days)";
    case 'before-measure-start':
      return 'before the measure starts (no date at the decision; starting without it is the breach)';
    case 'follow-up-interval':
      return due.intervalSetByMunicipality
        ? `end of local day (previous follow-up date + the interval the municipality set, default ${due.defaultMonths} months)`
        : `end of local day (previous follow-up date + ${due.defaultMonths} months)`;
    case 'every-months-from-start':
      return `end of local day (start date + ${due.months} months × period number)`;
    case 'none':
      return due.municipalityMaySetDays
        ? 'none by statute (a municipality may set a number of days after the trigger)'
        : 'none';
  }
}
