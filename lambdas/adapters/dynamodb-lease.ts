/**
 * Lease on the ConfigTable: pk=`LEASE#<name>` sk=`LEASE` with `owner` and `leaseUntil` (epoch ms).
 * One conditional put decides who holds it; an expired lease is free for anyone, so a crashed holder
 * blocks others for at most its TTL.
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Lease } from '#domain/ports.ts';
import { isConditionalCheckFailed } from './dynamodb-client.ts';

export const LEASE_SK = 'LEASE';
export const leaseKey = (name: string) => ({ pk: `LEASE#${name}`, sk: LEASE_SK });

// The TTL attribute only tidies the table; correctness comes from `leaseUntil`. An hour of slack keeps
// an item that DynamoDB's lazy TTL sweep has not reached from looking odd next to a live lease.
const TTL_SLACK_SECONDS = 3600;

export interface DynamoDbLeaseOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoDbLease implements Lease {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoDbLeaseOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async acquire(name: string, owner: string, ttlSeconds: number, now: Date): Promise<boolean> {
    const leaseUntil = now.getTime() + ttlSeconds * 1000;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...leaseKey(name),
            owner,
            leaseUntil,
            expiresAt: Math.ceil(leaseUntil / 1000) + TTL_SLACK_SECONDS,
          },
          // The holder may renew its own lease; nobody may take a live lease from someone else.
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: leaseKey(name),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Our lease expired and someone else holds it now (or it is gone): theirs must stay.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
