import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbAlertLedger } from '#adapters/dynamodb-alert-ledger.ts';
import { createDocumentClient } from '#adapters/dynamodb-client.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import { listing } from '#test-support/in-memory-ports.ts';

const tableName = 'ledger';
const dynamo = mockClient(DynamoDBDocumentClient);

const record: AlertRecord = {
  alertId: 'a'.repeat(64),
  status: 'queued',
  receivedAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  event: 'login_failure',
  parsed: true,
  rawBody: '{"audit_event":"login_failure"}',
  fieldPaths: ['audit_event'],
  attempts: 0,
  duplicates: 0,
  expiresAt: 1_900_000_000,
};

function failedCondition(item?: Record<string, unknown>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item === undefined ? {} : { Item: marshall(item) }),
  });
}

function ledger(): DynamoDbAlertLedger {
  return new DynamoDbAlertLedger({ client: createDocumentClient({ region: 'us-east-1' }), tableName });
}

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoDbAlertLedger', () => {
  it('records with a conditional put that asks for the existing item on failure', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const result = await ledger().record(record);

    // Assess
    expect(result).toEqual({ created: true });
    const input = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    const { rawBody, ...rest } = record;
    expect(input).toEqual({
      TableName: tableName,
      Item: { ...rest, rawBodyGz: expect.any(Uint8Array), listPk: 'ALERT' },
      ConditionExpression: 'attribute_not_exists(alertId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    // The body is kept compressed, byte for byte.
    expect(gunzipSync(input?.Item?.['rawBodyGz'] as Uint8Array).toString('utf8')).toBe(rawBody);
  });

  it('reads back a compressed body and an item written before compression alike', async () => {
    // Prepare
    const { rawBody, ...rest } = record;
    dynamo
      .on(GetCommand, { Key: { alertId: 'new' } })
      .resolves({ Item: { ...rest, alertId: 'new', rawBodyGz: gzipSync(Buffer.from(rawBody)) } });
    dynamo.on(GetCommand, { Key: { alertId: 'old' } }).resolves({ Item: { ...record, alertId: 'old' } });
    // Act
    const [fresh, old] = [await ledger().get('new'), await ledger().get('old')];
    // Assess
    expect(fresh?.rawBody).toBe(rawBody);
    expect(old?.rawBody).toBe(rawBody);
  });

  it('returns the existing record from the failed condition without another call', async () => {
    // Prepare
    const existing = { ...record, status: 'delivered', issueKey: 'SEC-1', listPk: 'ALERT' };
    dynamo.on(PutCommand).rejects(failedCondition(existing));

    // Act
    const result = await ledger().record(record);

    // Assess
    expect(result).toEqual({ created: false, existing: { ...record, status: 'delivered', issueKey: 'SEC-1' } });
    expect(dynamo.calls()).toHaveLength(1);
  });

  it('reads the existing record when the failed condition carries no item', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(failedCondition());
    dynamo.on(GetCommand).resolves({ Item: { ...record, listPk: 'ALERT' } });

    // Act
    const result = await ledger().record(record);

    // Assess
    expect(result).toEqual({ created: false, existing: record });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { alertId: record.alertId },
      ConsistentRead: true,
    });
  });

  it('rethrows errors other than a failed condition', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(new Error('throttled'));

    // Act
    const result = ledger().record(record);

    // Assess
    await expect(result).rejects.toThrow('throttled');
  });

  it('refuses a malformed stored item without echoing its body', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: { alertId: 'x', status: 'lost', rawBody: 'secret' } });

    // Act
    const result = ledger().get('x');

    // Assess
    await expect(result).rejects.toThrow(/Ledger item x is malformed/);
    await expect(result).rejects.not.toThrow(/secret/);
  });

  it('claims with a status condition that also accepts an expired claim', async () => {
    // Prepare
    const now = new Date('2030-01-02T00:00:00.000Z');
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { ...record, status: 'delivering', attempts: 1, claimUntil: now.getTime() + 60_000 } });

    // Act
    const claimed = await ledger().claim(record.alertId, ['queued', 'retrying'], now, 60);

    // Assess
    expect(claimed).toMatchObject({ status: 'delivering', attempts: 1 });
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { alertId: record.alertId },
      UpdateExpression:
        'SET #status = :delivering, priorClaimUntil = if_not_exists(claimUntil, :none), claimUntil = :claimUntil, attempts = attempts + :one, updatedAt = :updatedAt',
      ConditionExpression: '#status IN (:from0, :from1) OR (#status = :delivering AND claimUntil < :nowMs)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':delivering': 'delivering',
        ':nowMs': now.getTime(),
        ':claimUntil': now.getTime() + 60_000,
        ':updatedAt': now.toISOString(),
        ':one': 1,
        ':none': 0,
        ':from0': 'queued',
        ':from1': 'retrying',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('returns undefined when another worker holds the claim', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(failedCondition());

    // Act
    const claimed = await ledger().claim(record.alertId, ['queued'], new Date(), 60);

    // Assess
    expect(claimed).toBeUndefined();
  });

  it('sets provided attributes and removes those patched to undefined', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    await ledger().update(record.alertId, {
      status: 'delivered',
      issueKey: 'SEC-1',
      nextAttemptAt: undefined,
      lastError: undefined,
    });

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { alertId: record.alertId },
      UpdateExpression: 'SET #a0 = :v0, #a1 = :v1 REMOVE #a2, #a3',
      ConditionExpression: 'attribute_exists(alertId)',
      ExpressionAttributeNames: { '#a0': 'status', '#a1': 'issueKey', '#a2': 'nextAttemptAt', '#a3': 'lastError' },
      ExpressionAttributeValues: { ':v0': 'delivered', ':v1': 'SEC-1' },
    });
  });

  it('sends only REMOVE, without values, when a patch only clears', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    await ledger().update(record.alertId, { claimUntil: undefined });

    // Assess
    const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('REMOVE #a0');
    expect(input).not.toHaveProperty('ExpressionAttributeValues');
  });

  it('makes no call for an empty patch', async () => {
    // Act
    await ledger().update(record.alertId, {});

    // Assess
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('reports an update of an unknown alert as not found', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(failedCondition());

    // Act
    const result = ledger().update('missing', { status: 'failed' });

    // Assess
    await expect(result).rejects.toThrow(NotFoundError);
  });

  it('counts a duplicate with ADD and stamps the time', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({});

    // Act
    await ledger().noteDuplicate(record.alertId, new Date('2030-01-03T00:00:00.000Z'));

    // Assess
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      Key: { alertId: record.alertId },
      UpdateExpression: 'ADD duplicates :one SET lastDuplicateAt = :at',
      ConditionExpression: 'attribute_exists(alertId)',
      ExpressionAttributeValues: { ':one': 1, ':at': '2030-01-03T00:00:00.000Z' },
    });
  });

  it('lists recent alerts newest first and returns an opaque cursor that resumes the query', async () => {
    // Prepare
    const lastKey = { alertId: record.alertId, listPk: 'ALERT', receivedAt: record.receivedAt };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [record], LastEvaluatedKey: lastKey })
      .resolves({ Items: [] });

    // Act
    const first = await ledger().listRecent(1);
    await ledger().listRecent(1, first.cursor);

    // Assess: a listing, even when the index hands back more (one created with ALL)
    expect(first.items).toEqual([{ ...listing(record), fieldPaths: record.fieldPaths }]);
    expect(first.items[0]).not.toHaveProperty('rawBody');
    expect(first.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const [firstCall, secondCall] = dynamo.commandCalls(QueryCommand);
    expect(firstCall?.args[0].input).toEqual({
      TableName: tableName,
      IndexName: 'byReceivedAt',
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': 'ALERT' },
      ScanIndexForward: false,
      Limit: 1,
    });
    expect(secondCall?.args[0].input.ExclusiveStartKey).toEqual(lastKey);
  });

  it('keeps reading pages until the limit is reached when a page stops early', async () => {
    // Prepare
    const second = { ...record, alertId: 'b'.repeat(64) };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [record], LastEvaluatedKey: { alertId: record.alertId } })
      .resolvesOnce({ Items: [second] });

    // Act
    const page = await ledger().listRecent(2);

    // Assess
    expect(page).toEqual({ items: [record, second].map((r) => ({ ...listing(r), fieldPaths: r.fieldPaths })) });
    expect(dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input.Limit)).toEqual([2, 1]);
  });

  it('refuses a cursor it did not issue', async () => {
    // Act
    const result = ledger().listRecent(10, 'not-a-cursor');

    // Assess
    await expect(result).rejects.toThrow(ValidationError);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('lists by status on the byStatus index, newest first', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [{ ...record, status: 'pending_configuration' }] });

    // Act
    const items = await ledger().listByStatus('pending_configuration', 100);

    // Assess
    expect(items).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: tableName,
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': 'pending_configuration' },
      ScanIndexForward: false,
      Limit: 100,
    });
  });

  it('reads every page of alerts since a time and never scans', async () => {
    // Prepare
    const second = { ...record, alertId: 'b'.repeat(64) };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [record], LastEvaluatedKey: { alertId: record.alertId } })
      .resolvesOnce({ Items: [second] });

    // Act
    const items = await ledger().listSince(new Date('2030-01-01T00:00:00.000Z'));

    // Assess
    expect(items.map((item) => item.alertId)).toEqual([record.alertId, second.alertId]);
    const calls = dynamo.commandCalls(QueryCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toMatchObject({
      IndexName: 'byReceivedAt',
      KeyConditionExpression: 'listPk = :pk AND receivedAt >= :since',
      ExpressionAttributeValues: { ':pk': 'ALERT', ':since': '2030-01-01T00:00:00.000Z' },
      // The chart never reads raw bodies.
      ProjectionExpression: 'alertId, receivedAt, #status, priority',
    });
    expect(calls[1]?.args[0].input.ExclusiveStartKey).toEqual({ alertId: record.alertId });
    expect(dynamo.calls()).toHaveLength(2);
  });
});
