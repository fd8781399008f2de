/**
 * GroupStore on the ConfigTable: a group is pk=`GROUP#<id>` sk=`GROUP`; a rule's new-issue count
 * for an hour is pk=`STORM#<rule>#<hour>`; a counter-event opener's issue is pk=`COUNTER#<id>`.
 * Every change is one conditional write, so concurrent alerts of one new group agree on one opener
 * and concurrent flushes on one worker. A group's window end is kept as its own attribute
 * (`windowEndsAtMs`, moved by each occurrence) so the conditions compare numbers only.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FlushResult, FollowUpReason, GroupRecord, GroupStore } from '#domain/ports.ts';
import { liveSpanMs } from '#domain/routing/group-key.ts';
import { conditionalCheckItem, isConditionalCheckFailed } from './dynamodb-client.ts';

const GROUP_SK = 'GROUP';
/** Read-and-write rounds before giving up on a group that keeps changing. */
const MAX_ROUNDS = 20;
export const groupKey = (groupId: string) => ({ pk: `GROUP#${groupId}`, sk: GROUP_SK });
export const stormKey = (ruleId: string, hour: string) => ({ pk: `STORM#${ruleId}#${hour}`, sk: 'STORM' });
export const counterKey = (id: string) => ({ pk: `COUNTER#${id}`, sk: 'COUNTER' });

const groupItemSchema = z.object({
  groupId: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  key: z.record(z.string(), z.string()),
  openerAlertId: z.string(),
  issueKey: z.optional(z.string()),
  previousIssueKey: z.optional(z.string()),
  followUpReason: z.optional(
    z.enum(['wont-do', 'reopen-window', 'no-reopen', 'window', 'issue-gone', 'opener-failed']),
  ),
  openedAtMs: z.number(),
  lastSeenAtMs: z.number(),
  windowMinutes: z.number(),
  commentIntervalSeconds: z.number(),
  reopenWindowHours: z.number(),
  count: z.number(),
  reported: z.number(),
  pending: z.array(z.string()),
  overflow: z.number(),
  flushDueAtMs: z.optional(z.number()),
  flushClaimUntilMs: z.optional(z.number()),
  lastFlushAtMs: z.optional(z.number()),
  flushFailures: z.optional(z.number()),
  recentTimesMs: z.array(z.number()),
  escalated: z.optional(z.boolean()),
  stateSeenAtMs: z.optional(z.number()),
  storm: z.optional(z.boolean()),
  expiresAt: z.number(),
});

const assertSameShape = (item: z.output<typeof groupItemSchema>): GroupRecord => item;
void assertSameShape;

function parseGroup(item: Record<string, unknown>): GroupRecord {
  return groupItemSchema.parse(item);
}

// Shared by `join` and `open`: live while the window runs or occurrences wait to be reported.
const LIVE = '(windowEndsAtMs >= :at OR size(pending) > :zero OR overflow > :zero)';

