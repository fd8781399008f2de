/**
 * The local stand-in for the SQS retry queue: timers in this process. Durability comes from the
 * ledger: on start the runtime re-queues every alert the ledger still holds as queued or retrying.
 */
import type { RetryMessage, RetryQueue } from '#domain/ports.ts';

/** SQS's maximum DelaySeconds, kept locally so behaviour matches AWS. */
const MAX_DELAY_SECONDS = 900;

export class InProcessRetryQueue implements RetryQueue {
  private consumer?: (message: RetryMessage) => Promise<void>;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly deadLetters: { message: RetryMessage; reason: string; at: string }[] = [];

  /** Set once the services exist (they need the queue first). */
  attach(consumer: (message: RetryMessage) => Promise<void>): void {
    this.consumer = consumer;
  }

  async enqueue(message: RetryMessage, delaySeconds: number): Promise<void> {
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, delaySeconds)) * 1000;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.consumer?.(message).catch(() => {
        // Like an SQS redelivery after the visibility timeout.
        void this.enqueue(message, 30);
      });
    }, delay);
    this.timers.add(timer);
  }

  async deadLetter(message: RetryMessage, reason: string): Promise<void> {
    this.deadLetters.push({ message, reason, at: new Date().toISOString() });
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
