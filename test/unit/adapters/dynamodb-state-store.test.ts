import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbStateStore } from '#adapters/dynamodb-state-store.ts';

const tableName = 'config';
const dynamo = mockClient(DynamoDBDocumentClient);
const failedCondition = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

function state(): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: createDocumentClient({ region: 'us-east-1' }), tableName });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbStateStore', () => {
  it('reads the value attribute of the STATE item', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'STATE', sk: 'webhook-token', value: { id: 't-1' } } });

    // Act
    const value = await state().getItem<{ id: string }>('webhook-token');

    // Assess
    expect(value).toEqual({ id: 't-1' });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'STATE', sk: 'webhook-token' },
      ConsistentRead: true,
    });
  });

  it('returns undefined for a missing item', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const value = await state().getItem('missing');

    // Assess
    expect(value).toBeUndefined();
  });

  it('puts the whole value', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    await state().putItem('connection', { state: 'connected' });

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Item: { pk: 'STATE', sk: 'connection', value: { state: 'connected' } },
    });
  });

  it('patches nested attributes of the value with SET and REMOVE', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    await state().patchItem('webhook-token', { lastUsedAt: '2030-01-01T00:00:00.000Z', revokedAt: undefined });

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'STATE', sk: 'webhook-token' },
      UpdateExpression: 'SET #value.#k0 = :v0 REMOVE #value.#k1',
      ConditionExpression: 'attribute_exists(#value)',
      ExpressionAttributeNames: { '#value': 'value', '#k0': 'lastUsedAt', '#k1': 'revokedAt' },
      ExpressionAttributeValues: { ':v0': '2030-01-01T00:00:00.000Z' },
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('creates the item when the first patch finds none', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(failedCondition());
    dynamo.on(PutCommand).resolves({});

    // Act
    await state().patchItem('connection', { lastRefreshAt: 'now', gone: undefined });

    // Assess
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Item: { pk: 'STATE', sk: 'connection', value: { lastRefreshAt: 'now' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('patches again when another instance created the item in between', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejectsOnce(failedCondition()).resolves({});
    dynamo.on(PutCommand).rejects(failedCondition());

    // Act
    await state().patchItem('connection', { lastRefreshAt: 'now' });

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('makes no call for an empty patch', async () => {
    // Act
    await state().patchItem('connection', {});

    // Assess
    expect(dynamo.calls()).toHaveLength(0);
  });
});
