import { describe, expect, it } from 'vitest';
import {
  type ConfigDraft,
  collectUserEmails,
  type ProjectMeta,
  validateConfig,
} from '#domain/configuration/validate-config.ts';
import type { JiraFieldMeta } from '#domain/ports.ts';
import {
  EPIC,
  F,
  INCIDENT,
  OPS_SUBTASK,
  OPS_TASK,
  opsConfig,
  opsMeta,
  PRIORITY,
  SUBTASK,
  secConfig,
  secMeta,
  TASK,
} from '#test-support/jira-fixtures.ts';

function draftOf(config: ReturnType<typeof secConfig>): ConfigDraft {
  const { defaultIssueTypeId, summaryTemplate, parentIssueKey, fieldMappings, priorityMapping, issueTypeMapping } =
    config;
  return {
    defaultIssueTypeId,
    summaryTemplate,
    ...(parentIssueKey ? { parentIssueKey } : {}),
    fieldMappings,
    priorityMapping,
    issueTypeMapping,
    rules: config.rules,
    counterEvents: config.counterEvents,
    wontDoResolutions: config.wontDoResolutions,
    groupFields: config.groupFields,
    redactionRetentionDays: config.redactionRetentionDays,
  };
}

function secDraft(overrides: Partial<ConfigDraft> = {}): ConfigDraft {
  return { ...draftOf(secConfig()), ...overrides };
}

function withField(
  meta: ProjectMeta,
  issueTypeId: string,
  fieldId: string,
  change: Partial<JiraFieldMeta>,
): ProjectMeta {
  const fields = (meta.fieldMeta[issueTypeId] ?? []).map((f) => (f.fieldId === fieldId ? { ...f, ...change } : f));
  return { ...meta, fieldMeta: { ...meta.fieldMeta, [issueTypeId]: fields } };
}

