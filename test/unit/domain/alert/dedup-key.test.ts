import { describe, expect, it } from 'vitest';
import { alertLabel, canonicalBody, dedupKey } from '#domain/alert/dedup-key.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

describe('dedup-key', () => {
  it('gives the same key to the same alert re-sent with other key order and whitespace', () => {
    // Prepare
    const original = sampleAlert('21');
    const reordered = JSON.stringify(
      Object.fromEntries(Object.entries(JSON.parse(original) as Record<string, unknown>).reverse()),
    );

    // Act
    const a = dedupKey(original);
    const b = dedupKey(reordered);
    const c = dedupKey(`\n  ${JSON.stringify(JSON.parse(original), null, 4)}  \n`);

    // Assess
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('sorts keys of nested objects too', () => {
    // Act
    const canonical = canonicalBody('{"b":{"z":1,"a":[{"y":2,"x":1}]},"a":true}');

    // Assess
    expect(canonical).toBe('{"a":true,"b":{"a":[{"x":1,"y":2}],"z":1}}');
  });

  it('gives different alerts different keys', () => {
    // Prepare
    const one = sampleAlert('13');
    const other = sampleAlert('14');
    const sameButTimestamp = one.replace('09:20:11.386Z', '09:20:11.387Z');

    // Act / Assess
    expect(dedupKey(one)).not.toBe(dedupKey(other));
    expect(dedupKey(one)).not.toBe(dedupKey(sameButTimestamp));
  });

  it('keeps array order significant', () => {
    // Act / Assess
    expect(dedupKey('[1,2]')).not.toBe(dedupKey('[2,1]'));
  });

  it('hashes a body that is not a JSON object or array as its trimmed text', () => {
    // Act / Assess
    expect(canonicalBody('  not json {  \n')).toBe('not json {');
    expect(dedupKey('  not json {  \n')).toBe(dedupKey('not json {'));
    expect(canonicalBody(' "text" ')).toBe('"text"');
    expect(dedupKey('broken {')).not.toBe(dedupKey('broken }'));
  });

  it('keeps a "__proto__" key in the canonical form', () => {
    // Act / Assess
    expect(canonicalBody('{"__proto__":{"a":1},"b":2}')).toBe('{"__proto__":{"a":1},"b":2}');
    expect(dedupKey('{"__proto__":{"a":1},"b":2}')).not.toBe(dedupKey('{"b":2}'));
  });

  it('derives a stable label without spaces from the alert id', () => {
    // Prepare
    const id = dedupKey(sampleAlert('01'));

    // Act
    const label = alertLabel(id);

    // Assess
    expect(label).toBe(`keeper-alert-${id.slice(0, 16)}`);
    expect(label).not.toMatch(/\s/);
    expect(label.length).toBeLessThanOrEqual(255);
    expect(alertLabel(id)).toBe(label);
  });

  it('keys a body nested a hundred thousand levels deep without overflowing the stack', () => {
    // Prepare: within the 256 KiB cap
    const depth = 100_000;
    const body = `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
    // Act
    const key = dedupKey(body);
    // Assess
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalBody(body)).toBe(body);
  });

  it('gives a body with a byte-order mark the key of the same body without one', () => {
    // Prepare
    const body = '{"audit_event":"login_failure","username":"a@b.c"}';
    // Act / Assess
    expect(dedupKey(`\uFEFF${body}`)).toBe(dedupKey(body));
  });
});
