/**
 * Save-time validation of a configuration draft against live Jira metadata (createmeta of every
 * issue type the mapping can choose). Everything delivery would otherwise discover alert by alert
 * is caught here, with messages that name the field, the issue type and the project.
 */

import { eventCatalog, UNKNOWN } from '#domain/alert/event-catalog.ts';
import type { ValidationProblem } from '#domain/errors.ts';
import { chooseIssueTypeId, issueTypeProblems } from '#domain/routing/choose-issue-type.ts';
import { priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { describeSchema, isEmptyValue, jiraFieldKind, toJiraValue } from '#domain/ticket/field-values.ts';
import { RELAY_DECIDED_FIELDS, RELAY_FILLED_FIELDS } from '#domain/ticket/relay-owned-fields.ts';

import type { ConfigDraft, ProjectMeta } from './config-draft.ts';
import {
  counterEventProblems,
  groupFieldProblems,
  type RuleTargetsMeta,
  ruleProblems,
  ruleSettingProblems,
} from './validate-rules.ts';

export type { ConfigDraft, JiraPriority, ProjectMeta } from './config-draft.ts';
export type { RuleTargetsMeta } from './validate-rules.ts';

const PARENT_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;

/** What every pass reads, and the problems found so far (in the order they are reported). */
interface ValidationContext {
  readonly draft: ConfigDraft;
  readonly meta: ProjectMeta;
  readonly userDirectory: Readonly<Record<string, string>>;
  /** Jira's answers for the projects the rules route to (metadata, assignable users, security levels). */
  readonly targets: RuleTargetsMeta;
  readonly project: string;
  readonly problems: ValidationProblem[];
  /** Issue types an alert can land in whose create screen is known: the later passes check against them. */
  readonly usableTypes: Set<string>;
  /** Field ids targeted by a mapping. */
  readonly mappedFields: Set<string>;
}

type ValidationPass = (ctx: ValidationContext) => void;

/** A part of the configuration the admin site saves on its own. */
export type ConfigSection = 'fieldMappings' | 'priorityMapping' | 'issueTypeMapping' | 'rules';

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  'fieldMappings',
  'priorityMapping',
  'issueTypeMapping',
  'rules',
];

// Order matters: checkIssueTypes fills usableTypes, checkFieldMappings fills mappedFields.
const PASSES: readonly ValidationPass[] = [
  checkSummaryTemplate,
  checkParentIssueKey,
  checkIssueTypes,
  checkFieldMappings,
  checkRequiredFields,
  checkPriorityRules,
  checkRuleSettings,
];

/**
 * The passes of a section save: that section's rules, plus what they depend on run `quietly`
 * (it fills usableTypes and mappedFields without reporting), so a problem in another saved
 * section does not block this one.
 */
const SECTION_PASSES: Readonly<Record<ConfigSection, readonly ValidationPass[]>> = {
  // Mappings against every screen an alert can land on, and the required fields left unmapped.
  fieldMappings: [quietly(checkIssueTypes), checkFieldMappings, checkRequiredFields],
  // Priority rules, and a required Priority that the default priority no longer fills.
  priorityMapping: [
    quietly(checkIssueTypes),
    quietly(checkFieldMappings),
    checkPriorityRules,
    requiredFieldsOf(({ usableTypes }) => usableTypes, 'priority'),
  ],
  // The types the rules route to, and what those types require that the mappings do not fill.
  issueTypeMapping: [checkIssueTypes, quietly(checkFieldMappings), requiredFieldsOf(ruleTargetTypes)],
  // Rules, counter-events, group fields and the other rule settings, against the screens alerts land on.
  rules: [quietly(checkIssueTypes), quietly(checkFieldMappings), checkRuleSettings],
};

function quietly(pass: ValidationPass): ValidationPass {
  return (ctx) => pass({ ...ctx, problems: [] });
}

