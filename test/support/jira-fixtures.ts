/**
 * Jira metadata shaped like createmeta answers: a company-managed project SEC (Task, Incident,
 * Sub-task, Epic) with the custom fields from Keeper's documentation plus one field of every kind
 * the relay converts, and a team-managed project OPS without Priority.
 */
import type { ProjectMeta } from '#domain/configuration/validate-config.ts';
import type { JiraIssueType } from '#domain/ports.ts';
import { DEFAULT_SUMMARY_TEMPLATE, type RelayConfig, ruleSettingsDefaults } from '#domain/relay-config.ts';

const CUSTOM = 'com.atlassian.jira.plugin.system.customfieldtypes:';

// The stored (zod) shape; it is also a JiraFieldMeta, while the reverse is not (readonly arrays).
type JiraFieldMeta = RelayConfig['fieldMeta'][string][number];

export const SEC = { id: '10000', key: 'SEC', name: 'Security', style: 'classic' } as const;
export const OPS = { id: '10100', key: 'OPS', name: 'Operations', style: 'next-gen' } as const;

export const TASK = '10001';
export const INCIDENT = '10002';
export const SUBTASK = '10003';
export const EPIC = '10004';
export const OPS_TASK = '10200';
export const OPS_SUBTASK = '10202';

export const PRIORITY = { highest: '1', high: '2', medium: '3', low: '4', lowest: '5' } as const;

export const SEC_ISSUE_TYPES: JiraIssueType[] = [
  { id: TASK, name: 'Task', subtask: false, hierarchyLevel: 0 },
  { id: INCIDENT, name: 'Incident', subtask: false, hierarchyLevel: 0 },
  { id: SUBTASK, name: 'Sub-task', subtask: true, hierarchyLevel: -1 },
  { id: EPIC, name: 'Epic', subtask: false, hierarchyLevel: 1 },
];

export const OPS_ISSUE_TYPES: JiraIssueType[] = [
  { id: OPS_SUBTASK, name: 'Subtask', subtask: true, hierarchyLevel: -1 },
  { id: OPS_TASK, name: 'Task', subtask: false, hierarchyLevel: 0 },
];

function system(fieldId: string, name: string, type: string, extra: Partial<JiraFieldMeta> = {}): JiraFieldMeta {
  return { fieldId, name, required: false, hasDefaultValue: false, schema: { type, system: fieldId }, ...extra };
}

type CustomExtra = Pick<Partial<JiraFieldMeta>, 'required' | 'hasDefaultValue' | 'allowedValues'>;

function custom(
  fieldId: string,
  name: string,
  type: string,
  customType: string,
  extra: CustomExtra = {},
  items?: string,
): JiraFieldMeta {
  const schema = { type, ...(items ? { items } : {}), custom: `${CUSTOM}${customType}` };
  return { fieldId, name, required: false, hasDefaultValue: false, schema, ...extra };
}

const option = (id: string, value: string) => ({ id, value });

export const F = {
  remoteIp: 'customfield_10060',
  severity: 'customfield_10061',
  eventCategory: 'customfield_10062',
  eventType: 'customfield_10063',
  deviceName: 'customfield_10064',
  alertTimestamp: 'customfield_10065',
  notes: 'customfield_10070',
  runbook: 'customfield_10071',
  riskScore: 'customfield_10072',
  dueDay: 'customfield_10073',
  systems: 'customfield_10074',
  contained: 'customfield_10075',
  checks: 'customfield_10076',
  tags: 'customfield_10077',
  owner: 'customfield_10078',
  watchers: 'customfield_10079',
  team: 'customfield_10080',
} as const;

const priorityField = system('priority', 'Priority', 'priority', {
  hasDefaultValue: true,
  allowedValues: [
    { id: PRIORITY.highest, name: 'Highest' },
    { id: PRIORITY.high, name: 'High' },
    { id: PRIORITY.medium, name: 'Medium' },
    { id: PRIORITY.low, name: 'Low' },
    { id: PRIORITY.lowest, name: 'Lowest' },
  ],
});

