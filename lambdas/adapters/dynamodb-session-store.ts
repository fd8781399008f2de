/**
 * SessionStore on the ConfigTable: admin sessions at pk=`SESSION#<id>` sk=`SESSION` and one-time
 * OAuth states at pk=`OAUTHSTATE#<state>` sk=`STATE`, both with the TTL attribute `expiresAt`.
 * DynamoDB deletes expired items only eventually (up to days later), so reads check `expiresAt` too.
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AdminSession, Clock, SessionStore } from '#domain/ports.ts';

export const SESSION_SK = 'SESSION';
export const OAUTH_STATE_SK = 'STATE';

export const sessionKey = (id: string) => ({ pk: `SESSION#${id}`, sk: SESSION_SK });
export const oauthStateKey = (state: string) => ({ pk: `OAUTHSTATE#${state}`, sk: OAUTH_STATE_SK });

const sessionItemSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  displayName: z.string(),
  email: z.optional(z.string()),
  createdAt: z.string(),
  expiresAt: z.number(),
});

const oauthStateItemSchema = z.object({ browserBinding: z.string(), expiresAt: z.number() });

const systemClock: Clock = { now: () => new Date() };

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
    await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: { ...sessionKey(session.id), ...session } }));
  }

  async get(id: string): Promise<AdminSession | undefined> {
    const result = await this.#client.send(
      // Strongly consistent so a sign-out (delete) is honoured by the very next request.
      new GetCommand({ TableName: this.#tableName, Key: sessionKey(id), ConsistentRead: true }),
    );
    if (result.Item === undefined) return undefined;
    const parsed = sessionItemSchema.safeParse(result.Item);
    // A malformed session is no session: the user signs in again.
    if (!parsed.success || parsed.data.id !== id || this.#expired(parsed.data.expiresAt)) return undefined;
    return parsed.data;
  }

  async delete(id: string): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: sessionKey(id) }));
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
