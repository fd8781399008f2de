import { describe, expect, it } from 'vitest';
import { type ConfigDraft, type ProjectMeta, validateConfig } from '#domain/configuration/validate-config.ts';
import type { RuleTargetsMeta } from '#domain/configuration/validate-rules.ts';
import type { JiraFieldMeta } from '#domain/ports.ts';
import { KEEPER_COUNTER_EVENTS, type Rule, ruleSettingsDefaults } from '#domain/relay-config.ts';
import {
  F,
  INCIDENT,
  OPS_SUBTASK,
  OPS_TASK,
  opsMeta,
  PRIORITY,
  SUBTASK,
  secConfig,
  secMeta,
  TASK,
} from '#test-support/jira-fixtures.ts';

const SECURITY: JiraFieldMeta = {
  fieldId: 'security',
  name: 'Security Level',
  required: false,
  hasDefaultValue: false,
  schema: { type: 'securitylevel', system: 'security' },
};

function draft(overrides: Partial<ConfigDraft> = {}): ConfigDraft {
  const config = secConfig();
  return {
    defaultIssueTypeId: config.defaultIssueTypeId,
    summaryTemplate: config.summaryTemplate,
    fieldMappings: config.fieldMappings,
    priorityMapping: config.priorityMapping,
    issueTypeMapping: config.issueTypeMapping,
    ...ruleSettingsDefaults(),
    ...overrides,
  };
}

function rule(actions: Rule['actions'] = {}, overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'logins',
    name: 'Logins',
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
    actions,
    ...overrides,
  };
}

function withSecurity(meta: ProjectMeta, typeId: string): ProjectMeta {
  return { ...meta, fieldMeta: { ...meta.fieldMeta, [typeId]: [...(meta.fieldMeta[typeId] ?? []), SECURITY] } };
}

const TARGETS: RuleTargetsMeta = {
  projects: { OPS: opsMeta() },
  assignable: { SEC: ['acc-jane'], OPS: ['acc-ops'] },
  securityLevels: { SEC: [{ id: '10400', name: 'Security team' }], OPS: [] },
};

function problemsOf(
  rules: Rule[],
  meta: ProjectMeta = secMeta(),
  targets: RuleTargetsMeta = TARGETS,
  extra: Partial<ConfigDraft> = {},
) {
  return validateConfig(draft({ rules, ...extra }), meta, {}, undefined, targets);
}

