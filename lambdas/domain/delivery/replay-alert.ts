/**
 * Replay from the admin site: an alert that failed for good, or was parked while the relay was
 * unconfigured, goes back on the retry queue with its stored body; the delivery consumer does the rest.
 */
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import type { AlertLedger, Clock, RetryQueue } from '#domain/ports.ts';

export interface ReplayDeps {
  readonly ledger: AlertLedger;
  readonly queue: RetryQueue;
  readonly clock: Clock;
}

/**
 * Queues `alertId` for an immediate new attempt and clears its last error.
 * Throws NotFoundError for an unknown alert and ValidationError unless it is failed or parked
 * (a delivered alert would become a second issue; a queued or delivering one is already on its way).
 */
export async function replayAlert(deps: ReplayDeps, alertId: string): Promise<{ status: 'queued' }> {
  const record = await deps.ledger.get(alertId);
  if (!record) throw new NotFoundError(`No alert ${alertId} in the ledger`);
  if (record.status !== 'failed' && record.status !== 'pending_configuration') {
    throw new ValidationError(`Only failed or pending alerts can be retried; this one is ${record.status}`);
  }
  await deps.ledger.update(alertId, {
    status: 'queued',
    updatedAt: deps.clock.now().toISOString(),
    lastError: undefined,
  });
  await deps.queue.enqueue({ alertId }, 0);
  return { status: 'queued' };
}
