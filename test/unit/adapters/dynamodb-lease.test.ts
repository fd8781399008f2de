import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbLease } from '#adapters/dynamodb-lease.ts';

const tableName = 'config';
const dynamo = mockClient(DynamoDBDocumentClient);
const failedCondition = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
const now = new Date('2030-01-01T00:00:00.000Z');

function lease(): DynamoDbLease {
  return new DynamoDbLease({ client: createDocumentClient({ region: 'us-east-1' }), tableName });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbLease', () => {
  it('acquires with a put that only replaces a free, expired or own lease', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const acquired = await lease().acquire('jira-refresh', 'instance-a', 30, now);

    // Assess
    expect(acquired).toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Item: {
        pk: 'LEASE#jira-refresh',
        sk: 'LEASE',
        owner: 'instance-a',
        leaseUntil: now.getTime() + 30_000,
        expiresAt: now.getTime() / 1000 + 30 + 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':now': now.getTime(), ':owner': 'instance-a' },
    });
  });

  it('answers false when someone else holds a live lease', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(failedCondition());

    // Act
    const acquired = await lease().acquire('jira-refresh', 'instance-b', 30, now);

    // Assess
    expect(acquired).toBe(false);
  });

  it('rethrows other errors on acquire', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(new Error('network'));

    // Act
    const result = lease().acquire('jira-refresh', 'instance-b', 30, now);

    // Assess
    await expect(result).rejects.toThrow('network');
  });

  it('releases only its own lease', async () => {
    // Prepare
    dynamo.on(DeleteCommand).resolves({});

    // Act
    await lease().release('jira-refresh', 'instance-a');

    // Assess
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'LEASE#jira-refresh', sk: 'LEASE' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': 'instance-a' },
    });
  });

  it('ignores a release when the lease belongs to someone else', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(failedCondition());

    // Act
    const result = lease().release('jira-refresh', 'instance-a');

    // Assess
    await expect(result).resolves.toBeUndefined();
  });

  it('rethrows other errors on release', async () => {
    // Prepare
    dynamo.on(DeleteCommand).rejects(new Error('network'));

    // Act
    const result = lease().release('jira-refresh', 'instance-a');

    // Assess
    await expect(result).rejects.toThrow('network');
  });
});
