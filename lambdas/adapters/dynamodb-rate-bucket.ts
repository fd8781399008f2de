/**
 * RateBucket on the ConfigTable: pk=`RATE#<name>` sk=`RATE` holding the GCRA state (`tat`,
 * `heldUntil`) and a `version` for optimistic writes. Only called while Jira's limit is near, so the
 * read-then-conditional-write costs nothing in steady state.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type BucketState, type Reservation, reserveSlots } from '#domain/delivery/rate-slots.ts';
import type { RateBucket } from '#domain/ports.ts';
import { isConditionalCheckFailed } from './dynamodb-client.ts';

export const RATE_SK = 'RATE';
export const rateBucketKey = (name: string) => ({ pk: `RATE#${name}`, sk: RATE_SK });

// Contention only among instances pacing at the same moment; past this many lost races the caller
// is told to come back a slot later rather than spin.
const MAX_RACES = 8;

export interface DynamoDbRateBucketOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** One bucket per Jira site. */
  readonly name: string;
}

export class DynamoDbRateBucket implements RateBucket {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #key: { pk: string; sk: string };

  constructor(options: DynamoDbRateBucketOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#key = rateBucketKey(options.name);
  }

  async reserve(
    nowMs: number,
    ratePerSecond: number,
    burst: number,
    maxWaitsMs: readonly number[],
  ): Promise<Reservation[]> {
    for (let race = 0; race < MAX_RACES; race += 1) {
      const item = (
        await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: this.#key, ConsistentRead: true }))
      ).Item;
      const version = typeof item?.['version'] === 'number' ? item['version'] : 0;
      const state: BucketState | undefined = item
        ? { tat: Number(item['tat'] ?? 0), heldUntil: Number(item['heldUntil'] ?? 0) }
        : undefined;
      const { reservations, next } = reserveSlots(state, nowMs, ratePerSecond, burst, maxWaitsMs);
      if (next === undefined) return reservations;
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: { ...this.#key, tat: next.tat, heldUntil: next.heldUntil, version: version + 1 },
            ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        );
        return reservations;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return maxWaitsMs.map(() => ({ retryAt: nowMs + Math.ceil(1000 / ratePerSecond), held: false }));
  }

  async holdUntil(untilMs: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key,
          UpdateExpression: 'SET heldUntil = :until ADD version :one',
          ConditionExpression: 'attribute_not_exists(heldUntil) OR heldUntil < :until',
          ExpressionAttributeValues: { ':until': untilMs, ':one': 1 },
        }),
      );
    } catch (error) {
      // Someone already holds the bucket at least as long.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
