/**
 * Safety net for the at-least-once path: an ingest instance that dies between recording an alert
 * (already claimed) and recording the outcome (a crash, a Lambda timeout) leaves it `delivering`
 * with an expired claim; a retry message lost past SQS's maximum delay leaves it `retrying`. A scheduled
 * sweep puts such alerts back on the retry queue. Delivery claims make a spare message harmless.
 */
import type { AlertStatus } from '#domain/alert-record.ts';
import type { AlertLedger, Clock, RetryQueue } from '#domain/ports.ts';

/** Longer than an ingest call (Lambda timeout 20 s) plus a claim (60 s). */
const STALLED_AFTER_MS = 3 * 60_000;
/** SQS delays at most 15 minutes; a retry due longer ago than this was lost. */
const RETRY_OVERDUE_MS = 20 * 60_000;
const PER_STATUS = 200;

export async function requeueStalledAlerts(deps: {
  ledger: AlertLedger;
  queue: RetryQueue;
  clock: Clock;
}): Promise<number> {
  const now = deps.clock.now().getTime();
  const stalled: string[] = [];
  const check: [AlertStatus, (updatedAt: number, nextAttemptAt: number | undefined) => boolean][] = [
    ['delivering', (updated) => now - updated > STALLED_AFTER_MS],
    ['queued', (updated) => now - updated > RETRY_OVERDUE_MS],
    ['retrying', (updated, next) => now - (next ?? updated) > RETRY_OVERDUE_MS],
  ];
  for (const [status, isStalled] of check) {
    for (const record of await deps.ledger.listByStatus(status, PER_STATUS)) {
      const next = record.nextAttemptAt ? Date.parse(record.nextAttemptAt) : undefined;
      if (isStalled(Date.parse(record.updatedAt), next)) stalled.push(record.alertId);
    }
  }
  for (const alertId of stalled) await deps.queue.enqueue({ alertId }, 0);
  return stalled.length;
}
