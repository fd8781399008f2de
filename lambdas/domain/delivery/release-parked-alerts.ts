/**
 * Alerts that waited go back to the retry queue in the background, a page at a time, oldest first:
 * alerts parked as `pending_configuration` (no configuration yet, or the Jira connection needed
 * reconnecting) once an administrator has fixed that, and alerts held `retrying` while Jira was down
 * once it is back. Done by the deliver function from a queued task, never inside the sign-in or save
 * request: a day of parked alerts would make that request time out.
 */
import type { AlertLedger, Clock, ReleaseTask, RetryQueue } from '#domain/ports.ts';

/** One page of a release: one ledger query and, per alert, at most one write and one send. */
export const RELEASE_PAGE_SIZE = 100;

interface ReleaseDeps {
  readonly ledger: AlertLedger;
  readonly queue: RetryQueue;
  readonly clock: Clock;
}

/** Starts releasing every alert parked while the relay was unconfigured or disconnected. */
export async function releasePendingAlerts(deps: Pick<ReleaseDeps, 'queue'>): Promise<void> {
  await deps.queue.enqueue({ task: 'release', status: 'pending_configuration' }, 0);
}

/**
 * Releases one page of `task.status` alerts, oldest first, and queues the task for the next page.
 * Returns how many alerts this page released.
 */
export async function releaseAlerts(deps: ReleaseDeps, task: ReleaseTask): Promise<number> {
  const page = await deps.ledger.pageByStatus(task.status, RELEASE_PAGE_SIZE, task.cursor);
  for (const record of page.items) {
    // Parked alerts show as queued from now on; held ones are already deliverable as they are.
    if (record.status === 'pending_configuration') {
      await deps.ledger.update(record.alertId, {
        status: 'queued',
        updatedAt: deps.clock.now().toISOString(),
        lastError: undefined,
      });
    }
    await deps.queue.enqueue({ alertId: record.alertId }, 0);
  }
  if (page.cursor !== undefined) await deps.queue.enqueue({ ...task, cursor: page.cursor }, 0);
  return page.items.length;
}
