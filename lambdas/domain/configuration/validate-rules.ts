/**
 * Save-time validation of the rule settings (docs/rules-and-grouping.md): ordered rules against
 * the live metadata of every project they route to, the assignable users and security levels
 * Jira reports, counter-event pairs, group fields, won't-do resolutions and the redaction
 * retention. Like the mapping checks, everything delivery would discover alert by alert is caught
 * here; each problem's `path` names the setting (`rules.2.actions.assigneeAccountId`) so the admin
 * site can show it next to it.
 */
import { eventCatalog } from '#domain/alert/event-catalog.ts';
import type { ValidationProblem } from '#domain/errors.ts';
import type { JiraFieldMeta, SecurityLevel } from '#domain/ports.ts';
import type { Clause, Rule } from '#domain/relay-config.ts';
import { issueTypeProblems } from '#domain/routing/choose-issue-type.ts';
import { priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { parseCidr, patternProblem } from '#domain/routing/rule-conditions.ts';
import { describeSchema, jiraFieldKind, toLabel } from '#domain/ticket/field-values.ts';
import { RELAY_FILLED_FIELDS } from '#domain/ticket/relay-owned-fields.ts';
import type { ConfigDraft, ProjectMeta } from './config-draft.ts';

/** What Jira answered when saving, for the projects the rules route to (keys in upper case). */
export interface RuleTargetsMeta {
  /** Live metadata of each project other than the default one that a rule routes to. */
  readonly projects?: Readonly<Record<string, ProjectMeta>>;
  /** Account ids Jira lists as assignable in the project, for the accounts the rules assign to. */
  readonly assignable?: Readonly<Record<string, readonly string[]>>;
  /** The issue security levels of the project's security scheme. */
  readonly securityLevels?: Readonly<Record<string, readonly SecurityLevel[]>>;
}

export interface RuleCheckInput {
  readonly draft: ConfigDraft;
  /** The default project. */
  readonly meta: ProjectMeta;
  readonly targets: RuleTargetsMeta;
  /** Issue types of the default project an alert can land in through the mapping (create screen known). */
  readonly usableTypes: ReadonlySet<string>;
  /** Field ids targeted by a mapping. */
  readonly mappedFields: ReadonlySet<string>;
}

/** Where a rule's tickets go, as far as validation can tell. */
interface RuleTarget {
  readonly key: string;
  readonly meta: ProjectMeta;
  readonly isDefault: boolean;
  /** Issue types the rule's tickets can have there, create screen known. */
  readonly typeIds: readonly string[];
}

/** Every problem of `draft.rules`; empty when they can be saved. */
export function ruleProblems(input: RuleCheckInput): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const add = (problem: ValidationProblem): void => {
    if (!problems.some((p) => p.path === problem.path && p.message === problem.message)) problems.push(problem);
  };
  const seen = new Map<string, number>();
  input.draft.rules.forEach((rule, index) => {
    const path = `rules.${index}`;
    const name = `Rule "${rule.name}"`;
    const earlier = seen.get(rule.id);
    if (earlier !== undefined) {
      add({
        path: `${path}.id`,
        message: `${name} has the id "${rule.id}" of rule ${earlier + 1}; rule ids must be unique`,
      });
    } else {
      seen.set(rule.id, index);
    }
    checkCondition(rule, path, name, add);
    const target = ruleTarget(input, rule, path, name, add);
    checkActions(input, rule, target, path, name, add);
  });
  return problems;
}

