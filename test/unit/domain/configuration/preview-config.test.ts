import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '#domain/alert-record.ts';
import {
  PREVIEW_READS_AT_ONCE,
  previewConfiguration,
  recentAlerts,
  type SampleAlert,
  simulate,
} from '#domain/configuration/preview-config.ts';
import type { AlertRecordPatch } from '#domain/ports.ts';
import type { Rule, RuleActions } from '#domain/relay-config.ts';
import { groupOf, stormGroupOf } from '#domain/routing/group-key.ts';
import { ManualClock, MemoryLedger } from '#test-support/in-memory-ports.ts';
import { INCIDENT, OPS, opsConfig, PRIORITY, secConfig } from '#test-support/jira-fixtures.ts';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE = 60_000;

function body(event: string, username = 'jane.roe@example.com', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    alert_name: 'Keeper alert',
    audit_event: event,
    username,
    remote_address: '198.51.100.7',
    ...extra,
  });
}

/** An alert received `minutes` after T0. */
function at(minutes: number, rawBody: string, alertId = `a-${minutes}`): SampleAlert {
  return { alertId, receivedAt: new Date(T0 + minutes * MINUTE).toISOString(), rawBody };
}

function rule(id: string, events: string[], actions: RuleActions): Rule {
  return {
    id,
    name: `Rule ${id}`,
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: events }] },
    actions,
  };
}

const grouping = (windowMinutes = 60, commentIntervalSeconds = 60) => ({
  key: ['audit_event', 'username'],
  windowMinutes,
  commentIntervalSeconds,
  reopenWindowHours: 24,
});

