/**
 * The status banner's truth: what the relay last saw from Jira and how many alerts wait, read from
 * the connection record, the circuit breaker every instance shares (`jira-breaker`) and the ledger.
 * Pure; the status route does the reads. See "Stop hammering a dead Jira" in docs/webhook-and-delivery.md.
 */

import type { BreakerState } from '#domain/delivery/jira-governor.ts';
import type { JiraConnection } from '#domain/jira-connection/connection-record.ts';
import type { AlertListing } from '#domain/ports.ts';
import type { AlertCountsDto, JiraHealthDto } from '#shared/admin-api-types.ts';

/** Alerts counted per status for the banner; the count reads "100+" beyond this. */
export const ALERT_COUNT_LIMIT = 100;

export interface HealthInput {
  readonly connection: JiraConnection | undefined;
  readonly breaker: BreakerState | undefined;
  /** Alerts the relay is retrying after a failed Jira answer (any order). */
  readonly retrying: readonly AlertListing[];
  /** The newest delivered alert, if any. */
  readonly lastDelivered: AlertListing | undefined;
}

function latest(
  records: readonly AlertListing[],
  field: 'updatedAt' | 'receivedAt',
  pick: (a: number, b: number) => number,
): string | undefined {
  let best: number | undefined;
  for (const record of records) {
    const at = Date.parse(record[field]);
    if (!Number.isNaN(at)) best = best === undefined ? at : pick(best, at);
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}

/**
 * Reconnect required and "not connected" come from the connection record; otherwise an open
 * breaker, or retried alerts whose failure is newer than the last delivery, make it `degraded`,
 * with the newest failure as the reason and the first unanswered alert (or the last delivery, if
 * later) as the start.
 */
export function jiraHealth(input: HealthInput): JiraHealthDto {
  const lastDeliveredAt = input.lastDelivered?.deliveredAt ?? input.lastDelivered?.updatedAt;
  const base = lastDeliveredAt ? { lastDeliveredAt } : {};
  const { connection, breaker } = input;
  if (!connection) return { state: 'not_connected', ...base };
  if (connection.state === 'reconnect_required') {
    return { state: 'reconnect_required', ...base, ...(connection.message ? { reason: connection.message } : {}) };
  }
  if (breaker?.open) {
    return {
      state: 'degraded',
      ...base,
      reason: 'Jira is unavailable; the relay stopped sending and checks Jira again at intervals',
      ...(breaker.openedAt ? { since: breaker.openedAt } : {}),
      ...(breaker.nextProbeAt ? { nextCheckAt: new Date(breaker.nextProbeAt).toISOString() } : {}),
    };
  }
  const failing = input.retrying.filter((r) => r.lastError !== undefined);
  const lastFailureAt = latest(failing, 'updatedAt', Math.max);
  if (!lastFailureAt || (lastDeliveredAt !== undefined && lastFailureAt <= lastDeliveredAt))
    return { state: 'connected', ...base };
  const newest = failing.reduce((a, b) => (a.updatedAt >= b.updatedAt ? a : b));
  const firstUnanswered = latest(failing, 'receivedAt', Math.min);
  const since =
    lastDeliveredAt !== undefined && firstUnanswered !== undefined && lastDeliveredAt > firstUnanswered
      ? lastDeliveredAt
      : firstUnanswered;
  return {
    state: 'degraded',
    ...base,
    ...(newest.lastError ? { reason: newest.lastError } : {}),
    ...(since ? { since } : {}),
  };
}

export function alertCounts(counts: {
  queued: number;
  delivering: number;
  retrying: number;
  parked: number;
  failed: number;
}): AlertCountsDto {
  const cap = (n: number): number => Math.min(n, ALERT_COUNT_LIMIT);
  return {
    queued: cap(counts.queued + counts.delivering),
    retrying: cap(counts.retrying),
    parked: cap(counts.parked),
    failed: cap(counts.failed),
    limit: ALERT_COUNT_LIMIT,
  };
}