/**
 * Every problem of `draft` against `meta`; empty when it can be saved. `userDirectory` (lower-cased
 * e-mail → accountId, resolved from `collectUserEmails`) lets user-field constants be checked;
 * `targets` (the projects rules route to, assignable users, security levels, resolved by
 * `saveConfiguration`) lets the rules be checked. With `section`, only that section's passes
 * report (see SECTION_PASSES).
 */
export function validateConfig(
  draft: ConfigDraft,
  meta: ProjectMeta,
  userDirectory: Readonly<Record<string, string>> = {},
  section?: ConfigSection,
  targets: RuleTargetsMeta = {},
): ValidationProblem[] {
  const ctx: ValidationContext = {
    draft,
    meta,
    userDirectory,
    targets,
    project: meta.project.key,
    problems: [],
    usableTypes: new Set(),
    mappedFields: new Set(),
  };
  for (const pass of section ? SECTION_PASSES[section] : PASSES) pass(ctx);
  return ctx.problems;
}

function checkSummaryTemplate(ctx: ValidationContext): void {
  const { draft, project } = ctx;
  if (draft.summaryTemplate.trim() === '') {
    add(ctx, { path: 'summaryTemplate', message: 'The summary template is empty', project });
  }
}

function checkParentIssueKey(ctx: ValidationContext): void {
  const { draft, project } = ctx;
  if (draft.parentIssueKey === undefined) return;
  const key = draft.parentIssueKey.trim().toUpperCase();
  if (!PARENT_KEY.test(key)) {
    add(ctx, {
      path: 'parentIssueKey',
      message: `Parent issue key "${draft.parentIssueKey}" is not an issue key like ${project}-123`,
      project,
    });
  } else if (!key.startsWith(`${project.toUpperCase()}-`)) {
    add(ctx, {
      path: 'parentIssueKey',
      message: `Parent issue ${key} is not in project ${project}; sub-tasks must be created in their parent's project`,
      project,
    });
  }
}

/** The default issue type and every mapped one: each must be able to take the alerts routed to it. */
function checkIssueTypes(ctx: ValidationContext): void {
  const { draft, meta, project } = ctx;
  const choices: { path: string; id: string }[] = [
    { path: 'defaultIssueTypeId', id: draft.defaultIssueTypeId },
    ...Object.entries(draft.issueTypeMapping.byEvent).map(([event, id]) => ({
      path: `issueTypeMapping.byEvent.${event}`,
      id,
    })),
    ...Object.entries(draft.issueTypeMapping.byCategory).map(([category, id]) => ({
      path: `issueTypeMapping.byCategory.${category}`,
      id,
    })),
  ];
  const target = { issueTypes: meta.issueTypes, fieldMeta: meta.fieldMeta, parentIssueKey: draft.parentIssueKey };
  for (const { path, id } of choices) {
    const problems = issueTypeProblems(id, target);
    for (const problem of problems) {
      if (problem.kind === 'unknown') {
        add(ctx, { path, message: `Issue type ${id} does not exist in project ${project}`, issueType: id, project });
      } else if (problem.kind === 'subtask-without-parent') {
        add(ctx, {
          path,
          message: `Issue type ${problem.type.name} is a sub-task type: set a parent issue key or choose another issue type for project ${project}`,
          issueType: problem.type.name,
          project,
        });
      } else {
        add(ctx, {
          path,
          message: `Jira's create metadata for issue type ${problem.type.name} in project ${project} was not loaded`,
          issueType: problem.type.name,
          project,
        });
      }
    }
    // A sub-task type without a parent is reported above, yet its screen is still checked below.
    if (problems.every((p) => p.kind === 'subtask-without-parent')) ctx.usableTypes.add(id);
  }
}

