/**
 * RetryQueue on SQS: delayed redelivery through the retry queue, and the dead-letter queue for
 * alerts that ran out of attempts (an alarm watches its depth).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { ValidationError } from '#domain/errors.ts';
import type { Clock, RetryMessage, RetryQueue } from '#domain/ports.ts';

/** SQS refuses a DelaySeconds above 15 minutes; a longer wait is re-queued by the deliver step. */
export const MAX_SQS_DELAY_SECONDS = 900;

// Extra keys are allowed: a message redriven from the DLQ also carries `reason` and `at`.
const retryMessageSchema = z.union([
  z.object({ alertId: z.string().check(z.minLength(1)) }),
  z.object({
    task: z.literal('release'),
    status: z.enum(['pending_configuration', 'retrying', 'queued']),
    cursor: z.optional(z.string()),
  }),
  z.object({ task: z.literal('flush-group'), groupId: z.string().check(z.minLength(1)) }),
]);

/** Reads one retry-queue message body (the deliver handler's input). Throws ValidationError if it is not one. */
export function parseRetryMessage(body: string): RetryMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('Retry message is not JSON', [{ path: 'body', message: 'not JSON' }]);
  }
  // zod/mini ships no locale: ask for English, or every problem reads "Invalid input".
  const result = retryMessageSchema.safeParse(json, { error: en().localeError });
  if (!result.success) {
    throw new ValidationError(
      'Retry message is neither an alert (alertId), a release task nor a group flush',
      result.error.issues.map((issue) => ({ path: issue.path.join('.') || 'body', message: issue.message })),
    );
  }
  const message = result.data;
  if ('alertId' in message) return { alertId: message.alertId };
  if (message.task === 'flush-group') return { task: 'flush-group', groupId: message.groupId };
  return {
    task: 'release',
    status: message.status,
    ...(message.cursor !== undefined ? { cursor: message.cursor } : {}),
  };
}

/** Whole seconds within what SQS accepts; rounded up so a Retry-After is never undercut. */
export function clampDelaySeconds(delaySeconds: number): number {
  if (Number.isNaN(delaySeconds)) return 0;
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
}

const systemClock: Clock = { now: () => new Date() };

export interface SqsRetryQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** Stamps dead-lettered messages; the system clock unless a test fixes time. */
  readonly clock?: Clock;
}

export class SqsRetryQueue implements RetryQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #deadLetterQueueUrl: string;
  readonly #clock: Clock;

  constructor(options: SqsRetryQueueOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#deadLetterQueueUrl = options.deadLetterQueueUrl;
    this.#clock = options.clock ?? systemClock;
  }

  async enqueue(message: RetryMessage, delaySeconds: number): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: clampDelaySeconds(delaySeconds),
      }),
    );
  }

  async deadLetter(message: { readonly alertId: string }, reason: string): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#deadLetterQueueUrl,
        MessageBody: JSON.stringify({ alertId: message.alertId, reason, at: this.#clock.now().toISOString() }),
      }),
    );
  }
}
