import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import {
  COUNTERPART_DAYS,
  closeCounterpart,
  doneTransition,
  rememberOpener,
} from '#domain/delivery/close-counterpart.ts';
import type { AdfDocument, IssueTransition } from '#domain/ports.ts';
import { adfText } from '#test-support/alert-bodies.ts';
import { MemoryGroupStore, memoryDelivery, ScriptedTracker } from '#test-support/in-memory-ports.ts';
import { secConfig } from '#test-support/jira-fixtures.ts';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const OPTIONS = { maxWaitMs: 0 };

/** A workflow with a won't-do transition listed before the real done one. */
const WORKFLOW: readonly IssueTransition[] = [
  { id: '11', name: 'To Do', toStatusName: 'To Do', toStatusCategory: 'new' },
  { id: '21', name: 'In Progress', toStatusName: 'In Progress', toStatusCategory: 'indeterminate' },
  { id: '41', name: "Won't Do", toStatusName: "Won't Do", toStatusCategory: 'done' },
  { id: '31', name: 'Done', toStatusName: 'Done', toStatusCategory: 'done' },
];

/** The in-memory tracker with the workflow above (or the test's own). */
class WorkflowTracker extends ScriptedTracker {
  workflow: readonly IssueTransition[] = WORKFLOW;
  override async listTransitions(issueKey: string): Promise<IssueTransition[]> {
    this.calls.push(`transitions ${issueKey}`);
    const current = this.states.get(issueKey)?.statusName ?? 'To Do';
    return this.workflow.filter((t) => t.toStatusName !== current);
  }
  override async transitionIssue(issueKey: string, transitionId: string, comment?: AdfDocument) {
    this.calls.push(`transition ${issueKey} ${transitionId}`);
    const to = this.workflow.find((t) => t.id === transitionId);
    if (to === undefined) throw new Error(`no transition ${transitionId}`);
    this.transitions.push({ issueKey, transitionId, ...(comment ? { comment } : {}) });
    this.states.set(issueKey, { key: issueKey, statusName: to.toStatusName, statusCategory: to.toStatusCategory });
  }
}

function setup() {
  const tracker = new WorkflowTracker();
  const groups = new MemoryGroupStore();
  const config = secConfig();
  return { ...memoryDelivery({ tracker, groups, config }), tracker, groups, config };
}

function twoFactor(event: 'set_two_factor_off' | 'set_two_factor_on', username = 'jane@example.com') {
  return parseAlertBody(
    JSON.stringify({ alert_name: 'Two-factor', audit_event: event, username, remote_address: '203.0.113.9' }),
  );
}

const closing = { alertId: 'b'.repeat(64), receivedAt: new Date(T0 + 60_000).toISOString() };

