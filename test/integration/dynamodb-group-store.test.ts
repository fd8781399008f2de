import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAlertLedger } from '#adapters/dynamodb-alert-ledger.ts';
import { DynamoDbGroupStore } from '#adapters/dynamodb-group-store.ts';
import type { GroupRecord } from '#domain/ports.ts';
import { TABLE_NAMES, useDynaliteTables } from '#test-support/dynalite-tables.ts';

const names = TABLE_NAMES;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

const tables = useDynaliteTables();
let store: DynamoDbGroupStore;
beforeAll(() => {
  store = new DynamoDbGroupStore({ client: tables.client, tableName: names.configTable });
});

let sequence = 0;
function group(overrides: Partial<GroupRecord> = {}): GroupRecord {
  sequence += 1;
  return {
    groupId: `g${sequence}`,
    ruleId: 'spray',
    ruleName: 'Password spraying',
    key: { audit_event: 'login_failure', username: 'jane.roe@example.com' },
    openerAlertId: `opener-${sequence}`,
    openedAtMs: T0,
    lastSeenAtMs: T0,
    windowMinutes: 60,
    commentIntervalSeconds: 60,
    reopenWindowHours: 0,
    count: 1,
    reported: 1,
    pending: [],
    overflow: 0,
    recentTimesMs: [T0],
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}

const joinOptions = { maxPending: 3, expiresAt: 1_900_000_000 };

describe('DynamoDbGroupStore on dynalite', () => {
  it('opens a group once: a second opener of a live group gets the current one', async () => {
    // Prepare
    const first = group();
    // Act
    const opened = await store.open(first);
    const again = await store.open({ ...first, openerAlertId: 'someone-else', openedAtMs: T0 + MINUTE });
    // Assess
    expect(opened).toEqual({ opened: true });
    expect(again).toMatchObject({ opened: false, current: { openerAlertId: first.openerAlertId } });
  });

  it('joins a live group in order, refuses a repeat of the same alert and counts past the list cap', async () => {
    // Prepare
    const g = group();
    await store.open(g);
    // Act
    const results = [];
    for (const id of ['a', 'b', 'a', 'c', 'd', 'e'])
      results.push(await store.join(g.groupId, id, T0 + MINUTE, joinOptions));
    const opener = await store.join(g.groupId, g.openerAlertId, T0 + MINUTE, joinOptions);
    // Assess
    expect(results.map((r) => r.kind)).toEqual(['joined', 'joined', 'already', 'joined', 'joined', 'joined']);
    expect(opener.kind).toBe('already');
    const stored = await store.get(g.groupId);
    expect(stored).toMatchObject({ pending: ['a', 'b', 'c'], overflow: 2, count: 6, lastSeenAtMs: T0 + MINUTE });
  });

  it('ends a group after its window and lets a new opener replace it, naming the old issue', async () => {
    // Prepare
    const g = group({ issueKey: 'SEC-1' });
    await store.open(g);
    const late = T0 + 61 * MINUTE;
    // Act
    const joined = await store.join(g.groupId, 'late', late, joinOptions);
    const replaced = await store.open({
      ...g,
      openerAlertId: 'late',
      openedAtMs: late,
      lastSeenAtMs: late,
      issueKey: undefined,
    });
    // Assess
    expect(joined.kind).toBe('expired');
    expect(replaced).toMatchObject({ opened: true, replaced: { issueKey: 'SEC-1' } });
  });

  it('keeps a group live while repeats wait to be reported, even past its window', async () => {
    // Prepare
    const g = group();
    await store.open(g);
    await store.join(g.groupId, 'waiting', T0 + 10 * MINUTE, joinOptions);
    // Act
    const late = await store.join(g.groupId, 'late', T0 + 200 * MINUTE, joinOptions);
    // Assess
    expect(late.kind).toBe('joined');
  });

  it('gives the group its issue only while the alert still opens it, answering the group as it is then', async () => {
    const g = group();
    await store.open(g);
    await store.join(g.groupId, 'waiting', T0 + MINUTE, joinOptions);
    expect(await store.setIssue(g.groupId, 'someone-else', 'SEC-8')).toBeUndefined();
    expect(await store.setIssue(g.groupId, g.openerAlertId, 'SEC-9')).toMatchObject({
      issueKey: 'SEC-9',
      pending: ['waiting'],
    });
  });

  it('misses an unknown group', async () => {
    expect((await store.join('nope', 'x', T0, joinOptions)).kind).toBe('missing');
  });

  it('claims a flush once, removes the reported repeats from the front and keeps later joins', async () => {
    // Prepare
    const g = group({ issueKey: 'SEC-2' });
    await store.open(g);
    for (const id of ['a', 'b']) await store.join(g.groupId, id, T0 + MINUTE, { ...joinOptions, maxPending: 10 });
    expect(await store.scheduleFlush(g.groupId, T0 + MINUTE, T0 - 15 * MINUTE)).toBe(true);
    expect(await store.scheduleFlush(g.groupId, T0 + MINUTE, T0 - 15 * MINUTE)).toBe(false);
    // Act
    const claimed = await store.claimFlush(g.groupId, T0 + MINUTE, 60);
    const second = await store.claimFlush(g.groupId, T0 + MINUTE, 60);
    await store.join(g.groupId, 'c', T0 + MINUTE, { ...joinOptions, maxPending: 10 });
    await store.finishFlush(g.groupId, {
      reportedPending: 2,
      reportedOverflow: 0,
      atMs: T0 + 2 * MINUTE,
      recentTimesMs: [T0 + MINUTE],
      escalated: true,
    });
    // Assess
    expect(claimed?.pending).toEqual(['a', 'b']);
    expect(second).toBeUndefined();
    const stored = await store.get(g.groupId);
    expect(stored).toMatchObject({
      pending: ['c'],
      reported: 3,
      count: 4,
      escalated: true,
      lastFlushAtMs: T0 + 2 * MINUTE,
    });
    expect(stored?.flushClaimUntilMs).toBeUndefined();
    expect(stored?.flushDueAtMs).toBeUndefined();
  });

  it('starts a follow-up issue from the first waiting repeat', async () => {
    // Prepare
    const g = group({ issueKey: 'SEC-3' });
    await store.open(g);
    for (const id of ['a', 'b']) await store.join(g.groupId, id, T0 + MINUTE, { ...joinOptions, maxPending: 10 });
    // Act
    const wrong = await store.followUp(g.groupId, {
      expectedIssueKey: 'SEC-9',
      openerAlertId: 'a',
      atMs: T0 + MINUTE,
      reportedBefore: 1,
      reason: 'wont-do',
    });
    const moved = await store.followUp(g.groupId, {
      expectedIssueKey: 'SEC-3',
      openerAlertId: 'a',
      atMs: T0 + MINUTE,
      reportedBefore: 1,
      reason: 'wont-do',
    });
    // Assess
    expect(wrong).toBe(false);
    expect(moved).toBe(true);
    const stored = await store.get(g.groupId);
    expect(stored).toMatchObject({
      openerAlertId: 'a',
      previousIssueKey: 'SEC-3',
      followUpReason: 'wont-do',
      pending: ['b'],
      count: 2,
      reported: 1,
    });
    expect(stored?.issueKey).toBeUndefined();
  });

  it('counts new issues per rule and hour up to the cap', async () => {
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await store.countNewIssue('spray', '2030-01-01T12', 3, 1_900_000_000));
    expect(results).toEqual([true, true, true, false]);
    expect(await store.countNewIssue('spray', '2030-01-01T13', 3, 1_900_000_000)).toBe(true);
  });

  it('remembers a counter-event opener and forgets it only for the same issue', async () => {
    await store.putCounterpart('pair-1', 'SEC-4', 1_900_000_000);
    await store.deleteCounterpart('pair-1', 'SEC-5');
    expect(await store.getCounterpart('pair-1')).toBe('SEC-4');
    await store.deleteCounterpart('pair-1', 'SEC-4');
    expect(await store.getCounterpart('pair-1')).toBeUndefined();
  });
});

