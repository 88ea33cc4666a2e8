import { DateTime } from 'luxon';

export { DANISH_RULE_TITLES, danishRuleTitle } from '@fristvagt/domain';

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
