/**
 * Property tests for the promise of docs/webhook-and-delivery.md rule 2: whatever body arrives
 * becomes a ticket. For any body, `parseAlertBody` then `buildIssue` never throw and the issue is
 * one Jira accepts: a one-line summary within 255 characters, labels without spaces, a valid ADF
 * description within Jira's 32,767-character limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { buildIssue } from '#domain/ticket/build-issue.ts';
import { descriptionSize } from '#domain/ticket/description.ts';
import { adfErrors } from '#test-support/adf-schema.ts';
import { opsConfig, secConfig } from '#test-support/jira-fixtures.ts';

/** Jira's limit on a rich-text field, counted on the serialised ADF. */
const JIRA_TEXT_FIELD_MAX = 32_767;
const JIRA_SHORT_TEXT_MAX = 255;
const NUM_RUNS = 200;

const configs: readonly RelayConfig[] = [secConfig(), opsConfig()];

/** Any text, including lone surrogates and control characters; now and then very long. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.integer({ min: 100, max: 3_000 }))
      .map(([piece, times]) => piece.repeat(times)),
  },
);

// Depth stays moderate: very deep nesting is a separate, known limit of the canonical JSON.
const anyJson = fc.jsonValue({ maxDepth: 4 });

/** Objects with Keeper's field names holding values of any JSON type, as custom templates produce. */
const keeperShaped = fc.record(
  {
    alert_name: fc.oneof(anyText, anyJson),
    description: fc.oneof(anyText, anyJson),
    audit_event: fc.oneof(
      fc.constantFrom('login_failure', 'set_two_factor_off', 'bw_record_high_risk'),
      anyText,
      anyJson,
    ),
    category: fc.oneof(fc.constantFrom('login', 'breachwatch', 'security'), anyText, anyJson),
    username: fc.oneof(anyText, anyJson),
    remote_address: fc.oneof(anyText, anyJson),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer(),
      anyText,
      anyJson,
    ),
    client_version: fc.oneof(anyText, anyJson),
    enterprise_id: fc.oneof(fc.integer(), anyJson),
    event: fc.oneof(fc.dictionary(fc.string(), anyJson, { maxKeys: 8 }), anyJson),
  },
  { requiredKeys: [] },
);

/** Bodies as they reach the relay: any text, any JSON value, any object, Keeper-like objects, pretty or compact. */
const anyBody = fc.oneof(
  anyText,
  anyJson.map((value) => JSON.stringify(value)),
  fc
    .dictionary(fc.string({ unit: 'binary', maxLength: 40 }), anyJson, { maxKeys: 30 })
    .map((value) => JSON.stringify(value)),
  fc.tuple(keeperShaped, fc.boolean()).map(([value, pretty]) => JSON.stringify(value, null, pretty ? 2 : undefined)),
);

function build(body: string, config: RelayConfig, test: boolean) {
  return buildIssue(parseAlertBody(body), {
    alertId: dedupKey(body),
    receivedAt: '2026-01-01T00:00:00.000Z',
    config,
    ...(test ? { test } : {}),
  });
}

