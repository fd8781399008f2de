import { describe, expect, it } from 'vitest';
import { backoffSeconds } from '#domain/delivery/retry-policy.ts';

describe('retry-policy', () => {
  it('backs off exponentially without Retry-After, capped at 15 minutes', () => {
    expect(backoffSeconds(1)).toBe(5);
    expect(backoffSeconds(3)).toBe(20);
    expect(backoffSeconds(3, 60)).toBe(60);
    expect(backoffSeconds(20)).toBe(900);
  });

  it('never waits longer than SQS can delay, whatever Retry-After says', () => {
    // Act / Assess
    expect(backoffSeconds(1, 3_600)).toBe(900);
  });
});