/** Each mapping against the create screen of every usable issue type (mappings apply to all). */
function checkFieldMappings(ctx: ValidationContext): void {
  const { draft, meta, project, usableTypes, mappedFields } = ctx;
  draft.fieldMappings.forEach((mapping, index) => {
    const path = `fieldMappings.${index}`;
    const { fieldId } = mapping;
    if (mappedFields.has(fieldId)) {
      add(ctx, {
        path: `${path}.fieldId`,
        message: `${fieldLabel(meta, fieldId)} is mapped more than once`,
        fieldId,
        project,
      });
    }
    mappedFields.add(fieldId);
    if (RELAY_DECIDED_FIELDS.has(fieldId)) {
      add(ctx, {
        path: `${path}.fieldId`,
        message: `${fieldLabel(meta, fieldId)} is set by the relay and cannot be mapped`,
        fieldId,
        project,
      });
      return;
    }
    if (mapping.source !== undefined && mapping.source.trim() === '') {
      add(ctx, {
        path: `${path}.source`,
        message: `${fieldLabel(meta, fieldId)} is mapped from an empty payload path`,
        fieldId,
        project,
      });
    }
    for (const typeId of usableTypes) {
      const issueType = typeName(meta, typeId);
      const field = meta.fieldMeta[typeId]?.find((f) => f.fieldId === fieldId);
      if (field === undefined) {
        add(ctx, {
          path: `${path}.fieldId`,
          message: `${fieldLabel(meta, fieldId)} is not on the create screen of issue type ${issueType} in project ${project}`,
          fieldId,
          issueType,
          project,
        });
        continue;
      }
      if (jiraFieldKind(field) === 'other') {
        add(ctx, {
          path: `${path}.fieldId`,
          message: `${fieldLabel(meta, fieldId, field.name)} on issue type ${issueType} in project ${project} has type ${describeSchema(field)}, which the relay cannot fill`,
          fieldId,
          issueType,
          project,
        });
        continue;
      }
      if (mapping.constant !== undefined) {
        const converted = isEmptyValue(mapping.constant)
          ? ({ ok: false, reason: 'the value is empty' } as const)
          : toJiraValue(field, mapping.constant, { userDirectory: ctx.userDirectory });
        const reasons = converted.ok ? converted.warnings : [converted.reason];
        for (const reason of reasons) {
          add(ctx, {
            path: `${path}.constant`,
            message: `${fieldLabel(meta, fieldId, field.name)} cannot take the constant "${mapping.constant}" on issue type ${issueType} in project ${project}: ${reason}`,
            fieldId,
            issueType,
            project,
          });
        }
      }
    }
  });
}

/** Required fields Jira would refuse the issue without. */
function checkRequiredFields(ctx: ValidationContext): void {
  requiredFieldsOf(({ usableTypes }) => usableTypes)(ctx);
}

/** Usable issue types the issue-type rules route to: what an issue-type save makes reachable. */
function ruleTargetTypes(ctx: ValidationContext): Iterable<string> {
  const { byEvent, byCategory } = ctx.draft.issueTypeMapping;
  return [...new Set([...Object.values(byEvent), ...Object.values(byCategory)])].filter((id) =>
    ctx.usableTypes.has(id),
  );
}

/** Required fields left unfilled on the issue types `typesOf` names (only `onlyField` when given). */
function requiredFieldsOf(typesOf: (ctx: ValidationContext) => Iterable<string>, onlyField?: string): ValidationPass {
  return (ctx) => {
    const { draft, meta, project } = ctx;
    for (const typeId of typesOf(ctx)) {
      const issueType = typeName(meta, typeId);
      for (const field of meta.fieldMeta[typeId] ?? []) {
        if (
          (onlyField !== undefined && field.fieldId !== onlyField) ||
          !field.required ||
          field.hasDefaultValue ||
          RELAY_FILLED_FIELDS.has(field.fieldId) ||
          ctx.mappedFields.has(field.fieldId)
        )
          continue;
        // The relay fills Priority on every ticket only when a default priority applies.
        if (field.fieldId === 'priority' && draft.priorityMapping.defaultPriorityId !== undefined) continue;
        add(ctx, {
          path: `fieldMeta.${typeId}.${field.fieldId}`,
          message: `${fieldLabel(meta, field.fieldId, field.name)} is required for issue type ${issueType} in project ${project} but is not mapped`,
          fieldId: field.fieldId,
          issueType,
          project,
        });
      }
    }
  };
}

