/**
 * Keeper's documented defaults for its Jira integration (Keeper's Jira ITSM documentation, see
 * docs/keeper-alert-facts.md), applied only where the target project has the field, issue
 * type or priority — so the draft produced here passes `validateConfig` for that project.
 */

import { ValidationError } from '#domain/errors.ts';
import type { JiraIssueType } from '#domain/ports.ts';
import {
  DEFAULT_COMMENT_INTERVAL_SECONDS,
  DEFAULT_GROUP_WINDOW_MINUTES,
  DEFAULT_REOPEN_WINDOW_HOURS,
  DEFAULT_SUMMARY_TEMPLATE,
  type FieldMapping,
  type Rule,
  ruleSettingsDefaults,
} from '#domain/relay-config.ts';
import { chooseIssueTypeId, issueTypeProblems } from '#domain/routing/choose-issue-type.ts';
import { priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { jiraFieldKind } from '#domain/ticket/field-values.ts';
import { RELAY_FILLED_FIELDS } from '#domain/ticket/relay-owned-fields.ts';
import type { ConfigDraft, ProjectMeta } from './validate-config.ts';

/**
 * Payload field → Jira field (matched by name, case-insensitive). `alert_name` goes to the summary
 * through the template; `description` is the readable text of the relay's description document.
 */
const DEFAULT_FIELD_MAPPINGS: readonly { source: string; fieldId?: string; fieldName: string }[] = [
  { source: 'description', fieldId: 'description', fieldName: 'Description' },
  { source: 'audit_event', fieldName: 'Security Event Type' },
  { source: 'remote_address', fieldName: 'Remote IP Address' },
  { source: 'timestamp', fieldName: 'Alert Timestamp' },
];

/**
 * Priority by category. The first six keys are the category/event keys Keeper's Jira integration
 * documents. Keeper's event catalog (alert/data/keeper-event-types.json) uses other category names
 * (breachwatch, security, policy, login, …), so those get equivalent rules: a BreachWatch hit is a
 * credential exposure (data breach → Highest); `security` holds 2FA, role and device-lock changes
 * that weaken account protection (High); `policy` holds admin policy changes (Medium, like a policy
 * violation); `login` is sign-in activity (Low, like audit_user_login).
 */
const DEFAULT_PRIORITIES_BY_CATEGORY: readonly [category: string, priorityName: string][] = [
  ['data_breach', 'Highest'],
  ['password_breach', 'Highest'],
  ['unauthorized_access', 'High'],
  ['suspicious_activity', 'High'],
  ['policy_violation', 'Medium'],
  ['audit_user_login', 'Low'],
  ['breachwatch', 'Highest'],
  ['security', 'High'],
  ['policy', 'Medium'],
  ['login', 'Low'],
];

/** Issue type by category: breaches are incidents, policy violations are tasks (Keeper's defaults). */
const DEFAULT_ISSUE_TYPES_BY_CATEGORY: readonly [category: string, issueTypeName: string][] = [
  ['data_breach', 'Incident'],
  ['password_breach', 'Incident'],
  ['policy_violation', 'Task'],
  // The catalog's name for BreachWatch events, which Keeper's defaults treat as breaches.
  ['breachwatch', 'Incident'],
];

/**
 * A configuration draft with Keeper's documented defaults for the project described by `meta`.
 * `meta.fieldMeta` should cover the default type and Incident/Task where they exist; rules whose
 * type, field or priority the project lacks are left out. Throws ValidationError when the project
 * has no issue type a ticket can be created with.
 */
export function keeperDefaults(meta: ProjectMeta): ConfigDraft {
  const project = meta.project.key;
  // Without a parent issue key only types that take tickets on their own qualify.
  const creatable = meta.issueTypes.filter(
    (t) => issueTypeProblems(t.id, { issueTypes: meta.issueTypes, fieldMeta: meta.fieldMeta }).length === 0,
  );
  const byName = (name: string): JiraIssueType | undefined =>
    creatable.find((t) => t.name.toLowerCase() === name.toLowerCase());
  const defaultType = byName('Task') ?? creatable.find((t) => t.hierarchyLevel === 0) ?? creatable[0];
  if (defaultType === undefined) {
    throw new ValidationError(`Project ${project} has no issue type the relay can create tickets with`, [
      {
        path: 'defaultIssueTypeId',
        message: `Project ${project} has no non-sub-task issue type with create metadata`,
        project,
      },
    ]);
  }

  // A type whose create screen requires a field the defaults cannot fill (e.g. a required "Alert
  // Severity" select on Incident) is left out: the admin maps that field first, then adds the rule.
  const fillable = (typeId: string): boolean =>
    (meta.fieldMeta[typeId] ?? []).every((f) => !f.required || f.hasDefaultValue || RELAY_FILLED_FIELDS.has(f.fieldId));
  const issueTypeByCategory: Record<string, string> = {};
  for (const [category, typeName] of DEFAULT_ISSUE_TYPES_BY_CATEGORY) {
    const type = byName(typeName);
    if (type !== undefined && fillable(type.id)) issueTypeByCategory[category] = type.id;
  }
  const issueTypeMapping = { byEvent: {}, byCategory: issueTypeByCategory };
  const chosenTypes = [...new Set([defaultType.id, ...Object.values(issueTypeByCategory)])];

  // A field is mapped only if every issue type an alert can land in has it (mappings apply to all).
  const fieldMappings: FieldMapping[] = [];
  for (const wanted of DEFAULT_FIELD_MAPPINGS) {
    const field = (meta.fieldMeta[defaultType.id] ?? []).find((f) =>
      wanted.fieldId ? f.fieldId === wanted.fieldId : f.name.trim().toLowerCase() === wanted.fieldName.toLowerCase(),
    );
    if (field === undefined || jiraFieldKind(field) === 'other') continue;
    if (chosenTypes.every((id) => meta.fieldMeta[id]?.some((f) => f.fieldId === field.fieldId))) {
      fieldMappings.push({ fieldId: field.fieldId, source: wanted.source });
    }
  }

  const byCategory: Record<string, string> = {};
  for (const [category, priorityName] of DEFAULT_PRIORITIES_BY_CATEGORY) {
    const priority = meta.priorities.find((p) => p.name.toLowerCase() === priorityName.toLowerCase());
    if (priority === undefined) continue;
    const typeId = chooseIssueTypeId({ issueTypeMapping, defaultIssueTypeId: defaultType.id }, '', category);
    // Only where Jira accepts it: team-managed types may lack Priority, schemes may restrict it.
    if (priorityOnScreen(meta.fieldMeta[typeId], priority.id).ok) byCategory[category] = priority.id;
  }

  // The suggested rule escalates to High only where every screen its tickets can land on takes High:
  // a rule without its own issue type follows the mapping, so any chosen type can receive them.
  const high = meta.priorities.find((p) => p.name.toLowerCase() === 'high');
  const highEverywhere =
    high !== undefined && chosenTypes.every((typeId) => priorityOnScreen(meta.fieldMeta[typeId], high.id).ok);

  return {
    defaultIssueTypeId: defaultType.id,
    summaryTemplate: DEFAULT_SUMMARY_TEMPLATE,
    fieldMappings,
    priorityMapping: { byEvent: {}, byCategory },
    issueTypeMapping,
    ...withoutRoutedProjects(ruleSettingsDefaults()),
    rules: [failedLoginsRule(highEverywhere ? high?.id : undefined)],
  };
}

/**
 * The suggested rule: repeated failed logins of one user become one issue with a comment per
 * minute instead of an issue each, and ten within ten minutes raise it to High.
 */
export function failedLoginsRule(highPriorityId?: string): Rule {
  return {
    id: 'group-failed-logins',
    name: 'Group repeated failed logins',
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
    actions: {
      grouping: {
        key: ['audit_event', 'username'],
        windowMinutes: DEFAULT_GROUP_WINDOW_MINUTES,
        commentIntervalSeconds: DEFAULT_COMMENT_INTERVAL_SECONDS,
        reopenWindowHours: DEFAULT_REOPEN_WINDOW_HOURS,
      },
      ...(highPriorityId === undefined
        ? {}
        : { escalation: { occurrences: 10, withinMinutes: 10, priorityId: highPriorityId } }),
    },
  };
}

function withoutRoutedProjects<T extends { routedProjects: unknown }>(settings: T): Omit<T, 'routedProjects'> {
  const { routedProjects: _, ...rest } = settings;
  return rest;
}
