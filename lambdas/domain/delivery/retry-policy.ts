/**
 * When a delivery that failed transiently is tried again (docs/webhook-and-delivery.md, "Budget in
 * time, not in attempts"): exactly when Jira's Retry-After says, else exponential backoff with full
 * jitter capped at SQS's 15-minute delay, until a time budget since the alert was received (default
 * 72 hours) is spent. Atlassian outages last hours; a count of attempts would give up in minutes.
 */

/** First backoff step when Jira names no time; doubles per attempt. */
const BASE_BACKOFF_SECONDS = 5;
/** SQS's maximum DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

export type RetryDecision =
  | { readonly kind: 'retry'; readonly delaySeconds: number }
  | { readonly kind: 'give-up'; readonly reason: string };

export interface RetryInput {
  /**
   * Transient failures so far, this one included (1 after the first). Not the number of attempts:
   * an attempt that only waited (pacing, Retry-After, open breaker) must not lengthen the backoff.
   */
  readonly attempt: number;
  readonly receivedAt: string;
  readonly now: Date;
  /** Jira's Retry-After (or Beta-Retry-After), honoured exactly. */
  readonly retryAfterSeconds?: number;
  readonly budgetSeconds: number;
  /** Uniform in [0, 1): Math.random in production, fixed in tests. */
  readonly random: () => number;
}

/** The next attempt's delay, or the end of the road once the budget is spent. */
export function nextRetry(input: RetryInput): RetryDecision {
  const elapsed = (input.now.getTime() - Date.parse(input.receivedAt)) / 1000;
  const left = input.budgetSeconds - elapsed;
  if (!(left > 0)) {
    return { kind: 'give-up', reason: `retry budget of ${formatHours(input.budgetSeconds)} spent` };
  }
  const wanted = input.retryAfterSeconds ?? fullJitter(input.attempt, input.random);
  // The last try lands at the end of the budget rather than past it.
  return { kind: 'retry', delaySeconds: Math.max(1, Math.ceil(Math.min(wanted, left, MAX_DELAY_SECONDS))) };
}

/** "Full jitter": uniform between 0 and the exponential step, so retries of many alerts spread out. */
export function fullJitter(attempt: number, random: () => number): number {
  const ceiling = Math.min(MAX_DELAY_SECONDS, BASE_BACKOFF_SECONDS * 2 ** Math.max(0, attempt - 1));
  return random() * ceiling;
}

function formatHours(seconds: number): string {
  const hours = seconds / 3600;
  return Number.isInteger(hours) ? `${hours} h` : `${Math.round(seconds / 60)} min`;
}
