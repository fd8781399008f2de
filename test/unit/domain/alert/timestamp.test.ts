import { describe, expect, it } from 'vitest';
import { normaliseTimestamp, parseTimestamp } from '#domain/alert/timestamp.ts';

describe('timestamp', () => {
  it.each([
    ['2025-11-05T05:00:28.091Z', '2025-11-05T05:00:28.091Z'],
    ['2025-11-05T05:00:28Z', '2025-11-05T05:00:28.000Z'],
    ['2025-11-05T05:00Z', '2025-11-05T05:00:00.000Z'],
    ['2025-11-05 05:00:28.091', '2025-11-05T05:00:28.091Z'],
    ['2025-11-05T05:00:28.091123Z', '2025-11-05T05:00:28.091Z'],
    ['2025-11-05T10:30:28.091+05:30', '2025-11-05T05:00:28.091Z'],
    ['2025-11-05T00:00:28.091-0500', '2025-11-05T05:00:28.091Z'],
    ['2025-11-05', '2025-11-05T00:00:00.000Z'],
    [1762318828, '2025-11-05T05:00:28.000Z'],
    [1762318828091, '2025-11-05T05:00:28.091Z'],
    ['1762318828', '2025-11-05T05:00:28.000Z'],
  ])('normalises %s', (input, expected) => {
    // Act / Assess
    expect(normaliseTimestamp(input)).toBe(expected);
  });

  it.each(['11/5/2025', '2025-02-30', '2025-13-01T00:00:00Z', 'yesterday', '', '2025-11-05T25:00:00Z'])(
    'refuses %j',
    (input) => {
      // Act / Assess
      expect(parseTimestamp(input)).toBeUndefined();
    },
  );

  it('refuses values that are neither text nor numbers', () => {
    // Act / Assess
    expect(parseTimestamp({})).toBeUndefined();
    expect(parseTimestamp(Number.NaN)).toBeUndefined();
  });
});
