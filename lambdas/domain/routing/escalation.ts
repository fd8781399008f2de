/**
 * Escalation thresholds (docs/rules-and-grouping.md, "Escalation"): a rule raises its group
 * issue's priority once `occurrences` alerts of the group arrived within `withinMinutes`. Pure
 * functions over occurrence times, so the group store keeps only what `recentTimes` says.
 */
import type { Escalation } from '#domain/relay-config.ts';

type Threshold = Pick<Escalation, 'occurrences' | 'withinMinutes'>;

/**
 * True when some `escalation.occurrences` of `times` (epoch ms, any order, repeats allowed) lie
 * within `escalation.withinMinutes` of each other, both ends included: 10 alerts at 13:00:00 and
 * 13:10:00 with eight between them are "10 within 10 minutes".
 */
export function reachedThreshold(times: readonly number[], escalation: Threshold): boolean {
  const { occurrences } = escalation;
  if (occurrences < 1 || times.length < occurrences) return false;
  const window = escalation.withinMinutes * 60_000;
  const sorted = finiteSorted(times);
  for (let last = occurrences - 1; last < sorted.length; last += 1) {
    const first = sorted[last - occurrences + 1] as number;
    if ((sorted[last] as number) - first <= window) return true;
  }
  return false;
}

/**
 * The times worth keeping, oldest first: the latest `occurrences`. Any window that can still reach
 * the threshold with a later occurrence lies among them, and `reachedThreshold` of the kept times
 * answers like that of all times for the newest window. Bounded whatever the group's size, so the
 * group's record stays small: add the new time, keep `recentTimes`, then check.
 */
export function recentTimes(times: readonly number[], escalation: Threshold): number[] {
  const keep = Math.max(0, escalation.occurrences);
  return keep === 0 ? [] : finiteSorted(times).slice(-keep);
}

function finiteSorted(times: readonly number[]): number[] {
  return times.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
}
