/**
 * Webhook Bearer tokens: generated once, shown once, stored only as SHA-256 hashes in the secret
 * store, checked in constant time. Metadata (created, last used) lives in the state store so the
 * hot path never writes to Secrets Manager.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { AuthenticationError } from '#domain/errors.ts';
import type { Clock, SecretStore, StateStore } from '#domain/ports.ts';

export const TOKEN_LENGTH = 64;
const TOKEN_META_ITEM = 'webhook-token';
/** Stamp "last used" at most this often per instance: one cheap write a minute, not one per alert. */
const LAST_USED_STAMP_MS = 60_000;
/** A token that misses the cache triggers at most one re-read per second (no amplification by bad tokens). */
const MISS_REFETCH_MS = 1_000;

const storedTokensSchema = z.object({
  tokens: z._default(
    z.array(z.object({ id: z.string(), hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)), createdAt: z.string() })),
    [],
  ),
});
export type StoredTokens = z.infer<typeof storedTokensSchema>;

export interface TokenMeta {
  readonly id: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** 64 characters of URL-safe base64 (384 bits of entropy). */
export function generateToken(): string {
  return randomBytes(48).toString('base64url');
}

export function parseStoredTokens(raw: string | undefined): StoredTokens {
  if (raw === undefined || raw.trim() === '') return { tokens: [] };
  return storedTokensSchema.parse(JSON.parse(raw));
}

/** Extracts the token from `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Compares against every stored hash without an early exit, so timing does not reveal which one matched. */
export function matchToken(token: string, stored: StoredTokens): string | undefined {
  const presented = Buffer.from(sha256Hex(token), 'hex');
  let matched: string | undefined;
  for (const candidate of stored.tokens) {
    if (timingSafeEqual(presented, Buffer.from(candidate.hash, 'hex')) && matched === undefined) matched = candidate.id;
  }
  return matched;
}

/** Checks webhook Bearer tokens on the hot path; caches the hash list for `cacheSeconds`. */
export class WebhookTokenVerifier {
  private cached?: { tokens: StoredTokens; fetchedAt: number };
  private lastStamp = new Map<string, number>();
  private lastMissRefetch = 0;
  /** The next re-read after a miss, shared by every miss that arrives before it reads. */
  private nextReread?: { reading: boolean; hashes: Promise<StoredTokens> };

  constructor(
    private readonly secrets: SecretStore,
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly cacheSeconds: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Returns the matching token id or throws AuthenticationError. */
  async verify(authorization: string | undefined): Promise<string> {
    const token = bearerToken(authorization);
    if (token === undefined)
      throw new AuthenticationError('Missing or malformed Authorization header: expected "Bearer <token>"');
    let stored = await this.hashes(false);
    let id = matchToken(token, stored);
    if (id === undefined) {
      // A token generated since the cache was filled must work at once, on every instance: a miss
      // waits for the next re-read (at most one a second, so wrong tokens cannot hammer the secret).
      stored = await this.rereadAfterMiss();
      id = matchToken(token, stored);
    }
    if (stored.tokens.length === 0) {
      throw new AuthenticationError(
        'No webhook token is configured: generate one in the admin site (Web Trigger Setup)',
      );
    }
    if (id === undefined) throw new AuthenticationError('Invalid webhook token');
    await this.stampLastUsed(id);
    return id;
  }

  private rereadAfterMiss(): Promise<StoredTokens> {
    // Join a re-read that is still waiting; one already reading (or done) may predate this token.
    if (this.nextReread && !this.nextReread.reading) return this.nextReread.hashes;
    const at = Math.max(this.clock.now().getTime(), this.lastMissRefetch + MISS_REFETCH_MS);
    this.lastMissRefetch = at;
    const reread = { reading: false, hashes: Promise.resolve<StoredTokens>({ tokens: [] }) };
    reread.hashes = (async () => {
      const wait = at - this.clock.now().getTime();
      if (wait > 0) await this.sleep(wait);
      reread.reading = true;
      return this.hashes(true);
    })();
    this.nextReread = reread;
    return reread.hashes;
  }

  private async hashes(forceFetch: boolean): Promise<StoredTokens> {
    const now = this.clock.now().getTime();
    if (!forceFetch && this.cached && now - this.cached.fetchedAt < this.cacheSeconds * 1000) return this.cached.tokens;
    const tokens = parseStoredTokens(await this.secrets.get('webhook-tokens'));
    this.cached = { tokens, fetchedAt: now };
    return tokens;
  }

  private async stampLastUsed(id: string): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() - (this.lastStamp.get(id) ?? 0) < LAST_USED_STAMP_MS) return;
    this.lastStamp.set(id, now.getTime());
    await this.state.patchItem(TOKEN_META_ITEM, { lastUsedAt: now.toISOString() });
  }
}

/** Admin-side token lifecycle: generate / regenerate (replaces at once) / revoke. */
export class WebhookTokenAdmin {
  constructor(
    private readonly secrets: SecretStore,
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  /** Creates a new token, replacing any existing one. The plain token is returned once and never stored. */
  async generate(): Promise<{ token: string; createdAt: string }> {
    const token = generateToken();
    const createdAt = this.clock.now().toISOString();
    const id = sha256Hex(token).slice(0, 12);
    const stored: StoredTokens = { tokens: [{ id, hash: sha256Hex(token), createdAt }] };
    await this.secrets.put('webhook-tokens', JSON.stringify(stored));
    await this.state.putItem<TokenMeta>(TOKEN_META_ITEM, { id, createdAt });
    return { token, createdAt };
  }

  async revoke(): Promise<void> {
    await this.secrets.put('webhook-tokens', JSON.stringify({ tokens: [] } satisfies StoredTokens));
    await this.state.putItem<TokenMeta | Record<string, never>>(TOKEN_META_ITEM, {});
  }

  async meta(): Promise<TokenMeta | undefined> {
    const stored = parseStoredTokens(await this.secrets.get('webhook-tokens'));
    const current = stored.tokens[0];
    if (current === undefined) return undefined;
    const meta = await this.state.getItem<Partial<TokenMeta>>(TOKEN_META_ITEM);
    return {
      id: current.id,
      createdAt: current.createdAt,
      ...(meta?.lastUsedAt ? { lastUsedAt: meta.lastUsedAt } : {}),
    };
  }
}
