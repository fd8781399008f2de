/**
 * AlertLedger on the LedgerTable: one item per alert keyed by `alertId`, AlertRecord attributes
 * stored top-level. GSI `byReceivedAt` (constant partition `listPk`) lists newest first; GSI
 * `byStatus` finds work by status. Both project only the listing attributes below, never the raw
 * body: it would be stored three times and make every index write cost as many units as the body
 * has kilobytes. Every write is conditional, so concurrent webhook and deliver instances agree on
 * one record and one delivering worker. Never scans.
 * Over 350 lines because it is the one place that knows the item layout: schemas, conditional
 * writes, compression and cursors of every ledger operation.
 */

import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import { countWithinBudget, type PageBudget } from '#domain/page-budget.ts';
import type {
  AlertLedger,
  AlertListing,
  AlertRecordPatch,
  AlertRouting,
  AlertSummary,
  RecentAlert,
} from '#domain/ports.ts';
import { conditionalCheckItem, isConditionalCheckFailed } from './dynamodb-client.ts';

/** Partition value of the `byReceivedAt` index: one partition holds every alert in time order. */
export const LEDGER_LIST_PK = 'ALERT';
export const BY_RECEIVED_AT_INDEX = 'byReceivedAt';
export const BY_STATUS_INDEX = 'byStatus';

/**
 * Non-key attributes of an AlertListing (`alertId`, `status` and `receivedAt` are keys of the table
 * or of `byStatus`). The `byStatus` index projects exactly these (INCLUDE).
 */
export const LISTING_ATTRIBUTES = [
  'updatedAt',
  'event',
  'category',
  'alertName',
  'parsed',
  'attempts',
  'nextAttemptAt',
  'issueKey',
  'issueUrl',
  'issueType',
  'priority',
  'deliveredAt',
  'lastError',
  'droppedFields',
  'duplicates',
  'lastDuplicateAt',
  'test',
] as const;

/** Read per page with `routingOf`, never projected (see `AlertRouting`). */
const ROUTING_ATTRIBUTES = ['ruleId', 'ruleName', 'groupId', 'groupRole', 'escalated', 'redactedPaths'] as const;

/** `byStatus` INCLUDE projection. The CDK data stack declares the same list. */
export const BY_STATUS_PROJECTION: readonly string[] = LISTING_ATTRIBUTES;
/** `byReceivedAt` INCLUDE projection: `status` is not a key there, and the mapping view reads field paths. */
export const BY_RECEIVED_AT_PROJECTION: readonly string[] = [...LISTING_ATTRIBUTES, 'status', 'fieldPaths'];

/** BatchGetItem calls for one set of keys before what stays unprocessed is an error. */
const BATCH_ROUNDS = 5;

// A Query page stops early at DynamoDB's 1 MB cap; the cap on items keeps one call bounded too.
const MAX_PAGE_ITEMS = 1000;

const alertStatusSchema = z.enum([
  'delivering',
  'delivered',
  'queued',
  'retrying',
  'failed',
  'pending_configuration',
  'suppressed',
  'grouped',
]);

/** An item as read back from the table; extra attributes (`listPk`) are dropped. */
const alertRecordItemSchema = z.object({
  alertId: z.string(),
  status: alertStatusSchema,
  receivedAt: z.string(),
  updatedAt: z.string(),
  event: z.string(),
  category: z.optional(z.string()),
  alertName: z.optional(z.string()),
  parsed: z.boolean(),
  rawBody: z.string(),
  fieldPaths: z.array(z.string()),
  attempts: z.number(),
  failures: z.optional(z.number()),
  nextAttemptAt: z.optional(z.string()),
  claimUntil: z.optional(z.number()),
  issueKey: z.optional(z.string()),
  issueUrl: z.optional(z.string()),
  issueType: z.optional(z.string()),
  priority: z.optional(z.string()),
  deliveredAt: z.optional(z.string()),
  lastError: z.optional(z.string()),
  droppedFields: z.optional(
    z.array(z.object({ fieldId: z.string(), fieldName: z.optional(z.string()), reason: z.string() })),
  ),
  mayHaveCreated: z.optional(z.boolean()),
  lastSentAt: z.optional(z.number()),
  priorClaimUntil: z.optional(z.number()),
  attachmentPending: z.optional(z.boolean()),
  attachmentClaimUntil: z.optional(z.number()),
  attachmentAttempts: z.optional(z.number()),
  attachedAt: z.optional(z.string()),
  duplicates: z.number(),
  lastDuplicateAt: z.optional(z.string()),
  test: z.optional(z.boolean()),
  ruleId: z.optional(z.string()),
  ruleName: z.optional(z.string()),
  groupId: z.optional(z.string()),
  groupRole: z.optional(z.enum(['opened', 'joined', 'storm', 'closed'])),
  escalated: z.optional(z.boolean()),
  redactedPaths: z.optional(z.array(z.string())),
  expiresAt: z.number(),
});

