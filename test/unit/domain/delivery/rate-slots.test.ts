import { describe, expect, it } from 'vitest';
import { holdBucket, reserveSlot, reserveSlots } from '#domain/delivery/rate-slots.ts';

describe('rate-slots', () => {
  it('spaces consecutive slots by the rate after the burst tolerance', () => {
    // Act: 10 requests per second, burst 2
    const { reservations, next } = reserveSlots(undefined, 10_000, 10, 2, [1_000, 1_000, 1_000, 1_000]);
    // Assess
    expect(reservations).toEqual([{ at: 10_000 }, { at: 10_000 }, { at: 10_100 }, { at: 10_200 }]);
    expect(next?.tat).toBe(10_400);
  });

  it('gives the earliest slots to the shortest waits and reserves nothing for a request that cannot use it', () => {
    // Prepare: the next free slot is 300 ms away
    const state = { tat: 300, heldUntil: 0 };
    // Act: a webhook that may wait 250 ms and two retries that may wait 10 s
    const { reservations, next } = reserveSlots(state, 0, 10, 1, [10_000, 250, 10_000]);
    // Assess
    expect(reservations).toEqual([{ at: 300 }, { retryAt: 300, held: false }, { at: 400 }]);
    expect(next?.tat).toBe(500);
  });

  it('starts no slot before a hold ends', () => {
    // Act
    const { reservations } = reserveSlots(holdBucket(undefined, 1_000), 0, 10, 1, [500, 2_000]);
    // Assess
    expect(reservations).toEqual([{ retryAt: 1_000, held: true }, { at: 1_000 }]);
  });

  it('reserves one slot as reserveSlots does for a single request', () => {
    // Act
    const one = reserveSlot({ tat: 50, heldUntil: 0 }, 0, 10, 1, 100);
    // Assess
    expect(one).toEqual({ reservation: { at: 50 }, next: { tat: 150, heldUntil: 0 } });
  });
});
