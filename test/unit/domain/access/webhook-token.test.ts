import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  generateToken,
  matchToken,
  sha256Hex,
  WebhookTokenAdmin,
  WebhookTokenVerifier,
} from '#domain/access/webhook-token.ts';
import { AuthenticationError } from '#domain/errors.ts';
import { ManualClock, MemorySecretStore, MemoryStateStore } from '#test-support/in-memory-ports.ts';

function setup(cacheSeconds = 5) {
  const secrets = new MemorySecretStore();
  const state = new MemoryStateStore();
  const clock = new ManualClock();
  const slept: number[] = [];
  // Sleeping advances the manual clock: the wait is exact and instant.
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  return {
    secrets,
    state,
    clock,
    slept,
    admin: new WebhookTokenAdmin(secrets, state, clock),
    verifier: new WebhookTokenVerifier(secrets, state, clock, cacheSeconds, sleep),
  };
}

describe('webhook-token', () => {
  it('generates 64-character URL-safe tokens that differ every time', () => {
    const a = generateToken();
    const b = generateToken();
    expect(a).toHaveLength(64);
    expect(a).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(a).not.toBe(b);
  });

  it('stores only the SHA-256 hash of a generated token', async () => {
    const { admin, secrets } = setup();
    const { token } = await admin.generate();
    const stored = secrets.values.get('webhook-tokens') ?? '';
    expect(stored).not.toContain(token);
    expect(stored).toContain(sha256Hex(token));
  });

  it('extracts the bearer token case-insensitively and rejects other schemes', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('matches a token against every stored hash', () => {
    const stored = {
      tokens: [
        { id: 'a', hash: sha256Hex('one'), createdAt: 'x' },
        { id: 'b', hash: sha256Hex('two'), createdAt: 'x' },
      ],
    };
    expect(matchToken('two', stored)).toBe('b');
    expect(matchToken('three', stored)).toBeUndefined();
  });

  it('returns 401-class errors when no token is configured, saying one must be generated', async () => {
    const { verifier } = setup();
    await expect(verifier.verify('Bearer anything')).rejects.toThrow(/generate one/);
  });

  it('accepts the current token and stamps when it was last used', async () => {
    const { admin, verifier, state } = setup();
    const { token } = await admin.generate();
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toBeTypeOf('string');
    expect(state.items.get('webhook-token')?.lastUsedAt).toBe('2026-11-23T12:00:00.000Z');
  });

  it('refuses a wrong or missing bearer token', async () => {
    const { admin, verifier } = setup();
    await admin.generate();
    await expect(verifier.verify('Bearer wrong')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify(undefined)).rejects.toThrow(/Authorization header/);
  });

  it('accepts a regenerated token at once and refuses the old one once the cache expires', async () => {
    const { admin, verifier, clock } = setup(5);
    const first = await admin.generate();
    await verifier.verify(`Bearer ${first.token}`);
    const second = await admin.generate();
    clock.advance(1_500);
    await expect(verifier.verify(`Bearer ${second.token}`)).resolves.toBeTypeOf('string');
    clock.advance(5_000);
    await expect(verifier.verify(`Bearer ${first.token}`)).rejects.toThrow('Invalid webhook token');
  });

  it('re-reads the secret at most once a second for unknown tokens', async () => {
    const { admin, verifier, secrets, clock } = setup(60);
    await admin.generate();
    const start = clock.now().getTime();
    await expect(verifier.verify('Bearer nope')).rejects.toThrow();
    const reads = secrets.gets;
    await expect(verifier.verify('Bearer nope-again')).rejects.toThrow();
    await expect(verifier.verify('Bearer nope-a-third-time')).rejects.toThrow();
    // Each later miss waited for its own re-read, one second apart.
    expect(secrets.gets - reads).toBe(2);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(2_000);
  });

  it('accepts a new token right after a wrong one, by waiting for the next re-read instead of refusing', async () => {
    // Prepare: another instance generates a token; this instance has the old list cached
    const { admin, verifier, secrets, state, clock, slept } = setup(60);
    await admin.generate();
    await expect(verifier.verify('Bearer wrong')).rejects.toThrow();
    const fresh = await new WebhookTokenAdmin(secrets, state, clock).generate();
    // Act: ten alerts with the new token inside the re-read window
    const results = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(`Bearer ${fresh.token}`)));
    // Assess: all accepted, after one shared wait and one re-read
    expect(new Set(results).size).toBe(1);
    expect(slept).toEqual([1_000]);
  });

  it('refuses every token after revocation', async () => {
    const { admin, verifier } = setup(0);
    const { token } = await admin.generate();
    await admin.revoke();
    await expect(verifier.verify(`Bearer ${token}`)).rejects.toThrow(/generate one/);
    expect(await admin.meta()).toBeUndefined();
  });
});