// Compile-time check that the schema and the domain type describe the same record.
const assertSameShape = (item: z.output<typeof alertRecordItemSchema>): AlertRecord => item;
void assertSameShape;

const listingMask = {
  alertId: true,
  status: true,
  receivedAt: true,
  ...(Object.fromEntries(LISTING_ATTRIBUTES.map((name) => [name, true])) as Record<
    (typeof LISTING_ATTRIBUTES)[number],
    true
  >),
} as const;
/** What an index holds; attributes a table item has beyond it (an index created with ALL) are dropped. */
const alertListingItemSchema = z.pick(alertRecordItemSchema, listingMask);
const recentAlertItemSchema = z.pick(alertRecordItemSchema, { ...listingMask, fieldPaths: true });

const routingItemSchema = z.pick(alertRecordItemSchema, {
  alertId: true,
  ...(Object.fromEntries(ROUTING_ATTRIBUTES.map((name) => [name, true])) as Record<
    (typeof ROUTING_ATTRIBUTES)[number],
    true
  >),
});

const assertListingShape = (item: z.output<typeof alertListingItemSchema>): AlertListing => item;
const assertRecentShape = (item: z.output<typeof recentAlertItemSchema>): RecentAlert => item;
void assertListingShape;
void assertRecentShape;

const cursorSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export interface DynamoDbAlertLedgerOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoDbAlertLedger implements AlertLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoDbAlertLedgerOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async record(record: AlertRecord): Promise<{ created: true } | { created: false; existing: AlertRecord }> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(alertId)',
          // A duplicate alert then costs this one call: the existing item comes back with the failure.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const returned = conditionalCheckItem(error);
      // dynalite ignores ReturnValuesOnConditionCheckFailure; read the winner instead.
      const existing = returned === undefined ? await this.get(record.alertId) : parseRecord(returned);
      if (existing === undefined)
        throw new Error(`Alert ${record.alertId} exists but could not be read back`, { cause: error });
      return { created: false, existing };
    }
  }

  async get(alertId: string): Promise<AlertRecord | undefined> {
    const result = await this.#client.send(
      // Strongly consistent: deliver reads the record the webhook has just written.
      new GetCommand({ TableName: this.#tableName, Key: { alertId }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : parseRecord(result.Item);
  }

  async claim(
    alertId: string,
    from: readonly AlertStatus[],
    now: Date,
    claimSeconds: number,
  ): Promise<AlertRecord | undefined> {
    const values: Record<string, unknown> = {
      ':delivering': 'delivering',
      ':nowMs': now.getTime(),
      ':claimUntil': now.getTime() + claimSeconds * 1000,
      ':updatedAt': now.toISOString(),
      ':one': 1,
      ':none': 0,
    };
    const fromPlaceholders = from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    // An expired claim belongs to a worker that died or timed out: anyone may take it over.
    const expiredClaim = '(#status = :delivering AND claimUntil < :nowMs)';
    const condition =
      fromPlaceholders.length === 0 ? expiredClaim : `#status IN (${fromPlaceholders.join(', ')}) OR ${expiredClaim}`;
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          // `priorClaimUntil` keeps the claim being replaced (every operand reads the item before the
          // update): non-zero means a worker died holding it and may have created the issue.
          UpdateExpression:
            'SET #status = :delivering, priorClaimUntil = if_not_exists(claimUntil, :none), claimUntil = :claimUntil, attempts = attempts + :one, updatedAt = :updatedAt',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (result.Attributes === undefined) throw new Error(`Claim of alert ${alertId} returned no attributes`);
      return parseRecord(result.Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async update(alertId: string, patch: AlertRecordPatch): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    // Entries keep keys set to undefined on purpose: `{ lastError: undefined }` means "clear it".
    Object.entries(patch).forEach(([key, value], index) => {
      names[`#a${index}`] = key;
      if (value === undefined) {
        removes.push(`#a${index}`);
      } else {
        values[`:v${index}`] = value;
        sets.push(`#a${index} = :v${index}`);
      }
    });
    if (sets.length === 0 && removes.length === 0) return;
    const expression = [
      sets.length > 0 ? `SET ${sets.join(', ')}` : '',
      removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          UpdateExpression: expression,
          // Without it an update of an unknown id would create a partial item no reader can parse.
          ConditionExpression: 'attribute_exists(alertId)',
          ExpressionAttributeNames: names,
          ...(sets.length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new NotFoundError(`No alert with id ${alertId}`);
      throw error;
    }
  }

  async claimAttachment(alertId: string, now: Date, claimSeconds: number): Promise<AlertRecord | undefined> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          UpdateExpression:
            'SET attachmentClaimUntil = :claimUntil, attachmentAttempts = if_not_exists(attachmentAttempts, :none) + :one',
          // Only a pending attachment nobody else is working on (an expired claim belongs to a worker that died).
          ConditionExpression:
            'attachmentPending = :true AND (attribute_not_exists(attachmentClaimUntil) OR attachmentClaimUntil < :nowMs)',
          ExpressionAttributeValues: {
            ':claimUntil': now.getTime() + claimSeconds * 1000,
            ':nowMs': now.getTime(),
            ':true': true,
            ':none': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (result.Attributes === undefined)
        throw new Error(`Attachment claim of alert ${alertId} returned no attributes`);
      return parseRecord(result.Attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async redactBody(
    alertId: string,
    redacted: string,
    paths: readonly string[],
    keepOriginalUntil?: number,
  ): Promise<void> {
    if (keepOriginalUntil !== undefined) {
      const current = await this.get(alertId);
      if (current === undefined) throw new NotFoundError(`No alert with id ${alertId}`);
      // Not listed by any index (no `listPk`, no `status`); gone with its own TTL.
      await this.#client
        .send(
          new PutCommand({
            TableName: this.#tableName,
            Item: {
              alertId: originalKey(alertId),
              rawBodyGz: gzipSync(Buffer.from(current.rawBody, 'utf8')),
              expiresAt: keepOriginalUntil,
            },
            // A second redaction of the same alert must not replace the original with a redacted body.
            ConditionExpression: 'attribute_not_exists(alertId)',
          }),
        )
        .catch((error: unknown) => {
          if (!isConditionalCheckFailed(error)) throw error;
        });
    }
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { alertId },
        UpdateExpression: 'SET rawBodyGz = :body, redactedPaths = :paths',
        ConditionExpression: 'attribute_exists(alertId)',
        ExpressionAttributeValues: { ':body': gzipSync(Buffer.from(redacted, 'utf8')), ':paths': [...paths] },
      }),
    );
  }

  async originalBody(alertId: string): Promise<string | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { alertId: originalKey(alertId) } }),
    );
    const compressed = result.Item?.['rawBodyGz'];
    return compressed instanceof Uint8Array ? gunzipSync(compressed).toString('utf8') : undefined;
  }

  async getMany(alertIds: readonly string[]): Promise<AlertRecord[]> {
    const byId = new Map((await this.#batchGet(alertIds)).map((item) => [item['alertId'], parseRecord(item)]));
    return alertIds.flatMap((id) => byId.get(id) ?? []);
  }

  async routingOf(alertIds: readonly string[]): Promise<Map<string, AlertRouting>> {
    const found = new Map<string, AlertRouting>();
    for (const item of await this.#batchGet(alertIds, ['alertId', ...ROUTING_ATTRIBUTES])) {
      const { alertId, ...routing } = routingItemSchema.parse(item);
      if (Object.keys(routing).length > 0) found.set(alertId, routing);
    }
    return found;
  }

  /**
   * The items of these ids (strongly consistent, `attributes` only when given), 100 keys per
   * BatchGetItem; keys DynamoDB leaves unprocessed (throttling, the 16 MB answer limit) are asked
   * again, and still missing after that is an error rather than a silently shorter answer.
   */
  async #batchGet(alertIds: readonly string[], attributes?: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const ids = [...new Set(alertIds)];
    const projection =
      attributes === undefined
        ? {}
        : {
            ProjectionExpression: attributes.map((_, n) => `#a${n}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(attributes.map((name, n) => [`#a${n}`, name])),
          };
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((alertId) => ({ alertId }));
      for (let round = 0; keys.length > 0; round += 1) {
        if (round === BATCH_ROUNDS)
          throw new Error(`${keys.length} ledger items stayed unprocessed after ${round} reads`);
        const result = await this.#client.send(
          new BatchGetCommand({
            RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true, ...projection } },
          }),
        );
        items.push(...(result.Responses?.[this.#tableName] ?? []));
        keys = (result.UnprocessedKeys?.[this.#tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return items;
  }

  async noteDuplicate(alertId: string, at: Date): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          UpdateExpression: 'ADD duplicates :one SET lastDuplicateAt = :at',
          ConditionExpression: 'attribute_exists(alertId)',
          ExpressionAttributeValues: { ':one': 1, ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new NotFoundError(`No alert with id ${alertId}`);
      throw error;
    }
  }

  async listRecent(
    limit: number,
    cursor?: string,
    budget?: PageBudget<RecentAlert>,
  ): Promise<{ items: RecentAlert[]; cursor?: string }> {
    const page = await this.#queryUpTo(
      (item) => parseWith(recentAlertItemSchema, item),
      {
        IndexName: BY_RECEIVED_AT_INDEX,
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': LEDGER_LIST_PK },
        ScanIndexForward: false,
      },
      limit,
      cursor === undefined ? undefined : decodeCursor(cursor),
    );
    const fitting = budget === undefined ? page.items.length : countWithinBudget(page.items, budget);
    const last = page.items[fitting - 1];
    // Cut here: the cursor is the index key of the last item kept, exactly what DynamoDB would have returned.
    if (fitting < page.items.length && last !== undefined) {
      return {
        items: page.items.slice(0, fitting),
        cursor: encodeCursor({ alertId: last.alertId, listPk: LEDGER_LIST_PK, receivedAt: last.receivedAt }),
      };
    }
    return page.lastKey === undefined
      ? { items: page.items }
      : { items: page.items, cursor: encodeCursor(page.lastKey) };
  }

  async listByStatus(status: AlertStatus, limit: number): Promise<AlertListing[]> {
    return (await this.#queryStatus(status, limit, undefined, false)).items;
  }

  async pageByStatus(
    status: AlertStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: AlertListing[]; cursor?: string }> {
    const page = await this.#queryStatus(status, limit, cursor, true);
    return page.lastKey === undefined
      ? { items: page.items }
      : { items: page.items, cursor: encodeCursor(page.lastKey) };
  }

  async listSince(since: Date): Promise<AlertSummary[]> {
    const items: AlertSummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: BY_RECEIVED_AT_INDEX,
          KeyConditionExpression: 'listPk = :pk AND receivedAt >= :since',
          ExpressionAttributeValues: { ':pk': LEDGER_LIST_PK, ':since': since.toISOString() },
          // Days of alerts with their raw bodies would be megabytes; the chart needs four attributes.
          ProjectionExpression: 'alertId, receivedAt, #status, priority',
          ExpressionAttributeNames: { '#status': 'status' },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of result.Items ?? []) items.push(parseSummary(item));
      startKey = result.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  /** One status's listings on the byStatus index, newest or oldest first. */
  #queryStatus(status: AlertStatus, limit: number, cursor: string | undefined, oldestFirst: boolean) {
    return this.#queryUpTo(
      (item) => parseWith(alertListingItemSchema, item),
      {
        IndexName: BY_STATUS_INDEX,
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
        ScanIndexForward: oldestFirst,
      },
      limit,
      cursor === undefined ? undefined : decodeCursor(cursor),
    );
  }

  /** Follows pages until `limit` items are collected or the index is exhausted (a page stops at 1 MB). */
  async #queryUpTo<T>(
    parse: (item: Record<string, unknown>) => T,
    input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>,
    limit: number,
    startKey: Record<string, unknown> | undefined,
  ): Promise<{ items: T[]; lastKey?: Record<string, unknown> }> {
    const wanted = Math.min(Math.max(Math.floor(limit), 1), MAX_PAGE_ITEMS);
    const items: T[] = [];
    let lastKey = startKey;
    do {
      const result = await this.#client.send(
        new QueryCommand({
          ...input,
          TableName: this.#tableName,
          Limit: wanted - items.length,
          ...(lastKey === undefined ? {} : { ExclusiveStartKey: lastKey }),
        }),
      );
      for (const item of result.Items ?? []) items.push(parse(item));
      lastKey = result.LastEvaluatedKey;
    } while (lastKey !== undefined && items.length < wanted);
    return lastKey === undefined ? { items } : { items, lastKey };
  }
}