describe('DynamoDbAlertLedger redaction on dynalite', () => {
  it('replaces the body, keeps the original apart once, and lists the redacted paths', async () => {
    // Prepare
    const ledger = new DynamoDbAlertLedger({ client: tables.client, tableName: names.ledgerTable });
    const body = '{"audit_event":"login_failure","username":"jane.roe@example.com"}';
    await ledger.record({
      alertId: 'redact-1',
      status: 'delivered',
      receivedAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0).toISOString(),
      event: 'login_failure',
      parsed: true,
      rawBody: body,
      fieldPaths: ['audit_event', 'username'],
      attempts: 1,
      duplicates: 0,
      expiresAt: 1_900_000_000,
    });
    const redacted = '{"audit_event":"login_failure","username":"[redacted]"}';
    // Act
    await ledger.redactBody('redact-1', redacted, ['username'], 1_900_000_000);
    await ledger.redactBody('redact-1', redacted, ['username'], 1_900_000_000);
    // Assess
    expect((await ledger.get('redact-1'))?.rawBody).toBe(redacted);
    expect((await ledger.get('redact-1'))?.redactedPaths).toEqual(['username']);
    expect(await ledger.originalBody('redact-1')).toBe(body);
    const listed = await ledger.listRecent(50);
    expect(listed.items.map((i) => i.alertId)).toEqual(['redact-1']);
  });

  it('reads the rules’ part of a page of alerts in batches, which the indexes do not hold', async () => {
    // Prepare: 150 alerts (two batches), every third handled by a rule
    const ledger = new DynamoDbAlertLedger({ client: tables.client, tableName: names.ledgerTable });
    const ids = Array.from({ length: 150 }, (_, i) => `routing-${i}`);
    for (const [i, alertId] of ids.entries()) {
      await ledger.record({
        alertId,
        status: 'delivered',
        receivedAt: new Date(T0 + i).toISOString(),
        updatedAt: new Date(T0 + i).toISOString(),
        event: 'login_failure',
        parsed: true,
        rawBody: '{}',
        fieldPaths: [],
        attempts: 1,
        duplicates: 0,
        expiresAt: 1_900_000_000,
      });
      if (i % 3 === 0)
        await ledger.update(alertId, { ruleId: 'spray', ruleName: 'Spray', groupId: 'g1', groupRole: 'joined' });
    }
    // Act
    const routing = await ledger.routingOf([...ids, 'unknown']);
    const records = await ledger.getMany(['routing-120', 'unknown', 'routing-3', ...ids.slice(0, 110)]);
    // Assess
    expect(routing.size).toBe(50);
    expect(routing.get('routing-3')).toEqual({
      ruleId: 'spray',
      ruleName: 'Spray',
      groupId: 'g1',
      groupRole: 'joined',
    });
    expect(routing.has('routing-4')).toBe(false);
    // Whole records, in the order asked, the unknown one left out, across two batch reads.
    expect(records.slice(0, 2).map((r) => r.alertId)).toEqual(['routing-120', 'routing-3']);
    expect(records).toHaveLength(112);
    expect(records[1]).toMatchObject({ rawBody: '{}', ruleId: 'spray', status: 'delivered' });
    const listed = await ledger.listRecent(3);
    const handled = listed.items.find((i) => i.alertId === 'routing-147');
    expect(handled).toBeDefined();
    expect(handled).not.toHaveProperty('ruleId');
  });
});
