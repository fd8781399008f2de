import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbSessionStore } from '#adapters/dynamodb-session-store.ts';
import type { AdminSession } from '#domain/ports.ts';

const tableName = 'config';
const dynamo = mockClient(DynamoDBDocumentClient);
const now = new Date('2030-01-01T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
/** SHA-256 of the cookie value `sess-1`: the only form of the id the table sees. */
const HASH = createHash('sha256').update('sess-1').digest('hex');

const session: AdminSession = {
  id: 'sess-1',
  accountId: 'acc-1',
  displayName: 'Ada',
  email: 'ada@example.com',
  createdAt: now.toISOString(),
  expiresAt: nowSeconds + 3600,
  cloudId: 'cloud-1',
  rightsCheckedAt: now.getTime(),
  credentials: {
    kind: 'own',
    tokens: {
      accessToken: 'access-secret',
      accessTokenExpiresAt: now.getTime() + 3_600_000,
      refreshToken: 'refresh-secret',
    },
  },
};

function sessions(): DynamoDbSessionStore {
  return new DynamoDbSessionStore({
    client: createDocumentClient({ region: 'us-east-1' }),
    tableName,
    clock: { now: () => now },
  });
}

/** The item `put` wrote, to hand back from a Get. */
async function storedItem(of: AdminSession): Promise<Record<string, unknown>> {
  dynamo.on(PutCommand).resolves({});
  await sessions().put(of);
  const item = dynamo.commandCalls(PutCommand).at(-1)?.args[0].input.Item;
  if (!item) throw new Error('nothing was put');
  return item;
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbSessionStore', () => {
  it('keys a session by the SHA-256 of its id, and stores neither the id nor the tokens in clear', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    await sessions().put(session);

    // Assess
    const item = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(item).toMatchObject({
      pk: 'SESSION',
      sk: HASH,
      accountId: 'acc-1',
      expiresAt: nowSeconds + 3600,
      credentialKind: 'own',
    });
    const text = JSON.stringify(item);
    for (const secret of ['sess-1', 'access-secret', 'refresh-secret']) expect(text).not.toContain(secret);
  });

  it('returns a live session with its tokens opened, read by the hashed key', async () => {
    // Prepare
    const item = await storedItem(session);
    dynamo.on(GetCommand).resolves({ Item: item });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toEqual(session);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'SESSION', sk: HASH },
      ConsistentRead: true,
    });
  });

  it('keeps no tokens for a session that borrows the relay connection', async () => {
    // Prepare
    const borrowing: AdminSession = { ...session, credentials: { kind: 'connection' } };
    const item = await storedItem(borrowing);
    dynamo.on(GetCommand).resolves({ Item: item });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(item).not.toHaveProperty('sealedTokens');
    expect(found).toEqual(borrowing);
  });

  it('opens no session whose sealed tokens were moved to another key or altered', async () => {
    // Prepare
    const item = await storedItem(session);
    const sealed = Buffer.from(item['sealedTokens'] as Uint8Array);
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: item })
      .resolvesOnce({ Item: { ...item, sealedTokens: sealed } });

    // Act
    const otherCookie = await sessions().get('sess-2');
    const altered = await sessions().get('sess-1');

    // Assess
    expect(otherCookie).toBeUndefined();
    expect(altered).toBeUndefined();
  });

  it('treats a session past expiresAt as absent even before TTL deletes it', async () => {
    // Prepare
    const item = await storedItem({ ...session, expiresAt: nowSeconds });
    dynamo.on(GetCommand).resolves({ Item: item });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toBeUndefined();
  });

  it('treats a malformed session item as absent', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'SESSION', sk: HASH, accountId: 'acc-1' } });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toBeUndefined();
  });

  it('deletes a session by its hashed key', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({});

    // Act
    await sessions().delete('sess-1');

    // Assess
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'SESSION', sk: HASH },
    });
  });

  it('records a re-check with re-sealed tokens, and never recreates a signed-out session', async () => {
    // Prepare
    const error = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    dynamo.on(UpdateCommand).resolvesOnce({}).rejectsOnce(error);
    const rotated = {
      kind: 'own' as const,
      tokens: { accessToken: 'at-2', accessTokenExpiresAt: 1, refreshToken: 'rt-2' },
    };

    // Act
    const updated = await sessions().update('sess-1', { rightsCheckedAt: 42, credentials: rotated });
    const gone = await sessions().update('sess-1', { rightsCheckedAt: 43, credentials: rotated });

    // Assess
    expect(updated).toBe(true);
    expect(gone).toBe(false);
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Key: { pk: 'SESSION', sk: HASH }, ConditionExpression: 'attribute_exists(pk)' });
    expect(JSON.stringify(input)).not.toContain('rt-2');
  });

  it('ends every session with one query and a delete per session', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          { pk: 'SESSION', sk: 'h1' },
          { pk: 'SESSION', sk: 'h2' },
        ],
        LastEvaluatedKey: { pk: 'SESSION', sk: 'h2' },
      })
      .resolvesOnce({ Items: [{ pk: 'SESSION', sk: 'h3' }] });
    dynamo.on(DeleteCommand).resolves({});

    // Act
    const ended = await sessions().deleteAll();

    // Assess
    expect(ended).toBe(3);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'SESSION' },
    });
    expect(dynamo.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([
      { pk: 'SESSION', sk: 'h1' },
      { pk: 'SESSION', sk: 'h2' },
      { pk: 'SESSION', sk: 'h3' },
    ]);
  });

  it('stores an OAuth state under OAUTHSTATE#<state>', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    await sessions().putOAuthState('st-1', { browserBinding: 'bind', expiresAt: nowSeconds + 600 });

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Item: { pk: 'OAUTHSTATE#st-1', sk: 'STATE', browserBinding: 'bind', expiresAt: nowSeconds + 600 },
    });
  });

  it('takes an OAuth state with a delete that returns the old item', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({
      Attributes: { pk: 'OAUTHSTATE#st-1', sk: 'STATE', browserBinding: 'bind', expiresAt: nowSeconds + 600 },
    });

    // Act
    const taken = await sessions().takeOAuthState('st-1');

    // Assess
    expect(taken).toEqual({ browserBinding: 'bind', expiresAt: nowSeconds + 600 });
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'OAUTHSTATE#st-1', sk: 'STATE' },
      ReturnValues: 'ALL_OLD',
    });
  });

  it('returns undefined for an OAuth state already taken or expired', async () => {
    // Prepare
    dynamo
      .on(DeleteCommand)
      .resolvesOnce({})
      .resolvesOnce({
        Attributes: { pk: 'OAUTHSTATE#st-2', sk: 'STATE', browserBinding: 'bind', expiresAt: nowSeconds - 1 },
      });

    // Act
    const taken = await sessions().takeOAuthState('st-1');
    const expired = await sessions().takeOAuthState('st-2');

    // Assess
    expect(taken).toBeUndefined();
    expect(expired).toBeUndefined();
  });
});