/** What Jira needs to accept the issue, apart from the description's size (asserted on its own below). */
function assertAcceptableIssue(body: string, config: RelayConfig, test: boolean): void {
  const built = build(body, config, test);

  const summary = built.fields['summary'];
  expect(typeof summary).toBe('string');
  const text = String(summary);
  expect(text.trim().length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(JIRA_SHORT_TEXT_MAX);
  expect(text).not.toMatch(/[\r\n]/);

  const labels = built.fields['labels'];
  expect(Array.isArray(labels)).toBe(true);
  for (const label of labels as unknown[]) {
    expect(typeof label).toBe('string');
    expect(String(label).length).toBeGreaterThan(0);
    expect(String(label).length).toBeLessThanOrEqual(JIRA_SHORT_TEXT_MAX);
    expect(String(label)).not.toMatch(/\s/);
  }

  expect(built.fields['description']).toBe(built.description);
  expect(adfErrors(built.description)).toEqual([]);
}

/**
 * Bodies this property once found whose description exceeded Jira's limit: one ~31,000-character
 * field (here `username`) gave 32,772 characters; a 3,067-character body whose description has
 * 1,000 line breaks gave 54,872. They run first in the size property so they stay fixed.
 */
const OVERSIZED_DESCRIPTION_BODIES = [
  JSON.stringify({ username: `  ${'aaaa   '.repeat(4_415)}` }),
  JSON.stringify({ audit_event: 'login_failure', description: '!\n'.repeat(1_000), alert_name: '!\n' }),
];

describe('build-issue (properties)', () => {
  it('turns any text body into an acceptable issue without throwing', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...configs), fc.boolean(), (body, config, test) => {
        assertAcceptableIssue(body, config, test);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('turns any JSON body, object or not, into an acceptable issue without throwing', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom(...configs), fc.boolean(), (body, config, test) => {
        assertAcceptableIssue(body, config, test);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('keeps the description within Jira’s limit for a huge one-line alert description', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }).filter((piece) => !/[\r\n]/.test(piece)),
        fc.integer({ min: 1_000, max: 5_000 }),
        fc.constantFrom(...configs),
        (piece, times, config) => {
          const body = JSON.stringify({
            audit_event: 'login_failure',
            description: piece.repeat(times),
            alert_name: piece,
          });
          expect(descriptionSize(build(body, config, false).description)).toBeLessThanOrEqual(JIRA_TEXT_FIELD_MAX);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps the description within Jira’s 32,767-character limit for any body', () => {
    fc.assert(
      fc.property(anyBody, fc.constantFrom(...configs), (body, config) => {
        expect(descriptionSize(build(body, config, false).description)).toBeLessThanOrEqual(JIRA_TEXT_FIELD_MAX);
      }),
      {
        numRuns: NUM_RUNS,
        examples: OVERSIZED_DESCRIPTION_BODIES.map((body): [string, RelayConfig] => [body, secConfig()]),
        endOnFailure: true,
      },
    );
  });

  it('shows a redacted value nowhere, for any object body, any listed key and any rule notes', () => {
    const marker = 'S3CR3T-7f1c9a';
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), anyJson, { minKeys: 1, maxKeys: 20 }),
        fc.nat(),
        fc.constantFrom(...configs),
        fc.boolean(),
        (payload, pick, config, pretty) => {
          // Prepare: one key holds the secret, inside the value so it is never a key itself.
          const keys = Object.keys(payload).filter((k) => !k.includes('.') && k !== 'event' && !k.includes(marker));
          fc.pre(keys.length > 0 && !JSON.stringify(payload).includes(marker));
          const key = keys[pick % keys.length] as string;
          const body = JSON.stringify({ ...payload, [key]: { value: marker } }, null, pretty ? 2 : undefined);
          const alert = parseAlertBody(body);

          // Act
          const built = buildIssue(alert, {
            alertId: dedupKey(body),
            receivedAt: '2026-01-01T00:00:00.000Z',
            config,
            decision: {
              suppress: false,
              projectKey: config.project.key,
              labels: ['x y'],
              redact: [key],
              rule: { id: 'r', name: 'R' },
            },
            group: { key: { [key]: '[redacted]' }, windowMinutes: 60 },
            storm: { ruleName: 'R', hour: '2026-01-01T00', cap: 5 },
          });

          // Assess
          expect(JSON.stringify({ fields: built.fields, attachment: built.attachment })).not.toContain(marker);
          expect(built.redactedPaths).toEqual([key]);
          expect(adfErrors(built.description)).toEqual([]);
          expect(descriptionSize(built.description)).toBeLessThanOrEqual(JIRA_TEXT_FIELD_MAX);
          expect(String(built.fields['summary']).length).toBeLessThanOrEqual(JIRA_SHORT_TEXT_MAX);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
