/**
 * The deliver Lambda's entry: retry-queue messages (one delivery attempt per alert, or one page of a
 * release task) and scheduled tasks: the sweep (stalled alerts back on the queue, the gauges the
 * alarms watch) and the keep-alive (one refresh of the Jira grant a day). A message whose attempt
 * throws (the ledger unreachable, a bug) is reported as a batch item failure, so SQS redelivers it
 * and, after the queue's maxReceiveCount, moves it to the DLQ: the alert is never silently lost.
 * When the function's remaining time is short, records not yet started are handed back the same
 * way instead of being cut off by the timeout.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverAlert } from '#domain/delivery/deliver-alert.ts';
import type { DeliveryDeps } from '#domain/delivery/delivery-deps.ts';
import { flushGroup } from '#domain/delivery/flush-group.ts';
import { reportParkedAlertsOverdue } from '#domain/delivery/parked-alerts-overdue.ts';
import { releaseAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { requeueStalledAlerts } from '#domain/delivery/requeue-stalled-alerts.ts';
import { NotConfiguredError, ReconnectRequiredError } from '#domain/errors.ts';
import type { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import { reportConnectionHealth } from '#domain/jira-connection/grant-lifetime.ts';
import type { RetryMessage, SecretStore } from '#domain/ports.ts';
import { failureAttributes } from '#shared/http-errors.ts';

export interface RetryConsumerDeps {
  readonly delivery: DeliveryDeps;
  readonly parseMessage: (body: string) => RetryMessage;
  /** The relay's Jira grant: read for the gauges, refreshed by the keep-alive. */
  readonly grant: { readonly secrets: SecretStore; readonly tokens: Pick<JiraAccessTokens, 'refreshNow'> };
}

/** What the deliver function needs of the Lambda context. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/**
 * EventBridge schedules send `{ "task": "sweep" }` (every 5 minutes; a bare scheduled event means
 * the same) and `{ "task": "keep-alive" }` (daily).
 */
export interface ScheduledTask {
  readonly task?: string;
  readonly source?: string;
}

export type ScheduledTaskResult = { requeued: number } | { refreshed: boolean };

// One attempt may wait for a paced slot, search and create (8 s timeouts each): stop taking new
// alerts while that still fits, and never wait for a slot longer than the rest of the budget.
const RESERVE_MS = 30_000;
const MAX_SLOT_WAIT_MS = 10_000;

export function makeRetryConsumer(
  deps: RetryConsumerDeps,
): (event: SQSEvent | ScheduledTask, context?: InvocationContext) => Promise<SQSBatchResponse | ScheduledTaskResult> {
  return async (event, context) => {
    if (!('Records' in event)) return runScheduledTask(deps, event);
    const remaining = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    // The records of a batch are independent alerts: run them side by side, so a slow or paced
    // Jira costs the batch one wait, not ten in a row.
    await Promise.all(
      event.Records.map(async (record) => {
        if (remaining() < RESERVE_MS) {
          failures.push({ itemIdentifier: record.messageId });
          return;
        }
        try {
          const message = deps.parseMessage(record.body);
          const maxWaitMs = Math.max(0, Math.min(MAX_SLOT_WAIT_MS, remaining() - RESERVE_MS));
          if (!('task' in message)) {
            await deliverAlert(deps.delivery, message.alertId, { maxWaitMs });
          } else if (message.task === 'flush-group') {
            await flushGroup(deps.delivery, message.groupId, { maxWaitMs });
          } else {
            const released = await releaseAlerts(deps.delivery, message);
            if (released > 0) deps.delivery.log.info('Released waiting alerts', { status: message.status, released });
          }
        } catch (error) {
          // Every failure is logged, whatever its class: the batch answer carries only the message id.
          deps.delivery.log.error('Retry attempt failed', { messageId: record.messageId, ...failureAttributes(error) });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    return { batchItemFailures: failures };
  };
}

async function runScheduledTask(deps: RetryConsumerDeps, event: ScheduledTask): Promise<ScheduledTaskResult> {
  const { delivery, grant } = deps;
  const health = { ...grant, clock: delivery.clock, metrics: delivery.metrics };
  if (event.task === undefined || event.task === 'sweep') {
    const requeued = await requeueStalledAlerts(delivery);
    if (requeued > 0) delivery.log.warn('Re-queued stalled alerts', { requeued });
    await reportParkedAlertsOverdue(delivery);
    await reportConnectionHealth(health);
    return { requeued };
  }
  if (event.task === 'keep-alive') {
    let refreshed = false;
    try {
      await grant.tokens.refreshNow();
      refreshed = true;
    } catch (error) {
      // Not connected yet: nothing to keep alive. A refused grant is now stored as "reconnect
      // required": the gauge below raises the alarm. Anything else (Atlassian unreachable) fails
      // the invocation so the schedule retries it.
      if (error instanceof NotConfiguredError) {
        delivery.log.info('No Jira connection to keep alive yet');
      } else if (error instanceof ReconnectRequiredError) {
        delivery.log.error(
          'The Jira grant needs renewing: a Jira administrator must sign in again',
          failureAttributes(error),
        );
      } else {
        delivery.log.error('Jira keep-alive refresh failed', failureAttributes(error));
        throw error;
      }
    }
    await reportConnectionHealth(health);
    return { refreshed };
  }
  // A schedule that sends something else is a deployment mistake: fail loudly, never skip silently.
  throw new TypeError(`Unknown scheduled task: ${String(event.task).slice(0, 40)}`);
}
