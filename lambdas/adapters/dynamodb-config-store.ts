/**
 * ConfigStore on the ConfigTable. The current configuration lives at pk=`CONFIG` sk=`CURRENT`
 * (numeric `version` for the optimistic lock, `config` map); every saved version is copied to
 * sk=`V#<10-digit version>`. History is read newest first with one Query.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { ConflictError } from '#domain/errors.ts';
import type { ConfigStore } from '#domain/ports.ts';
import { type RelayConfig, relayConfigSchema } from '#domain/relay-config.ts';
import { conditionalCheckItem, isConditionalCheckFailed, transactionCancellationReasons } from './dynamodb-client.ts';

export const CONFIG_PK = 'CONFIG';
export const CONFIG_CURRENT_SK = 'CURRENT';
const HISTORY_PREFIX = 'V#';

/** `V#0000000042`: zero-padded so the sort key orders versions numerically. */
export function historySortKey(version: number): string {
  return `${HISTORY_PREFIX}${String(version).padStart(10, '0')}`;
}

const versionedItemSchema = z.object({ version: z.number().check(z.int(), z.nonnegative()), config: z.unknown() });
const historyItemSchema = z.object({ sk: z.string(), config: z.unknown() });

export interface DynamoDbConfigStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /**
   * Whether CURRENT and its history entry are written in one TransactWriteItems. `true`: always (AWS).
   * `false`: CURRENT with its condition, then the history entry; the conditional write keeps the
   * optimistic lock exact, only the history entry can be missed if the process dies in between.
   * Unset (default): transactions, switching to `false` for good if the server answers
   * UnknownOperationException, which is what dynalite (the local runtime's DynamoDB) does, since it
   * implements no transactions. That answer comes before anything is written, so the switch is safe.
   */
  readonly transactions?: boolean;
}

export class DynamoDbConfigStore implements ConfigStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  #transactions: boolean | 'auto';

  constructor(options: DynamoDbConfigStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#transactions = options.transactions ?? 'auto';
  }

  async get(): Promise<RelayConfig | undefined> {
    const stored = await this.#currentItem();
    if (stored === undefined) return undefined;
    const item = versionedItemSchema.parse(stored);
    return { ...parseConfig(item.config, 'CURRENT'), version: item.version };
  }

  async save(config: RelayConfig, expectedVersion: number): Promise<RelayConfig> {
    const version = expectedVersion + 1;
    const saved: RelayConfig = { ...config, version };
    const current = {
      TableName: this.#tableName,
      Item: { pk: CONFIG_PK, sk: CONFIG_CURRENT_SK, version, config: saved, updatedAt: saved.updatedAt },
      ...currentVersionCondition(expectedVersion),
      // The conflict message names the version that won.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const history = {
      TableName: this.#tableName,
      Item: {
        pk: CONFIG_PK,
        sk: historySortKey(version),
        kind: 'version',
        version,
        config: saved,
        updatedAt: saved.updatedAt,
        updatedBy: saved.updatedBy,
      },
    };
    const transacted = await this.#transact([{ Put: current }, { Put: history }]);
    if (!transacted) {
      await this.#conditionalWrite(() => this.#client.send(new PutCommand(current)));
      await this.#client.send(new PutCommand(history));
    }
    return saved;
  }

  async history(limit: number): Promise<RelayConfig[]> {
    const wanted = Math.max(Math.floor(limit), 0);
    const configs: RelayConfig[] = [];
    let startKey: Record<string, unknown> | undefined;
    while (configs.length < wanted) {
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': CONFIG_PK, ':prefix': HISTORY_PREFIX },
          ScanIndexForward: false,
          Limit: wanted - configs.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const raw of result.Items ?? []) {
        const item = historyItemSchema.parse(raw);
        if (configs.length >= wanted) break;
        configs.push(parseConfig(item.config, item.sk));
      }
      startKey = result.LastEvaluatedKey;
      if (startKey === undefined) break;
    }
    return configs;
  }

  /** Runs the transaction; false when transactions are off (the caller then writes item by item). */
  async #transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<boolean> {
    if (this.#transactions === false) return false;
    try {
      await this.#client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (this.#transactions === 'auto' && error instanceof Error && error.name === 'UnknownOperationException') {
        this.#transactions = false;
        return false;
      }
      const reasons = transactionCancellationReasons(error);
      const first = reasons?.[0];
      // The first action carries the version condition. A TransactionConflict means another save was
      // in flight on the same item at that moment: for the admin it is the same "someone else saved".
      if (first?.code === 'ConditionalCheckFailed' || first?.code === 'TransactionConflict') {
        throw conflict(first.item, error);
      }
      throw error;
    }
  }

  async #conditionalWrite(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // dynalite ignores ReturnValuesOnConditionCheckFailure; read the winner for the message instead.
      throw conflict(conditionalCheckItem(error) ?? (await this.#currentItem()), error);
    }
  }

  async #currentItem(): Promise<Record<string, unknown> | undefined> {
    const result = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: CONFIG_PK, sk: CONFIG_CURRENT_SK },
        // The admin edits from what it reads here; a stale read would be a needless conflict.
        ConsistentRead: true,
      }),
    );
    return result.Item;
  }
}

/** Version 0 means "no configuration yet": the write must not replace one someone else created. */
function currentVersionCondition(expectedVersion: number): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (expectedVersion === 0) return { ConditionExpression: 'attribute_not_exists(pk)' };
  return {
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':expected': expectedVersion },
  };
}

function conflict(current: Record<string, unknown> | undefined, cause: unknown): ConflictError {
  // No item back means there is no configuration yet (or the server does not return it): version 0.
  const parsed = z.object({ version: z.number() }).safeParse(current);
  const version = parsed.success ? parsed.data.version : 0;
  const error = new ConflictError(
    `The configuration was changed by someone else (version ${version}); reload and try again`,
  );
  error.cause = cause;
  return error;
}

function parseConfig(raw: unknown, where: string): RelayConfig {
  const result = relayConfigSchema.safeParse(raw);
  if (!result.success) {
    const paths = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Stored configuration ${where} is malformed (${paths})`);
  }
  return result.data;
}
