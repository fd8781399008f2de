import { describe, expect, it } from 'vitest';
import { reachedThreshold, recentTimes } from '#domain/routing/escalation.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-26T13:00:00.000Z');
const at = (...minutes: number[]) => minutes.map((m) => T0 + m * MINUTE);
const tenInTen = { occurrences: 10, withinMinutes: 10 };

describe('escalation', () => {
  describe('reachedThreshold', () => {
    it('is reached by 10 occurrences within 10 minutes, both ends included', () => {
      // Act / Assess
      expect(reachedThreshold(at(0, 1, 2, 3, 4, 5, 6, 7, 8, 10), tenInTen)).toBe(true);
      expect(reachedThreshold(at(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), tenInTen)).toBe(true);
    });

    it('is not reached by fewer occurrences, or by the same number spread wider', () => {
      // Act / Assess
      expect(reachedThreshold(at(0, 1, 2, 3, 4, 5, 6, 7, 8), tenInTen)).toBe(false);
      expect(reachedThreshold([...at(0, 1, 2, 3, 4, 5, 6, 7, 8), T0 + 10 * MINUTE + 1], tenInTen)).toBe(false);
      expect(reachedThreshold([], tenInTen)).toBe(false);
    });

    it('finds a dense window anywhere among the times, in any order', () => {
      // Prepare: two stragglers, then ten within five minutes, shuffled.
      const times = [...at(-120, -60), ...at(30, 31, 32, 33, 34, 35, 31, 32, 33, 34)].reverse();

      // Act / Assess
      expect(reachedThreshold(times, tenInTen)).toBe(true);
      expect(reachedThreshold(times, { occurrences: 11, withinMinutes: 10 })).toBe(false);
      expect(reachedThreshold(times, { occurrences: 11, withinMinutes: 94 })).toBe(false);
      expect(reachedThreshold(times, { occurrences: 11, withinMinutes: 95 })).toBe(true);
    });

    it('ignores times that are not numbers', () => {
      // Act / Assess
      expect(reachedThreshold([T0, Number.NaN, T0], { occurrences: 3, withinMinutes: 1 })).toBe(false);
      expect(reachedThreshold([T0, Number.NaN, T0], { occurrences: 2, withinMinutes: 1 })).toBe(true);
    });
  });

  describe('recentTimes', () => {
    it('keeps the latest `occurrences` times, oldest first', () => {
      // Act / Assess
      expect(recentTimes(at(5, 1, 4, 2, 3), { occurrences: 3, withinMinutes: 10 })).toEqual(at(3, 4, 5));
      expect(recentTimes(at(1), { occurrences: 3, withinMinutes: 10 })).toEqual(at(1));
    });

    it('answers the newest window like all the times would, as a group grows', () => {
      // Prepare: one occurrence a minute, then a burst.
      let kept: number[] = [];
      const all: number[] = [];
      const arrivals = [...at(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20), ...at(21, 21, 21, 21, 21, 21, 21, 21, 21)];

      // Act / Assess
      for (const time of arrivals) {
        all.push(time);
        kept = recentTimes([...kept, time], tenInTen);
        expect(kept.length).toBeLessThanOrEqual(10);
        expect(reachedThreshold(kept, tenInTen)).toBe(reachedThreshold(all.slice(-10), tenInTen));
      }
      expect(reachedThreshold(kept, tenInTen)).toBe(true);
    });
  });
});
