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
  const { reservations, next } = reserveSlots(state, now, ratePerSecond, burst, [maxWaitMs]);
  return { reservation: reservations[0] ?? { retryAt: now, held: false }, ...(next ? { next } : {}) };
}

/**
 * Reserves consecutive slots for several waiting requests in one step (one write to the shared
 * bucket for all of them), one per request whose wait allows it. The shortest waits get the earliest
 * slots, so no slot is reserved for a request that cannot use it. Answers in the order of `maxWaitsMs`.
 */
export function reserveSlots(
  state: BucketState | undefined,
  now: number,
  ratePerSecond: number,
  burst: number,
  maxWaitsMs: readonly number[],
): { reservations: Reservation[]; next?: BucketState } {
  const interval = 1000 / ratePerSecond;
  const tolerance = interval * Math.max(0, burst - 1);
  const heldUntil = state?.heldUntil ?? 0;
  let tat = Math.max(state?.tat ?? now, now, heldUntil + tolerance);
  let reserved = 0;
  const reservations: Reservation[] = new Array(maxWaitsMs.length);
  const shortestFirst = maxWaitsMs.map((wait, index) => ({ wait, index })).sort((a, b) => a.wait - b.wait);
  for (const { wait, index } of shortestFirst) {
    const at = Math.max(now, tat - tolerance);
    if (at - now > wait) {
      reservations[index] = { retryAt: at, held: heldUntil > now };
      continue;
    }
    reservations[index] = { at };
    tat += interval;
    reserved += 1;
  }
  return { reservations, ...(reserved > 0 ? { next: { tat, heldUntil } } : {}) };
}

/** Nobody may send before `until`. */
export function holdBucket(state: BucketState | undefined, until: number): BucketState {
  return { tat: state?.tat ?? 0, heldUntil: Math.max(state?.heldUntil ?? 0, until) };
}
