import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbSessionStore } from '#adapters/dynamodb-session-store.ts';
import type { AdminSession } from '#domain/ports.ts';

const tableName = 'config';
const dynamo = mockClient(DynamoDBDocumentClient);
const now = new Date('2030-01-01T12:00:00.000Z');
const nowSeconds = now.getTime() / 1000;

const session: AdminSession = {
  id: 'sess-1',
  accountId: 'acc-1',
  displayName: 'Ada',
  email: 'ada@example.com',
  createdAt: now.toISOString(),
  expiresAt: nowSeconds + 3600,
};

function sessions(): DynamoDbSessionStore {
  return new DynamoDbSessionStore({ client: createDocumentClient({ region: 'us-east-1' }), tableName, clock: { now: () => now } });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbSessionStore', () => {
  it('puts a session under SESSION#<id> with its TTL', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    await sessions().put(session);

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Item: { pk: 'SESSION#sess-1', sk: 'SESSION', ...session },
    });
  });

  it('returns a live session without the key attributes', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'SESSION#sess-1', sk: 'SESSION', ...session } });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toEqual(session);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'SESSION#sess-1', sk: 'SESSION' },
      ConsistentRead: true,
    });
  });

  it('treats a session past expiresAt as absent even before TTL deletes it', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'SESSION#sess-1', sk: 'SESSION', ...session, expiresAt: nowSeconds } });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toBeUndefined();
  });

  it('treats a malformed session item as absent', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'SESSION#sess-1', sk: 'SESSION', id: 'sess-1' } });

    // Act
    const found = await sessions().get('sess-1');

    // Assess
    expect(found).toBeUndefined();
  });

  it('deletes a session by key', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({});

    // Act
    await sessions().delete('sess-1');

    // Assess
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'SESSION#sess-1', sk: 'SESSION' },
    });
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
    dynamo.on(DeleteCommand).resolves({ Attributes: { pk: 'OAUTHSTATE#st-1', sk: 'STATE', browserBinding: 'bind', expiresAt: nowSeconds + 600 } });

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
      .resolvesOnce({ Attributes: { pk: 'OAUTHSTATE#st-2', sk: 'STATE', browserBinding: 'bind', expiresAt: nowSeconds - 1 } });

    // Act
    const taken = await sessions().takeOAuthState('st-1');
    const expired = await sessions().takeOAuthState('st-2');

    // Assess
    expect(taken).toBeUndefined();
    expect(expired).toBeUndefined();
  });
});