describe('validate-rules', () => {
  it('accepts a rule using every action against live metadata', () => {
    // Prepare
    const full = rule({
      route: { issueTypeId: INCIDENT },
      priorityId: PRIORITY.high,
      assigneeAccountId: 'acc-jane',
      labels: ['brute force'],
      securityLevelId: '10400',
      redact: ['username', 'event.record_uid'],
      grouping: {
        key: ['audit_event', 'username'],
        windowMinutes: 60,
        commentIntervalSeconds: 60,
        reopenWindowHours: 24,
      },
      escalation: { occurrences: 10, withinMinutes: 10, priorityId: PRIORITY.highest },
      stormCap: 20,
    });

    // Act
    const problems = problemsOf([full], withSecurity(secMeta(), INCIDENT));

    // Assess
    expect(problems).toEqual([]);
  });

  it('accepts a rule routed to another project with an issue type there', () => {
    // Act / Assess
    expect(
      problemsOf([rule({ route: { projectKey: 'ops', issueTypeId: OPS_TASK }, assigneeAccountId: 'acc-ops' })]),
    ).toEqual([]);
  });

  it('refuses rule ids used twice', () => {
    // Act
    const problems = problemsOf([rule(), rule({}, { name: 'Again' })]);

    // Assess
    expect(problems).toEqual([
      { path: 'rules.1.id', message: 'Rule "Again" has the id "logins" of rule 1; rule ids must be unique' },
    ]);
  });

  it('refuses an empty condition, an empty group, unknown events, bad patterns and bad ranges', () => {
    // Prepare
    const rules = [
      rule({}, { id: 'a', name: 'Empty', when: { match: 'all', clauses: [] } }),
      rule(
        {},
        {
          id: 'b',
          name: 'Broken',
          when: {
            match: 'any',
            clauses: [
              { kind: 'event', in: ['login_failure', 'login_failures'] },
              { match: 'all', clauses: [] },
              {
                match: 'all',
                clauses: [
                  { kind: 'field', path: 'username', op: 'matches', values: ['alice.*', '(unclosed'] },
                  { kind: 'field', path: 'remote_address', op: 'cidr', values: ['10.0.0.0/8', '10.0.0.0/33'] },
                ],
              },
              { kind: 'category', in: ['data_breach'] },
            ],
          },
        },
      ),
    ];

    // Act
    const problems = problemsOf(rules);

    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      'rules.0.when',
      'rules.1.when.clauses.0.in.1',
      'rules.1.when.clauses.1',
      'rules.1.when.clauses.2.clauses.0.values.1',
      'rules.1.when.clauses.2.clauses.1.values.1',
    ]);
    expect(problems[0]?.message).toBe('Rule "Empty" has no condition: add at least one');
    expect(problems[1]?.message).toBe(
      'Rule "Broken": Keeper\'s event catalog has no event "login_failures" (did you mean login_failure?). To match an event the catalog does not know yet, use a field condition on audit_event',
    );
    expect(problems[3]?.message).toMatch(/^Rule "Broken": the pattern for username is not a valid regular expression/);
    expect(problems[4]?.message).toBe(
      'Rule "Broken": "10.0.0.0/33" for remote_address is not an IPv4 or IPv6 address or range (like 10.0.0.0/8 or 2001:db8::/32)',
    );
  });

  it('refuses a project Jira does not have, and a routed project without an issue type', () => {
    // Act
    const problems = problemsOf([
      rule({ route: { projectKey: 'NOPE', issueTypeId: '1' } }, { id: 'a' }),
      rule({ route: { projectKey: 'OPS' } }, { id: 'b' }),
    ]);

    // Assess
    expect(problems).toEqual([
      {
        path: 'rules.0.actions.route.projectKey',
        message: `Rule "Logins" routes to project NOPE, which does not exist or in which the relay's Jira account cannot create issues`,
        project: 'NOPE',
      },
      {
        path: 'rules.1.actions.route.issueTypeId',
        message: 'Rule "Logins" routes to project OPS: choose the issue type its tickets get there',
        project: 'OPS',
      },
    ]);
  });

  it('refuses issue types that cannot take the rule’s tickets', () => {
    // Act
    const problems = problemsOf([
      rule({ route: { issueTypeId: '999' } }, { id: 'a' }),
      rule({ route: { issueTypeId: SUBTASK } }, { id: 'b' }),
      rule({ route: { projectKey: 'OPS', issueTypeId: OPS_SUBTASK } }, { id: 'c' }),
    ]);

    // Assess
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['rules.0.actions.route.issueTypeId', 'Rule "Logins": issue type 999 does not exist in project SEC'],
      [
        'rules.1.actions.route.issueTypeId',
        'Rule "Logins": issue type Sub-task is a sub-task type and no parent issue key is set',
      ],
      [
        'rules.2.actions.route.issueTypeId',
        'Rule "Logins": issue type Subtask is a sub-task type; the relay creates sub-tasks only in project SEC, under the parent issue key',
      ],
    ]);
  });

  it('refuses a routed issue type whose required fields nothing fills', () => {
    // Prepare
    const ops = opsMeta();
    const required = (ops.fieldMeta[OPS_TASK] ?? []).map((f) =>
      f.fieldId === 'customfield_10301' ? { ...f, required: true } : f,
    );
    const targets = {
      ...TARGETS,
      projects: { OPS: { ...ops, fieldMeta: { ...ops.fieldMeta, [OPS_TASK]: required } } },
    };

    // Act
    const problems = problemsOf([rule({ route: { projectKey: 'OPS', issueTypeId: OPS_TASK } })], secMeta(), targets);

    // Assess
    expect(problems).toEqual([
      {
        path: 'rules.0.actions.route.issueTypeId',
        message:
          'Rule "Logins": field "alert timestamp" (customfield_10301) is required for issue type Task in project OPS but nothing fills it; map it or choose another issue type',
        fieldId: 'customfield_10301',
        issueType: 'Task',
        project: 'OPS',
      },
    ]);
  });

  it('checks the rule’s and the escalation’s priority against the target screen', () => {
    // Act
    const problems = problemsOf([
      rule({ priorityId: '99' }, { id: 'a' }),
      rule(
        {
          route: { projectKey: 'OPS', issueTypeId: OPS_TASK },
          priorityId: PRIORITY.high,
          grouping: { key: ['username'], windowMinutes: 60, commentIntervalSeconds: 60, reopenWindowHours: 24 },
          escalation: { occurrences: 5, withinMinutes: 5, priorityId: PRIORITY.highest },
        },
        { id: 'b' },
      ),
    ]);

    // Assess
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      // Without an issue type of its own, the rule's tickets can land on every type the mapping chooses.
      ['rules.0.actions.priorityId', 'Rule "Logins": priority 99 is not allowed for issue type Task in project SEC'],
      [
        'rules.0.actions.priorityId',
        'Rule "Logins": priority 99 is not allowed for issue type Incident in project SEC',
      ],
      [
        'rules.1.actions.priorityId',
        'Rule "Logins": priority "High" (2) cannot be set on issue type Task in project OPS: the Priority field is not on its create screen',
      ],
      [
        'rules.1.actions.escalation.priorityId',
        'Rule "Logins": priority "Highest" (1) cannot be set on issue type Task in project OPS: the Priority field is not on its create screen',
      ],
    ]);
  });

  it('refuses an assignee Jira does not list as assignable, and an assignee the screen lacks', () => {
    // Prepare
    const meta = secMeta();
    const noAssignee = {
      ...meta,
      fieldMeta: {
        ...meta.fieldMeta,
        [INCIDENT]: (meta.fieldMeta[INCIDENT] ?? []).filter((f) => f.fieldId !== 'assignee'),
      },
    };

    // Act
    const problems = problemsOf(
      [
        rule({ assigneeAccountId: 'acc-nobody' }, { id: 'a' }),
        rule({ route: { issueTypeId: INCIDENT }, assigneeAccountId: 'acc-jane' }, { id: 'b' }),
      ],
      noAssignee,
    );

    // Assess
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        'rules.0.actions.assigneeAccountId',
        'Rule "Logins" assigns tickets to account acc-nobody, who cannot be assigned issues in project SEC',
      ],
      [
        'rules.0.actions.assigneeAccountId',
        'Rule "Logins": Assignee is not on the create screen of issue type Incident in project SEC',
      ],
      [
        'rules.1.actions.assigneeAccountId',
        'Rule "Logins": Assignee is not on the create screen of issue type Incident in project SEC',
      ],
    ]);
  });

  it('refuses a security level outside the project’s scheme or without the field on the screen', () => {
    // Act
    const problems = problemsOf(
      [
        rule({ route: { issueTypeId: INCIDENT }, securityLevelId: '10499' }, { id: 'a' }),
        rule({ route: { issueTypeId: TASK }, securityLevelId: '10400' }, { id: 'b' }),
        rule({ route: { projectKey: 'OPS', issueTypeId: OPS_TASK }, securityLevelId: '1' }, { id: 'c' }),
      ],
      withSecurity(secMeta(), INCIDENT),
    );

    // Assess
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        'rules.0.actions.securityLevelId',
        'Rule "Logins": security level 10499 is not in the security scheme of project SEC; its levels are Security team (10400)',
      ],
      [
        'rules.1.actions.securityLevelId',
        'Rule "Logins": Security Level is not on the create screen of issue type Task in project SEC',
      ],
      [
        'rules.2.actions.securityLevelId',
        'Rule "Logins": security level 1 is not in the security scheme of project OPS; it has no security scheme',
      ],
      [
        'rules.2.actions.securityLevelId',
        'Rule "Logins": Security Level is not on the create screen of issue type Task in project OPS',
      ],
    ]);
  });

  it('refuses empty labels, redact paths and grouping keys, escalation without grouping, and a storm cap below 1', () => {
    // Act
    const problems = problemsOf([
      rule(
        {
          labels: ['ok', '   '],
          redact: ['username', ' password'],
          grouping: { key: [''], windowMinutes: 60, commentIntervalSeconds: 60, reopenWindowHours: 24 },
          stormCap: 0,
        },
        { id: 'a' },
      ),
      rule({ escalation: { occurrences: 3, withinMinutes: 5, priorityId: PRIORITY.high } }, { id: 'b' }),
    ]);

    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      'rules.0.actions.labels.1',
      'rules.0.actions.redact.1',
      'rules.0.actions.grouping.key.0',
      'rules.0.actions.stormCap',
      'rules.1.actions.escalation',
    ]);
  });

  it('accepts Keeper’s counter-event pairs and refuses broken ones', () => {
    // Prepare
    const counterEvents = [
      ...KEEPER_COUNTER_EVENTS,
      { open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] },
      { open: 'login_failure', close: 'login_failure', key: [] },
      { open: 'no_such_event', close: 'login', key: [' '] },
    ];

    // Act
    const keeper = validateConfig(draft(), secMeta());
    const problems = problemsOf([], secMeta(), TARGETS, { counterEvents });

    // Assess
    expect(keeper).toEqual([]);
    const first = KEEPER_COUNTER_EVENTS.length;
    expect(problems.map((p) => p.path)).toEqual([
      `counterEvents.${first}.open`,
      `counterEvents.${first + 1}.close`,
      `counterEvents.${first + 2}.open`,
      `counterEvents.${first + 2}.key.0`,
    ]);
    expect(problems[0]?.message).toBe(
      `Counter-event pair ${first + 1} (set_two_factor_off → set_two_factor_on): set_two_factor_off already opens pair 2; an event can open one pair only`,
    );
    expect(problems[1]?.message).toBe(
      `Counter-event pair ${first + 2} (login_failure → login_failure) closes with the event that opens it`,
    );
    expect(problems[2]?.message).toMatch(/has no event "no_such_event"/);
  });

  it('accepts group fields of the right kind and refuses others', () => {
    // Act
    const good = problemsOf([], secMeta(), TARGETS, {
      groupFields: { occurrencesFieldId: F.riskScore, lastSeenFieldId: F.alertTimestamp },
    });
    const bad = problemsOf([], secMeta(), TARGETS, {
      groupFields: { occurrencesFieldId: F.remoteIp, lastSeenFieldId: 'customfield_99999' },
    });
    const same = problemsOf([], secMeta(), TARGETS, {
      groupFields: { occurrencesFieldId: F.riskScore, lastSeenFieldId: F.riskScore },
    });

    // Assess
    expect(good).toEqual([]);
    expect(bad.map((p) => [p.path, p.message])).toEqual([
      [
        'groupFields.occurrencesFieldId',
        'Field "Remote IP Address" (customfield_10060) cannot hold the occurrence count: it has type string (textfield) on issue type Task in project SEC, not a number field',
      ],
      [
        'groupFields.lastSeenFieldId',
        'Field customfield_99999 for the last-seen time is not on the create screen of any issue type alerts land in, in project SEC',
      ],
    ]);
    expect(same.map((p) => p.path)).toEqual(['groupFields.lastSeenFieldId', 'groupFields.lastSeenFieldId']);
  });

  it('refuses empty or repeated won’t-do resolutions and a retention outside 0–365 days', () => {
    // Act
    const problems = problemsOf([], secMeta(), TARGETS, {
      wontDoResolutions: ["Won't Do", ' ', "won't do"],
      redactionRetentionDays: 400,
    });

    // Assess
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['wontDoResolutions.1', "Won't-do resolution 2 is empty"],
      ['wontDoResolutions.2', `Won't-do resolution "won't do" is listed more than once`],
      ['redactionRetentionDays', 'The ledger keeps redacted originals for 0 to 365 days, not 400'],
    ]);
  });

  it('saves the rules section on its own: other sections’ problems do not block it', () => {
    // Prepare: a broken field mapping, and a broken rule.
    const broken = draft({
      fieldMappings: [{ fieldId: 'customfield_99999', source: 'username' }],
      rules: [rule({ priorityId: '99' })],
    });

    // Act
    const rulesOnly = validateConfig(broken, secMeta(), {}, 'rules', TARGETS);
    const mappingsOnly = validateConfig(broken, secMeta(), {}, 'fieldMappings', TARGETS);

    // Assess
    expect(rulesOnly.map((p) => p.path)).toEqual(['rules.0.actions.priorityId', 'rules.0.actions.priorityId']);
    expect(mappingsOnly.every((p) => p.path.startsWith('fieldMappings.'))).toBe(true);
    expect(validateConfig(broken, secMeta(), {}, undefined, TARGETS).map((p) => p.path)).toContain(
      'rules.0.actions.priorityId',
    );
  });
});
