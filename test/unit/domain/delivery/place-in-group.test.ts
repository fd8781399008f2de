import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { MAX_PENDING, placeAlert } from '#domain/delivery/place-in-group.ts';
import type { AlertDecision } from '#domain/routing/apply-rules.ts';
import { groupOf } from '#domain/routing/group-key.ts';
import { MemoryGroupStore, RecordingMetrics, silentLog } from '#test-support/in-memory-ports.ts';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const MINUTE = 60_000;
const GROUPING = {
  key: ['audit_event', 'username'],
  windowMinutes: 60,
  commentIntervalSeconds: 60,
  reopenWindowHours: 0,
};

function decision(overrides: Partial<AlertDecision> = {}): AlertDecision {
  return {
    rule: { id: 'spray', name: 'Password spraying' },
    suppress: false,
    projectKey: 'SEC',
    labels: [],
    redact: [],
    grouping: GROUPING,
    ...overrides,
  };
}

function login(username: string) {
  return parseAlertBody(JSON.stringify({ audit_event: 'login_failure', username }));
}

function setup() {
  const groups = new MemoryGroupStore();
  const metrics = new RecordingMetrics();
  return { groups, metrics, deps: { groups, metrics, log: silentLog } };
}

const at = (ms: number, alertId: string) => ({ alertId, receivedAt: new Date(ms).toISOString() });

