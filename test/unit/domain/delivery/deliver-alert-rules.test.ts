import { describe, expect, it } from 'vitest';
import { deliverAlert } from '#domain/delivery/deliver-alert.ts';
import { flushGroup } from '#domain/delivery/flush-group.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { JiraTransientError } from '#domain/errors.ts';
import type { RelayConfig, Rule, RuleActions } from '#domain/relay-config.ts';
import { adfText } from '#test-support/alert-bodies.ts';
import { MemoryGroupStore, memoryDelivery, RecordingQueue, ScriptedTracker } from '#test-support/in-memory-ports.ts';
import { secConfig } from '#test-support/jira-fixtures.ts';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function rule(id: string, events: string[], actions: RuleActions): Rule {
  return {
    id,
    name: `Rule ${id}`,
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: events }] },
    actions,
  };
}

const GROUPING = {
  key: ['audit_event', 'username'],
  windowMinutes: 60,
  commentIntervalSeconds: 60,
  reopenWindowHours: 24,
};
const spray = (actions: Partial<RuleActions> = {}) =>
  rule('spray', ['login_failure'], { grouping: GROUPING, ...actions });
const quiet = rule('quiet', ['record_password_change', 'set_two_factor_on'], { suppress: true });

function setup(options: { rules?: Rule[]; config?: Partial<RelayConfig>; script?: (Error | string)[] } = {}) {
  const tracker = new ScriptedTracker(options.script);
  const groups = new MemoryGroupStore();
  const queue = new RecordingQueue();
  const made = memoryDelivery({
    tracker,
    groups,
    queue,
    config: secConfig({ rules: options.rules ?? [spray(), quiet], ...options.config }),
  });
  return { ...made, tracker, groups };
}

type Setup = ReturnType<typeof setup>;

function body(event: string, n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    alert_name: 'Relay test',
    audit_event: event,
    username: 'jane@example.com',
    remote_address: `203.0.113.${n}`,
    n,
    ...extra,
  });
}

/** Receives `text` at `atMs` (the clock only moves forward). */
async function receiveAt(s: Setup, atMs: number, text: string, options: { test?: boolean } = {}) {
  const now = s.clock.now().getTime();
  if (atMs < now) throw new Error('the clock only moves forward');
  s.clock.advance(atMs - now);
  return ingestAlert(s.deps, text, options);
}

const flushes = (s: Setup) => s.queue.enqueued.filter((e) => 'task' in e.message && e.message.task === 'flush-group');

