import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbConfigStore, historySortKey } from '#adapters/dynamodb-config-store.ts';
import { ConflictError } from '#domain/errors.ts';
import { type RelayConfig, ruleSettingsDefaults } from '#domain/relay-config.ts';

const tableName = 'config';
const dynamo = mockClient(DynamoDBDocumentClient);

const config: RelayConfig = {
  version: 4,
  updatedAt: '2030-01-01T00:00:00.000Z',
  updatedBy: { accountId: 'acc-1', displayName: 'Ada Admin' },
  project: { id: '10000', key: 'SEC', name: 'Security', style: 'classic' },
  defaultIssueTypeId: '10001',
  summaryTemplate: '{alert_name}: {audit_event}',
  fieldMappings: [],
  priorityMapping: { byEvent: {}, byCategory: {} },
  issueTypeMapping: { byEvent: {}, byCategory: {} },
  issueTypes: [{ id: '10001', name: 'Task', subtask: false, hierarchyLevel: 0 }],
  fieldMeta: {},
  userDirectory: {},
  ...ruleSettingsDefaults(),
};

function store(transactions?: boolean): DynamoDbConfigStore {
  return new DynamoDbConfigStore({
    client: createDocumentClient({ region: 'us-east-1' }),
    tableName,
    ...(transactions === undefined ? {} : { transactions }),
  });
}

function cancelled(code: string, item?: Record<string, unknown>): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: code, ...(item === undefined ? {} : { Item: marshall(item) }) }, { Code: 'None' }],
  });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbConfigStore', () => {
  it('pads history sort keys so versions sort numerically', () => {
    // Act
    const keys = [historySortKey(9), historySortKey(10)];

    // Assess
    expect(keys).toEqual(['V#0000000009', 'V#0000000010']);
    expect([...keys].sort()).toEqual(keys);
  });

  it('returns undefined when no configuration is saved', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const current = await store().get();

    // Assess
    expect(current).toBeUndefined();
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { pk: 'CONFIG', sk: 'CURRENT' },
      ConsistentRead: true,
    });
  });

  it('parses the stored configuration and takes the version from the item', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({
      Item: { pk: 'CONFIG', sk: 'CURRENT', version: 4, config: { ...config, summaryTemplate: undefined } },
    });

    // Act
    const current = await store().get();

    // Assess
    expect(current).toEqual({ ...config, summaryTemplate: '{alert_name}: {audit_event}' });
  });

  it('refuses a stored configuration that does not match the schema', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { pk: 'CONFIG', sk: 'CURRENT', version: 4, config: { project: 'SEC' } } });

    // Act
    const result = store().get();

    // Assess
    await expect(result).rejects.toThrow(/Stored configuration CURRENT is malformed/);
  });

  it('saves CURRENT on the expected version and its history entry in one transaction', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const saved = await store().save(config, 4);

    // Assess
    const expected = { ...config, version: 5 };
    expect(saved).toEqual(expected);
    expect(dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input).toEqual({
      TransactItems: [
        {
          Put: {
            TableName: tableName,
            Item: { pk: 'CONFIG', sk: 'CURRENT', version: 5, config: expected, updatedAt: config.updatedAt },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': 4 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        {
          Put: {
            TableName: tableName,
            Item: {
              pk: 'CONFIG',
              sk: 'V#0000000005',
              kind: 'version',
              version: 5,
              config: expected,
              updatedAt: config.updatedAt,
              updatedBy: config.updatedBy,
            },
          },
        },
      ],
    });
  });

  it('requires that no configuration exists for a first save', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const saved = await store().save(config, 0);

    // Assess
    expect(saved.version).toBe(1);
    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put).not.toHaveProperty('ExpressionAttributeValues');
  });

  it('turns a cancelled transaction into a ConflictError naming the winning version', async () => {
    // Prepare
    dynamo
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', { pk: 'CONFIG', sk: 'CURRENT', version: 7 }));

    // Act
    const result = store().save(config, 4);

    // Assess
    await expect(result).rejects.toThrow(ConflictError);
    await expect(result).rejects.toThrow(
      'The configuration was changed by someone else (version 7); reload and try again',
    );
  });

  it('treats a concurrent transaction on the same item as a conflict', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));

    // Act
    const result = store().save(config, 4);

    // Assess
    await expect(result).rejects.toThrow(ConflictError);
  });

  it('rethrows a cancellation for other reasons', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('ValidationError'));

    // Act
    const result = store().save(config, 4);

    // Assess
    await expect(result).rejects.toThrow(TransactionCanceledException);
  });

  it('writes CURRENT then history without transactions, and maps a failed condition to a conflict', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .resolvesOnce({})
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { pk: 'CONFIG', sk: 'CURRENT', version: 5, config } });

    // Act
    await store(false).save(config, 4);
    const stale = store(false).save(config, 4);

    // Assess
    await expect(stale).rejects.toThrow(
      'The configuration was changed by someone else (version 5); reload and try again',
    );
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(puts.map((put) => put.Item?.['sk'])).toEqual(['CURRENT', 'V#0000000005', 'CURRENT']);
    expect(puts[0]?.ConditionExpression).toBe('#version = :expected');
    expect(puts[1]).not.toHaveProperty('ConditionExpression');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('falls back to item-by-item writes for good when the server has no transactions', async () => {
    // Prepare
    const unknownOperation = Object.assign(new Error('UnknownOperationException'), {
      name: 'UnknownOperationException',
    });
    dynamo.on(TransactWriteCommand).rejects(unknownOperation);
    dynamo.on(PutCommand).resolves({});
    const configs = store();

    // Act
    await configs.save(config, 4);
    await configs.save({ ...config, version: 5 }, 5);

    // Assess
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.['sk'])).toEqual([
      'CURRENT',
      'V#0000000005',
      'CURRENT',
      'V#0000000006',
    ]);
  });

  it('does not fall back when transactions are required', async () => {
    // Prepare
    const unknownOperation = Object.assign(new Error('UnknownOperationException'), {
      name: 'UnknownOperationException',
    });
    dynamo.on(TransactWriteCommand).rejects(unknownOperation);

    // Act
    const result = store(true).save(config, 4);

    // Assess
    await expect(result).rejects.toThrow('UnknownOperationException');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('queries history newest first', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'CONFIG', sk: 'V#0000000005', version: 5, config: { ...config, version: 5 } },
        { pk: 'CONFIG', sk: 'V#0000000004', version: 4, config },
      ],
    });

    // Act
    const history = await store().history(2);

    // Assess
    expect(history.map((entry) => entry.version)).toEqual([5, 4]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': 'CONFIG', ':prefix': 'V#' },
      ScanIndexForward: false,
      Limit: 2,
    });
  });
});
