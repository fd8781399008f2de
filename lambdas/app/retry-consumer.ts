/**
 * The retry queue's consumer: one delivery attempt per message. A message whose attempt throws
 * (the ledger unreachable, a bug) is reported as a batch item failure, so SQS redelivers it and,
 * after the queue's maxReceiveCount, moves it to the DLQ: the alert is never silently lost.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverAlert, type DeliveryDeps } from '../domain/deliver-alert.ts';
import type { RetryMessage } from '../domain/ports.ts';

export interface RetryConsumerDeps {
  readonly delivery: DeliveryDeps;
  readonly parseMessage: (body: string) => RetryMessage;
}

export function makeRetryConsumer(deps: RetryConsumerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const message = deps.parseMessage(record.body);
        await deliverAlert(deps.delivery, message.alertId);
      } catch (error) {
        deps.delivery.log.error('Retry attempt failed', {
          messageId: record.messageId,
          errorName: error instanceof Error ? error.name : typeof error,
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
