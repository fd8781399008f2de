import { describe, expect, it } from 'vitest';
import { displayValue, singleLine, truncate, truncateVisibly } from '#domain/ticket/text.ts';

describe('text', () => {
  it('truncates with an ellipsis within the limit', () => {
    // Act
    const cut = truncate('abcdefghij', 5);

    // Assess
    expect(cut).toBe('abcd…');
    expect(truncate('abc', 5)).toBe('abc');
  });

  it('never splits a surrogate pair', () => {
    // Prepare
    const text = `abc${'😀'.repeat(5)}`;

    // Act
    const beforePair = truncate(text, 5);
    const afterPair = truncate(text, 6);

    // Assess
    expect(beforePair).toBe('abc…');
    expect(afterPair).toBe('abc😀…');
  });

  it('says how much was cut when truncating visibly', () => {
    // Act
    const cut = truncateVisibly('x'.repeat(100), 10);

    // Assess
    expect(cut).toBe(`${'x'.repeat(10)} … truncated, 90 more characters; the full payload is in the relay's ledger`);
  });

  it('collapses newlines, tabs and control characters to single spaces', () => {
    // Act / Assess
    expect(singleLine('  a\n\tb\u0000\r\nc  ')).toBe('a b c');
  });

  it('shows strings as they are and other values as compact JSON', () => {
    // Act / Assess
    expect(displayValue('x')).toBe('x');
    expect(displayValue(42)).toBe('42');
    expect(displayValue({ a: [1, true] })).toBe('{"a":[1,true]}');
    expect(displayValue(null)).toBe('null');
    expect(displayValue(undefined)).toBe('');
  });

  it('shows a value nested far deeper than the call stack as JSON, and only its start when asked', () => {
    // Prepare
    const deep: unknown = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);

    // Act
    const whole = displayValue(deep);
    const start = displayValue(deep, 10);

    // Assess
    expect(whole).toBe(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(start).toBe('['.repeat(10));
  });
});