describe('close-counterpart', () => {
  describe('rememberOpener', () => {
    it('remembers the issue of an opening event for its key values, for 30 days', async () => {
      // Prepare
      const { deps, groups, config } = setup();

      // Act
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');

      // Assess
      expect([...groups.counterparts.values()]).toEqual(['SEC-1']);
      expect(COUNTERPART_DAYS).toBe(30);
    });

    it('remembers nothing for an event that opens no pair, nor for a closing event', async () => {
      // Prepare
      const { deps, groups, config } = setup();
      const login = parseAlertBody(JSON.stringify({ audit_event: 'login_failure', username: 'jane@example.com' }));

      // Act
      await rememberOpener(deps, config, login, 'SEC-1');
      await rememberOpener(deps, config, twoFactor('set_two_factor_on'), 'SEC-2');

      // Assess
      expect(groups.counterparts.size).toBe(0);
      expect(groups.writes).toBe(0);
    });
  });

  describe('closeCounterpart', () => {
    it('moves the opener’s open issue to done (not won’t do) with the comment, and forgets it', async () => {
      // Prepare
      const { deps, groups, tracker, config } = setup();
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({ kind: 'closed', issueKey: 'SEC-1', transitioned: true });
      expect(tracker.transitions.map((t) => t.transitionId)).toEqual(['31']);
      expect(tracker.states.get('SEC-1')?.statusName).toBe('Done');
      const comment = adfText(tracker.transitions[0]?.comment);
      expect(comment).toContain('set_two_factor_on for the same username jane@example.com: resolving.');
      expect(comment).toContain('the relay moved this issue to done');
      expect(tracker.edits).toEqual([]);
      expect(groups.counterparts.size).toBe(0);
    });

    it('closes only the issue opened for the same key values', async () => {
      // Prepare
      const { deps, groups, tracker, config } = setup();
      await rememberOpener(deps, config, twoFactor('set_two_factor_off', 'john@example.com'), 'SEC-1');

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({ kind: 'none' });
      expect(tracker.calls).toEqual([]);
      expect(groups.counterparts.size).toBe(1);
    });

    it('only comments on an issue that is already done', async () => {
      // Prepare
      const { deps, groups, tracker, config } = setup();
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');
      tracker.states.set('SEC-1', { key: 'SEC-1', statusName: 'Done', statusCategory: 'done', resolution: 'Done' });

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({ kind: 'closed', issueKey: 'SEC-1', transitioned: false });
      expect(tracker.transitions).toEqual([]);
      expect(tracker.edits).toHaveLength(1);
      expect(adfText(tracker.edits[0]?.comment)).toContain('set_two_factor_on for the same username');
      expect(groups.counterparts.size).toBe(0);
    });

    it('only comments when the workflow offers no way to done but won’t do', async () => {
      // Prepare
      const { deps, groups, tracker, config } = setup();
      tracker.workflow = WORKFLOW.filter((t) => t.id !== '31');
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({ kind: 'closed', issueKey: 'SEC-1', transitioned: false });
      expect(tracker.transitions).toEqual([]);
      expect(tracker.edits).toHaveLength(1);
      expect(tracker.states.get('SEC-1')).toBeUndefined();
      expect(groups.counterparts.size).toBe(0);
    });

    it('answers none when no opener’s issue is recorded, or for an event that closes no pair', async () => {
      // Prepare
      const { deps, tracker, config } = setup();
      const login = parseAlertBody(JSON.stringify({ audit_event: 'login_failure', username: 'jane@example.com' }));

      // Act
      const unrecorded = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);
      const unpaired = await closeCounterpart(deps, config, login, closing, [], OPTIONS);

      // Assess
      expect(unrecorded).toEqual({ kind: 'none' });
      expect(unpaired).toEqual({ kind: 'none' });
      expect(tracker.calls).toEqual([]);
    });

    it('answers none and forgets the opener when its issue is gone', async () => {
      // Prepare
      const { deps, groups, tracker, config } = setup();
      tracker.getIssueState = async () => undefined;
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({ kind: 'none' });
      expect(groups.counterparts.size).toBe(0);
      expect(tracker.edits).toEqual([]);
    });

    it('answers wait without calling Jira while the governor holds every call, and keeps the opener', async () => {
      // Prepare: Jira answered 429 with Retry-After 30 a moment ago
      const { deps, groups, tracker, config, clock } = setup();
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');
      await deps.governor.observe({ status: 429, retryAfterSeconds: 30 });

      // Act
      const result = await closeCounterpart(deps, config, twoFactor('set_two_factor_on'), closing, [], OPTIONS);

      // Assess
      expect(result).toEqual({
        kind: 'wait',
        permit: { kind: 'wait', untilMs: clock.now().getTime() + 30_000, reason: 'rate-limited' },
      });
      expect(tracker.calls).toEqual([]);
      expect(groups.counterparts.size).toBe(1);
    });

    it('shows no value the closing alert’s rule redacts, key values included', async () => {
      // Prepare
      const { deps, tracker, config } = setup();
      await rememberOpener(deps, config, twoFactor('set_two_factor_off'), 'SEC-1');

      // Act
      await closeCounterpart(
        deps,
        config,
        twoFactor('set_two_factor_on'),
        closing,
        ['username', 'remote_address'],
        OPTIONS,
      );

      // Assess
      const comment = JSON.stringify(tracker.transitions[0]?.comment);
      expect(comment).toContain('[redacted]');
      expect(comment).not.toContain('jane@example.com');
      expect(comment).not.toContain('203.0.113.9');
    });
  });

  describe('doneTransition', () => {
    const done = (id: string, name: string, toStatusName = name): IssueTransition => ({
      id,
      name,
      toStatusName,
      toStatusCategory: 'done',
    });

    it('prefers a transition named done, resolve or close, else any to a done status', () => {
      const finish = done('1', 'Finish', 'Finished');
      const resolve = done('2', 'Resolve issue', 'Resolved');
      expect(doneTransition([finish, resolve], [])).toBe(resolve);
      expect(doneTransition([finish], [])).toBe(finish);
    });

    it('never takes a transition named like a won’t-do resolution or leading to such a status', () => {
      const wontDo = done('1', "Won't Do");
      const declined = done('2', 'Close as declined', 'Declined');
      expect(doneTransition([wontDo, declined], ["won't do", 'Declined'])).toBeUndefined();
      expect(
        doneTransition([{ id: '3', name: 'Done', toStatusName: 'In Progress', toStatusCategory: 'indeterminate' }], []),
      ).toBeUndefined();
    });
  });
});
