import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  conditionalCheckItem,
  createDocumentClient,
  isConditionalCheckFailed,
  transactionCancellationReasons,
} from '#adapters/dynamodb-client.ts';

describe('dynamodb-client', () => {
  it('drops undefined values and refuses class instances when marshalling', () => {
    // Act
    const client = createDocumentClient({ region: 'eu-west-1' });

    // Assess
    expect(client.config.translateConfig?.marshallOptions).toEqual({
      removeUndefinedValues: true,
      convertClassInstanceToMap: false,
    });
  });

  it('uses the given endpoint', async () => {
    // Act
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:4567', region: 'us-east-1' });

    // Assess
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4567);
  });

  it('unmarshalls the item returned with a failed condition', () => {
    // Prepare
    const error = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      Item: marshall({ alertId: 'a-1', attempts: 2 }),
    });

    // Act
    const item = conditionalCheckItem(error);

    // Assess
    expect(isConditionalCheckFailed(error)).toBe(true);
    expect(item).toEqual({ alertId: 'a-1', attempts: 2 });
  });

  it('returns no item for other errors', () => {
    // Act
    const item = conditionalCheckItem(new Error('boom'));

    // Assess
    expect(item).toBeUndefined();
    expect(isConditionalCheckFailed(new Error('boom'))).toBe(false);
  });

  it('lists transaction cancellation reasons in request order', () => {
    // Prepare
    const error = new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ConditionalCheckFailed', Item: marshall({ version: 3 }) }, { Code: 'None' }],
    });

    // Act
    const reasons = transactionCancellationReasons(error);

    // Assess
    expect(reasons).toEqual([{ code: 'ConditionalCheckFailed', item: { version: 3 } }, { code: 'None' }]);
    expect(transactionCancellationReasons(new Error('other'))).toBeUndefined();
  });
});
