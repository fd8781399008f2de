import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { keeperDefaults } from '#domain/configuration/keeper-defaults.ts';
import { type ProjectMeta, validateConfig } from '#domain/configuration/validate-config.ts';
import { ValidationError } from '#domain/errors.ts';
import { KEEPER_COUNTER_EVENTS } from '#domain/relay-config.ts';
import { buildIssue } from '#domain/ticket/build-issue.ts';
import { F, INCIDENT, OPS_TASK, opsMeta, PRIORITY, secConfig, secMeta, TASK } from '#test-support/jira-fixtures.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

describe('config-defaults', () => {
  it('applies Keeper’s documented defaults to a company-managed project that has every field and type', () => {
    // Act
    const draft = keeperDefaults(secMeta());

    // Assess
    expect(draft.defaultIssueTypeId).toBe(TASK);
    expect(draft.summaryTemplate).toBe('{alert_name}: {audit_event}');
    expect(draft.fieldMappings).toEqual([
      { fieldId: 'description', source: 'description' },
      { fieldId: F.eventType, source: 'audit_event' },
      { fieldId: F.remoteIp, source: 'remote_address' },
      { fieldId: F.alertTimestamp, source: 'timestamp' },
    ]);
    expect(draft.issueTypeMapping).toEqual({
      byEvent: {},
      byCategory: { data_breach: INCIDENT, password_breach: INCIDENT, policy_violation: TASK, breachwatch: INCIDENT },
    });
    expect(draft.priorityMapping).toEqual({
      byEvent: {},
      byCategory: {
        data_breach: PRIORITY.highest,
        password_breach: PRIORITY.highest,
        unauthorized_access: PRIORITY.high,
        suspicious_activity: PRIORITY.high,
        policy_violation: PRIORITY.medium,
        audit_user_login: PRIORITY.low,
        breachwatch: PRIORITY.highest,
        security: PRIORITY.high,
        policy: PRIORITY.medium,
        login: PRIORITY.low,
      },
    });
  });

  it('suggests grouping repeated failed logins, escalating to High where every screen takes it', () => {
    // Act
    const sec = keeperDefaults(secMeta());
    const ops = keeperDefaults(opsMeta());

    // Assess
    expect(sec.rules).toEqual([
      {
        id: 'group-failed-logins',
        name: 'Group repeated failed logins',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
        actions: {
          grouping: {
            key: ['audit_event', 'username'],
            windowMinutes: 60,
            commentIntervalSeconds: 60,
            reopenWindowHours: 24,
          },
          escalation: { occurrences: 10, withinMinutes: 10, priorityId: PRIORITY.high },
        },
      },
    ]);
    // OPS is team-managed without a Priority field: the rule groups but cannot escalate.
    expect(ops.rules).toHaveLength(1);
    expect(ops.rules[0]?.actions.escalation).toBeUndefined();
    expect(ops.rules[0]?.actions.grouping?.windowMinutes).toBe(60);
    expect(sec.counterEvents).toEqual([...KEEPER_COUNTER_EVENTS]);
  });

  it('produces a draft that passes validation', () => {
    // Act
    const secProblems = validateConfig(keeperDefaults(secMeta()), secMeta());
    const opsProblems = validateConfig(keeperDefaults(opsMeta()), opsMeta());

    // Assess
    expect(secProblems).toEqual([]);
    expect(opsProblems).toEqual([]);
  });

  it('turns the seed example into the documented ticket', () => {
    // Prepare
    const draft = keeperDefaults(secMeta());
    const config = secConfig({ ...draft, userDirectory: {} });
    const body = sampleAlert('01');

    // Act
    const built = buildIssue(parseAlertBody(body), {
      alertId: dedupKey(body),
      receivedAt: '2025-11-05T05:00:29.000Z',
      config,
    });

    // Assess
    expect(built.fields['summary']).toBe('Jira Alerts: audit_alert_resumed');
    expect(built.fields[F.eventType]).toBe('audit_alert_resumed');
    expect(built.fields[F.remoteIp]).toBe('110.227.52.162');
    expect(built.fields[F.alertTimestamp]).toBe('2025-11-05T05:00:28.091+0000');
    expect(built.priorityName).toBe('Medium');
  });

  it('keeps only what a team-managed project without Priority or Incident has, matching names case-insensitively', () => {
    // Act
    const draft = keeperDefaults(opsMeta());

    // Assess
    expect(draft.defaultIssueTypeId).toBe(OPS_TASK);
    expect(draft.issueTypeMapping).toEqual({ byEvent: {}, byCategory: { policy_violation: OPS_TASK } });
    expect(draft.fieldMappings).toEqual([
      { fieldId: 'description', source: 'description' },
      { fieldId: 'customfield_10300', source: 'remote_address' },
      { fieldId: 'customfield_10301', source: 'timestamp' },
    ]);
    expect(draft.priorityMapping).toEqual({ byEvent: {}, byCategory: {} });
  });

  it('maps a field only when every issue type an alert can land in has it', () => {
    // Prepare
    const meta = secMeta();
    const incidentFields = (meta.fieldMeta[INCIDENT] ?? []).filter((f) => f.fieldId !== F.remoteIp);

    // Act
    const draft = keeperDefaults({ ...meta, fieldMeta: { ...meta.fieldMeta, [INCIDENT]: incidentFields } });

    // Assess
    expect(draft.fieldMappings.map((m) => m.fieldId)).toEqual(['description', F.eventType, F.alertTimestamp]);
  });

  it('skips priorities the project does not name like Keeper does', () => {
    // Prepare
    const meta: ProjectMeta = { ...secMeta(), priorities: [{ id: '7', name: 'P1' }] };

    // Act
    const draft = keeperDefaults(meta);

    // Assess
    expect(draft.priorityMapping.byCategory).toEqual({});
  });

  it('takes the first base-level issue type when there is no Task', () => {
    // Prepare
    const meta: ProjectMeta = {
      ...secMeta(),
      issueTypes: [
        { id: '20', name: 'Epic', subtask: false, hierarchyLevel: 1 },
        { id: '21', name: 'Sub-task', subtask: true, hierarchyLevel: -1 },
        { id: '22', name: 'Bug', subtask: false, hierarchyLevel: 0 },
      ],
      fieldMeta: { '20': [], '21': [], '22': [] },
    };

    // Act
    const draft = keeperDefaults(meta);

    // Assess
    expect(draft.defaultIssueTypeId).toBe('22');
    expect(draft.issueTypeMapping.byCategory).toEqual({});
  });

  it('refuses a project with no issue type a ticket can be created with', () => {
    // Prepare
    const meta: ProjectMeta = {
      ...secMeta(),
      issueTypes: [{ id: '21', name: 'Sub-task', subtask: true, hierarchyLevel: -1 }],
    };

    // Act / Assess
    expect(() => keeperDefaults(meta)).toThrow(ValidationError);
  });
  it('leaves out an issue-type rule whose create screen requires a field the defaults cannot fill', () => {
    const meta = secMeta();
    const incident = (meta.fieldMeta[INCIDENT] ?? []).map((f) =>
      f.fieldId === F.severity ? { ...f, required: true, hasDefaultValue: false } : f,
    );
    const strict: ProjectMeta = { ...meta, fieldMeta: { ...meta.fieldMeta, [INCIDENT]: incident } };
    const draft = keeperDefaults(strict);
    expect(Object.values(draft.issueTypeMapping.byCategory)).not.toContain(INCIDENT);
    expect(draft.issueTypeMapping.byCategory['policy_violation']).toBe(TASK);
    expect(validateConfig(draft, strict)).toEqual([]);
  });
});
