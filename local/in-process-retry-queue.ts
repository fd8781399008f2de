/**
 * The local stand-in for the retry queue and for what AWS wires around it: the SQS event source
 * that hands messages in batches to the deliver Lambda and redelivers its batch item failures, the
 * redrive policy that moves a message received too often to the dead-letter queue, and the
 * EventBridge schedule that runs the stalled-alert sweep. The runtime attaches the same consumer
 * the deliver Lambda runs, so locally every delivery takes the Lambda's path.
 *
 * Durability comes from the ledger: on start the runtime re-queues every alert the ledger still
 * holds as in flight, and the sweep catches anything lost since.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ScheduledTaskResult } from '#app/retry-consumer.ts';
import type { RetryMessage, RetryQueue } from '#domain/ports.ts';

/** The deliver Lambda's entry (`makeRetryConsumer`): SQS batches and the sweep schedule. */
export type RetryConsumer = (event: SQSEvent | ScheduledEvent) => Promise<SQSBatchResponse | ScheduledTaskResult>;

export interface InProcessRetryQueueOptions {
  /**
   * Seconds a received message stays hidden before a failed one is received again (the queue's
   * visibility timeout). AWS uses 6x the deliver timeout; locally a short wait keeps `npm start` lively.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives after which a message goes to the dead letters (the redrive policy's maxReceiveCount). */
  readonly maxReceiveCount?: number;
  /**
   * Batches handed to the consumer at the same time (the event source's maxConcurrency). Messages
   * due meanwhile wait in the queue, as they stay visible in SQS until a poller is free.
   */
  readonly maxConcurrency?: number;
  /** Period of the stalled-alert sweep; EventBridge runs it every 5 minutes. */
  readonly sweepIntervalMs?: number;
  /** Where failures that no consumer reported are written (a whole batch or a sweep that threw). */
  readonly onError?: (message: string, attributes: Record<string, unknown>) => void;
}

export interface DeadLetter {
  /** The message body as it was sent (what SQS would show in the dead-letter queue). */
  readonly body: string;
  readonly reason: string;
  readonly at: string;
}

interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

/** SQS's maximum DelaySeconds, kept locally so behaviour matches AWS. */
const MAX_DELAY_SECONDS = 900;
/** The event source's batch size (lib/relay-stack.ts). */
const BATCH_SIZE = 10;
/** The redrive policy's maxReceiveCount (lib/relay-stack.ts). */
const MAX_RECEIVE_COUNT = 5;
/** The event source's maxConcurrency (lib/relay-stack.ts). */
const MAX_CONCURRENCY = 5;
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

export class InProcessRetryQueue implements RetryQueue {
  readonly deadLetters: DeadLetter[] = [];
  readonly #visibilityTimeoutMs: number;
  readonly #maxReceiveCount: number;
  readonly #sweepIntervalMs: number;
  readonly #maxConcurrency: number;
  readonly #onError: NonNullable<InProcessRetryQueueOptions['onError']>;
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Messages due for delivery, waiting for a consumer or for the next batch. */
  readonly #ready: QueuedMessage[] = [];
  #consumer?: RetryConsumer;
  #sweep?: NodeJS.Timeout;
  #drain?: NodeJS.Timeout;
  /** Batches the consumer is working on. */
  #inFlight = 0;
  #closed = false;

  constructor(options: InProcessRetryQueueOptions = {}) {
    this.#visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS) * 1000;
    this.#maxReceiveCount = options.maxReceiveCount ?? MAX_RECEIVE_COUNT;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.#maxConcurrency = options.maxConcurrency ?? MAX_CONCURRENCY;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Set once the services exist (they need the queue first); starts the sweep schedule. */
  attach(consumer: RetryConsumer): void {
    if (this.#closed) return;
    this.#consumer = consumer;
    clearInterval(this.#sweep);
    this.#sweep = setInterval(() => void this.#runSweep(), this.#sweepIntervalMs);
    this.#scheduleDrain();
  }

  async enqueue(message: RetryMessage, delaySeconds: number): Promise<void> {
    // The same body as the SQS adapter sends, so the consumer parses what it parses on AWS.
    this.send(JSON.stringify(message), delaySeconds);
  }

  /**
   * Puts a raw body on the queue, as anyone with SendMessage on the queue (or a redrive from the
   * dead-letter queue) could. Returns the message id.
   */
  send(body: string, delaySeconds = 0): string {
    const message: QueuedMessage = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 };
    this.#makeVisibleIn(message, Math.min(MAX_DELAY_SECONDS, Math.max(0, delaySeconds)) * 1000);
    return message.messageId;
  }

  async deadLetter(message: { readonly alertId: string }, reason: string): Promise<void> {
    this.deadLetters.push({ body: JSON.stringify({ alertId: message.alertId }), reason, at: new Date().toISOString() });
  }

  /** Stops every timer; messages still waiting are forgotten (the ledger still holds their alerts). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    clearTimeout(this.#drain);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#ready.length = 0;
  }

  #makeVisibleIn(message: QueuedMessage, delayMs: number): void {
    // After close, in-flight deliveries may still re-queue; no timer may outlive the runtime.
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#ready.push(message);
      this.#scheduleDrain();
    }, delayMs);
    this.#timers.add(timer);
  }

  /**
   * Messages that become visible in the same turn travel in one batch, as the event source polls
   * them, in the order they became visible; at most `maxConcurrency` batches at a time. Without that cap a backlog
   * released at once (Jira back after an outage, a burst queued by pacing) would start every
   * attempt together: a storm on the ledger and the rate bucket that AWS never produces.
   */
  #scheduleDrain(): void {
    if (this.#drain || this.#closed || !this.#consumer) return;
    this.#drain = setTimeout(() => {
      this.#drain = undefined;
      while (this.#ready.length > 0 && this.#inFlight < this.#maxConcurrency) {
        this.#inFlight += 1;
        void this.#receive(this.#ready.splice(0, BATCH_SIZE)).finally(() => {
          this.#inFlight -= 1;
          this.#scheduleDrain();
        });
      }
    }, 0);
  }

  async #receive(batch: QueuedMessage[]): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer) return;
    const records: SQSRecord[] = [];
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= Date.now();
      if (message.receiveCount > this.#maxReceiveCount) {
        this.deadLetters.push({
          body: message.body,
          reason: `received ${this.#maxReceiveCount} times`,
          at: new Date().toISOString(),
        });
      } else {
        records.push(sqsRecord(message));
      }
    }
    if (records.length === 0) return;

    let failed: Set<string>;
    try {
      const response = await consumer({ Records: records });
      failed = new Set('batchItemFailures' in response ? response.batchItemFailures.map((f) => f.itemIdentifier) : []);
    } catch (error) {
      // The whole invocation failed: SQS redelivers the whole batch.
      this.#onError('Retry queue batch failed', { messages: records.length, errorName: errorName(error) });
      failed = new Set(records.map((r) => r.messageId));
    }
    for (const message of batch) {
      if (failed.has(message.messageId)) this.#makeVisibleIn(message, this.#visibilityTimeoutMs);
    }
  }

  async #runSweep(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer || this.#closed) return;
    try {
      await consumer(scheduledEvent(new Date()));
    } catch (error) {
      // EventBridge would retry; the next tick does the same job.
      this.#onError('Stalled-alert sweep failed', { errorName: errorName(error) });
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function sqsRecord(message: QueuedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:retry-queue',
    awsRegion: 'local',
  };
}

function scheduledEvent(time: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString(),
    region: 'local',
    resources: ['arn:aws:events:local:000000000000:rule/StalledAlertSweep'],
    detail: {},
  };
}
