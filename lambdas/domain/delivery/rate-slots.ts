/**
 * Slot reservation for the shared rate bucket (GCRA, the generic cell rate algorithm): one number,
 * the theoretical arrival time (TAT), says when the next request may go. Adapters keep the number
 * (DynamoDB in AWS) and apply these pure steps, so every instance paces against the same clock.
 */

export interface BucketState {
  /** Epoch ms: the theoretical arrival time of the next request. */
  readonly tat: number;
  /** Epoch ms before which nobody may send (Jira's Retry-After). */
  readonly heldUntil: number;
}

export type Reservation = { readonly at: number } | { readonly retryAt: number; readonly held: boolean };

/**
 * Reserves the next slot at `ratePerSecond` with `burst` requests of tolerance, if it starts within
 * `maxWaitMs`; otherwise reserves nothing and says when to come back (a slot that is not used
 * would be lost to everyone).
 */
export function reserveSlot(
  state: BucketState | undefined,
  now: number,
  ratePerSecond: number,
  burst: number,
  maxWaitMs: number,
): { reservation: Reservation; next?: BucketState } {
  const interval = 1000 / ratePerSecond;
  const tolerance = interval * Math.max(0, burst - 1);
  const heldUntil = state?.heldUntil ?? 0;
  const tat = Math.max(state?.tat ?? now, now, heldUntil + tolerance);
  const at = Math.max(now, tat - tolerance);
  if (at - now > maxWaitMs) return { reservation: { retryAt: at, held: heldUntil > now } };
  return { reservation: { at }, next: { tat: tat + interval, heldUntil } };
}

/** Nobody may send before `until`. */
export function holdBucket(state: BucketState | undefined, until: number): BucketState {
  return { tat: state?.tat ?? 0, heldUntil: Math.max(state?.heldUntil ?? 0, until) };
}