describe('preview-config', () => {
  describe('simulate', () => {
    it('gives every alert a ticket of its own with the mapped issue type and priority when no rule matches', () => {
      // Prepare
      const alerts = [at(0, body('login_failure')), at(1, body('set_two_factor_off'))];

      // Act
      const { alerts: outcomes, totals } = simulate(secConfig(), alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome)).toEqual([
        {
          outcome: 'new-issue',
          projectKey: 'SEC',
          issueTypeName: 'Task',
          priorityName: 'Medium',
          redactedPaths: [],
          escalated: false,
        },
        {
          outcome: 'new-issue',
          projectKey: 'SEC',
          issueTypeName: 'Incident',
          priorityName: 'High',
          redactedPaths: [],
          escalated: false,
        },
      ]);
      expect(outcomes[0]).toMatchObject({ event: 'login_failure', username: 'jane.roe@example.com' });
      expect(totals).toEqual({ tickets: 2, comments: 0, grouped: 0, suppressed: 0, escalated: 0, storm: 0, closed: 0 });
    });

    it("takes a rule's issue type, priority and assignee over the mappings", () => {
      // Prepare
      const config = secConfig({
        rules: [
          rule('urgent', ['login_failure'], {
            route: { issueTypeId: INCIDENT },
            priorityId: PRIORITY.highest,
            assigneeAccountId: 'acc-jane',
          }),
        ],
      });

      // Act
      const [only] = simulate(config, [at(0, body('login_failure'))]).alerts;

      // Assess
      expect(only?.outcome).toEqual({
        outcome: 'new-issue',
        projectKey: 'SEC',
        issueTypeName: 'Incident',
        priorityName: 'Highest',
        assigneeAccountId: 'acc-jane',
        rule: { id: 'urgent', name: 'Rule urgent' },
        redactedPaths: [],
        escalated: false,
      });
    });

    it("names the routed project's issue type and leaves out a priority its screen does not take", () => {
      // Prepare
      const ops = opsConfig();
      const config = secConfig({
        rules: [rule('to-ops', ['login_failure'], { route: { projectKey: 'OPS', issueTypeId: '10200' } })],
        routedProjects: { OPS: { project: OPS, issueTypes: ops.issueTypes, fieldMeta: ops.fieldMeta } },
      });

      // Act
      const [only] = simulate(config, [at(0, body('login_failure'))]).alerts;

      // Assess
      expect(only?.outcome).toMatchObject({ outcome: 'new-issue', projectKey: 'OPS', issueTypeName: 'Task' });
      expect(only?.outcome.priorityName).toBeUndefined();
    });

    it("joins repeats to the group's issue while each arrives within the window of the group's last alert", () => {
      // Prepare: every 50 minutes with a 60-minute window, then a gap of 61 minutes
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping(60) })] });
      const alerts = [0, 50, 100, 150, 211].map((m) => at(m, body('login_failure')));

      // Act
      const { alerts: outcomes, totals } = simulate(config, alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual([
        'new-issue',
        'comment',
        'comment',
        'comment',
        'new-issue',
      ]);
      expect(outcomes.map((a) => a.outcome.group?.openedBy)).toEqual(['a-0', 'a-0', 'a-0', 'a-0', 'a-211']);
      const ann = JSON.parse(body('login_failure'));
      const groupId = groupOf(
        { parsed: true, rawText: '', payload: ann, event: 'login_failure', category: 'login', fieldIssues: [] },
        'logins',
        ['audit_event', 'username'],
      ).groupId;
      expect(outcomes.map((a) => a.outcome.group?.id)).toEqual(Array(5).fill(groupId));
      expect(outcomes[1]?.outcome).toMatchObject({ projectKey: 'SEC', issueTypeName: 'Task', priorityName: 'Medium' });
      expect(totals).toMatchObject({ tickets: 2, grouped: 3, comments: 3 });
    });

    it('keeps groups apart by their key values', () => {
      // Prepare
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping() })] });
      const alerts = [
        at(0, body('login_failure', 'ann@example.com')),
        at(1, body('login_failure', 'bob@example.com')),
        at(2, body('login_failure', 'ann@example.com')),
      ];

      // Act
      const { alerts: outcomes, totals } = simulate(config, alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual(['new-issue', 'new-issue', 'comment']);
      expect(outcomes[2]?.outcome.group?.openedBy).toBe('a-0');
      expect(totals.tickets).toBe(2);
    });

    it('counts one comment per comment interval with joins, not one per alert', () => {
      // Prepare: a 60-second interval; 11 joins within the first minute, then one join in each of 4 later minutes
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping(60, 60) })] });
      const first = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95].map((m) =>
        at(m, body('login_failure')),
      );
      const spread = [1.5, 2.5, 3.5, 4.5].map((m) => at(m, body('login_failure')));

      // Act
      const burst = simulate(config, first).totals;
      const fiveIntervals = simulate(config, [...first, ...spread]).totals;

      // Assess
      expect(burst).toMatchObject({ tickets: 1, grouped: 11, comments: 1 });
      expect(fiveIntervals).toMatchObject({ tickets: 1, grouped: 15, comments: 5 });
    });

    it('escalates a group once, when enough of its alerts fall within the sliding window', () => {
      // Prepare: 5 within 10 minutes raises the priority to Highest
      const escalation = { occurrences: 5, withinMinutes: 10, priorityId: PRIORITY.highest };
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping(), escalation })] });
      const everyTwo = [0, 2, 4, 6, 8, 10, 12].map((m) => at(m, body('login_failure')));
      const everyThree = [0, 3, 6, 9, 12, 15, 18].map((m) => at(m, body('login_failure')));

      // Act
      const fast = simulate(config, everyTwo);
      const slow = simulate(config, everyThree);

      // Assess: the fifth alert (minute 8) escalates, later joins show the raised priority
      expect(fast.alerts.map((a) => a.outcome.escalated)).toEqual([false, false, false, false, true, false, false]);
      expect(fast.alerts.map((a) => a.outcome.priorityName)).toEqual([
        'Medium',
        'Medium',
        'Medium',
        'Medium',
        'Highest',
        'Highest',
        'Highest',
      ]);
      expect(fast.totals.escalated).toBe(1);
      // At most 4 alerts 3 minutes apart ever fall within 10 minutes.
      expect(slow.alerts.some((a) => a.outcome.escalated)).toBe(false);
      expect(slow.totals.escalated).toBe(0);
    });

    it('opens at most the storm cap of new issues per UTC hour, then one storm issue per rule and hour', () => {
      // Prepare: cap 2; five alerts in the 10:00 hour, two in the 11:00 hour
      const config = secConfig({ rules: [rule('noisy', ['login_failure'], { stormCap: 2 })] });
      const alerts = [0, 10, 20, 30, 40, 60, 61].map((m) => at(m, body('login_failure', `u${m}@example.com`)));

      // Act
      const { alerts: outcomes, totals } = simulate(config, alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual([
        'new-issue',
        'new-issue',
        'storm',
        'storm',
        'storm',
        'new-issue',
        'new-issue',
      ]);
      const storm = stormGroupOf('noisy', '2026-11-23T10').groupId;
      expect(outcomes[2]?.outcome.group).toEqual({ id: storm, openedBy: 'a-20' });
      expect(outcomes[4]?.outcome.group).toEqual({ id: storm, openedBy: 'a-20' });
      // The storm issue's joins (minutes 30 and 40) fall in two comment intervals.
      expect(totals).toMatchObject({ tickets: 5, storm: 3, comments: 2 });
    });

    it('counts a storm against new groups only: repeats of an open group still join it past the cap', () => {
      // Prepare: cap 1 with grouping; ann opens, bob is past the cap, ann repeats
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping(), stormCap: 1 })] });
      const alerts = [
        at(0, body('login_failure', 'ann@example.com')),
        at(1, body('login_failure', 'bob@example.com')),
        at(2, body('login_failure', 'ann@example.com')),
      ];

      // Act
      const { alerts: outcomes } = simulate(config, alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual(['new-issue', 'storm', 'comment']);
    });

    it("closes the opening event's issue with its counter-event for the same key, and only once", () => {
      // Prepare: set_two_factor_off / set_two_factor_on keyed by username (Keeper's pairs)
      const alerts = [
        at(0, body('set_two_factor_off', 'ann@example.com'), 'off-ann'),
        at(5, body('set_two_factor_on', 'bob@example.com'), 'on-bob'),
        at(10, body('set_two_factor_on', 'ann@example.com'), 'on-ann'),
        at(15, body('set_two_factor_on', 'ann@example.com'), 'on-ann-again'),
      ];

      // Act
      const { alerts: outcomes, totals } = simulate(secConfig(), alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual(['new-issue', 'new-issue', 'close-issue', 'new-issue']);
      expect(outcomes[2]?.outcome).toMatchObject({
        projectKey: 'SEC',
        issueTypeName: 'Incident',
        group: { openedBy: 'off-ann' },
      });
      expect(totals).toMatchObject({ tickets: 3, closed: 1 });
    });

    it('creates nothing for a suppressed alert, but a suppressed counter-event still closes its opener’s issue', () => {
      // Prepare
      const config = secConfig({
        rules: [rule('quiet', ['login_success', 'set_two_factor_on'], { suppress: true })],
      });
      const alerts = [
        at(0, body('set_two_factor_off')),
        at(1, body('login_success')),
        at(2, body('set_two_factor_on')),
      ];

      // Act
      const { alerts: outcomes, totals } = simulate(config, alerts);

      // Assess
      expect(outcomes.map((a) => a.outcome.outcome)).toEqual(['new-issue', 'suppressed', 'close-issue']);
      expect(outcomes[1]?.outcome).toEqual({
        outcome: 'suppressed',
        projectKey: 'SEC',
        rule: { id: 'quiet', name: 'Rule quiet' },
        redactedPaths: [],
        escalated: false,
      });
      expect(totals).toMatchObject({ tickets: 1, suppressed: 1, closed: 1 });
    });

    it('lists the redacted paths the alert has, nested event fields included', () => {
      // Prepare
      const config = secConfig({
        rules: [rule('hide', ['login_failure'], { redact: ['remote_address', 'record_uid', 'not_there'] })],
      });
      const alerts = [at(0, body('login_failure', 'ann@example.com', { event: { record_uid: 'r-1' } }))];

      // Act
      const [only] = simulate(config, alerts).alerts;

      // Assess
      expect(only?.outcome.redactedPaths).toEqual(['remote_address', 'record_uid']);
    });

    it('tickets a body that is not JSON like delivery does, without throwing', () => {
      // Prepare
      const config = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping() })] });

      // Act
      const { alerts: outcomes } = simulate(config, [at(0, 'not json at all'), at(1, '[1,2]')]);

      // Assess
      expect(outcomes.map((a) => [a.event, a.outcome.outcome])).toEqual([
        ['unknown', 'new-issue'],
        ['unknown', 'new-issue'],
      ]);
    });
  });

  describe('previewConfiguration', () => {
    /** A ledger that throws on and records every write: a preview must only read. */
    class ReadOnlyLedger extends MemoryLedger {
      readonly writeCalls: string[] = [];
      seed(record: AlertRecord): void {
        this.items.set(record.alertId, record);
      }
      override async record(record: AlertRecord): Promise<{ created: true }> {
        this.writeCalls.push(`record ${record.alertId}`);
        throw new Error('a preview must not write the ledger');
      }
      override async update(alertId: string, _patch: AlertRecordPatch): Promise<void> {
        this.writeCalls.push(`update ${alertId}`);
        throw new Error('a preview must not write the ledger');
      }
      override async claim(alertId: string): Promise<undefined> {
        this.writeCalls.push(`claim ${alertId}`);
        throw new Error('a preview must not write the ledger');
      }
      override async claimAttachment(alertId: string): Promise<undefined> {
        this.writeCalls.push(`claimAttachment ${alertId}`);
        throw new Error('a preview must not write the ledger');
      }
      override async noteDuplicate(alertId: string): Promise<void> {
        this.writeCalls.push(`noteDuplicate ${alertId}`);
        throw new Error('a preview must not write the ledger');
      }
    }

    function stored(
      alertId: string,
      receivedAtMs: number,
      rawBody: string,
      extra: Partial<AlertRecord> = {},
    ): AlertRecord {
      return {
        alertId,
        status: 'delivered',
        receivedAt: new Date(receivedAtMs).toISOString(),
        updatedAt: new Date(receivedAtMs).toISOString(),
        event: 'login_failure',
        parsed: true,
        rawBody,
        fieldPaths: [],
        attempts: 1,
        duplicates: 0,
        expiresAt: 0,
        ...extra,
      };
    }

    it('shows the draft collapsing 312 tickets of today into 19 groups, with no ledger write', async () => {
      // Prepare: 19 users fail to log in 312 times over the last 6 hours, never 60 minutes apart
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      const ledger = new ReadOnlyLedger();
      const start = clock.now().getTime() - 6 * 3_600_000;
      for (let i = 0; i < 312; i++) {
        const user = `user${i % 19}@example.com`;
        ledger.seed(
          stored(`a${String(i).padStart(3, '0')}`, start + i * MINUTE, body('login_failure', user, { n: i })),
        );
      }
      const current = secConfig();
      const draft = secConfig({ rules: [rule('logins', ['login_failure'], { grouping: grouping(60, 3600) })] });

      // Act
      const preview = await previewConfiguration({ ledger, clock }, draft, current);

      // Assess
      expect(preview.alerts).toBe(312);
      expect(preview.current?.tickets).toBe(312);
      expect(preview.draft.tickets).toBe(19);
      expect(preview.draft.grouped).toBe(312 - 19);
      // Each user's alerts come every 19 minutes for about 5 hours, summarised once an hour: users 0-7
      // have joins in 6 hourly intervals, users 8-18 in 5.
      expect(preview.draft.comments).toBe(8 * 6 + 11 * 5);
      expect(preview.rows.filter((r) => r.changed)).toHaveLength(312);
      expect(preview.rows[0]).toMatchObject({
        alertId: 'a000',
        event: 'login_failure',
        username: 'user0@example.com',
        draft: { outcome: 'new-issue', rule: { id: 'logins' } },
        current: { outcome: 'new-issue', projectKey: 'SEC' },
      });
      expect(preview.from).toBe(new Date(start).toISOString());
      expect(preview.to).toBe(new Date(start + 311 * MINUTE).toISOString());
      expect(ledger.writeCalls).toEqual([]);
    });

    it('marks only the alerts the draft handles differently as changed', async () => {
      // Prepare
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      const ledger = new ReadOnlyLedger();
      ledger.seed(stored('a1', Date.parse('2026-11-23T11:00:00.000Z'), body('login_failure')));
      ledger.seed(stored('a2', Date.parse('2026-11-23T11:01:00.000Z'), body('login_success')));
      const draft = secConfig({ rules: [rule('quiet', ['login_success'], { suppress: true })] });

      // Act
      const preview = await previewConfiguration({ ledger, clock }, draft, secConfig());

      // Assess
      expect(preview.rows.map((r) => [r.alertId, r.changed])).toEqual([
        ['a1', false],
        ['a2', true],
      ]);
      expect(preview.draft).toMatchObject({ tickets: 1, suppressed: 1 });
      expect(preview.current).toMatchObject({ tickets: 2, suppressed: 0 });
    });

    it('has no current side when nothing is saved yet', async () => {
      // Prepare
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      const ledger = new ReadOnlyLedger();
      ledger.seed(stored('a1', Date.parse('2026-11-23T11:00:00.000Z'), body('login_failure')));

      // Act
      const preview = await previewConfiguration({ ledger, clock }, secConfig(), undefined);

      // Assess
      expect(preview.current).toBeNull();
      expect(preview.rows).toEqual([expect.objectContaining({ alertId: 'a1', current: null, changed: true })]);
    });

    it('answers an empty preview when no alert arrived in the last 24 hours', async () => {
      // Prepare
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      const ledger = new ReadOnlyLedger();
      ledger.seed(stored('old', Date.parse('2026-11-22T11:59:59.000Z'), body('login_failure')));

      // Act
      const preview = await previewConfiguration({ ledger, clock }, secConfig(), secConfig());

      // Assess
      expect(preview).toEqual({
        alerts: 0,
        draft: { tickets: 0, comments: 0, grouped: 0, suppressed: 0, escalated: 0, storm: 0, closed: 0 },
        current: { tickets: 0, comments: 0, grouped: 0, suppressed: 0, escalated: 0, storm: 0, closed: 0 },
        rows: [],
      });
    });
  });

  describe('recentAlerts', () => {
    it('reads the newest 1,000 alerts of the last 24 hours, without test alerts, oldest first', async () => {
      // Prepare: 1,005 alerts a minute apart up to now, plus a test alert and one 25 hours old
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      const ledger = new MemoryLedger();
      const now = clock.now().getTime();
      const put = (id: string, ms: number, test = false) =>
        ledger.items.set(id, {
          alertId: id,
          status: 'delivered',
          receivedAt: new Date(ms).toISOString(),
          updatedAt: new Date(ms).toISOString(),
          event: 'login_failure',
          parsed: true,
          rawBody: body('login_failure', 'ann@example.com', { id }),
          fieldPaths: [],
          attempts: 1,
          duplicates: 0,
          expiresAt: 0,
          ...(test ? { test: true } : {}),
        });
      for (let i = 0; i < 1005; i++) put(`a${String(i).padStart(4, '0')}`, now - (1004 - i) * MINUTE);
      put('test-alert', now - 30_000, true);
      put('too-old', now - 25 * 3_600_000);

      // Act
      const sample = await recentAlerts({ ledger, clock });

      // Assess
      expect(sample).toHaveLength(1000);
      expect(sample[0]?.alertId).toBe('a0005');
      expect(sample[999]?.alertId).toBe('a1004');
      expect(sample.map((s) => s.alertId)).not.toContain('test-alert');
      expect(JSON.parse(sample[0]?.rawBody ?? '{}').id).toBe('a0005');
    });

    it(`reads bodies in batch reads of at most ${PREVIEW_READS_AT_ONCE}, never one by one`, async () => {
      // Prepare
      const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
      class CountingLedger extends MemoryLedger {
        readonly batches: number[] = [];
        singleGets = 0;
        override async get(alertId: string) {
          this.singleGets += 1;
          return super.get(alertId);
        }
        override async getMany(alertIds: readonly string[]) {
          this.batches.push(alertIds.length);
          return super.getMany(alertIds);
        }
      }
      const ledger = new CountingLedger();
      for (let i = 0; i < 250; i++) {
        const ms = clock.now().getTime() - i * MINUTE;
        ledger.items.set(`a${i}`, {
          alertId: `a${i}`,
          status: 'delivered',
          receivedAt: new Date(ms).toISOString(),
          updatedAt: new Date(ms).toISOString(),
          event: 'login_failure',
          parsed: true,
          rawBody: '{}',
          fieldPaths: [],
          attempts: 1,
          duplicates: 0,
          expiresAt: 0,
        });
      }

      // Act
      const sample = await recentAlerts({ ledger, clock });

      // Assess
      expect(sample).toHaveLength(250);
      expect(ledger.batches).toEqual([PREVIEW_READS_AT_ONCE, PREVIEW_READS_AT_ONCE, 50]);
      expect(ledger.singleGets).toBe(0);
    });
  });
});