export interface DynamoDbGroupStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoDbGroupStore implements GroupStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoDbGroupStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async get(groupId: string): Promise<GroupRecord | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: groupKey(groupId), ConsistentRead: true }),
    );
    return result.Item ? parseGroup(result.Item) : undefined;
  }

  async open(
    group: GroupRecord,
  ): Promise<{ opened: true; replaced?: GroupRecord } | { opened: false; current: GroupRecord }> {
    try {
      const result = await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...groupKey(group.groupId),
            ...group,
            windowEndsAtMs: group.lastSeenAtMs + liveSpanMs(group),
            windowMs: liveSpanMs(group),
          },
          ConditionExpression: `attribute_not_exists(pk) OR NOT ${LIVE}`,
          ExpressionAttributeValues: { ':at': group.openedAtMs, ':zero': 0 },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return result.Attributes ? { opened: true, replaced: parseGroup(result.Attributes) } : { opened: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.#itemOf(error, group.groupId);
      if (current) return { opened: false, current };
      // Gone between the write and the read (TTL): try again as if it never existed.
      return this.open(group);
    }
  }

  async join(
    groupId: string,
    alertId: string,
    atMs: number,
    options: { readonly maxPending: number; readonly expiresAt: number },
  ): Promise<
    { kind: 'joined'; group: GroupRecord } | { kind: 'already' | 'missing' | 'expired'; group?: GroupRecord }
  > {
    const values = { ':at': atMs, ':zero': 0, ':one': 1, ':id': alertId, ':exp': options.expiresAt };
    const seen = 'SET lastSeenAtMs = :at, windowEndsAtMs = :at + windowMs, expiresAt = :exp';
    // A failed condition is read again to learn why; a group created or changed in between is tried again.
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      try {
        const result = await this.#client.send(
          new UpdateCommand({
            TableName: this.#tableName,
            Key: groupKey(groupId),
            UpdateExpression: `${seen}, pending = list_append(pending, :ids) ADD #count :one`,
            ConditionExpression: `attribute_exists(pk) AND ${LIVE} AND openerAlertId <> :id AND NOT contains(pending, :id) AND size(pending) < :max`,
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ...values, ':ids': [alertId], ':max': options.maxPending },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'joined', group: parseGroup(result.Attributes ?? {}) };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const group = await this.#itemOf(error, groupId);
        if (group === undefined) return { kind: 'missing' };
        if (group.openerAlertId === alertId || group.pending.includes(alertId)) return { kind: 'already', group };
        const live = group.lastSeenAtMs + liveSpanMs(group) >= atMs || group.pending.length > 0 || group.overflow > 0;
        if (!live) return { kind: 'expired', group };
        // The list is full: the occurrence is counted, its body stays in the ledger only.
        if (group.pending.length >= options.maxPending) return this.#joinCounted(groupId, values);
      }
    }
    throw new Error(`Group ${groupId} kept changing while alert ${alertId} joined it`);
  }

  async #joinCounted(
    groupId: string,
    values: Record<string, unknown>,
  ): Promise<{ kind: 'joined'; group: GroupRecord } | { kind: 'missing' | 'expired'; group?: GroupRecord }> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: groupKey(groupId),
          UpdateExpression:
            'SET lastSeenAtMs = :at, windowEndsAtMs = :at + windowMs, expiresAt = :exp ADD #count :one, overflow :one',
          // A counted occurrence leaves no id behind: a retry of the same alert would count it again.
          ConditionExpression: `attribute_exists(pk) AND ${LIVE} AND openerAlertId <> :id`,
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'joined', group: parseGroup(result.Attributes ?? {}) };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { kind: 'expired' };
      throw error;
    }
  }

  async setIssue(groupId: string, openerAlertId: string, issueKey: string): Promise<GroupRecord | undefined> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: groupKey(groupId),
          UpdateExpression: 'SET issueKey = :key',
          ConditionExpression: 'openerAlertId = :opener',
          ExpressionAttributeValues: { ':key': issueKey, ':opener': openerAlertId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? parseGroup(result.Attributes) : undefined;
    } catch (error) {
      // Another alert opens the group now (a follow-up): this issue is no longer the group's.
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async scheduleFlush(groupId: string, dueAtMs: number, staleBeforeMs: number): Promise<boolean> {
    return this.#conditional({
      Key: groupKey(groupId),
      UpdateExpression: 'SET flushDueAtMs = :due',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(flushDueAtMs) OR flushDueAtMs < :stale)',
      ExpressionAttributeValues: { ':due': dueAtMs, ':stale': staleBeforeMs },
    });
  }

  async claimFlush(groupId: string, nowMs: number, seconds: number): Promise<GroupRecord | undefined> {
    try {
      const result = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: groupKey(groupId),
          UpdateExpression: 'SET flushClaimUntilMs = :until',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(flushClaimUntilMs) OR flushClaimUntilMs < :now)',
          ExpressionAttributeValues: { ':until': nowMs + seconds * 1000, ':now': nowMs },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? parseGroup(result.Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async finishFlush(groupId: string, result: FlushResult): Promise<void> {
    // Joins only append and this worker holds the flush: the reported ones are the first of the list.
    // The rest is written back on condition that no join came in between (else read again), rather
    // than with `REMOVE pending[0], pending[1]`, whose index meaning emulators do not all share.
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const current = await this.get(groupId);
      if (current === undefined) return;
      const done = await this.#conditional({
        Key: groupKey(groupId),
        UpdateExpression:
          'SET pending = :rest, lastFlushAtMs = :at, recentTimesMs = :recent, escalated = :escalated' +
          (result.stateSeenAtMs === undefined ? '' : ', stateSeenAtMs = :seen') +
          ' ADD reported :reported, overflow :overflow REMOVE flushClaimUntilMs, flushDueAtMs, flushFailures' +
          (result.stateSeenAtMs === undefined ? ', stateSeenAtMs' : ''),
        ConditionExpression: 'size(pending) = :size',
        ExpressionAttributeValues: {
          ':rest': current.pending.slice(result.reportedPending),
          ':size': current.pending.length,
          ':at': result.atMs,
          ':recent': [...result.recentTimesMs],
          ':escalated': result.escalated,
          ':reported': result.reportedPending + result.reportedOverflow,
          ':overflow': -result.reportedOverflow,
          ...(result.stateSeenAtMs === undefined ? {} : { ':seen': result.stateSeenAtMs }),
        },
      });
      if (done) return;
    }
    throw new Error(`Group ${groupId} kept changing while its report was being recorded`);
  }

  async abandonFlush(groupId: string, failures: number): Promise<void> {
    await this.#conditional({
      Key: groupKey(groupId),
      UpdateExpression: 'SET flushFailures = :failures REMOVE flushClaimUntilMs, flushDueAtMs',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':failures': failures },
    });
  }

  async followUp(
    groupId: string,
    change: {
      readonly expectedIssueKey: string | undefined;
      readonly openerAlertId: string;
      readonly atMs: number;
      readonly reportedBefore: number;
      readonly reason: FollowUpReason;
    },
  ): Promise<boolean> {
    const followed = change.expectedIssueKey === undefined ? '' : 'previousIssueKey = issueKey, ';
    return this.#conditional({
      Key: groupKey(groupId),
      // The new issue shows its opener; every other unreported occurrence stays pending for it.
      UpdateExpression:
        `SET ${followed}followUpReason = :reason, openerAlertId = :opener, openedAtMs = :at, ` +
        '#count = #count - :before, reported = :one, escalated = :false ' +
        'REMOVE issueKey, pending[0], flushClaimUntilMs, flushDueAtMs, flushFailures, stateSeenAtMs',
      ConditionExpression:
        (change.expectedIssueKey === undefined ? 'attribute_not_exists(issueKey)' : 'issueKey = :expected') +
        ' AND pending[0] = :opener',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: {
        ':opener': change.openerAlertId,
        ':at': change.atMs,
        ':before': change.reportedBefore,
        ':one': 1,
        ':false': false,
        ':reason': change.reason,
        ...(change.expectedIssueKey === undefined ? {} : { ':expected': change.expectedIssueKey }),
      },
    });
  }

  async countNewIssue(ruleId: string, hour: string, cap: number, expiresAt: number): Promise<boolean> {
    return this.#conditional({
      Key: stormKey(ruleId, hour),
      UpdateExpression: 'SET expiresAt = :exp ADD created :one',
      ConditionExpression: 'attribute_not_exists(created) OR created < :cap',
      ExpressionAttributeValues: { ':exp': expiresAt, ':one': 1, ':cap': cap },
    });
  }

  async putCounterpart(id: string, issueKey: string, expiresAt: number): Promise<void> {
    await this.#client.send(
      new PutCommand({ TableName: this.#tableName, Item: { ...counterKey(id), issueKey, expiresAt } }),
    );
  }

  async getCounterpart(id: string): Promise<string | undefined> {
    const result = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: counterKey(id), ConsistentRead: true }),
    );
    const issueKey = result.Item?.['issueKey'];
    return typeof issueKey === 'string' ? issueKey : undefined;
  }

  async deleteCounterpart(id: string, issueKey: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: counterKey(id),
          // A newer opener's issue stays.
          ConditionExpression: 'issueKey = :key',
          ExpressionAttributeValues: { ':key': issueKey },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** The item a failed condition saw: returned with the error by DynamoDB, read again where an emulator does not. */
  async #itemOf(error: unknown, groupId: string): Promise<GroupRecord | undefined> {
    const item = conditionalCheckItem(error);
    return item ? parseGroup(item) : this.get(groupId);
  }

  /** One conditional update; false when its condition did not hold. */
  async #conditional(input: {
    Key: Record<string, string>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<boolean> {
    try {
      await this.#client.send(new UpdateCommand({ TableName: this.#tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