/** Problems of the counter-event pairs: known, different events; each event opens one pair at most. */
export function counterEventProblems(draft: Pick<ConfigDraft, 'counterEvents'>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const opened = new Map<string, number>();
  draft.counterEvents.forEach((pair, index) => {
    const path = `counterEvents.${index}`;
    const name = `Counter-event pair ${index + 1} (${pair.open} → ${pair.close})`;
    for (const end of ['open', 'close'] as const) {
      const problem = unknownEvent(pair[end]);
      if (problem) problems.push({ path: `${path}.${end}`, message: `${name}: ${problem}` });
    }
    if (pair.open === pair.close) {
      problems.push({ path: `${path}.close`, message: `${name} closes with the event that opens it` });
    }
    const earlier = opened.get(pair.open);
    if (earlier !== undefined) {
      problems.push({
        path: `${path}.open`,
        message: `${name}: ${pair.open} already opens pair ${earlier + 1}; an event can open one pair only`,
      });
    } else {
      opened.set(pair.open, index);
    }
    pair.key.forEach((key, k) => {
      if (key.trim() === '' || key !== key.trim()) {
        problems.push({ path: `${path}.key.${k}`, message: `${name}: key field "${key}" is not a payload path` });
      }
    });
  });
  return problems;
}

/**
 * Problems of the group fields: each must be on the create screen of an issue type alerts land in
 * and be a number (occurrences) or a date-time (last seen) field there.
 */
export function groupFieldProblems(
  draft: Pick<ConfigDraft, 'groupFields'>,
  meta: ProjectMeta,
  usableTypes: ReadonlySet<string>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const project = meta.project.key;
  const { occurrencesFieldId, lastSeenFieldId } = draft.groupFields;
  const wanted = [
    { setting: 'occurrencesFieldId', fieldId: occurrencesFieldId, kind: 'number', what: 'the occurrence count' },
    { setting: 'lastSeenFieldId', fieldId: lastSeenFieldId, kind: 'date-time', what: 'the last-seen time' },
  ] as const;
  for (const { setting, fieldId, kind, what } of wanted) {
    if (fieldId === undefined) continue;
    const path = `groupFields.${setting}`;
    const found = [...usableTypes].flatMap((typeId) => {
      const field = meta.fieldMeta[typeId]?.find((f) => f.fieldId === fieldId);
      return field === undefined ? [] : [{ typeId, field }];
    });
    if (found.length === 0) {
      problems.push({
        path,
        message: `Field ${fieldId} for ${what} is not on the create screen of any issue type alerts land in, in project ${project}`,
        fieldId,
        project,
      });
      continue;
    }
    for (const { typeId, field } of found) {
      if (jiraFieldKind(field) === kind) continue;
      problems.push({
        path,
        message: `Field "${field.name}" (${fieldId}) cannot hold ${what}: it has type ${describeSchema(field)} on issue type ${typeName(meta, typeId)} in project ${project}, not ${kind === 'number' ? 'a number' : 'a date-time'} field`,
        fieldId,
        issueType: typeName(meta, typeId),
        project,
      });
      break;
    }
  }
  if (occurrencesFieldId !== undefined && occurrencesFieldId === lastSeenFieldId) {
    problems.push({
      path: 'groupFields.lastSeenFieldId',
      message: `Field ${occurrencesFieldId} cannot hold both the occurrence count and the last-seen time`,
      fieldId: occurrencesFieldId,
      project,
    });
  }
  return problems;
}

