/**
 * The gauge behind the "alerts parked" alarm: alerts kept as `pending_configuration` (no
 * configuration, or the Jira connection needs a reconnect) wait for an administrator, and nothing
 * else tells one. A short grace keeps an administrator who is configuring the relay right now from
 * being paged.
 */
import type { AlertLedger, Clock, RelayMetrics } from '#domain/ports.ts';

/** Parked longer than this, an alert is overdue. */
export const PARKED_GRACE_MS = 15 * 60_000;
/** Only the oldest page is read: the alarm needs "any", the dashboard a rough size; 100 reads as "100 or more". */
export const PARKED_SAMPLE = 100;

/**
 * Counts the parked alerts (oldest page) parked for longer than the grace and reports them as
 * `ParkedAlertsOverdue`. Parked since = the record's last update: parking is its last write.
 */
export async function reportParkedAlertsOverdue(deps: {
  ledger: AlertLedger;
  clock: Clock;
  metrics: RelayMetrics;
}): Promise<number> {
  const now = deps.clock.now().getTime();
  const { items } = await deps.ledger.pageByStatus('pending_configuration', PARKED_SAMPLE);
  const overdue = items.filter((record) => now - Date.parse(record.updatedAt) > PARKED_GRACE_MS).length;
  deps.metrics.gauge('ParkedAlertsOverdue', overdue, 'Count');
  return overdue;
}
