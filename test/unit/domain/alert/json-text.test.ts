import { describe, expect, it } from 'vitest';
import { jsonText } from '#domain/alert/json-text.ts';
import { sampleAlerts } from '#test-support/sample-alerts.ts';

describe('json-text', () => {
  it('writes what JSON.stringify writes for parsed payloads', () => {
    for (const { file, body } of sampleAlerts()) {
      // Prepare
      const value: unknown = JSON.parse(body);

      // Act
      const text = jsonText(value);

      // Assess
      expect(text, file).toBe(JSON.stringify(value));
    }
  });

  it('writes keys sorted, escapes like JSON and keeps a parsed __proto__ key as data', () => {
    // Prepare
    const value: unknown = JSON.parse('{"b":[1,"\\u0000\\ud800",null,true],"__proto__":{"x":1},"a":1e400}');

    // Act
    const text = jsonText(value, { sortKeys: true });

    // Assess
    expect(text).toBe('{"__proto__":{"x":1},"a":null,"b":[1,"\\u0000\\ud800",null,true]}');
  });

  it('writes values nested far deeper than the call stack allows', () => {
    // Prepare
    const depth = 200_000;
    const value: unknown = JSON.parse(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);

    // Act
    const text = jsonText(value);

    // Assess
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(text).toBe(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);
  });

  it('stops once maxChars characters are written', () => {
    // Prepare
    const value: unknown = JSON.parse(`[${'"abcdefghij",'.repeat(10_000)}1]`);

    // Act
    const text = jsonText(value, { maxChars: 50 });

    // Assess
    expect(text.length).toBeGreaterThanOrEqual(50);
    expect(text.length).toBeLessThan(70);
    expect(JSON.stringify(value).startsWith(text)).toBe(true);
  });
});