const commonSystem: JiraFieldMeta[] = [
  system('summary', 'Summary', 'string', { required: true }),
  system('issuetype', 'Issue Type', 'issuetype', { required: true }),
  system('project', 'Project', 'project', { required: true }),
  system('description', 'Description', 'string'),
  system('labels', 'Labels', 'array', { schema: { type: 'array', items: 'string', system: 'labels' } }),
  system('reporter', 'Reporter', 'user', { required: true, hasDefaultValue: true }),
  system('assignee', 'Assignee', 'user'),
  system('environment', 'Environment', 'string'),
  system('duedate', 'Due date', 'date'),
];

/** Every custom field of the SEC screens, by id. */
export const SEC_CUSTOM_FIELDS: Record<string, JiraFieldMeta> = {
  [F.remoteIp]: custom(F.remoteIp, 'Remote IP Address', 'string', 'textfield'),
  [F.severity]: custom(F.severity, 'Alert Severity', 'option', 'select', {
    allowedValues: [
      option('10100', 'Critical'),
      option('10101', 'High'),
      option('10102', 'Medium'),
      option('10103', 'Low'),
    ],
  }),
  [F.eventCategory]: custom(F.eventCategory, 'Event Category', 'option', 'select', {
    allowedValues: [
      option('10110', 'breachwatch'),
      option('10111', 'login'),
      option('10112', 'policy'),
      option('10113', 'security'),
      option('10114', 'share'),
    ],
  }),
  [F.eventType]: custom(F.eventType, 'Security Event Type', 'string', 'textfield'),
  [F.deviceName]: custom(F.deviceName, 'Device Name', 'string', 'textfield'),
  [F.alertTimestamp]: custom(F.alertTimestamp, 'Alert Timestamp', 'datetime', 'datetime'),
  [F.notes]: custom(F.notes, 'Analyst Notes', 'string', 'textarea'),
  [F.runbook]: custom(F.runbook, 'Runbook', 'string', 'url'),
  [F.riskScore]: custom(F.riskScore, 'Risk Score', 'number', 'float'),
  [F.dueDay]: custom(F.dueDay, 'Review By', 'date', 'datepicker'),
  [F.systems]: custom(
    F.systems,
    'Affected Systems',
    'array',
    'multiselect',
    { allowedValues: [option('10120', 'Vault'), option('10121', 'Admin Console'), option('10122', 'KSM')] },
    'option',
  ),
  [F.contained]: custom(F.contained, 'Contained', 'option', 'radiobuttons', {
    allowedValues: [option('10130', 'Yes'), option('10131', 'No')],
  }),
  [F.checks]: custom(
    F.checks,
    'Checks Done',
    'array',
    'multicheckboxes',
    { allowedValues: [option('10140', 'User contacted'), option('10141', 'Password rotated')] },
    'option',
  ),
  [F.tags]: custom(F.tags, 'Tags', 'array', 'labels', {}, 'string'),
  [F.owner]: custom(F.owner, 'Owner', 'user', 'userpicker'),
  [F.watchers]: custom(F.watchers, 'Responders', 'array', 'multiuserpicker', {}, 'user'),
  [F.team]: custom(F.team, 'Team', 'option-with-child', 'cascadingselect'),
};

const secCustom = (...ids: string[]): JiraFieldMeta[] =>
  ids.map((id) => {
    const field = SEC_CUSTOM_FIELDS[id];
    if (!field) throw new Error(`no fixture field ${id}`);
    return field;
  });

const allCustomIds = Object.keys(SEC_CUSTOM_FIELDS);

/** createmeta of SEC by issue type id. Incident has no Device Name; the Sub-task needs a parent. */
export function secFieldMeta(): Record<string, JiraFieldMeta[]> {
  return {
    [TASK]: [...commonSystem, priorityField, ...secCustom(...allCustomIds)],
    [INCIDENT]: [...commonSystem, priorityField, ...secCustom(...allCustomIds.filter((id) => id !== F.deviceName))],
    [SUBTASK]: [
      ...commonSystem,
      priorityField,
      system('parent', 'Parent', 'issuelink', { required: true }),
      ...secCustom(F.remoteIp),
    ],
    [EPIC]: [...commonSystem, priorityField],
  };
}

