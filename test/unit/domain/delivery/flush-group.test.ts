import { describe, expect, it } from 'vitest';
import { alertLabel } from '#domain/alert/dedup-key.ts';
import { deliverAlert } from '#domain/delivery/deliver-alert.ts';
import { flushGroup, nextCommentAt, reopenTransition, reopenVerdict } from '#domain/delivery/flush-group.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { JiraRejectedError, JiraTransientError } from '#domain/errors.ts';
import type { AdfDocument, IssueState, IssueTransition } from '#domain/ports.ts';
import type { Grouping, RelayConfig, Rule, RuleActions } from '#domain/relay-config.ts';
import { COMMENT_MAX_CHARS } from '#domain/ticket/group-comment.ts';
import { adfText } from '#test-support/alert-bodies.ts';
import {
  MEMORY_WORKFLOW,
  MemoryGroupStore,
  memoryDelivery,
  RecordingQueue,
  ScriptedTracker,
} from '#test-support/in-memory-ports.ts';
import { F, PRIORITY, secConfig } from '#test-support/jira-fixtures.ts';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/**
 * Past one comment interval (60 s) and the grace after the issue was last seen open (at its
 * creation, T0): the flush reads the issue's state before writing.
 */
const STALE = 2 * MINUTE;

/** The in-memory tracker with a workflow of the test's choosing, issues that can vanish, and edits that fail. */
class WorkflowTracker extends ScriptedTracker {
  workflow: readonly IssueTransition[] = MEMORY_WORKFLOW;
  readonly gone = new Set<string>();
  /** Errors thrown by the next edits, in order. */
  readonly editFailures: Error[] = [];
  /** Refuse any edit that sets fields, as Jira does when a field is not on the edit screen. */
  refuseFields = false;
  override async getIssueState(issueKey: string): Promise<IssueState | undefined> {
    if (!this.gone.has(issueKey)) return super.getIssueState(issueKey);
    this.calls.push(`state ${issueKey}`);
    return undefined;
  }
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
  override async editIssue(issueKey: string, edit: { fields?: Record<string, unknown>; comment?: AdfDocument }) {
    const failure = this.editFailures.shift();
    if (failure === undefined && !(this.refuseFields && edit.fields)) return super.editIssue(issueKey, edit);
    this.calls.push(`edit ${issueKey}`);
    throw (
      failure ??
      new JiraRejectedError('HTTP 400', 400, Object.fromEntries(Object.keys(edit.fields ?? {}).map((f) => [f, 'no'])))
    );
  }
}

function rule(actions: Partial<RuleActions> = {}, grouping: Partial<Grouping> = {}): Rule {
  return {
    id: 'spray',
    name: 'Password spraying',
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
    actions: {
      grouping: {
        key: ['audit_event', 'username'],
        windowMinutes: 60,
        commentIntervalSeconds: 60,
        reopenWindowHours: 24,
        ...grouping,
      },
      ...actions,
    },
  };
}

function setup(options: { rules?: Rule[]; config?: Partial<RelayConfig>; script?: (Error | string)[] } = {}) {
  const tracker = new WorkflowTracker(options.script);
  const groups = new MemoryGroupStore();
  const queue = new RecordingQueue();
  const made = memoryDelivery({
    tracker,
    groups,
    queue,
    config: secConfig({ rules: options.rules ?? [rule()], ...options.config }),
  });
  return { ...made, tracker, groups };
}

type Setup = ReturnType<typeof setup>;

/** A failed login of `username`; `n` makes each body (and so its alert id) distinct. */
function login(n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    alert_name: 'Failed Logins',
    audit_event: 'login_failure',
    category: 'login',
    username: 'jane@example.com',
    remote_address: `203.0.113.${n}`,
    n,
    ...extra,
  });
}

/** Receives `body` at `atMs` (the clock only moves forward) and returns its alert id. */
async function receiveAt(s: Setup, atMs: number, body: string): Promise<string> {
  const now = s.clock.now().getTime();
  if (atMs < now) throw new Error('the clock only moves forward');
  s.clock.advance(atMs - now);
  return (await ingestAlert(s.deps, body)).alertId;
}

function groupIdOf(s: Setup, alertId: string): string {
  const groupId = s.ledger.items.get(alertId)?.groupId;
  if (groupId === undefined) throw new Error(`alert ${alertId} has no group`);
  return groupId;
}

