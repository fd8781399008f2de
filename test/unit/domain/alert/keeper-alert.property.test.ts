/**
 * Property tests for `parseAlertBody` (docs/webhook-and-delivery.md rule 2): it never throws, reads
 * exactly the JSON objects as parsed alerts, and keeps the payload as received.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { DOCUMENTED_KEEPER_FIELDS } from '#domain/alert/keeper-fields.ts';

// Depth stays moderate: bodies nested thousands deep are a separate, known limit.
const jsonValue = fc.jsonValue({ maxDepth: 5 });
// Keeper's documented fields, plus `event` where a template nests the raw event.
const keeperField = fc.constantFrom(...DOCUMENTED_KEEPER_FIELDS, 'event');
const keeperLike = fc.dictionary(fc.oneof(keeperField, fc.string({ maxLength: 12 })), jsonValue, { maxKeys: 12 });

describe('keeper-alert (properties)', () => {
  it('reads any text without throwing, as a parsed alert exactly when it is a JSON object', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          jsonValue.map((v) => JSON.stringify(v)),
        ),
        (body) => {
          const alert = parseAlertBody(body);
          let isObject = false;
          try {
            const value: unknown = JSON.parse(body);
            isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
          } catch {
            isObject = false;
          }
          expect(alert.parsed).toBe(isObject);
          if (!alert.parsed) {
            expect(alert.rawText).toBe(body);
            expect(alert.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the payload of any object as received and names an event and a category', () => {
    fc.assert(
      fc.property(keeperLike, fc.boolean(), (value, pretty) => {
        const body = JSON.stringify(value, null, pretty ? 2 : undefined);
        const alert = parseAlertBody(body);
        expect(alert.parsed).toBe(true);
        if (!alert.parsed) return;
        expect(alert.payload).toStrictEqual(JSON.parse(body));
        expect(alert.event.length).toBeGreaterThan(0);
        expect(alert.category.length).toBeGreaterThan(0);
        if (typeof value['audit_event'] === 'string' && value['audit_event'].trim() !== '') {
          expect(alert.event).toBe(value['audit_event'].trim());
        }
      }),
      { numRuns: 200 },
    );
  });
});