/** Key of the item that keeps a redacted alert's original body. */
function originalKey(alertId: string): string {
  return `${alertId}#original`;
}

/**
 * The raw body is stored gzip-compressed in a Binary attribute: the ledger item must stay under
 * DynamoDB's 400 KB for every body within the 256 KiB cap, and a body with invalid UTF-8 decodes to
 * replacement characters that take three bytes each as a string; compressed, such runs cost almost
 * nothing and ordinary JSON shrinks several times (fewer write units). Items written before keep
 * `rawBody` as a string and read back unchanged.
 */
function toItem(record: AlertRecord): Record<string, unknown> {
  const { rawBody, ...rest } = record;
  return { ...rest, rawBodyGz: gzipSync(Buffer.from(rawBody, 'utf8')), listPk: LEDGER_LIST_PK };
}

function parseRecord(stored: Record<string, unknown>): AlertRecord {
  const compressed = stored['rawBodyGz'];
  let item = stored;
  if (compressed instanceof Uint8Array) {
    const { rawBodyGz: _compressed, ...rest } = stored;
    item = { ...rest, rawBody: gunzipSync(compressed).toString('utf8') };
  }
  const result = alertRecordItemSchema.safeParse(item);
  if (!result.success) {
    // Name the attributes only: the item holds the raw alert body, which must not reach the logs.
    const paths = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Ledger item ${String(item['alertId'])} is malformed (${paths})`);
  }
  return result.data;
}

const alertSummaryItemSchema = z.object({
  alertId: z.string(),
  receivedAt: z.string(),
  status: alertStatusSchema,
  priority: z.optional(z.string()),
});

function parseSummary(item: Record<string, unknown>): AlertSummary {
  return parseWith(alertSummaryItemSchema, item);
}

function parseWith<T>(schema: z.ZodMiniType<T>, item: Record<string, unknown>): T {
  const result = schema.safeParse(item);
  if (!result.success)
    throw new Error(
      `Ledger item ${String(item['alertId'])} is malformed (${result.error.issues.map((i) => i.path.join('.')).join(', ')})`,
    );
  return result.data;
}

/** Opaque to clients: base64url of the LastEvaluatedKey (alertId, listPk, receivedAt). */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success && typeof parsed.data['alertId'] === 'string') return parsed.data;
  } catch {
    // Fall through: a cursor that is not base64url JSON is reported like any other bad cursor.
  }
  throw new ValidationError('The cursor is not valid; start again from the first page', [
    { path: 'cursor', message: 'not a cursor returned by this API' },
  ]);
}
