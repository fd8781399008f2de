/**
 * Save-time validation of a configuration draft against live Jira metadata (createmeta of every
 * issue type the mapping can choose). Everything delivery would otherwise discover alert by alert
 * is caught here, with messages that name the field, the issue type and the project.
 */
import type { ValidationProblem } from '#domain/errors.ts';
import { eventCatalog, UNKNOWN } from '#domain/alert/event-catalog.ts';
import { describeSchema, isEmptyValue, jiraFieldKind, toJiraValue } from '#domain/ticket/field-values.ts';
import { chooseIssueTypeId } from '#domain/ticket/build-issue.ts';
import type { JiraFieldMeta, JiraIssueType } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';

/** The administrator's choices; the rest of a RelayConfig is resolved from Jira when saving. */
export type ConfigDraft = Pick<
  RelayConfig,
  'defaultIssueTypeId' | 'summaryTemplate' | 'parentIssueKey' | 'fieldMappings' | 'priorityMapping' | 'issueTypeMapping'
>;

export interface JiraPriority {
  readonly id: string;
  readonly name: string;
}

/** Live metadata of the target project. */
export interface ProjectMeta {
  readonly project: RelayConfig['project'];
  readonly issueTypes: readonly JiraIssueType[];
  /** createmeta by issue type id; must cover every issue type the draft can choose. */
  readonly fieldMeta: Readonly<Record<string, readonly JiraFieldMeta[]>>;
  readonly priorities: readonly JiraPriority[];
}

// Fields the relay fills itself; a required one of these needs no mapping. (`parent` is filled for
// sub-task types from parentIssueKey, whose absence is reported as a sub-task problem.)
/** Fields the relay always fills itself, so a required one never needs a mapping. */
export const RELAY_FILLED: ReadonlySet<string> = new Set(['summary', 'description', 'project', 'issuetype', 'labels', 'parent']);
// Fields a mapping may not target: the relay decides them.
const NOT_MAPPABLE = new Set(['project', 'issuetype', 'parent']);
const PARENT_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;

/**
 * Every problem of `draft` against `meta`; empty when it can be saved. `userDirectory` (lower-cased
 * e-mail → accountId, resolved from `collectUserEmails`) lets user-field constants be checked.
 */