/** The opener at T0 (creates SEC-1) and a repeat 10 s later (pending); the clock stays at T0 + 10 s. */
async function openerAndRepeat(s: Setup) {
  const opener = await receiveAt(s, T0, login(1));
  const repeat = await receiveAt(s, T0 + 10 * SECOND, login(2));
  return { opener, repeat, groupId: groupIdOf(s, repeat) };
}

const flushes = (queue: RecordingQueue) =>
  queue.enqueued.filter((e) => 'task' in e.message && e.message.task === 'flush-group');
const commentText = (document: AdfDocument | undefined) => adfText(document);
const done = (resolvedAtMs: number, resolution = 'Done'): Omit<IssueState, 'key'> => ({
  statusName: 'Done',
  statusCategory: 'done',
  resolution,
  resolutionDate: new Date(resolvedAtMs).toISOString(),
});

describe('flush-group', () => {
  describe('nextCommentAt', () => {
    it('is one interval after the group opened, then one interval after the last comment', () => {
      expect(nextCommentAt({ openedAtMs: T0, commentIntervalSeconds: 60 })).toBe(T0 + MINUTE);
      expect(nextCommentAt({ openedAtMs: T0, lastFlushAtMs: T0 + 5 * MINUTE, commentIntervalSeconds: 60 })).toBe(
        T0 + 6 * MINUTE,
      );
    });
  });

  describe('reopenVerdict', () => {
    const config = { wontDoResolutions: ["Won't Do", 'Duplicate'] };
    const group = { reopenWindowHours: 24 };

    it('reopens within the window, both ends included, and when Jira gives no resolution date', () => {
      const state = { key: 'SEC-1', ...done(T0) };
      expect(reopenVerdict(config, group, state, T0 + 24 * HOUR)).toBe('reopen');
      expect(reopenVerdict(config, group, state, T0 + 24 * HOUR + 1)).toBe('reopen-window');
      const { resolutionDate: _date, ...undated } = state;
      expect(reopenVerdict(config, group, undated, T0 + 100 * HOUR)).toBe('reopen');
    });

    it('never reopens a won’t-do resolution, whatever its case', () => {
      expect(reopenVerdict(config, group, { key: 'SEC-1', ...done(T0, "WON'T DO") }, T0 + MINUTE)).toBe('wont-do');
      expect(reopenVerdict(config, group, { key: 'SEC-1', ...done(T0, 'duplicate') }, T0 + MINUTE)).toBe('wont-do');
    });
  });

  describe('reopenTransition', () => {
    const t = (id: string, name: string, toStatusCategory: IssueTransition['toStatusCategory']): IssueTransition => ({
      id,
      name,
      toStatusName: name,
      toStatusCategory,
    });

    it('prefers a transition named like a reopen, then one to To Do, then one to In Progress', () => {
      const start = t('21', 'Start work', 'indeterminate');
      const backlog = t('11', 'Back to backlog', 'new');
      const reopen = t('51', 'Re-open issue', 'indeterminate');
      expect(reopenTransition([start, backlog, reopen])).toBe(reopen);
      expect(reopenTransition([start, backlog])).toBe(backlog);
      expect(reopenTransition([start])).toBe(start);
    });

    it('never takes a transition that leads to done, even one named like a reopen', () => {
      expect(reopenTransition([t('61', 'Reopen and close', 'done'), t('31', 'Done', 'done')])).toBeUndefined();
    });
  });

  describe('flushGroup', () => {
    it('comments once the interval has passed, not before, rescheduling itself for the end of the interval', async () => {
      // Prepare
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      const queued = flushes(s.queue);

      // Act
      const early = await flushGroup(s.deps, groupId);
      const earlyCalls = [...s.tracker.calls];
      s.clock.advance(50 * SECOND);
      const onTime = await flushGroup(s.deps, groupId);

      // Assess
      expect(queued).toEqual([{ message: { task: 'flush-group', groupId }, delaySeconds: 50 }]);
      expect(early).toEqual({ kind: 'later', delaySeconds: 50 });
      expect(earlyCalls).toEqual([]);
      expect(flushes(s.queue).at(-1)).toEqual({ message: { task: 'flush-group', groupId }, delaySeconds: 50 });
      expect(onTime).toEqual({ kind: 'reported', issueKey: 'SEC-1', occurrences: 1, escalated: false });
      expect(s.tracker.edits).toHaveLength(1);
      expect(s.tracker.edits[0]?.fields).toBeUndefined();
      expect(commentText(s.tracker.edits[0]?.comment)).toContain(
        '1 more occurrence (total 2) at 2026-11-23T12:00:10.000Z',
      );
      expect(await s.groups.get(groupId)).toMatchObject({ pending: [], reported: 2, lastFlushAtMs: T0 + MINUTE });
      expect(s.metrics.total('GroupComments')).toBe(1);
    });

    it('does nothing when another worker holds the flush or nothing waits', async () => {
      // Prepare
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);
      await s.groups.claimFlush(groupId, s.clock.now().getTime(), 60);

      // Act
      const held = await flushGroup(s.deps, groupId);
      s.clock.advance(61 * SECOND);
      await flushGroup(s.deps, groupId);
      const nothingLeft = await flushGroup(s.deps, groupId);

      // Assess
      expect(held).toEqual({ kind: 'nothing' });
      expect(nothingLeft).toEqual({ kind: 'nothing' });
      expect(s.tracker.edits).toHaveLength(1);
    });

    it('raises the priority and comments in one edit when the escalation threshold is reached, once per group', async () => {
      // Prepare
      const s = setup({
        rules: [rule({ escalation: { occurrences: 3, withinMinutes: 10, priorityId: PRIORITY.high } })],
      });
      const { opener, groupId } = await openerAndRepeat(s);
      await receiveAt(s, T0 + 20 * SECOND, login(3));

      // Act
      s.clock.advance(40 * SECOND);
      const first = await flushGroup(s.deps, groupId);
      await receiveAt(s, T0 + 90 * SECOND, login(4));
      await receiveAt(s, T0 + 100 * SECOND, login(5));
      s.clock.advance(20 * SECOND);
      const second = await flushGroup(s.deps, groupId);

      // Assess
      expect(first).toMatchObject({ kind: 'reported', occurrences: 2, escalated: true });
      expect(s.tracker.edits[0]?.fields).toEqual({ priority: { id: PRIORITY.high } });
      expect(commentText(s.tracker.edits[0]?.comment)).toMatch(
        /^Priority raised to High: 3 occurrences within 10 minutes \(rule Password spraying\)\.\n2 more occurrences/,
      );
      expect(s.ledger.items.get(opener)).toMatchObject({ escalated: true, priority: 'High' });
      expect(second).toMatchObject({ kind: 'reported', occurrences: 2, escalated: false });
      expect(s.tracker.edits[1]?.fields).toBeUndefined();
      expect(commentText(s.tracker.edits[1]?.comment)).not.toContain('Priority raised');
      expect(s.tracker.edits).toHaveLength(2);
      expect((await s.groups.get(groupId))?.escalated).toBe(true);
    });

    it('does not escalate while the occurrences are spread wider than the threshold’s window', async () => {
      // Prepare
      const s = setup({
        rules: [rule({ escalation: { occurrences: 3, withinMinutes: 1, priorityId: PRIORITY.high } })],
      });
      await receiveAt(s, T0, login(1));
      const repeat = await receiveAt(s, T0 + 50 * SECOND, login(2));
      await receiveAt(s, T0 + 70 * SECOND, login(3));

      // Act
      const outcome = await flushGroup(s.deps, groupIdOf(s, repeat));

      // Assess: 0 s, 50 s and 70 s are not three within one minute
      expect(outcome).toMatchObject({ kind: 'reported', escalated: false });
      expect(s.tracker.edits[0]?.fields).toBeUndefined();
    });

    it('sets the mapped occurrence count and last-seen fields in the same edit', async () => {
      // Prepare
      const s = setup({
        config: { groupFields: { occurrencesFieldId: F.riskScore, lastSeenFieldId: F.alertTimestamp } },
      });
      const { groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);

      // Act
      await flushGroup(s.deps, groupId);

      // Assess
      expect(s.tracker.edits).toHaveLength(1);
      expect(s.tracker.edits[0]?.fields).toEqual({
        [F.riskScore]: 2,
        [F.alertTimestamp]: '2026-11-23T12:00:10.000+0000',
      });
      expect(commentText(s.tracker.edits[0]?.comment)).toContain('1 more occurrence (total 2)');
    });

    it('adds the comment alone when Jira refuses the group fields', async () => {
      // Prepare
      const s = setup({ config: { groupFields: { occurrencesFieldId: F.riskScore } } });
      const { groupId } = await openerAndRepeat(s);
      s.tracker.refuseFields = true;
      s.clock.advance(50 * SECOND);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(outcome).toMatchObject({ kind: 'reported', issueKey: 'SEC-1' });
      expect(s.tracker.calls.filter((c) => c.startsWith('edit'))).toEqual(['edit SEC-1', 'edit SEC-1']);
      expect(s.tracker.edits).toHaveLength(1);
      expect(s.tracker.edits[0]?.fields).toBeUndefined();
      expect(commentText(s.tracker.edits[0]?.comment)).toContain('1 more occurrence (total 2)');
      expect((await s.groups.get(groupId))?.pending).toEqual([]);
    });

    it('reopens a done issue within the reopen window, then adds the comment', async () => {
      // Prepare
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * SECOND) });
      s.clock.advance(STALE);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess: To Do is the first status to go back to when no transition is named like a reopen
      expect(outcome).toMatchObject({ kind: 'reported', issueKey: 'SEC-1' });
      expect(s.tracker.calls.filter((c) => !c.startsWith('state'))).toEqual([
        'transitions SEC-1',
        'transition SEC-1 11',
        'edit SEC-1',
      ]);
      expect(commentText(s.tracker.transitions[0]?.comment)).toContain('The issue was Done; the relay reopened it');
      expect(commentText(s.tracker.edits[0]?.comment)).toMatch(/^Reopened\. .*\n1 more occurrence \(total 2\)/);
      expect(s.tracker.states.get('SEC-1')?.statusCategory).toBe('new');
    });

    it('reopens through the transition named like a reopen when the workflow has one', async () => {
      // Prepare
      const s = setup();
      s.tracker.workflow = [
        { id: '11', name: 'Back to backlog', toStatusName: 'Backlog', toStatusCategory: 'new' },
        { id: '71', name: 'Reopen', toStatusName: 'Triage', toStatusCategory: 'indeterminate' },
        { id: '31', name: 'Done', toStatusName: 'Done', toStatusCategory: 'done' },
      ];
      const { groupId } = await openerAndRepeat(s);
      s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * SECOND) });
      s.clock.advance(STALE);

      // Act
      await flushGroup(s.deps, groupId);

      // Assess
      expect(s.tracker.transitions.map((t) => t.transitionId)).toEqual(['71']);
      expect(s.tracker.states.get('SEC-1')?.statusName).toBe('Triage');
      expect(s.tracker.edits).toHaveLength(1);
    });

    describe('one Jira call per interval', () => {
      /** A first comment (state read + edit), then a third alert joining for the next interval. */
      async function steadyStream(s: Setup) {
        const { groupId } = await openerAndRepeat(s);
        s.clock.advance(50 * SECOND);
        await flushGroup(s.deps, groupId);
        const third = await receiveAt(s, T0 + 100 * SECOND, login(3));
        s.clock.advance(30 * SECOND);
        s.tracker.calls.length = 0;
        return { groupId, third };
      }

      it('reads the state before the first comment, then writes each next comment of a steady stream in one edit', async () => {
        // Prepare
        const s = setup();
        const { groupId } = await openerAndRepeat(s);
        s.clock.advance(50 * SECOND);

        // Act
        const first = await flushGroup(s.deps, groupId);
        const firstCalls = s.tracker.calls.filter((c) => !c.startsWith('create'));
        await receiveAt(s, T0 + 100 * SECOND, login(3));
        s.clock.advance(30 * SECOND);
        s.tracker.calls.length = 0;
        const second = await flushGroup(s.deps, groupId);

        // Assess: the second comment relies on the state the first edit's answer showed
        expect(first).toMatchObject({ kind: 'reported' });
        expect(second).toMatchObject({ kind: 'reported' });
        expect(firstCalls).toEqual(['state SEC-1', 'edit SEC-1']);
        expect(s.tracker.calls).toEqual(['edit SEC-1']);
      });

      it('reads the state again after a pause longer than an interval and its grace', async () => {
        // Prepare
        const s = setup();
        const { groupId } = await openerAndRepeat(s);
        s.clock.advance(50 * SECOND);
        await flushGroup(s.deps, groupId);
        await receiveAt(s, T0 + 5 * MINUTE, login(3));
        s.tracker.calls.length = 0;

        // Act
        await flushGroup(s.deps, groupId);

        // Assess
        expect(s.tracker.calls).toEqual(['state SEC-1', 'edit SEC-1']);
      });

      it('reopens at once an issue that the edit shows was closed since the last comment', async () => {
        // Prepare: closed as Done between two comments of a steady stream
        const s = setup();
        const { groupId } = await steadyStream(s);
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 95 * SECOND) });

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toMatchObject({ kind: 'reported', issueKey: 'SEC-1' });
        expect(s.tracker.calls).toEqual(['edit SEC-1', 'transitions SEC-1', 'transition SEC-1 11']);
        expect(s.tracker.states.get('SEC-1')?.statusCategory).toBe('new');
        expect((await s.groups.get(groupId))?.stateSeenAtMs).toBe(s.clock.now().getTime());
      });

      it('leaves an issue closed as won’t do between two comments, and starts a linked issue for the next repeat', async () => {
        // Prepare
        const s = setup();
        const { groupId } = await steadyStream(s);
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 95 * SECOND, "Won't Do") });

        // Act: that comment lands on the closed issue; its state is no longer taken as known
        const landed = await flushGroup(s.deps, groupId);
        const later = await receiveAt(s, T0 + 200 * SECOND, login(4));
        s.clock.advance(MINUTE);
        const next = await flushGroup(s.deps, groupId);

        // Assess
        expect(landed).toMatchObject({ kind: 'reported', issueKey: 'SEC-1' });
        expect(s.tracker.transitions).toEqual([]);
        expect(next).toEqual({ kind: 'followed-up', reason: 'wont-do', openerAlertId: later });
        expect((await s.groups.get(groupId))?.previousIssueKey).toBe('SEC-1');
      });
    });

    describe('follow-up issues', () => {
      /** Asserts that `repeat` now opens the group's next issue, following `previous`. */
      async function expectFollowUp(s: Setup, groupId: string, repeat: string, previous: string | undefined) {
        const group = await s.groups.get(groupId);
        expect(group).toMatchObject({ openerAlertId: repeat, pending: [], reported: 1, escalated: false });
        expect(group?.issueKey).toBeUndefined();
        expect(group?.previousIssueKey).toBe(previous);
        expect(s.ledger.items.get(repeat)).toMatchObject({ status: 'queued', groupRole: 'opened' });
        // It never reached the old issue: the ledger must not say it is there.
        expect(s.ledger.items.get(repeat)?.issueKey).toBeUndefined();
        expect(s.ledger.items.get(repeat)?.issueUrl).toBeUndefined();
        expect(s.queue.enqueued.at(-1)).toEqual({ message: { alertId: repeat }, delaySeconds: 0 });
        expect(s.tracker.edits).toEqual([]);
        expect(s.tracker.transitions).toEqual([]);
      }

      it('starts a new linked issue when the issue was done as won’t do', async () => {
        // Prepare
        const s = setup();
        const { groupId, repeat } = await openerAndRepeat(s);
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * SECOND, "Won't Do") });
        s.clock.advance(STALE);

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toEqual({ kind: 'followed-up', reason: 'wont-do', openerAlertId: repeat });
        await expectFollowUp(s, groupId, repeat, 'SEC-1');
        expect((await s.groups.get(groupId))?.followUpReason).toBe('wont-do');
      });

      it('starts a new linked issue when the issue was resolved longer ago than the reopen window', async () => {
        // Prepare: joinable for 2 hours, reopenable for 1
        const s = setup({ rules: [rule({}, { windowMinutes: 120, reopenWindowHours: 1 })] });
        await receiveAt(s, T0, login(1));
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * MINUTE) });
        const repeat = await receiveAt(s, T0 + 90 * MINUTE, login(2));
        const groupId = groupIdOf(s, repeat);

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toEqual({ kind: 'followed-up', reason: 'reopen-window', openerAlertId: repeat });
        await expectFollowUp(s, groupId, repeat, 'SEC-1');
      });

      it('starts a new linked issue when the workflow offers no way out of done', async () => {
        // Prepare
        const s = setup();
        s.tracker.workflow = [{ id: '31', name: 'Done', toStatusName: 'Done', toStatusCategory: 'done' }];
        const { groupId, repeat } = await openerAndRepeat(s);
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * SECOND) });
        s.clock.advance(STALE);

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toEqual({ kind: 'followed-up', reason: 'no-reopen', openerAlertId: repeat });
        await expectFollowUp(s, groupId, repeat, 'SEC-1');
      });

      it('starts a new linked issue when the issue is gone', async () => {
        // Prepare
        const s = setup();
        const { groupId, repeat } = await openerAndRepeat(s);
        s.tracker.gone.add('SEC-1');
        s.clock.advance(STALE);

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toEqual({ kind: 'followed-up', reason: 'issue-gone', openerAlertId: repeat });
        await expectFollowUp(s, groupId, repeat, 'SEC-1');
      });

      it('starts a new linked issue for a repeat after the grouping window, even on an open issue', async () => {
        // Prepare: joinable for the 24-hour reopen window, grouped for 60 minutes
        const s = setup();
        await receiveAt(s, T0, login(1));
        const repeat = await receiveAt(s, T0 + 2 * HOUR, login(2));
        const groupId = groupIdOf(s, repeat);

        // Act
        const outcome = await flushGroup(s.deps, groupId);

        // Assess
        expect(outcome).toEqual({ kind: 'followed-up', reason: 'window', openerAlertId: repeat });
        await expectFollowUp(s, groupId, repeat, 'SEC-1');
      });

      it('keeps the later repeats pending for the new issue, which reports them once created', async () => {
        // Prepare
        const s = setup();
        const { groupId, repeat } = await openerAndRepeat(s);
        const third = await receiveAt(s, T0 + 20 * SECOND, login(3));
        s.tracker.states.set('SEC-1', { key: 'SEC-1', ...done(T0 + 5 * SECOND, "Won't Do") });
        s.clock.advance(STALE - 20 * SECOND);
        await flushGroup(s.deps, groupId);

        // Act
        const delivered = await deliverAlert(s.deps, repeat);
        s.clock.advance(MINUTE);
        const reported = await flushGroup(s.deps, groupId);

        // Assess
        expect(delivered).toMatchObject({ kind: 'delivered', issueKey: 'SEC-2' });
        expect(s.tracker.links).toEqual([{ typeName: 'Relates', inwardKey: 'SEC-1', outwardKey: 'SEC-2' }]);
        expect(reported).toMatchObject({ kind: 'reported', issueKey: 'SEC-2', occurrences: 1 });
        expect(commentText(s.tracker.edits[0]?.comment)).toContain('1 more occurrence (total 2)');
        expect(s.tracker.edits[0]?.issueKey).toBe('SEC-2');
        expect((await s.groups.get(groupId))?.pending).toEqual([]);
        expect(s.ledger.items.get(third)).toMatchObject({ status: 'grouped', groupRole: 'joined' });
      });
    });

    it('waits for the opener while it is still creating the issue', async () => {
      // Prepare: the opener's create fails transiently, so the group has no issue yet
      const s = setup({ script: [new JiraTransientError('HTTP 503')] });
      const { opener, groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(s.ledger.items.get(opener)?.status).toBe('retrying');
      expect(outcome).toEqual({ kind: 'later', delaySeconds: 15 });
      expect(flushes(s.queue).at(-1)).toEqual({ message: { task: 'flush-group', groupId }, delaySeconds: 15 });
      expect(s.tracker.calls).toEqual([]);
    });

    it('reports on the opener’s issue when its worker stopped before the group learned the issue', async () => {
      // Prepare: the opener is delivered in the ledger, but the group's write of its issue never happened
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      const group = s.groups.groups.get(groupId);
      if (group === undefined) throw new Error('no group');
      const { issueKey: _lost, ...withoutIssue } = group;
      s.groups.groups.set(groupId, withoutIssue);
      s.clock.advance(50 * SECOND);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(outcome).toMatchObject({ kind: 'reported', issueKey: 'SEC-1', occurrences: 1 });
      expect((await s.groups.get(groupId))?.issueKey).toBe('SEC-1');
      expect(s.tracker.edits.map((e) => e.issueKey)).toEqual(['SEC-1']);
    });

    it('starts a new issue with the first repeat when the opener failed for good', async () => {
      // Prepare
      const s = setup({ script: [new JiraRejectedError('HTTP 400', 400, {}, ['Project is archived'])] });
      const { opener, repeat, groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(s.ledger.items.get(opener)?.status).toBe('failed');
      expect(outcome).toEqual({ kind: 'followed-up', reason: 'opener-failed', openerAlertId: repeat });
      const group = await s.groups.get(groupId);
      expect(group).toMatchObject({ openerAlertId: repeat, followUpReason: 'opener-failed', pending: [] });
      expect(group?.previousIssueKey).toBeUndefined();
      expect(s.ledger.items.get(repeat)).toMatchObject({ status: 'queued', groupRole: 'opened' });
      expect(s.queue.enqueued.at(-1)).toEqual({ message: { alertId: repeat }, delaySeconds: 0 });
    });

    it('gives the flush back with a growing backoff while Jira fails, then reports everything', async () => {
      // Prepare: random() is 0.5, so the waits are half of 5 s, then half of 10 s
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.tracker.editFailures.push(new JiraTransientError('HTTP 503'), new JiraTransientError('HTTP 502'));
      s.clock.advance(50 * SECOND);

      // Act
      const first = await flushGroup(s.deps, groupId);
      const afterFirst = await s.groups.get(groupId);
      s.clock.advance(3 * SECOND);
      const second = await flushGroup(s.deps, groupId);
      s.clock.advance(5 * SECOND);
      const third = await flushGroup(s.deps, groupId);

      // Assess
      expect(first).toEqual({ kind: 'later', delaySeconds: 3 });
      expect(afterFirst).toMatchObject({ flushFailures: 1, pending: [expect.any(String)] });
      expect(afterFirst?.flushClaimUntilMs).toBeUndefined();
      expect(second).toEqual({ kind: 'later', delaySeconds: 5 });
      expect(flushes(s.queue).slice(-2)).toEqual([
        { message: { task: 'flush-group', groupId }, delaySeconds: 3 },
        { message: { task: 'flush-group', groupId }, delaySeconds: 5 },
      ]);
      expect(third).toMatchObject({ kind: 'reported', occurrences: 1 });
      expect(s.tracker.edits).toHaveLength(1);
      const after = await s.groups.get(groupId);
      expect(after?.flushFailures).toBeUndefined();
      expect(after?.pending).toEqual([]);
    });

    it('waits exactly as long as Jira’s Retry-After says', async () => {
      // Prepare
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.tracker.editFailures.push(new JiraTransientError('HTTP 429', 42));
      s.clock.advance(50 * SECOND);

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(outcome).toEqual({ kind: 'later', delaySeconds: 42 });
      expect(flushes(s.queue).at(-1)).toEqual({ message: { task: 'flush-group', groupId }, delaySeconds: 42 });
    });

    it('comes back later without calling Jira while the governor says wait', async () => {
      // Prepare: Jira answered 429 with Retry-After 30 a moment ago
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);
      await s.deps.governor.observe({ status: 429, retryAfterSeconds: 30 });

      // Act
      const outcome = await flushGroup(s.deps, groupId);

      // Assess
      expect(outcome).toEqual({ kind: 'later', delaySeconds: 30 });
      expect(s.tracker.calls).toEqual([]);
      expect(flushes(s.queue).at(-1)).toEqual({ message: { task: 'flush-group', groupId }, delaySeconds: 30 });
      expect((await s.groups.get(groupId))?.flushFailures ?? 0).toBe(0);
    });

    it('leaves repeats that join during a flush to the next flush, one interval later', async () => {
      // Prepare
      const s = setup();
      const { groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);
      let joined: string | undefined;
      const edit = s.tracker.editIssue.bind(s.tracker);
      s.tracker.editIssue = async (issueKey, change) => {
        if (joined === undefined) joined = (await ingestAlert(s.deps, login(3))).alertId;
        return edit(issueKey, change);
      };
      const before = flushes(s.queue).length;

      // Act
      const first = await flushGroup(s.deps, groupId);
      const between = await s.groups.get(groupId);
      s.clock.advance(MINUTE);
      const second = await flushGroup(s.deps, groupId);

      // Assess
      expect(first).toMatchObject({ kind: 'reported', occurrences: 1 });
      expect(between?.pending).toEqual([joined]);
      expect(flushes(s.queue).slice(before)).toEqual([{ message: { task: 'flush-group', groupId }, delaySeconds: 60 }]);
      expect(second).toMatchObject({ kind: 'reported', occurrences: 1 });
      expect(s.tracker.edits.map((e) => commentText(e.comment).split('\n')[0])).toEqual([
        expect.stringContaining('1 more occurrence (total 2)'),
        expect.stringContaining('1 more occurrence (total 3)'),
      ]);
    });

    it('reports a storm issue’s new alerts with the storm comment', async () => {
      // Prepare: one new issue an hour, then the storm issue
      const storm: Rule = {
        id: 'noisy',
        name: 'Noisy logins',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
        actions: { stormCap: 1 },
      };
      const s = setup({ rules: [storm] });
      await receiveAt(s, T0, login(1, { username: 'u1@example.com' }));
      await receiveAt(s, T0 + SECOND, login(2, { username: 'u2@example.com' }));
      const stormed = await receiveAt(s, T0 + 2 * SECOND, login(3, { username: 'u3@example.com' }));
      s.clock.advance(MINUTE);

      // Act
      const outcome = await flushGroup(s.deps, groupIdOf(s, stormed));

      // Assess
      expect(s.ledger.items.get(stormed)).toMatchObject({ status: 'grouped', groupRole: 'storm', issueKey: 'SEC-2' });
      expect(outcome).toMatchObject({ kind: 'reported', issueKey: 'SEC-2', occurrences: 1 });
      expect(commentText(s.tracker.edits[0]?.comment)).toContain(
        '1 more alert of rule “Noisy logins” past its limit of new issues at 2026-11-23T12:00:02.000Z (total 2 in the hour from 2026-11-23T12:00 UTC)',
      );
    });

    it('shows no redacted value in the comment of a redacting rule’s group', async () => {
      // Prepare: the rule redacts the address and the user it groups by
      const s = setup({ rules: [rule({ redact: ['remote_address', 'username'] })] });
      const { groupId } = await openerAndRepeat(s);
      s.clock.advance(50 * SECOND);

      // Act
      await flushGroup(s.deps, groupId);

      // Assess
      const text = JSON.stringify(s.tracker.edits[0]?.comment);
      expect(text).toContain('[redacted]');
      expect(text).not.toContain('203.0.113.');
      expect(text).not.toContain('jane@example.com');
    });

    it('shows no redacted value even when a repeat’s ledger body was left unredacted', async () => {
      // Prepare: a crash between the join and the ledger's redaction left the received body
      const s = setup({ rules: [rule({ redact: ['remote_address'] })] });
      const { groupId, repeat } = await openerAndRepeat(s);
      const record = s.ledger.items.get(repeat);
      if (record === undefined) throw new Error('no record');
      s.ledger.items.set(repeat, { ...record, rawBody: login(2) });
      s.clock.advance(50 * SECOND);

      // Act
      await flushGroup(s.deps, groupId);

      // Assess
      expect(JSON.stringify(s.tracker.edits[0]?.comment)).not.toContain('203.0.113.2');
    });

    it('puts the bodies that do not fit the comment into one attached file', async () => {
      // Prepare: five repeats of 12,000 characters each, far over a comment's limit together
      const s = setup();
      await receiveAt(s, T0, login(1));
      const repeats: string[] = [];
      for (let n = 2; n <= 6; n += 1)
        repeats.push(await receiveAt(s, T0 + n * SECOND, login(n, { description: 'x'.repeat(12_000) })));
      s.clock.advance(MINUTE);

      // Act
      const outcome = await flushGroup(s.deps, groupIdOf(s, repeats[0] ?? ''));

      // Assess
      expect(outcome).toMatchObject({ kind: 'reported', occurrences: 5 });
      const files = s.tracker.attachments.get('SEC-1') ?? [];
      expect(files).toHaveLength(1);
      const file = files[0];
      expect(file?.filename).toMatch(/^keeper-occurrences-[0-9a-f]+\.txt$/);
      expect(commentText(s.tracker.edits[0]?.comment)).toContain(`attached file ${file?.filename}`);
      const content = new TextDecoder().decode(file?.content);
      const comment = s.tracker.edits[0]?.comment;
      expect(JSON.stringify(comment).length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
      const shown = (comment?.content ?? [])
        .map((block) => JSON.stringify(block))
        .filter((b) => b.includes('"expand"'));
      // Every repeat's body is on the issue once: in a section of the comment or in the file
      const places = repeats.map((alertId) => {
        const label = alertLabel(alertId);
        return [shown.some((b) => b.includes(label)), content.includes(`${label} =====`)];
      });
      expect(places.every(([comment, inFile]) => comment !== inFile)).toBe(true);
      expect(places.filter(([, inFile]) => inFile).length).toBeGreaterThan(0);
    });
  });
});
