/**
 * Alerts parked as `pending_configuration` (no configuration yet, or the Jira connection needs
 * reconnecting) go back to the retry queue once an administrator has fixed that.
 */
import type { AlertLedger, Clock, RetryQueue } from '#domain/ports.ts';

/**
 * Re-queues every alert parked while the relay was unconfigured or disconnected
 * (called after a configuration save or a reconnect). Returns how many were released.
 */
export async function releasePendingAlerts(deps: { readonly ledger: AlertLedger; readonly queue: RetryQueue; readonly clock: Clock }): Promise<number> {
  // The status index is eventually consistent: remember what was released so a stale page ends the loop.
  const released = new Set<string>();
  for (;;) {
    const fresh = (await deps.ledger.listByStatus('pending_configuration', 100)).filter((r) => !released.has(r.alertId));
    if (fresh.length === 0) return released.size;
    for (const record of fresh) {
      await deps.ledger.update(record.alertId, { status: 'queued', updatedAt: deps.clock.now().toISOString() });
      await deps.queue.enqueue({ alertId: record.alertId }, 0);
      released.add(record.alertId);
    }
  }
}