export function validateConfig(
  draft: ConfigDraft,
  meta: ProjectMeta,
  userDirectory: Readonly<Record<string, string>> = {},
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const project = meta.project.key;
  const add = (problem: ValidationProblem): void => {
    if (!problems.some((p) => p.path === problem.path && p.message === problem.message)) problems.push(problem);
  };
  const typeById = new Map(meta.issueTypes.map((t) => [t.id, t]));
  const typeName = (id: string): string => typeById.get(id)?.name ?? id;

  if (draft.summaryTemplate.trim() === '') {
    add({ path: 'summaryTemplate', message: 'The summary template is empty', project });
  }
  if (draft.parentIssueKey !== undefined) {
    const key = draft.parentIssueKey.trim().toUpperCase();
    if (!PARENT_KEY.test(key)) {
      add({ path: 'parentIssueKey', message: `Parent issue key "${draft.parentIssueKey}" is not an issue key like ${project}-123`, project });
    } else if (!key.startsWith(`${project.toUpperCase()}-`)) {
      add({ path: 'parentIssueKey', message: `Parent issue ${key} is not in project ${project}; sub-tasks must be created in their parent's project`, project });
    }
  }

  // Which issue types can an alert land in: the default and every mapped one.
  const choices: { path: string; id: string }[] = [
    { path: 'defaultIssueTypeId', id: draft.defaultIssueTypeId },
    ...Object.entries(draft.issueTypeMapping.byEvent).map(([event, id]) => ({ path: `issueTypeMapping.byEvent.${event}`, id })),
    ...Object.entries(draft.issueTypeMapping.byCategory).map(([category, id]) => ({ path: `issueTypeMapping.byCategory.${category}`, id })),
  ];
  const usableTypes = new Set<string>();
  for (const { path, id } of choices) {
    const type = typeById.get(id);
    if (type === undefined) {
      add({ path, message: `Issue type ${id} does not exist in project ${project}`, issueType: id, project });
      continue;
    }
    if (type.subtask && draft.parentIssueKey === undefined) {
      add({
        path,
        message: `Issue type ${type.name} is a sub-task type: set a parent issue key or choose another issue type for project ${project}`,
        issueType: type.name,
        project,
      });
    }
    if (meta.fieldMeta[id] === undefined) {
      add({ path, message: `Jira's create metadata for issue type ${type.name} in project ${project} was not loaded`, issueType: type.name, project });
      continue;
    }
    usableTypes.add(id);
  }

  const fieldName = (fieldId: string): string => {
    for (const fields of Object.values(meta.fieldMeta)) {
      const found = fields.find((f) => f.fieldId === fieldId);
      if (found) return found.name;
    }
    return fieldId;
  };
  const fieldLabel = (fieldId: string, name = fieldName(fieldId)): string => `Field "${name}" (${fieldId})`;

  const mappedFields = new Set<string>();
  draft.fieldMappings.forEach((mapping, index) => {
    const path = `fieldMappings.${index}`;
    const { fieldId } = mapping;
    if (mappedFields.has(fieldId)) {
      add({ path: `${path}.fieldId`, message: `${fieldLabel(fieldId)} is mapped more than once`, fieldId, project });
    }
    mappedFields.add(fieldId);
    if (NOT_MAPPABLE.has(fieldId)) {
      add({ path: `${path}.fieldId`, message: `${fieldLabel(fieldId)} is set by the relay and cannot be mapped`, fieldId, project });
      return;
    }
    if (mapping.source !== undefined && mapping.source.trim() === '') {
      add({ path: `${path}.source`, message: `${fieldLabel(fieldId)} is mapped from an empty payload path`, fieldId, project });
    }
    for (const typeId of usableTypes) {
      const issueType = typeName(typeId);
      const field = meta.fieldMeta[typeId]?.find((f) => f.fieldId === fieldId);
      if (field === undefined) {
        add({
          path: `${path}.fieldId`,
          message: `${fieldLabel(fieldId)} is not on the create screen of issue type ${issueType} in project ${project}`,
          fieldId,
          issueType,
          project,
        });
        continue;
      }
      if (jiraFieldKind(field) === 'other') {
        add({
          path: `${path}.fieldId`,
          message: `${fieldLabel(fieldId, field.name)} on issue type ${issueType} in project ${project} has type ${describeSchema(field)}, which the relay cannot fill`,
          fieldId,
          issueType,
          project,
        });
        continue;
      }
      if (mapping.constant !== undefined) {
        const converted = isEmptyValue(mapping.constant)
          ? ({ ok: false, reason: 'the value is empty' } as const)
          : toJiraValue(field, mapping.constant, { userDirectory });
        const reasons = converted.ok ? converted.warnings : [converted.reason];
        for (const reason of reasons) {
          add({
            path: `${path}.constant`,
            message: `${fieldLabel(fieldId, field.name)} cannot take the constant "${mapping.constant}" on issue type ${issueType} in project ${project}: ${reason}`,
            fieldId,
            issueType,
            project,
          });
        }
      }
    }
  });

  // Required fields Jira would refuse the issue without.
  for (const typeId of usableTypes) {
    const issueType = typeName(typeId);
    for (const field of meta.fieldMeta[typeId] ?? []) {
      if (!field.required || field.hasDefaultValue || RELAY_FILLED.has(field.fieldId) || mappedFields.has(field.fieldId)) continue;
      if (field.fieldId === 'priority' && draft.priorityMapping.defaultPriorityId !== undefined) continue;
      add({
        path: `fieldMeta.${typeId}.${field.fieldId}`,
        message: `${fieldLabel(field.fieldId, field.name)} is required for issue type ${issueType} in project ${project} but is not mapped`,
        fieldId: field.fieldId,
        issueType,
        project,
      });
    }
  }

  // Priorities: each rule is checked against the issue type its alerts land in.
  const checkPriority = (path: string, priorityId: string, typeIds: readonly string[]): void => {
    for (const typeId of typeIds) {
      if (!usableTypes.has(typeId)) continue;
      const issueType = typeName(typeId);
      const field = meta.fieldMeta[typeId]?.find((f) => f.fieldId === 'priority');
      const known = meta.priorities.find((p) => p.id === priorityId) ?? field?.allowedValues?.find((v) => v.id === priorityId);
      const shown = known?.name ? `Priority "${known.name}" (${priorityId})` : `Priority ${priorityId}`;
      if (field === undefined) {
        const hint = meta.project.style === 'next-gen' ? '; team-managed projects have it only where it was added to the issue type' : '';
        add({
          path,
          message: `${shown} cannot be set on issue type ${issueType} in project ${project}: the Priority field is not on its create screen${hint}`,
          fieldId: 'priority',
          issueType,
          project,
        });
      } else if (field.allowedValues !== undefined && !field.allowedValues.some((v) => v.id === priorityId)) {
        add({
          path,
          message: known
            ? `${shown} is not allowed for issue type ${issueType} in project ${project}`
            : `Priority ${priorityId} does not exist for issue type ${issueType} in project ${project}`,
          fieldId: 'priority',
          issueType,
          project,
        });
      }
    }
  };
  for (const [event, priorityId] of Object.entries(draft.priorityMapping.byEvent)) {
    const category = eventCatalog.lookup(event)?.category ?? UNKNOWN;
    checkPriority(`priorityMapping.byEvent.${event}`, priorityId, [chooseIssueTypeId(draft, event, category)]);
  }
  for (const [category, priorityId] of Object.entries(draft.priorityMapping.byCategory)) {
    checkPriority(`priorityMapping.byCategory.${category}`, priorityId, [chooseIssueTypeId(draft, '', category)]);
  }
  if (draft.priorityMapping.defaultPriorityId !== undefined) {
    checkPriority('priorityMapping.defaultPriorityId', draft.priorityMapping.defaultPriorityId, [...usableTypes]);
  }
  return problems;
}

/**
 * E-mail addresses used as constants of user fields (user picker, multi-user, assignee, reporter),
 * lower-cased and sorted, for the admin API to resolve to account ids before validating.
 * Without `meta` every constant that looks like an e-mail address is returned.
 */
export function collectUserEmails(draft: Pick<ConfigDraft, 'fieldMappings'>, meta?: Pick<ProjectMeta, 'fieldMeta'>): string[] {
  const userFields = new Set<string>();
  for (const fields of Object.values(meta?.fieldMeta ?? {})) {
    for (const field of fields) {
      const kind = jiraFieldKind(field);
      if (kind === 'user' || kind === 'multi-user') userFields.add(field.fieldId);
    }
  }
  const emails = new Set<string>();
  for (const mapping of draft.fieldMappings) {
    if (mapping.constant === undefined || (meta !== undefined && !userFields.has(mapping.fieldId))) continue;
    for (const item of mapping.constant.split(',')) {
      const email = item.trim().toLowerCase();
      if (/^[^\s@]+@[^\s@]+$/.test(email)) emails.add(email);
    }
  }
  return [...emails].sort();
}
