/**
 * The retry queue's consumer: one delivery attempt per message. A message whose attempt throws
 * (the ledger unreachable, a bug) is reported as a batch item failure, so SQS redelivers it and,
 * after the queue's maxReceiveCount, moves it to the DLQ: the alert is never silently lost.
 */
import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverAlert, type DeliveryDeps } from '#domain/delivery/deliver-alert.ts';
import type { RetryMessage } from '#domain/ports.ts';
import { requeueStalledAlerts } from '#domain/delivery/requeue-stalled-alerts.ts';
import { failureAttributes } from '#shared/http-errors.ts';

export interface RetryConsumerDeps {
  readonly delivery: DeliveryDeps;
  readonly parseMessage: (body: string) => RetryMessage;
}

/**
 * The deliver Lambda's two triggers: retry-queue messages, and a schedule (every 5 minutes) that
 * re-queues stalled alerts.
 */
export function makeRetryConsumer(deps: RetryConsumerDeps): (event: SQSEvent | ScheduledEvent) => Promise<SQSBatchResponse | { requeued: number }> {
  return async (event) => {
    if (!('Records' in event)) {
      const requeued = await requeueStalledAlerts(deps.delivery);
      if (requeued > 0) deps.delivery.log.warn('Re-queued stalled alerts', { requeued });
      return { requeued };
    }
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = deps.parseMessage(record.body);
        await deliverAlert(deps.delivery, message.alertId);
      } catch (error) {
        // Every failure is logged, whatever its class: the batch answer carries only the message id.
        deps.delivery.log.error('Retry attempt failed', { messageId: record.messageId, ...failureAttributes(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