/** Priorities: each rule is checked against the issue type its alerts land in; the default against every usable type. */
function checkPriorityRules(ctx: ValidationContext): void {
  const { draft } = ctx;
  for (const [event, priorityId] of Object.entries(draft.priorityMapping.byEvent)) {
    const category = eventCatalog.lookup(event)?.category ?? UNKNOWN;
    checkPriority(ctx, `priorityMapping.byEvent.${event}`, priorityId, [chooseIssueTypeId(draft, event, category)]);
  }
  for (const [category, priorityId] of Object.entries(draft.priorityMapping.byCategory)) {
    checkPriority(ctx, `priorityMapping.byCategory.${category}`, priorityId, [chooseIssueTypeId(draft, '', category)]);
  }
  if (draft.priorityMapping.defaultPriorityId !== undefined) {
    checkPriority(ctx, 'priorityMapping.defaultPriorityId', draft.priorityMapping.defaultPriorityId, [
      ...ctx.usableTypes,
    ]);
  }
}

function checkPriority(ctx: ValidationContext, path: string, priorityId: string, typeIds: readonly string[]): void {
  const { meta, project } = ctx;
  for (const typeId of typeIds) {
    if (!ctx.usableTypes.has(typeId)) continue;
    const issueType = typeName(meta, typeId);
    const check = priorityOnScreen(meta.fieldMeta[typeId], priorityId);
    if (check.ok) continue;
    const known = meta.priorities.find((p) => p.id === priorityId);
    const shown = known?.name ? `Priority "${known.name}" (${priorityId})` : `Priority ${priorityId}`;
    if (check.reason === 'not-on-screen') {
      const hint =
        meta.project.style === 'next-gen'
          ? '; team-managed projects have it only where it was added to the issue type'
          : '';
      add(ctx, {
        path,
        message: `${shown} cannot be set on issue type ${issueType} in project ${project}: the Priority field is not on its create screen${hint}`,
        fieldId: 'priority',
        issueType,
        project,
      });
    } else {
      add(ctx, {
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
}

/** The rules, counter-event pairs, group fields, won't-do resolutions and redaction retention. */
function checkRuleSettings(ctx: ValidationContext): void {
  const { draft, meta, targets, usableTypes, mappedFields } = ctx;
  for (const problem of [
    ...ruleProblems({ draft, meta, targets, usableTypes, mappedFields }),
    ...counterEventProblems(draft),
    ...groupFieldProblems(draft, meta, usableTypes),
    ...ruleSettingProblems(draft),
  ])
    add(ctx, problem);
}

/** Records `problem` once: the same path and message from two issue types is one problem. */
function add(ctx: Pick<ValidationContext, 'problems'>, problem: ValidationProblem): void {
  if (!ctx.problems.some((p) => p.path === problem.path && p.message === problem.message)) ctx.problems.push(problem);
}

function typeName(meta: ProjectMeta, id: string): string {
  return meta.issueTypes.find((t) => t.id === id)?.name ?? id;
}

function fieldLabel(meta: ProjectMeta, fieldId: string, name = fieldName(meta, fieldId)): string {
  return `Field "${name}" (${fieldId})`;
}

function fieldName(meta: ProjectMeta, fieldId: string): string {
  for (const fields of Object.values(meta.fieldMeta)) {
    const found = fields.find((f) => f.fieldId === fieldId);
    if (found) return found.name;
  }
  return fieldId;
}

/**
 * E-mail addresses used as constants of user fields (user picker, multi-user, assignee, reporter),
 * lower-cased and sorted, for the admin API to resolve to account ids before validating.
 * Without `meta` every constant that looks like an e-mail address is returned.
 */
export function collectUserEmails(
  draft: Pick<ConfigDraft, 'fieldMappings'>,
  meta?: Pick<ProjectMeta, 'fieldMeta'>,
): string[] {
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