describe('deliver-alert with rules', () => {
  it('records a suppressed alert as suppressed without calling Jira', async () => {
    // Prepare
    const s = setup();

    // Act
    const result = await receiveAt(s, T0, body('record_password_change', 1));

    // Assess
    expect(result).toEqual({ kind: 'handled', alertId: result.alertId, status: 'suppressed' });
    expect(s.ledger.items.get(result.alertId)).toMatchObject({
      status: 'suppressed',
      ruleId: 'quiet',
      ruleName: 'Rule quiet',
    });
    expect(s.ledger.items.get(result.alertId)?.claimUntil).toBeUndefined();
    expect(s.tracker.calls).toEqual([]);
    expect(s.tracker.created).toEqual([]);
    expect(s.metrics.counters()).toEqual({ AlertsReceived: 1, AlertsSuppressed: 1 });
  });

  it('creates the issue with the group’s opener, and the group learns it', async () => {
    // Prepare
    const s = setup();

    // Act
    const result = await receiveAt(s, T0, body('login_failure', 1));

    // Assess
    expect(result).toMatchObject({ kind: 'created', issueKey: 'SEC-1' });
    const record = s.ledger.items.get(result.alertId);
    expect(record).toMatchObject({ status: 'delivered', ruleId: 'spray', groupRole: 'opened' });
    const group = await s.groups.get(record?.groupId ?? '');
    expect(group).toMatchObject({ openerAlertId: result.alertId, issueKey: 'SEC-1', count: 1, pending: [] });
    expect(adfText(s.tracker.created[0]?.['description'])).toContain('Grouped alerts.');
    expect(flushes(s)).toEqual([]);
  });

  it('joins a repeat to its group’s issue without a Jira call and schedules the group’s flush', async () => {
    // Prepare
    const s = setup();
    const opener = await receiveAt(s, T0, body('login_failure', 1));
    const callsBefore = [...s.tracker.calls];

    // Act
    const result = await receiveAt(s, T0 + 15 * SECOND, body('login_failure', 2));

    // Assess
    expect(result).toEqual({
      kind: 'handled',
      alertId: result.alertId,
      status: 'grouped',
      issueKey: 'SEC-1',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-1',
    });
    const record = s.ledger.items.get(result.alertId);
    expect(record).toMatchObject({ status: 'grouped', groupRole: 'joined', issueKey: 'SEC-1', ruleId: 'spray' });
    expect(record?.groupId).toBe(s.ledger.items.get(opener.alertId)?.groupId);
    expect(s.tracker.calls).toEqual(callsBefore);
    expect(s.tracker.created).toHaveLength(1);
    expect(flushes(s)).toEqual([{ message: { task: 'flush-group', groupId: record?.groupId }, delaySeconds: 45 }]);
    expect(s.metrics.total('AlertsGrouped')).toBe(1);
  });

  it('joins a repeat even while Jira asks the relay to wait', async () => {
    // Prepare
    const s = setup();
    await receiveAt(s, T0, body('login_failure', 1));
    await s.deps.governor.observe({ status: 429, retryAfterSeconds: 120 });

    // Act
    const result = await receiveAt(s, T0 + SECOND, body('login_failure', 2));

    // Assess
    expect(result).toMatchObject({ kind: 'handled', status: 'grouped', issueKey: 'SEC-1' });
  });

  it('reports the repeats that joined while the opener was retrying once it creates the issue', async () => {
    // Prepare: the opener's first create fails transiently
    const s = setup({ script: [new JiraTransientError('HTTP 503')] });
    const opener = await receiveAt(s, T0, body('login_failure', 1));
    const repeat = await receiveAt(s, T0 + 10 * SECOND, body('login_failure', 2));

    // Act
    s.clock.advance(5 * SECOND);
    const delivered = await deliverAlert(s.deps, opener.alertId);
    s.clock.advance(45 * SECOND);
    const groupId = s.ledger.items.get(repeat.alertId)?.groupId ?? '';
    const flushed = await flushGroup(s.deps, groupId);

    // Assess
    expect(opener).toMatchObject({ kind: 'accepted', status: 'queued' });
    expect(repeat).toEqual({ kind: 'handled', alertId: repeat.alertId, status: 'grouped' });
    expect(delivered).toMatchObject({ kind: 'delivered', issueKey: 'SEC-1' });
    expect((await s.groups.get(groupId))?.issueKey).toBe('SEC-1');
    expect(flushes(s)).toHaveLength(1);
    expect(flushed).toMatchObject({ kind: 'reported', issueKey: 'SEC-1', occurrences: 1 });
  });

  it('opens a follow-up issue linked to the previous one for a repeat after the group’s window', async () => {
    // Prepare: no reopen window, so the group takes repeats for its 60 minutes only
    const s = setup({ rules: [spray({ grouping: { ...GROUPING, reopenWindowHours: 0 } })] });
    await receiveAt(s, T0, body('login_failure', 1));

    // Act
    const late = await receiveAt(s, T0 + 61 * MINUTE, body('login_failure', 2));

    // Assess
    expect(late).toMatchObject({ kind: 'created', issueKey: 'SEC-2' });
    expect(s.tracker.links).toEqual([{ typeName: 'Relates', inwardKey: 'SEC-1', outwardKey: 'SEC-2' }]);
    expect(adfText(s.tracker.created[1]?.['description'])).toContain('SEC-1');
    expect(s.ledger.items.get(late.alertId)).toMatchObject({ status: 'delivered', groupRole: 'opened' });
  });

  it('links a follow-up promoted by a flush to the issue it follows', async () => {
    // Prepare: the group's issue was done as won't do when its repeat is reported
    const s = setup();
    await receiveAt(s, T0, body('login_failure', 1));
    const repeat = await receiveAt(s, T0 + 10 * SECOND, body('login_failure', 2));
    s.tracker.states.set('SEC-1', {
      key: 'SEC-1',
      statusName: 'Done',
      statusCategory: 'done',
      resolution: "Won't Do",
      resolutionDate: new Date(T0 + 5 * SECOND).toISOString(),
    });
    // Two minutes on: the issue was last seen open at its creation, so the flush reads its state first.
    s.clock.advance(110 * SECOND);
    await flushGroup(s.deps, s.ledger.items.get(repeat.alertId)?.groupId ?? '');

    // Act
    const delivered = await deliverAlert(s.deps, repeat.alertId);

    // Assess
    expect(delivered).toMatchObject({ kind: 'delivered', issueKey: 'SEC-2' });
    expect(s.tracker.links).toEqual([{ typeName: 'Relates', inwardKey: 'SEC-1', outwardKey: 'SEC-2' }]);
    expect(s.ledger.items.get(repeat.alertId)).toMatchObject({ status: 'delivered', issueKey: 'SEC-2' });
  });

  it('closes the opener’s issue with a counter-event before its own rule could suppress it', async () => {
    // Prepare: `quiet` suppresses set_two_factor_on
    const s = setup();
    await receiveAt(s, T0, body('set_two_factor_off', 1));

    // Act
    const closing = await receiveAt(s, T0 + MINUTE, body('set_two_factor_on', 2));
    const again = await receiveAt(s, T0 + 2 * MINUTE, body('set_two_factor_on', 3));

    // Assess
    expect(closing).toEqual({
      kind: 'handled',
      alertId: closing.alertId,
      status: 'resolved',
      issueKey: 'SEC-1',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-1',
    });
    expect(s.ledger.items.get(closing.alertId)).toMatchObject({
      status: 'delivered',
      groupRole: 'closed',
      issueKey: 'SEC-1',
      deliveredAt: new Date(T0 + MINUTE).toISOString(),
    });
    expect(s.tracker.states.get('SEC-1')?.statusCategory).toBe('done');
    // The issue is closed and forgotten: the next one is only what its rule says
    expect(again).toMatchObject({ kind: 'handled', status: 'suppressed' });
    expect(s.tracker.created).toHaveLength(1);
  });

  it('retries a counter-event whose transition timed out as a close again, never as a ticket of its own', async () => {
    // Prepare: no rule for the closing event; the transition's answer is lost once
    const s = setup({ rules: [] });
    await receiveAt(s, T0, body('set_two_factor_off', 1));
    const transition = s.tracker.transitionIssue.bind(s.tracker);
    let lost = false;
    s.tracker.transitionIssue = async (...args) => {
      if (!lost) {
        lost = true;
        throw new JiraTransientError('timeout', undefined, true);
      }
      return transition(...args);
    };

    // Act
    const first = await receiveAt(s, T0 + MINUTE, body('set_two_factor_on', 2));
    s.clock.advance(5 * MINUTE);
    const retried = await deliverAlert(s.deps, first.alertId);

    // Assess
    expect(first).toMatchObject({ kind: 'accepted', status: 'queued' });
    expect(s.ledger.items.get(first.alertId)?.mayHaveCreated).toBeUndefined();
    expect(retried).toMatchObject({ kind: 'resolved', issueKey: 'SEC-1' });
    expect(s.tracker.created).toHaveLength(1);
    expect(s.tracker.states.get('SEC-1')?.statusCategory).toBe('done');
  });

  it('never groups or suppresses a test alert', async () => {
    // Prepare
    const s = setup();

    // Act
    const first = await receiveAt(s, T0, body('login_failure', 1), { test: true });
    const second = await receiveAt(s, T0 + SECOND, body('login_failure', 2), { test: true });
    const quietOne = await receiveAt(s, T0 + 2 * SECOND, body('record_password_change', 3), { test: true });

    // Assess
    expect([first, second, quietOne].map((r) => r.kind === 'created' && r.issueKey)).toEqual([
      'SEC-1',
      'SEC-2',
      'SEC-3',
    ]);
    expect(s.groups.groups.size).toBe(0);
    expect(s.ledger.items.get(second.alertId)?.groupId).toBeUndefined();
  });

  describe('redaction', () => {
    const redacting = () =>
      setup({
        rules: [
          spray({ redact: ['remote_address'] }),
          { ...quiet, actions: { suppress: true, redact: ['remote_address'] } },
        ],
      });

    it('stores the redacted body in the ledger and keeps the original for the retention days', async () => {
      // Prepare
      const s = redacting();
      const text = body('login_failure', 1);

      // Act
      const result = await receiveAt(s, T0, text);

      // Assess
      const record = s.ledger.items.get(result.alertId);
      expect(record?.rawBody).toContain('"remote_address":"[redacted]"');
      expect(record?.rawBody).not.toContain('203.0.113.1');
      expect(record?.redactedPaths).toEqual(['remote_address']);
      expect(s.ledger.originals.get(result.alertId)).toEqual({ body: text, until: T0 / 1000 + 30 * 86_400 });
      expect(JSON.stringify(s.tracker.created[0])).not.toContain('203.0.113.1');
    });

    it('redacts the ledger bodies of grouped and suppressed alerts too', async () => {
      // Prepare
      const s = redacting();
      await receiveAt(s, T0, body('login_failure', 1));

      // Act
      const grouped = await receiveAt(s, T0 + SECOND, body('login_failure', 2));
      const suppressed = await receiveAt(s, T0 + 2 * SECOND, body('record_password_change', 3));

      // Assess
      expect(s.ledger.items.get(grouped.alertId)?.rawBody).not.toContain('203.0.113.2');
      expect(s.ledger.items.get(suppressed.alertId)?.rawBody).not.toContain('203.0.113.3');
      expect(s.ledger.originals.get(suppressed.alertId)?.body).toContain('203.0.113.3');
    });

    it('keeps no original when the retention is 0 days', async () => {
      // Prepare
      const s = setup({ rules: [spray({ redact: ['remote_address'] })], config: { redactionRetentionDays: 0 } });

      // Act
      const result = await receiveAt(s, T0, body('login_failure', 1));

      // Assess
      expect(s.ledger.items.get(result.alertId)?.rawBody).not.toContain('203.0.113.1');
      expect(await s.ledger.originalBody(result.alertId)).toBeUndefined();
    });

    it('shows no redacted grouping value in the group issue’s description', async () => {
      // Prepare: the rule groups by the user it redacts
      const s = setup({ rules: [spray({ redact: ['username'] })] });

      // Act
      await receiveAt(s, T0, body('login_failure', 1));
      const other = await receiveAt(s, T0 + SECOND, body('login_failure', 2, { username: 'john@example.com' }));

      // Assess: two users are still two groups
      expect(other).toMatchObject({ kind: 'created', issueKey: 'SEC-2' });
      expect(JSON.stringify(s.tracker.created[0])).not.toContain('jane@example.com');
      expect(adfText(s.tracker.created[0]?.['description'])).toContain('username [redacted]');
    });
  });

  it('creates one issue for 50 concurrent alerts of one new group', async () => {
    // Prepare
    const s = setup();

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) => ingestAlert(s.deps, body('login_failure', n + 1))),
    );

    // Assess
    expect(s.tracker.created).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'handled' && r.status === 'grouped')).toHaveLength(49);
    const [group] = [...s.groups.groups.values()];
    expect(group).toMatchObject({ issueKey: 'SEC-1', count: 50 });
    expect(group?.pending).toHaveLength(49);
    expect(flushes(s)).toHaveLength(1);
  });
});
