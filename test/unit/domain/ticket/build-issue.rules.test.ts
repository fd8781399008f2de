import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { RelayConfig, Rule } from '#domain/relay-config.ts';
import { decideAlert } from '#domain/routing/apply-rules.ts';
import { type BuildContext, type BuiltIssue, buildIssue, withoutFields } from '#domain/ticket/build-issue.ts';
import { DESCRIPTION_MAX_CHARS, descriptionSize } from '#domain/ticket/description.ts';
import { isValidAdf } from '#local/jira-stand-in/adf.ts';
import { adfErrors, adfTexts } from '#test-support/adf-schema.ts';
import {
  F,
  INCIDENT,
  OPS,
  OPS_ISSUE_TYPES,
  OPS_TASK,
  opsFieldMeta,
  PRIORITY,
  SUBTASK,
  secConfig,
  secFieldMeta,
  TASK,
} from '#test-support/jira-fixtures.ts';

const RECEIVED_AT = '2026-11-26T13:05:00.000Z';
const LOGIN_FAILURE = JSON.stringify({
  alert_name: 'Failed logins',
  audit_event: 'login_failure',
  username: 'alice@example.com',
  remote_address: '203.0.113.7',
  description: 'Failed login',
  timestamp: '2026-11-26T13:04:59Z',
});

function rule(actions: Rule['actions'], name = 'Logins'): Rule {
  return {
    id: 'logins',
    name,
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
    actions,
  };
}

function withRule(actions: Rule['actions'], overrides: Partial<RelayConfig> = {}): RelayConfig {
  return secConfig({
    rules: [rule(actions)],
    routedProjects: { OPS: { project: OPS, issueTypes: OPS_ISSUE_TYPES, fieldMeta: opsFieldMeta() } },
    ...overrides,
  });
}

function build(body: string, config: RelayConfig, extra: Partial<BuildContext> = {}): BuiltIssue {
  const alert = parseAlertBody(body);
  return buildIssue(alert, {
    alertId: dedupKey(body),
    receivedAt: RECEIVED_AT,
    config,
    decision: decideAlert(alert, config),
    ...extra,
  });
}

function texts(built: BuiltIssue): string {
  return adfTexts(built.description).join('\n');
}