describe('placeAlert', () => {
  it('gives an alert without a grouping or capping rule a ticket of its own', async () => {
    const { deps, groups } = setup();
    expect(await placeAlert(deps, at(T0, 'a1'), login('jane'), decision({ grouping: undefined }))).toEqual({
      kind: 'single',
    });
    expect(await placeAlert(deps, at(T0, 'a2'), login('jane'), { ...decision(), rule: undefined })).toEqual({
      kind: 'single',
    });
    expect(groups.groups.size).toBe(0);
  });

  it('opens a group with the first alert and joins later ones with the same key within the window', async () => {
    // Prepare
    const { deps } = setup();
    // Act
    const first = await placeAlert(deps, at(T0, 'a1'), login('jane'), decision());
    const second = await placeAlert(deps, at(T0 + 5 * MINUTE, 'a2'), login('jane'), decision());
    const other = await placeAlert(deps, at(T0 + 5 * MINUTE, 'a3'), login('john'), decision());
    // Assess
    expect(first).toMatchObject({ kind: 'opened', group: { openerAlertId: 'a1', count: 1 } });
    expect(second).toMatchObject({ kind: 'joined', group: { openerAlertId: 'a1', count: 2, pending: ['a2'] } });
    expect(other).toMatchObject({ kind: 'opened', group: { openerAlertId: 'a3' } });
    expect(first.kind === 'opened' && first.group.groupId).toBe(groupOf(login('jane'), 'spray', GROUPING.key).groupId);
  });

  it('keeps apart the groups of different values but shows the values its rule redacts as [redacted]', async () => {
    // Prepare
    const { deps } = setup();
    const redacting = decision({ redact: ['username'] });
    // Act
    const jane = await placeAlert(deps, at(T0, 'a1'), login('jane'), redacting);
    const john = await placeAlert(deps, at(T0, 'a2'), login('john'), redacting);
    // Assess
    expect(jane).toMatchObject({
      kind: 'opened',
      group: { key: { audit_event: 'login_failure', username: '[redacted]' } },
    });
    expect(john.kind).toBe('opened');
    expect(jane.kind === 'opened' && jane.group.groupId).toBe(groupOf(login('jane'), 'spray', GROUPING.key).groupId);
  });

  it('answers a retried alert with its earlier place, without counting it twice', async () => {
    const { deps, groups } = setup();
    await placeAlert(deps, at(T0, 'a1'), login('jane'), decision());
    await placeAlert(deps, at(T0 + MINUTE, 'a2'), login('jane'), decision());
    // Act
    const opener = await placeAlert(deps, at(T0, 'a1'), login('jane'), decision());
    const repeat = await placeAlert(deps, at(T0 + MINUTE, 'a2'), login('jane'), decision());
    // Assess
    expect(opener.kind).toBe('opened');
    expect(repeat.kind).toBe('joined');
    expect([...groups.groups.values()][0]?.count).toBe(2);
  });

  it('opens a new group after the window, naming the old issue as the one it follows', async () => {
    const { deps, groups } = setup();
    const first = await placeAlert(deps, at(T0, 'a1'), login('jane'), decision());
    if (first.kind !== 'opened') throw new Error('expected opened');
    await groups.setIssue(first.group.groupId, 'a1', 'SEC-1');
    // Act
    const late = await placeAlert(deps, at(T0 + 61 * MINUTE, 'a2'), login('jane'), decision());
    // Assess
    expect(late).toMatchObject({
      kind: 'opened',
      group: { openerAlertId: 'a2', previousIssueKey: 'SEC-1', followUpReason: 'window' },
    });
  });

  it('keeps the group joinable for its reopen window when that is longer than the grouping window', async () => {
    const { deps } = setup();
    const long = decision({ grouping: { ...GROUPING, reopenWindowHours: 24 } });
    await placeAlert(deps, at(T0, 'a1'), login('jane'), long);
    // Act
    const later = await placeAlert(deps, at(T0 + 5 * 60 * MINUTE, 'a2'), login('jane'), long);
    // Assess: the flush decides (with the issue's state) whether it comments, reopens or follows up.
    expect(later.kind).toBe('joined');
  });

  it('opens one issue for 50 concurrent alerts of one new group', async () => {
    const { deps, groups } = setup();
    // Act
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) => placeAlert(deps, at(T0 + i, `a${i}`), login('jane'), decision())),
    );
    // Assess
    expect(placed.filter((p) => p.kind === 'opened')).toHaveLength(1);
    expect(placed.filter((p) => p.kind === 'joined')).toHaveLength(49);
    expect([...groups.groups.values()][0]?.count).toBe(50);
  });

  it('counts repeats past the pending list without keeping their ids', async () => {
    const { deps, groups } = setup();
    for (let i = 0; i <= MAX_PENDING + 5; i += 1)
      await placeAlert(deps, at(T0 + i, `a${i}`), login('jane'), decision());
    const group = [...groups.groups.values()][0];
    expect(group?.pending).toHaveLength(MAX_PENDING);
    expect(group?.overflow).toBe(5);
    expect(group?.count).toBe(MAX_PENDING + 6);
  });

  describe('storm guard', () => {
    it('opens at most the cap of new issues per rule and hour, then collects the rest on one storm issue', async () => {
      // Prepare
      const { deps, metrics } = setup();
      const capped = decision({ grouping: undefined, stormCap: 3 });
      // Act
      const placed = [];
      for (let i = 0; i < 6; i += 1) placed.push(await placeAlert(deps, at(T0 + i, `a${i}`), login(`u${i}`), capped));
      // Assess
      expect(placed.map((p) => p.kind)).toEqual(['single', 'single', 'single', 'opened', 'joined', 'joined']);
      expect(placed[3]).toMatchObject({ group: { storm: true, openerAlertId: 'a3' } });
      expect(metrics.entries.filter((e) => e.name === 'StormAlerts')).toHaveLength(3);
    });

    it('starts counting again in the next hour', async () => {
      const { deps } = setup();
      const capped = decision({ grouping: undefined, stormCap: 1 });
      await placeAlert(deps, at(T0, 'a1'), login('u1'), capped);
      const stormed = await placeAlert(deps, at(T0 + MINUTE, 'a2'), login('u2'), capped);
      const nextHour = await placeAlert(deps, at(T0 + 60 * MINUTE, 'a3'), login('u3'), capped);
      expect(stormed.kind).toBe('opened');
      expect(nextHour.kind).toBe('single');
    });

    it('counts new groups, not repeats, against the cap', async () => {
      const { deps } = setup();
      const capped = decision({ stormCap: 2 });
      const kinds = [];
      for (const [i, user] of ['u1', 'u1', 'u1', 'u2', 'u3'].entries())
        kinds.push((await placeAlert(deps, at(T0 + i, `a${i}`), login(user), capped)).kind);
      // u1 opens, repeats join, u2 opens (cap reached), u3 goes to the storm issue (opening it).
      expect(kinds).toEqual(['opened', 'joined', 'joined', 'opened', 'opened']);
    });
  });
});
