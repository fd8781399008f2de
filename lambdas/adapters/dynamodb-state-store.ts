/**
 * StateStore on the ConfigTable: pk=`STATE` sk=<name>, the value in attribute `value`. Values are
 * small control-plane records (webhook-token metadata, connection status); callers own their shape.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StateStore } from '#domain/ports.ts';
import { isConditionalCheckFailed } from './dynamodb-client.ts';

export const STATE_PK = 'STATE';

export interface DynamoDbStateStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoDbStateStore implements StateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoDbStateStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async getItem<T>(name: string): Promise<T | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { pk: STATE_PK, sk: name }, ConsistentRead: true }),
    );
    if (result.Item === undefined || !('value' in result.Item)) return undefined;
    // The port is generic without a schema: the caller names T and parses what it relies on.
    return result.Item['value'] as T;
  }

  async putItem<T>(name: string, value: T): Promise<void> {
    await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: { pk: STATE_PK, sk: name, value } }));
  }

  async patchItem(name: string, patch: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(patch);
    if (entries.length === 0) return;
    try {
      await this.#patchExisting(name, entries);
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // A nested SET fails on a missing item, so the first patch creates the item instead.
    const value = Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { pk: STATE_PK, sk: name, value },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Someone created it in between: their item exists now, so the nested update applies.
      if (!isConditionalCheckFailed(error)) throw error;
      await this.#patchExisting(name, entries);
    }
  }

  /** SET `value.<key>` for each given key (REMOVE for keys explicitly undefined), leaving the others alone. */
  async #patchExisting(name: string, entries: readonly (readonly [string, unknown])[]): Promise<void> {
    const names: Record<string, string> = { '#value': 'value' };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    entries.forEach(([key, v], index) => {
      names[`#k${index}`] = key;
      if (v === undefined) {
        removes.push(`#value.#k${index}`);
      } else {
        values[`:v${index}`] = v;
        sets.push(`#value.#k${index} = :v${index}`);
      }
    });
    const expression = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: STATE_PK, sk: name },
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(#value)',
        ExpressionAttributeNames: names,
        ...(sets.length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}