function expectValid(built: BuiltIssue): void {
  expect(adfErrors(built.description)).toEqual([]);
  expect(isValidAdf(built.description)).toBe(true);
  expect(descriptionSize(built.description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
  expect(String(built.fields['summary']).length).toBeLessThanOrEqual(255);
}

describe('build-issue', () => {
  describe('buildIssue with a rule decision', () => {
    it('builds exactly as before when no rule matches', () => {
      // Prepare
      const config = withRule({ priorityId: PRIORITY.high });
      const other = JSON.stringify({ audit_event: 'login_success', username: 'alice@example.com' });
      const alert = parseAlertBody(other);

      // Act
      const withDecision = build(other, config);
      const withoutDecision = buildIssue(alert, { alertId: dedupKey(other), receivedAt: RECEIVED_AT, config });

      // Assess
      expect(withDecision).toEqual(withoutDecision);
      expect(withDecision.projectKey).toBe('SEC');
      expect(withDecision.redactedPaths).toEqual([]);
    });

    it('routes to another project with the rule’s issue type and says which mapped fields that screen lacks', () => {
      // Prepare
      const config = withRule({ route: { projectKey: 'OPS', issueTypeId: OPS_TASK } });

      // Act
      const built = build(LOGIN_FAILURE, config);

      // Assess
      expect(built.projectKey).toBe('OPS');
      expect(built.fields['project']).toEqual({ id: OPS.id });
      expect(built.fields['issuetype']).toEqual({ id: OPS_TASK });
      expect(built.issueTypeId).toBe(OPS_TASK);
      // SEC's custom fields are not on OPS's screen; the priority mapping cannot apply either.
      expect(built.fields[F.remoteIp]).toBeUndefined();
      expect(built.dropped).toContainEqual({
        fieldId: F.remoteIp,
        fieldName: 'Remote IP Address',
        reason: 'not on the create screen of issue type Task in project OPS',
      });
      expect(built.dropped).toContainEqual({
        fieldId: 'priority',
        fieldName: 'Priority',
        reason: 'Priority is not on the create screen of issue type Task in project OPS',
      });
      expect(built.fields['summary']).toBe('Failed logins: login_failure');
      expectValid(built);
    });

    it('falls back to the default project with a note when the routed project is not in the saved configuration', () => {
      // Prepare
      const config = withRule({ route: { projectKey: 'GONE', issueTypeId: '999' } }, { routedProjects: {} });

      // Act
      const built = build(LOGIN_FAILURE, config);

      // Assess
      expect(built.projectKey).toBe('SEC');
      expect(built.fields['project']).toEqual({ id: '10000' });
      expect(built.issueTypeId).toBe(TASK);
      expect(built.dropped.map((d) => d.fieldId)).toEqual(['project', 'issuetype']);
      expect(built.dropped[0]?.reason).toMatch(
        /^project GONE is not in the saved configuration; the ticket was created in SEC/,
      );
      expect(texts(built)).toContain('Some mapped values could not be filled');
      expectValid(built);
    });

    it('uses the rule’s issue type in the default project, else the mapping’s with a note', () => {
      // Prepare
      const incident = withRule({ route: { issueTypeId: INCIDENT } });
      const subtask = withRule({ route: { issueTypeId: SUBTASK } });

      // Act
      const routed = build(LOGIN_FAILURE, incident);
      const fallback = build(LOGIN_FAILURE, subtask);

      // Assess
      expect(routed.issueTypeId).toBe(INCIDENT);
      expect(routed.dropped).toEqual([]);
      expect(fallback.issueTypeId).toBe(TASK);
      expect(fallback.fields['parent']).toBeUndefined();
      expect(fallback.dropped).toEqual([
        {
          fieldId: 'issuetype',
          fieldName: 'Issue Type',
          reason:
            'issue type Sub-task from rule "Logins" is a sub-task type and no parent issue is configured for project SEC; used issue type Task',
        },
      ]);
    });

    it('lets the rule’s priority win over the priority mapping and checks it against the screen', () => {
      // Prepare: login_failure maps to Medium.
      const config = withRule({ priorityId: PRIORITY.high });
      const unknown = withRule({ priorityId: '99' });

      // Act
      const built = build(LOGIN_FAILURE, config);
      const refused = build(LOGIN_FAILURE, unknown);

      // Assess
      expect(built.fields['priority']).toEqual({ id: PRIORITY.high });
      expect(built).toMatchObject({ priorityId: PRIORITY.high, priorityName: 'High' });
      expect(refused.fields['priority']).toBeUndefined();
      expect(refused.dropped).toContainEqual({
        fieldId: 'priority',
        fieldName: 'Priority',
        reason: 'priority id 99 is not allowed for issue type Task in project SEC',
      });
    });

    it('sets the assignee and the security level when the create screen has them', () => {
      // Prepare
      const security = {
        fieldId: 'security',
        name: 'Security Level',
        required: false,
        hasDefaultValue: false,
        schema: { type: 'securitylevel', system: 'security' },
        allowedValues: [{ id: '10400', name: 'Security team only' }],
      };
      const meta = secFieldMeta();
      const config = withRule(
        { assigneeAccountId: 'acc-jane', securityLevelId: '10400' },
        { fieldMeta: { ...meta, [TASK]: [...(meta[TASK] ?? []), security] } },
      );
      const notAllowed = withRule(
        { securityLevelId: '10401' },
        { fieldMeta: { ...meta, [TASK]: [...(meta[TASK] ?? []), security] } },
      );

      // Act
      const built = build(LOGIN_FAILURE, config);
      const refused = build(LOGIN_FAILURE, notAllowed);

      // Assess
      expect(built.fields['assignee']).toEqual({ accountId: 'acc-jane' });
      expect(built.fields['security']).toEqual({ id: '10400' });
      expect(built.dropped).toEqual([]);
      expect(refused.fields['security']).toBeUndefined();
      expect(refused.dropped).toContainEqual({
        fieldId: 'security',
        fieldName: 'Security Level',
        reason: 'security level 10401 from rule "Logins" is not allowed for issue type Task in project SEC',
      });
    });

    it('drops the assignee and the security level with a note when the create screen lacks them', () => {
      // Prepare: OPS's screen has Assignee; SEC's has no Security Level.
      const meta = secFieldMeta();
      const config = withRule(
        { assigneeAccountId: 'acc-jane', securityLevelId: '10400' },
        { fieldMeta: { ...meta, [TASK]: (meta[TASK] ?? []).filter((f) => f.fieldId !== 'assignee') } },
      );

      // Act
      const built = build(LOGIN_FAILURE, config);

      // Assess
      expect(built.fields['assignee']).toBeUndefined();
      expect(built.fields['security']).toBeUndefined();
      expect(built.dropped).toEqual([
        {
          fieldId: 'assignee',
          fieldName: 'Assignee',
          reason:
            'the assignee from rule "Logins" cannot be set: Assignee is not on the create screen of issue type Task in project SEC',
        },
        {
          fieldId: 'security',
          fieldName: 'Security Level',
          reason:
            'the security level from rule "Logins" cannot be set: Security Level is not on the create screen of issue type Task in project SEC',
        },
      ]);
      expectValid(built);
    });

    it('adds the rule’s labels as valid Jira labels', () => {
      // Prepare
      const config = withRule({ labels: ['brute force', 'keeper', ' tabs\there '] });

      // Act
      const built = build(LOGIN_FAILURE, config);

      // Assess
      expect(built.fields['labels']).toEqual(['keeper', 'login_failure', built.label, 'brute-force', 'tabs-here']);
    });

    it('says in the description of a group’s first issue that repeats arrive as comments', () => {
      // Prepare
      const config = withRule({});

      // Act
      const built = build(LOGIN_FAILURE, config, {
        group: { key: { audit_event: 'login_failure', username: 'alice@example.com' }, windowMinutes: 60 },
      });

      // Assess
      const text = texts(built);
      expect(text).toContain('Grouped alerts.');
      expect(text).toContain('audit_event');
      expect(text).toContain(' alice@example.com');
      expect(text).toContain('within 1 hour of the previous one');
      expect(text).toContain('(rule “Logins”).');
      expect(built.description.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'info' } });
      expectValid(built);
    });

    it('prefixes a storm issue’s summary, keeps it within 255 characters and explains the cap', () => {
      // Prepare
      const config = withRule({}, { summaryTemplate: `{alert_name} ${'x'.repeat(300)}` });
      const storm = { ruleName: 'Logins', hour: '2026-11-26T13', cap: 20 };

      // Act
      const built = build(LOGIN_FAILURE, config, { storm });
      const test = build(LOGIN_FAILURE, withRule({}), { storm, test: true });

      // Assess
      const summary = String(built.fields['summary']);
      expect(summary.startsWith('Alert storm: Logins — Failed logins xxx')).toBe(true);
      expect(summary).toHaveLength(255);
      expect(test.fields['summary']).toBe('[Test] Alert storm: Logins — Failed logins: login_failure');
      expect(texts(built)).toContain('opened its limit of 20 new issues in the hour from 2026-11-26T13:00 UTC');
      expectValid(built);
    });

    it('says which done issue a new issue follows, and why', () => {
      // Prepare
      const config = withRule({});

      // Act
      const wontDo = build(LOGIN_FAILURE, config, {
        followUp: {
          previousKey: 'SEC-12',
          reason: 'wont-do',
          resolution: "Won't Do",
          resolvedAt: '2026-11-25T10:00:00.000Z',
        },
      });
      const late = build(LOGIN_FAILURE, config, {
        followUp: {
          previousKey: 'SEC-13',
          reason: 'reopen-window-passed',
          reopenWindowHours: 24,
          key: { username: 'alice' },
        },
      });

      // Assess
      expect(texts(wontDo)).toContain('Follows SEC-12.');
      expect(texts(wontDo)).toContain(
        " was resolved as “Won't Do” on 2026-11-25T10:00:00.000Z, so a repeat is not reopened there.",
      );
      expect(texts(late)).toContain(', longer ago than the reopen window of 24 hours, so a repeat opens a new issue.');
      expectValid(wontDo);
      expectValid(late);
    });

    it('keeps the description within the limit with every note at its longest and a huge body', () => {
      // Prepare
      const longKey = Object.fromEntries(
        Array.from({ length: 30 }, (_, i) => [`f${i}.${'k'.repeat(200)}`, 'v'.repeat(2_000)]),
      );
      const paths = Array.from({ length: 30 }, (_, i) => `p${i}${'x'.repeat(200)}`);
      const body = JSON.stringify({
        audit_event: 'login_failure',
        ...Object.fromEntries(paths.map((p) => [p, 'secret'])),
        description: 'd\n'.repeat(5_000),
        padding: 'p'.repeat(100_000),
      });
      const config = withRule({ redact: paths }, { rules: [rule({ redact: paths }, 'R'.repeat(120))] });

      // Act
      const built = build(body, config, {
        group: { key: longKey, windowMinutes: 7 * 24 * 60 },
        storm: { ruleName: 'S'.repeat(500), hour: '2026-11-26T13', cap: 1 },
        followUp: { previousKey: 'SEC-1', reason: 'wont-do', resolution: 'W'.repeat(500), key: longKey },
      });

      // Assess
      expectValid(built);
      expect(built.attachment?.content.length).toBeGreaterThan(100_000);
      expect(built.redactedPaths).toHaveLength(30);
      expect(built.attachment?.content).not.toContain('"secret"');
    });
  });

  describe('buildIssue with redaction', () => {
    const SECRET_USER = 'alice.secret@example.com';
    const SECRET_IP = '198.51.100.201';

    it('shows a redacted value nowhere: summary, mapped fields, table, raw block, typed fields, attached file', () => {
      // Prepare: a body too long for the raw block, so the file is attached too.
      const body = JSON.stringify(
        {
          alert_name: 'Failed logins',
          audit_event: 'login_failure',
          username: SECRET_USER,
          remote_address: SECRET_IP,
          event: { username: SECRET_USER, client_ip: SECRET_IP },
          padding: 'p'.repeat(40_000),
        },
        null,
        2,
      );
      const config = withRule(
        { redact: ['username', 'remote_address', 'event.client_ip'] },
        {
          summaryTemplate: '{alert_name} for {username} from {remote_address}',
          fieldMappings: [
            ...secConfig().fieldMappings,
            { fieldId: F.deviceName, source: 'username' },
            { fieldId: F.notes, source: 'event.client_ip' },
          ],
        },
      );

      // Act
      const built = build(body, config);

      // Assess
      const everything = JSON.stringify({ fields: built.fields, attachment: built.attachment, dropped: built.dropped });
      expect(everything).not.toContain(SECRET_USER);
      expect(everything).not.toContain(SECRET_IP);
      expect(built.fields['summary']).toBe('Failed logins for [redacted] from [redacted]');
      expect(built.fields[F.remoteIp]).toBe('[redacted]');
      expect(built.fields[F.deviceName]).toBe('[redacted]');
      expect(built.attachment?.content).toContain('"username": "[redacted]"');
      expect(built.attachment?.content).toContain('"client_ip": "[redacted]"');
      expect(built.redactedPaths).toEqual(['username', 'remote_address', 'event.client_ip']);
      expect(texts(built)).toContain('Redacted.');
      expect(texts(built)).toContain('The relay’s ledger keeps the original body for 30 days.');
      expectValid(built);
    });

    it('redacts only the listed path when the same value sits under another key', () => {
      // Prepare
      const body = JSON.stringify({ audit_event: 'login_failure', username: SECRET_USER, reported_by: SECRET_USER });
      const config = withRule({ redact: ['username'] });

      // Act
      const built = build(body, config);

      // Assess
      const raw = built.description.content.findLast((b) => b.type === 'codeBlock');
      const rawText = raw?.type === 'codeBlock' ? raw.content.map((t) => t.text).join('') : '';
      expect(JSON.parse(rawText)).toEqual({
        audit_event: 'login_failure',
        username: '[redacted]',
        reported_by: SECRET_USER,
      });
      expect(adfTexts(built.description)).toContain('username');
    });

    it('keeps the redaction and the notes when fields Jira refused are taken out', () => {
      // Prepare
      const body = JSON.stringify({ audit_event: 'login_failure', username: SECRET_USER, remote_address: SECRET_IP });
      const config = withRule({ redact: ['username'], route: { projectKey: 'OPS', issueTypeId: OPS_TASK } });
      const built = build(body, config, { group: { key: { username: '[redacted]' }, windowMinutes: 30 } });

      // Act
      const refusedField = withoutFields(built, { labels: 'not on screen' }, config);
      const refusedDescription = withoutFields(built, { description: 'too long' }, config);

      // Assess
      expect(refusedField?.projectKey).toBe('OPS');
      expect(refusedField?.dropped.at(-1)).toEqual({
        fieldId: 'labels',
        fieldName: 'Labels',
        reason: 'Jira refused it: not on screen',
      });
      expect(adfTexts(refusedField?.description).join('\n')).toContain('Grouped alerts.');
      expect(adfTexts(refusedField?.description).join('\n')).toContain('Redacted.');
      expect(JSON.stringify(refusedField)).not.toContain(SECRET_USER);
      expect(refusedDescription?.attachment?.content).toContain('"username":"[redacted]"');
      expect(JSON.stringify(refusedDescription)).not.toContain(SECRET_USER);
    });

    it('says when a body that is not a JSON object could not be redacted', () => {
      // Prepare
      const config = withRule(
        { redact: ['username'] },
        {
          rules: [
            {
              ...rule({ redact: ['username'] }),
              when: { match: 'all', clauses: [{ kind: 'event', in: ['unknown'] }] },
            },
          ],
        },
      );

      // Act
      const built = build('username=alice', config);

      // Assess
      expect(texts(built)).toContain('Not redacted.');
      expect(texts(built)).toContain('it has no fields to redact');
      expect(built.redactedPaths).toEqual([]);
      expectValid(built);
    });
  });
});
