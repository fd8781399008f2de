/**
 * Property tests for the alert id (docs/webhook-and-delivery.md): the same alert re-sent with other
 * key order or whitespace is the same alert, and canonical JSON still means the same value.
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBody, dedupKey } from '#domain/alert/dedup-key.ts';

// Depth stays moderate: bodies nested thousands deep are a separate, known limit.
const jsonValue = fc.jsonValue({ maxDepth: 5 });
const jsonObject = fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), jsonValue, { maxKeys: 12 });
/** JSON's insignificant whitespace. */
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });

/**
 * Serialises `value` as JSON with keys in the order `order` gives and `gap()` between tokens.
 * Written out by hand: re-building objects would treat a `"__proto__"` key specially.
 */
function serialise(value: unknown, order: (keys: string[]) => string[], gap: () => string): string {
  if (Array.isArray(value))
    return `[${gap()}${value.map((v) => serialise(v, order, gap)).join(`${gap()},${gap()}`)}${gap()}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const members = order(Object.keys(record)).map(
      (k) => `${gap()}${JSON.stringify(k)}${gap()}:${gap()}${serialise(record[k], order, gap)}${gap()}`,
    );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A key order and a whitespace source drawn from fast-check's random stream. */
const reformatting = fc.record({
  order: fc.func(fc.integer()),
  gaps: fc.infiniteStream(whitespace),
});

function reformat(value: unknown, { order, gaps }: { order: (key: string) => number; gaps: Iterable<string> }): string {
  const iterator = gaps[Symbol.iterator]();
  const gap = () => iterator.next().value ?? '';
  const shuffle = (keys: string[]) =>
    keys
      .map((key) => ({ key, rank: order(key) }))
      .sort((a, b) => a.rank - b.rank)
      .map((entry) => entry.key);
  return `${gap()}${serialise(value, shuffle, gap)}${gap()}`;
}

describe('dedup-key (properties)', () => {
  it('gives an object the same canonical body and alert id whatever its key order and whitespace', () => {
    fc.assert(
      fc.property(jsonObject, reformatting, reformatting, (value, first, second) => {
        const a = reformat(value, first);
        const b = reformat(value, second);
        expect(canonicalBody(a)).toBe(canonicalBody(b));
        expect(dedupKey(a)).toBe(dedupKey(b));
        expect(canonicalBody(a)).toBe(canonicalBody(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the value: the canonical body of a JSON object or array parses back to the same value', () => {
    fc.assert(
      fc.property(fc.oneof(jsonObject, fc.array(jsonValue, { maxLength: 8 })), (value) => {
        const canonical = canonicalBody(JSON.stringify(value, null, 2));
        expect(JSON.parse(canonical)).toStrictEqual(JSON.parse(JSON.stringify(value)));
        expect(canonical).not.toMatch(/^\s|\s$/);
      }),
      { numRuns: 200 },
    );
  });

  it('gives two objects the same canonical body only when they hold the same value', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (a, b) => {
        const same = canonicalBody(JSON.stringify(a)) === canonicalBody(JSON.stringify(b));
        // isDeepStrictEqual ignores key order, as the canonical body must.
        expect(same).toBe(isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b))));
      }),
      { numRuns: 200 },
    );
  });

  it('ignores whitespace around any body, JSON or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), whitespace, whitespace, (body, before, after) => {
        expect(dedupKey(`${before}${body}${after}`)).toBe(dedupKey(body));
      }),
      { numRuns: 200 },
    );
  });
});
