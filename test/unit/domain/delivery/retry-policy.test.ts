import { describe, expect, it } from 'vitest';
import { fullJitter, nextRetry } from '#domain/delivery/retry-policy.ts';

const receivedAt = '2026-11-23T12:00:00.000Z';
const at = (secondsAfter: number) => new Date(Date.parse(receivedAt) + secondsAfter * 1000);
const budgetSeconds = 72 * 3600;

describe('retry-policy', () => {
  it('waits exactly what Retry-After says, whatever the attempt count', () => {
    // Act
    const decision = nextRetry({
      attempt: 40,
      receivedAt,
      now: at(60),
      retryAfterSeconds: 7,
      budgetSeconds,
      random: () => 0.99,
    });
    // Assess
    expect(decision).toEqual({ kind: 'retry', delaySeconds: 7 });
  });

  it('spreads retries with full jitter under an exponential ceiling capped at 15 minutes', () => {
    // Assess
    expect(fullJitter(1, () => 0.999)).toBeLessThan(5);
    expect(fullJitter(3, () => 0.5)).toBe(10);
    expect(fullJitter(30, () => 0.999)).toBeLessThan(900);
    expect(nextRetry({ attempt: 30, receivedAt, now: at(60), budgetSeconds, random: () => 0.999 })).toEqual({
      kind: 'retry',
      delaySeconds: 900,
    });
    expect(nextRetry({ attempt: 1, receivedAt, now: at(1), budgetSeconds, random: () => 0 })).toEqual({
      kind: 'retry',
      delaySeconds: 1,
    });
  });

  it('keeps retrying through a six-hour outage and gives up only when the time budget is spent', () => {
    // Act
    const sixHours = nextRetry({ attempt: 500, receivedAt, now: at(6 * 3600), budgetSeconds, random: () => 0.5 });
    const spent = nextRetry({ attempt: 501, receivedAt, now: at(budgetSeconds), budgetSeconds, random: () => 0.5 });
    // Assess
    expect(sixHours.kind).toBe('retry');
    expect(spent).toEqual({ kind: 'give-up', reason: 'retry budget of 72 h spent' });
  });

  it('never schedules past the end of the budget', () => {
    // Act
    const decision = nextRetry({
      attempt: 30,
      receivedAt,
      now: at(budgetSeconds - 20),
      budgetSeconds,
      random: () => 0.99,
    });
    // Assess
    expect(decision).toEqual({ kind: 'retry', delaySeconds: 20 });
  });
});
