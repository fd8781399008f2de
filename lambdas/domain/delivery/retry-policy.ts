/**
 * When a delivery that failed transiently is tried again (docs/webhook-and-delivery.md): Jira's
 * Retry-After when it gives one, else an exponential backoff; always within what SQS can delay.
 */

/** Backoff when Jira gives no Retry-After: 5 s doubling, capped at SQS's 15-minute maximum delay. */
const BASE_BACKOFF_SECONDS = 5;
const MAX_BACKOFF_SECONDS = 900;

/** Seconds to wait before attempt `attempt + 1`; `retryAfterSeconds` (from Jira) is honoured up to the cap. */
export function backoffSeconds(attempt: number, retryAfterSeconds?: number): number {
  const exponential = Math.min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_BACKOFF_SECONDS, Math.max(retryAfterSeconds ?? 0, exponential));
}