describe('validate-config', () => {
  describe('validateConfig', () => {
    it('accepts Keeper’s documented mapping for SEC', () => {
      // Act
      const problems = validateConfig(secDraft(), secMeta());

      // Assess
      expect(problems).toEqual([]);
    });

    it('names field, issue type and project when a required field is left unmapped', () => {
      // Prepare
      const meta = withField(secMeta(), INCIDENT, F.severity, { required: true });

      // Act
      const problems = validateConfig(secDraft(), meta);

      // Assess
      expect(problems).toEqual([
        {
          path: `fieldMeta.${INCIDENT}.${F.severity}`,
          message:
            'Field "Alert Severity" (customfield_10061) is required for issue type Incident in project SEC but is not mapped',
          fieldId: F.severity,
          issueType: 'Incident',
          project: 'SEC',
        },
      ]);
    });

    it('accepts a required field once it is mapped or has a default', () => {
      // Prepare
      const meta = withField(secMeta(), INCIDENT, F.severity, { required: true });
      const withDefault = withField(secMeta(), INCIDENT, F.severity, { required: true, hasDefaultValue: true });
      const mapped = secDraft({
        fieldMappings: [...secDraft().fieldMappings, { fieldId: F.severity, constant: 'High' }],
      });

      // Act / Assess
      expect(validateConfig(mapped, meta)).toEqual([]);
      expect(validateConfig(secDraft(), withDefault)).toEqual([]);
    });

    it('flags a mapped field missing from the screen of an issue type the mapping can choose', () => {
      // Prepare
      const draft = secDraft({ fieldMappings: [{ fieldId: F.deviceName, source: 'device_name' }] });

      // Act
      const problems = validateConfig(draft, secMeta());

      // Assess
      expect(problems).toEqual([
        {
          path: 'fieldMappings.0.fieldId',
          message:
            'Field "Device Name" (customfield_10064) is not on the create screen of issue type Incident in project SEC',
          fieldId: F.deviceName,
          issueType: 'Incident',
          project: 'SEC',
        },
      ]);
    });

    it('flags constants that are not allowed or cannot be converted', () => {
      // Prepare
      const draft = secDraft({
        issueTypeMapping: { byEvent: {}, byCategory: {} },
        fieldMappings: [
          { fieldId: F.severity, constant: 'Severe' },
          { fieldId: F.riskScore, constant: 'very' },
          { fieldId: F.owner, constant: 'ghost@example.com' },
          { fieldId: F.systems, constant: 'Vault, Mainframe' },
        ],
      });

      // Act
      const messages = validateConfig(draft, secMeta()).map((p) => p.message);

      // Assess
      expect(messages).toEqual([
        'Field "Alert Severity" (customfield_10061) cannot take the constant "Severe" on issue type Task in project SEC: "Severe" is not one of the allowed values (Critical, High, Medium, Low)',
        'Field "Risk Score" (customfield_10072) cannot take the constant "very" on issue type Task in project SEC: "very" is not a number',
        'Field "Owner" (customfield_10078) cannot take the constant "ghost@example.com" on issue type Task in project SEC: no Jira user for ghost@example.com',
        'Field "Affected Systems" (customfield_10074) cannot take the constant "Vault, Mainframe" on issue type Task in project SEC: "Mainframe" is not one of the allowed values (Vault, Admin Console, KSM)',
      ]);
    });

    it('accepts a user constant the admin API resolved into the directory', () => {
      // Prepare
      const draft = secDraft({ fieldMappings: [{ fieldId: F.owner, constant: 'Jane.Roe@example.com' }] });

      // Act
      const problems = validateConfig(draft, secMeta(), { 'jane.roe@example.com': 'acc-jane' });

      // Assess
      expect(problems).toEqual([]);
    });

    it('refuses mappings to relay-owned, unsupported or repeated fields', () => {
      // Prepare
      const draft = secDraft({
        issueTypeMapping: { byEvent: {}, byCategory: {} },
        fieldMappings: [
          { fieldId: 'issuetype', constant: 'Bug' },
          { fieldId: F.team, constant: 'Blue' },
          { fieldId: F.remoteIp, source: 'remote_address' },
          { fieldId: F.remoteIp, source: 'username' },
        ],
      });

      // Act
      const messages = validateConfig(draft, secMeta()).map((p) => p.message);

      // Assess
      expect(messages).toEqual([
        'Field "Issue Type" (issuetype) is set by the relay and cannot be mapped',
        'Field "Team" (customfield_10080) on issue type Task in project SEC has type option-with-child (cascadingselect), which the relay cannot fill',
        'Field "Remote IP Address" (customfield_10060) is mapped more than once',
      ]);
    });

    it('flags a priority the chosen issue type does not allow, per rule', () => {
      // Prepare
      const meta = withField(secMeta(), INCIDENT, 'priority', {
        allowedValues: [
          { id: PRIORITY.highest, name: 'Highest' },
          { id: PRIORITY.high, name: 'High' },
        ],
      });
      const draft = secDraft({
        priorityMapping: {
          byEvent: { bw_record_high_risk: PRIORITY.lowest },
          byCategory: { breachwatch: '99', login: PRIORITY.low },
        },
      });

      // Act
      const problems = validateConfig(draft, meta);

      // Assess
      expect(problems.map((p) => [p.path, p.message])).toEqual([
        [
          'priorityMapping.byEvent.bw_record_high_risk',
          'Priority "Lowest" (5) is not allowed for issue type Incident in project SEC',
        ],
        ['priorityMapping.byCategory.breachwatch', 'Priority 99 does not exist for issue type Incident in project SEC'],
      ]);
    });

    it('flags priorities in a team-managed project whose issue type has no Priority field', () => {
      // Prepare
      const config = opsConfig();

      // Act
      const problems = validateConfig(draftOf(config), opsMeta());

      // Assess
      expect(problems).toEqual([
        {
          path: 'priorityMapping.byCategory.breachwatch',
          message:
            'Priority "Highest" (1) cannot be set on issue type Task in project OPS: the Priority field is not on its create screen; team-managed projects have it only where it was added to the issue type',
          fieldId: 'priority',
          issueType: 'Task',
          project: 'OPS',
        },
      ]);
    });

    it('checks the default priority against every issue type the mapping can choose', () => {
      // Prepare
      const meta = withField(secMeta(), INCIDENT, 'priority', { allowedValues: [{ id: PRIORITY.high, name: 'High' }] });
      const draft = secDraft({ priorityMapping: { byEvent: {}, byCategory: {}, defaultPriorityId: PRIORITY.medium } });

      // Act
      const problems = validateConfig(draft, meta);

      // Assess
      expect(problems.map((p) => p.message)).toEqual([
        'Priority "Medium" (3) is not allowed for issue type Incident in project SEC',
      ]);
    });

    it('requires a parent for a sub-task type, as default or mapped', () => {
      // Prepare
      const asDefault = secDraft({
        defaultIssueTypeId: SUBTASK,
        fieldMappings: [],
        issueTypeMapping: { byEvent: {}, byCategory: {} },
      });
      const asMapped = secDraft({
        issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: SUBTASK } },
        fieldMappings: [],
      });

      // Act
      const defaultProblems = validateConfig(asDefault, secMeta());
      const mappedProblems = validateConfig(asMapped, secMeta());
      const withParent = validateConfig({ ...asDefault, parentIssueKey: 'SEC-12' }, secMeta());

      // Assess
      expect(defaultProblems.map((p) => [p.path, p.message])).toEqual([
        [
          'defaultIssueTypeId',
          'Issue type Sub-task is a sub-task type: set a parent issue key or choose another issue type for project SEC',
        ],
      ]);
      expect(mappedProblems.map((p) => p.path)).toEqual(['issueTypeMapping.byCategory.breachwatch']);
      expect(withParent).toEqual([]);
    });

    it('checks the parent issue key format and project', () => {
      // Act
      const malformed = validateConfig(secDraft({ parentIssueKey: 'not a key' }), secMeta());
      const otherProject = validateConfig(secDraft({ parentIssueKey: 'OPS-3' }), secMeta());

      // Assess
      expect(malformed.map((p) => p.path)).toEqual(['parentIssueKey']);
      expect(otherProject.map((p) => p.message)).toEqual([
        "Parent issue OPS-3 is not in project SEC; sub-tasks must be created in their parent's project",
      ]);
    });

    it('flags unknown issue type ids and issue types without loaded metadata', () => {
      // Prepare
      const draft = secDraft({
        issueTypeMapping: { byEvent: { login_failure: '424242' }, byCategory: { share: EPIC } },
      });
      const meta = secMeta();
      const { [EPIC]: _epic, ...withoutEpic } = meta.fieldMeta;

      // Act
      const problems = validateConfig(draft, { ...meta, fieldMeta: withoutEpic });

      // Assess
      expect(problems.map((p) => [p.path, p.message])).toEqual([
        ['issueTypeMapping.byEvent.login_failure', 'Issue type 424242 does not exist in project SEC'],
        [
          'issueTypeMapping.byCategory.share',
          "Jira's create metadata for issue type Epic in project SEC was not loaded",
        ],
      ]);
    });

    it('flags a required Priority without a default priority, and an empty summary template', () => {
      // Prepare
      const meta = withField(secMeta(), TASK, 'priority', { required: true, hasDefaultValue: false });
      const draft = secDraft({ summaryTemplate: '  ', issueTypeMapping: { byEvent: {}, byCategory: {} } });

      // Act
      const problems = validateConfig(draft, meta);
      const withDefault = validateConfig(
        {
          ...draft,
          summaryTemplate: '{alert_name}',
          priorityMapping: { ...draft.priorityMapping, defaultPriorityId: PRIORITY.medium },
        },
        meta,
      );

      // Assess
      expect(problems.map((p) => p.message)).toEqual([
        'The summary template is empty',
        'Field "Priority" (priority) is required for issue type Task in project SEC but is not mapped',
      ]);
      expect(withDefault).toEqual([]);
    });

    it('flags the team-managed sub-task without a parent too', () => {
      // Act
      const problems = validateConfig(
        { ...draftOf(opsConfig()), defaultIssueTypeId: OPS_SUBTASK, priorityMapping: { byEvent: {}, byCategory: {} } },
        opsMeta(),
      );

      // Assess
      expect(problems.map((p) => p.message)).toEqual([
        'Issue type Subtask is a sub-task type: set a parent issue key or choose another issue type for project OPS',
      ]);
      expect(
        validateConfig(
          { ...draftOf(opsConfig()), defaultIssueTypeId: OPS_TASK, priorityMapping: { byEvent: {}, byCategory: {} } },
          opsMeta(),
        ),
      ).toEqual([]);
    });
  });

  describe('validateConfig for one section', () => {
    it('accepts a field-mapping save while the saved priority rules are stale', () => {
      // Prepare: OPS's Task screen lost its Priority field, so the breachwatch priority rule is stale.
      const draft = draftOf(opsConfig());

      // Act
      const whole = validateConfig(draft, opsMeta());
      const fields = validateConfig(draft, opsMeta(), {}, 'fieldMappings');
      const priorities = validateConfig(draft, opsMeta(), {}, 'priorityMapping');

      // Assess
      expect(whole.map((p) => p.path)).toEqual(['priorityMapping.byCategory.breachwatch']);
      expect(fields).toEqual([]);
      expect(priorities.map((p) => p.path)).toEqual(['priorityMapping.byCategory.breachwatch']);
    });

    it('checks a field-mapping save against every screen, without the other sections', () => {
      // Prepare
      const draft = secDraft({
        fieldMappings: [{ fieldId: F.deviceName, source: 'device_name' }],
        issueTypeMapping: { byEvent: { some_event: '424242' }, byCategory: { breachwatch: INCIDENT } },
      });

      // Act
      const problems = validateConfig(draft, secMeta(), {}, 'fieldMappings');

      // Assess
      expect(problems.map((p) => p.message)).toEqual([
        'Field "Device Name" (customfield_10064) is not on the create screen of issue type Incident in project SEC',
      ]);
    });

    it('checks an issue-type save against the required fields of the types its rules reach only', () => {
      // Prepare
      const onIncident = withField(secMeta(), INCIDENT, F.severity, { required: true });
      const onDefault = withField(secMeta(), TASK, F.severity, { required: true });

      // Act
      const reached = validateConfig(secDraft(), onIncident, {}, 'issueTypeMapping');
      const notReached = validateConfig(secDraft(), onDefault, {}, 'issueTypeMapping');
      const unknown = validateConfig(
        secDraft({ issueTypeMapping: { byEvent: {}, byCategory: { login: '424242' } } }),
        secMeta(),
        {},
        'issueTypeMapping',
      );

      // Assess
      expect(reached.map((p) => p.path)).toEqual([`fieldMeta.${INCIDENT}.${F.severity}`]);
      expect(notReached).toEqual([]);
      expect(validateConfig(secDraft(), onDefault, {}, 'fieldMappings').map((p) => p.path)).toEqual([
        `fieldMeta.${TASK}.${F.severity}`,
      ]);
      expect(unknown.map((p) => p.message)).toEqual(['Issue type 424242 does not exist in project SEC']);
    });
  });

  describe('collectUserEmails', () => {
    it('collects e-mail constants of user fields, lower-cased, once each', () => {
      // Prepare
      const draft = secDraft({
        fieldMappings: [
          { fieldId: F.owner, constant: 'Jane.Roe@Example.com' },
          { fieldId: F.watchers, constant: 'it.admin@example.com, jane.roe@example.com' },
          { fieldId: 'reporter', constant: 'soc@example.com' },
          { fieldId: F.remoteIp, constant: 'not-a-user@example.com' },
          { fieldId: F.owner, source: 'username' },
        ],
      });

      // Act
      const withMeta = collectUserEmails(draft, secMeta());
      const withoutMeta = collectUserEmails(draft);

      // Assess
      expect(withMeta).toEqual(['it.admin@example.com', 'jane.roe@example.com', 'soc@example.com']);
      expect(withoutMeta).toEqual([
        'it.admin@example.com',
        'jane.roe@example.com',
        'not-a-user@example.com',
        'soc@example.com',
      ]);
    });
  });
});
