/**
 * SessionStore on the ConfigTable. Admin sessions live in one partition, pk=`SESSION`,
 * sk=SHA-256 (hex) of the cookie's value: the table never holds a usable session id, and "sign out
 * everywhere" finds every session with one Query (admin sessions are a handful, so one partition is
 * no hot spot). One-time OAuth states are at pk=`OAUTHSTATE#<state>` sk=`STATE`. Both carry the TTL
 * attribute `expiresAt`; DynamoDB deletes expired items only eventually (up to days later), so reads
 * check `expiresAt` too.
 *
 * The administrator's own Atlassian tokens are sealed with AES-256-GCM under a key derived from the
 * cookie's value (HKDF-SHA-256), which the table does not hold: whoever reads the table — a backup,
 * another function, a console user — gets neither a session nor a token. Only a request carrying
 * the cookie can open them, and only such a request needs them (to re-check the rights).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AdminSession, AdminTokens, Clock, SessionCredentials, SessionStore } from '#domain/ports.ts';
import { isConditionalCheckFailed } from './dynamodb-client.ts';

export const SESSION_PK = 'SESSION';
export const OAUTH_STATE_SK = 'STATE';

/** The stored key of a session: the cookie's value never reaches the table. */
export const sessionHash = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');
export const sessionKey = (id: string) => ({ pk: SESSION_PK, sk: sessionHash(id) });
export const oauthStateKey = (state: string) => ({ pk: `OAUTHSTATE#${state}`, sk: OAUTH_STATE_SK });

const sessionItemSchema = z.object({
  accountId: z.string(),
  displayName: z.string(),
  email: z.optional(z.string()),
  createdAt: z.string(),
  expiresAt: z.number(),
  cloudId: z.string(),
  rightsCheckedAt: z.number(),
  credentialKind: z.enum(['own', 'connection']),
  sealedTokens: z.optional(z.instanceof(Uint8Array)),
});

const tokensSchema = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.number(),
  refreshToken: z.optional(z.string()),
});

const oauthStateItemSchema = z.object({ browserBinding: z.string(), expiresAt: z.number() });

const systemClock: Clock = { now: () => new Date() };
const IV_BYTES = 12;
const TAG_BYTES = 16;

function tokenKey(id: string): Buffer {
  return Buffer.from(hkdfSync('sha256', id, '', 'keeper-jira-relay admin-session tokens', 32));
}

/** iv ‖ tag ‖ ciphertext; the stored key is bound in as associated data, so a sealed value cannot be moved to another session. */
export function sealTokens(id: string, tokens: AdminTokens): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', tokenKey(id), iv);
  cipher.setAAD(Buffer.from(sessionHash(id), 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(tokens), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function openTokens(id: string, sealed: Uint8Array): AdminTokens | undefined {
  try {
    const bytes = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', tokenKey(id), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(sessionHash(id), 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
    const parsed = tokensSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Tampered with or not ours: no tokens, so no session.
    return undefined;
  }
}

function credentialAttributes(id: string, credentials: SessionCredentials): Record<string, unknown> {
  return credentials.kind === 'own'
    ? { credentialKind: 'own', sealedTokens: sealTokens(id, credentials.tokens) }
    : { credentialKind: 'connection' };
}

export interface DynamoDbSessionStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Decides what has expired; the system clock unless a test fixes time. */
  readonly clock?: Clock;
}

export class DynamoDbSessionStore implements SessionStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;

  constructor(options: DynamoDbSessionStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  async put(session: AdminSession): Promise<void> {
    const { id, credentials, ...rest } = session;
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...sessionKey(id), ...rest, ...credentialAttributes(id, credentials) },
      }),
    );
  }

  async get(id: string): Promise<AdminSession | undefined> {
    const result = await this.#client.send(
      // Strongly consistent so a sign-out (delete) is honoured by the very next request.
      new GetCommand({ TableName: this.#tableName, Key: sessionKey(id), ConsistentRead: true }),
    );
    if (result.Item === undefined) return undefined;
    const parsed = sessionItemSchema.safeParse(result.Item);
    // A malformed session is no session: the user signs in again.
    if (!parsed.success || this.#expired(parsed.data.expiresAt)) return undefined;
    const { credentialKind, sealedTokens, ...rest } = parsed.data;
    let credentials: SessionCredentials = { kind: 'connection' };
    if (credentialKind === 'own') {
      const tokens = sealedTokens === undefined ? undefined : openTokens(id, sealedTokens);
      if (tokens === undefined) return undefined;
      credentials = { kind: 'own', tokens };
    }
    return { id, ...rest, credentials };
  }

  async update(
    id: string,
    patch: { readonly rightsCheckedAt: number; readonly credentials: SessionCredentials },
  ): Promise<boolean> {
    const { credentialKind, sealedTokens } = credentialAttributes(id, patch.credentials);
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: sessionKey(id),
          UpdateExpression:
            sealedTokens === undefined
              ? 'SET rightsCheckedAt = :checked, credentialKind = :kind REMOVE sealedTokens'
              : 'SET rightsCheckedAt = :checked, credentialKind = :kind, sealedTokens = :sealed',
          // Never recreate a session that was signed out meanwhile.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: {
            ':checked': patch.rightsCheckedAt,
            ':kind': credentialKind,
            ...(sealedTokens === undefined ? {} : { ':sealed': sealedTokens }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: sessionKey(id) }));
  }

  async deleteAll(): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': SESSION_PK },
          ProjectionExpression: 'pk, sk',
          // Strongly consistent: a session created a moment ago must not survive.
          ConsistentRead: true,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const keys = (page.Items ?? []).flatMap((item) =>
        typeof item['sk'] === 'string' ? [{ pk: SESSION_PK, sk: item['sk'] }] : [],
      );
      await Promise.all(keys.map((Key) => this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key }))));
      count += keys.length;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return count;
  }

  async putOAuthState(state: string, data: { browserBinding: string; expiresAt: number }): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { ...oauthStateKey(state), browserBinding: data.browserBinding, expiresAt: data.expiresAt },
      }),
    );
  }

  async takeOAuthState(state: string): Promise<{ browserBinding: string; expiresAt: number } | undefined> {
    // Read-and-delete in one call: of two callbacks racing with the same state, only one gets it back.
    const result = await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: oauthStateKey(state), ReturnValues: 'ALL_OLD' }),
    );
    if (result.Attributes === undefined) return undefined;
    const parsed = oauthStateItemSchema.safeParse(result.Attributes);
    if (!parsed.success || this.#expired(parsed.data.expiresAt)) return undefined;
    return parsed.data;
  }

  #expired(expiresAtSeconds: number): boolean {
    return expiresAtSeconds * 1000 <= this.#clock.now().getTime();
  }
}