/** createmeta of OPS (team-managed): project-scoped custom field ids and no Priority field. */
export function opsFieldMeta(): Record<string, JiraFieldMeta[]> {
  const remoteIp = custom('customfield_10300', 'Remote IP address', 'string', 'textfield');
  const alertTime = custom('customfield_10301', 'alert timestamp', 'datetime', 'datetime');
  return {
    [OPS_TASK]: [...commonSystem, remoteIp, alertTime],
    [OPS_SUBTASK]: [...commonSystem, system('parent', 'Parent', 'issuelink', { required: true }), remoteIp],
  };
}

export const SEC_PRIORITIES = [
  { id: PRIORITY.highest, name: 'Highest' },
  { id: PRIORITY.high, name: 'High' },
  { id: PRIORITY.medium, name: 'Medium' },
  { id: PRIORITY.low, name: 'Low' },
  { id: PRIORITY.lowest, name: 'Lowest' },
];

export function secMeta(): ProjectMeta {
  return { project: SEC, issueTypes: SEC_ISSUE_TYPES, fieldMeta: secFieldMeta(), priorities: SEC_PRIORITIES };
}

export function opsMeta(): ProjectMeta {
  return { project: OPS, issueTypes: OPS_ISSUE_TYPES, fieldMeta: opsFieldMeta(), priorities: SEC_PRIORITIES };
}

/**
 * A saved configuration for SEC with Keeper's documented mapping (the seed example): description
 * → Description, audit_event → Security Event Type, remote_address → Remote IP Address,
 * timestamp → Alert Timestamp; breaches are Incidents; priorities by category.
 */
export function secConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    version: 3,
    updatedAt: '2025-11-01T00:00:00.000Z',
    updatedBy: { accountId: 'admin-1', displayName: 'Jira Admin' },
    project: SEC,
    defaultIssueTypeId: TASK,
    summaryTemplate: DEFAULT_SUMMARY_TEMPLATE,
    fieldMappings: [
      { fieldId: 'description', source: 'description' },
      { fieldId: F.eventType, source: 'audit_event' },
      { fieldId: F.remoteIp, source: 'remote_address' },
      { fieldId: F.alertTimestamp, source: 'timestamp' },
    ],
    priorityMapping: {
      byEvent: { login_failure: PRIORITY.medium },
      byCategory: {
        breachwatch: PRIORITY.highest,
        security: PRIORITY.high,
        policy: PRIORITY.medium,
        login: PRIORITY.low,
      },
    },
    issueTypeMapping: { byEvent: { set_two_factor_off: INCIDENT }, byCategory: { breachwatch: INCIDENT } },
    issueTypes: SEC_ISSUE_TYPES,
    fieldMeta: secFieldMeta(),
    userDirectory: { 'jane.roe@example.com': 'acc-jane', 'it.admin@example.com': 'acc-it' },
    ...ruleSettingsDefaults(),
    ...overrides,
  };
}

/** A saved configuration for the team-managed OPS project with a priority rule it cannot apply. */
export function opsConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    version: 1,
    updatedAt: '2025-11-01T00:00:00.000Z',
    updatedBy: { accountId: 'admin-1', displayName: 'Jira Admin' },
    project: OPS,
    defaultIssueTypeId: OPS_TASK,
    summaryTemplate: DEFAULT_SUMMARY_TEMPLATE,
    fieldMappings: [{ fieldId: 'customfield_10300', source: 'remote_address' }],
    priorityMapping: { byEvent: {}, byCategory: { breachwatch: PRIORITY.highest } },
    issueTypeMapping: { byEvent: {}, byCategory: {} },
    issueTypes: OPS_ISSUE_TYPES,
    fieldMeta: opsFieldMeta(),
    userDirectory: {},
    ...ruleSettingsDefaults(),
    ...overrides,
  };
}