/** Problems of the won't-do resolutions and the redaction retention. */
export function ruleSettingProblems(
  draft: Pick<ConfigDraft, 'wontDoResolutions' | 'redactionRetentionDays'>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const seen = new Set<string>();
  draft.wontDoResolutions.forEach((resolution, index) => {
    const path = `wontDoResolutions.${index}`;
    const name = resolution.trim();
    if (name === '') problems.push({ path, message: `Won't-do resolution ${index + 1} is empty` });
    else if (seen.has(name.toLowerCase()))
      problems.push({ path, message: `Won't-do resolution "${name}" is listed more than once` });
    seen.add(name.toLowerCase());
  });
  const days = draft.redactionRetentionDays;
  if (!Number.isInteger(days) || days < 0 || days > 365) {
    problems.push({
      path: 'redactionRetentionDays',
      message: `The ledger keeps redacted originals for 0 to 365 days, not ${days}`,
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

type Add = (problem: ValidationProblem) => void;

function checkCondition(rule: Rule, path: string, name: string, add: Add): void {
  if (rule.when.clauses.length === 0) {
    add({ path: `${path}.when`, message: `${name} has no condition: add at least one` });
    return;
  }
  rule.when.clauses.forEach((clause, j) => {
    const clausePath = `${path}.when.clauses.${j}`;
    if ('match' in clause) {
      if (clause.clauses.length === 0) add({ path: clausePath, message: `${name} has an empty group of conditions` });
      clause.clauses.forEach((inner, m) => {
        checkClause(inner, `${clausePath}.clauses.${m}`, name, add);
      });
    } else {
      checkClause(clause, clausePath, name, add);
    }
  });
}

function checkClause(clause: Clause, path: string, name: string, add: Add): void {
  if (clause.kind === 'event') {
    clause.in.forEach((event, k) => {
      const problem = unknownEvent(event);
      if (problem) {
        add({
          path: `${path}.in.${k}`,
          message: `${name}: ${problem}. To match an event the catalog does not know yet, use a field condition on audit_event`,
        });
      }
    });
    return;
  }
  if (clause.kind === 'category') return;
  if (clause.path.trim() === '') add({ path: `${path}.path`, message: `${name} compares an empty payload path` });
  clause.values.forEach((value, k) => {
    const valuePath = `${path}.values.${k}`;
    if (clause.op === 'matches') {
      const problem = patternProblem(value);
      if (problem) add({ path: valuePath, message: `${name}: the pattern for ${clause.path} ${problem}` });
    } else if (clause.op === 'cidr' && parseCidr(value) === undefined) {
      add({
        path: valuePath,
        message: `${name}: "${value}" for ${clause.path} is not an IPv4 or IPv6 address or range (like 10.0.0.0/8 or 2001:db8::/32)`,
      });
    }
  });
}

/** Where the rule's tickets go; reports a project or issue type that cannot take them. */
function ruleTarget(input: RuleCheckInput, rule: Rule, path: string, name: string, add: Add): RuleTarget | undefined {
  const { meta, draft, usableTypes } = input;
  const wanted = rule.actions.route?.projectKey?.trim().toUpperCase() ?? '';
  const isDefault = wanted === '' || wanted === meta.project.key.toUpperCase();
  const key = isDefault ? meta.project.key : wanted;
  const targetMeta = isDefault ? meta : input.targets.projects?.[key];
  if (targetMeta === undefined) {
    add({
      path: `${path}.actions.route.projectKey`,
      message: `${name} routes to project ${key}, which does not exist or in which the relay's Jira account cannot create issues`,
      project: key,
    });
    return undefined;
  }
  const issueTypeId = rule.actions.route?.issueTypeId;
  if (issueTypeId === undefined || issueTypeId === '') {
    if (isDefault) return { key, meta: targetMeta, isDefault, typeIds: [...usableTypes] };
    add({
      path: `${path}.actions.route.issueTypeId`,
      message: `${name} routes to project ${key}: choose the issue type its tickets get there`,
      project: key,
    });
    return { key, meta: targetMeta, isDefault, typeIds: [] };
  }
  const typePath = `${path}.actions.route.issueTypeId`;
  const problems = issueTypeProblems(issueTypeId, {
    issueTypes: targetMeta.issueTypes,
    fieldMeta: targetMeta.fieldMeta,
    // The configured parent issue lives in the default project: sub-tasks elsewhere have none.
    parentIssueKey: isDefault ? draft.parentIssueKey : undefined,
  });
  for (const problem of problems) {
    if (problem.kind === 'unknown') {
      add({
        path: typePath,
        message: `${name}: issue type ${issueTypeId} does not exist in project ${key}`,
        project: key,
      });
    } else if (problem.kind === 'subtask-without-parent') {
      add({
        path: typePath,
        message: `${name}: issue type ${problem.type.name} is a sub-task type${isDefault ? ' and no parent issue key is set' : `; the relay creates sub-tasks only in project ${meta.project.key}, under the parent issue key`}`,
        issueType: problem.type.name,
        project: key,
      });
    } else {
      add({
        path: typePath,
        message: `${name}: Jira's create metadata for issue type ${problem.type.name} in project ${key} was not loaded`,
        issueType: problem.type.name,
        project: key,
      });
    }
  }
  return { key, meta: targetMeta, isDefault, typeIds: problems.length === 0 ? [issueTypeId] : [] };
}

function checkActions(
  input: RuleCheckInput,
  rule: Rule,
  target: RuleTarget | undefined,
  path: string,
  name: string,
  add: Add,
): void {
  const { actions } = rule;
  const actionsPath = `${path}.actions`;
  if (target !== undefined) {
    if (actions.route?.issueTypeId !== undefined) checkRequiredFields(input, rule, target, actionsPath, name, add);
    if (actions.priorityId !== undefined)
      checkPriority(target, actions.priorityId, `${actionsPath}.priorityId`, name, add);
    if (actions.escalation !== undefined)
      checkPriority(target, actions.escalation.priorityId, `${actionsPath}.escalation.priorityId`, name, add);
    if (actions.assigneeAccountId !== undefined)
      checkAssignee(input, target, actions.assigneeAccountId, actionsPath, name, add);
    if (actions.securityLevelId !== undefined)
      checkSecurity(input, target, actions.securityLevelId, actionsPath, name, add);
  }
  actions.labels?.forEach((label, k) => {
    if (toLabel(label) === '') add({ path: `${actionsPath}.labels.${k}`, message: `${name} adds an empty label` });
  });
  actions.redact?.forEach((redacted, k) => {
    if (redacted.trim() === '' || redacted !== redacted.trim()) {
      add({
        path: `${actionsPath}.redact.${k}`,
        message: `${name} redacts "${redacted}", which is not a payload path (no spaces around it, e.g. username or event.record_uid)`,
      });
    }
  });
  actions.grouping?.key.forEach((key, k) => {
    if (key.trim() === '' || key !== key.trim()) {
      add({
        path: `${actionsPath}.grouping.key.${k}`,
        message: `${name} groups by "${key}", which is not a payload path`,
      });
    }
  });
  if (actions.escalation !== undefined && actions.grouping === undefined) {
    add({
      path: `${actionsPath}.escalation`,
      message: `${name} escalates but does not group alerts: escalation raises the priority of a group's issue, so turn on grouping`,
    });
  }
  if (actions.stormCap !== undefined && (!Number.isInteger(actions.stormCap) || actions.stormCap < 1)) {
    add({ path: `${actionsPath}.stormCap`, message: `${name}: the storm limit must be at least 1 new issue per hour` });
  }
}

/** Required fields of the rule's issue type that neither the relay, the rule nor a mapping fills. */
function checkRequiredFields(
  input: RuleCheckInput,
  rule: Rule,
  target: RuleTarget,
  actionsPath: string,
  name: string,
  add: Add,
): void {
  const { actions } = rule;
  for (const typeId of target.typeIds) {
    const issueType = typeName(target.meta, typeId);
    for (const field of target.meta.fieldMeta[typeId] ?? []) {
      if (!field.required || field.hasDefaultValue || RELAY_FILLED_FIELDS.has(field.fieldId)) continue;
      if (input.mappedFields.has(field.fieldId)) continue;
      if (
        field.fieldId === 'priority' &&
        (actions.priorityId !== undefined || input.draft.priorityMapping.defaultPriorityId !== undefined)
      )
        continue;
      if (field.fieldId === 'assignee' && actions.assigneeAccountId !== undefined) continue;
      if (field.fieldId === 'security' && actions.securityLevelId !== undefined) continue;
      add({
        path: `${actionsPath}.route.issueTypeId`,
        message: `${name}: field "${field.name}" (${field.fieldId}) is required for issue type ${issueType} in project ${target.key} but nothing fills it; map it or choose another issue type`,
        fieldId: field.fieldId,
        issueType,
        project: target.key,
      });
    }
  }
}

function checkPriority(target: RuleTarget, priorityId: string, path: string, name: string, add: Add): void {
  for (const typeId of target.typeIds) {
    const check = priorityOnScreen(target.meta.fieldMeta[typeId], priorityId);
    if (check.ok) continue;
    const issueType = typeName(target.meta, typeId);
    const known = target.meta.priorities.find((p) => p.id === priorityId);
    const shown = known ? `priority "${known.name}" (${priorityId})` : `priority ${priorityId}`;
    add({
      path,
      message:
        check.reason === 'not-on-screen'
          ? `${name}: ${shown} cannot be set on issue type ${issueType} in project ${target.key}: the Priority field is not on its create screen`
          : `${name}: ${shown} is not allowed for issue type ${issueType} in project ${target.key}`,
      fieldId: 'priority',
      issueType,
      project: target.key,
    });
  }
}

function checkAssignee(
  input: RuleCheckInput,
  target: RuleTarget,
  accountId: string,
  actionsPath: string,
  name: string,
  add: Add,
): void {
  const path = `${actionsPath}.assigneeAccountId`;
  if (!(input.targets.assignable?.[target.key.toUpperCase()] ?? []).includes(accountId)) {
    add({
      path,
      message: `${name} assigns tickets to account ${accountId}, who cannot be assigned issues in project ${target.key}`,
      fieldId: 'assignee',
      project: target.key,
    });
  }
  fieldOnScreens(target, 'assignee', 'Assignee', path, name, add);
}

function checkSecurity(
  input: RuleCheckInput,
  target: RuleTarget,
  levelId: string,
  actionsPath: string,
  name: string,
  add: Add,
): void {
  const path = `${actionsPath}.securityLevelId`;
  const levels = input.targets.securityLevels?.[target.key.toUpperCase()] ?? [];
  if (!levels.some((l) => l.id === levelId)) {
    const available =
      levels.length === 0
        ? 'it has no security scheme'
        : `its levels are ${levels.map((l) => `${l.name} (${l.id})`).join(', ')}`;
    add({
      path,
      message: `${name}: security level ${levelId} is not in the security scheme of project ${target.key}; ${available}`,
      fieldId: 'security',
      project: target.key,
    });
  }
  fieldOnScreens(target, 'security', 'Security Level', path, name, add);
}

function fieldOnScreens(
  target: RuleTarget,
  fieldId: string,
  label: string,
  path: string,
  name: string,
  add: Add,
): void {
  for (const typeId of target.typeIds) {
    const screen: readonly JiraFieldMeta[] = target.meta.fieldMeta[typeId] ?? [];
    if (screen.some((f) => f.fieldId === fieldId)) continue;
    const issueType = typeName(target.meta, typeId);
    add({
      path,
      message: `${name}: ${label} is not on the create screen of issue type ${issueType} in project ${target.key}`,
      fieldId,
      issueType,
      project: target.key,
    });
  }
}

/** Why `event` cannot be used (not in Keeper's catalog, with the nearest known names), or undefined. */
function unknownEvent(event: string): string | undefined {
  if (eventCatalog.lookup(event) !== undefined) return undefined;
  const near = nearestEvents(event);
  return `Keeper's event catalog has no event "${event}"${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}`;
}

/** Catalog events within a small edit distance of `event`, closest first (at most 3). */
function nearestEvents(event: string): string[] {
  const wanted = event.trim().toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return eventCatalog.events
    .map((e) => ({ name: e.event, distance: editDistance(wanted, e.event, limit) }))
    .filter((e) => e.distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map((e) => e.name);
}

/** Levenshtein distance, or `limit + 1` as soon as it is known to exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

function typeName(meta: ProjectMeta, id: string): string {
  return meta.issueTypes.find((t) => t.id === id)?.name ?? id;
}
