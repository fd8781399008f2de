/**
 * POST /rest/api/3/issue validation, reproducing Jira Cloud's observable behaviour: which fields
 * the create screen accepts, the value shape each field type needs, and the exact error texts
 * (docs/jira-cloud-facts.md: "Create issue", "Atlassian Document Format"). Messages marked [I] in
 * README.md are Jira-like but inferred.
 */
import { isAdfDocument, isValidAdf } from './adf.ts';
import { can } from './api-context.ts';
import { errorCollection, isRecord } from './http.ts';
import {
  findField,
  findIssueType,
  findPriority,
  findProject,
  findUser,
  issueTypeJson,
  type Links,
  optionJson,
  priorityJson,
  projectJson,
  securityLevelJson,
  userJson,
} from './representations.ts';
import {
  DEFAULT_PRIORITY_ID,
  type FieldDef,
  ISSUE_TYPES,
  type IssueTypeDef,
  PRIORITIES,
  type PriorityDef,
  type ProjectDef,
  type ScreenField,
  type SeedUser,
} from './seed.ts';
import type { StoredIssue } from './state.ts';

export const GENERIC_CREATE_ERROR =
  "We can't create this issue for you right now, it could be due to unsupported content you've entered into one or more of the issue fields. If this situation persists, contact your administrator as they'll be able to access more specific information in the log file.";
const NOT_ADF = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
const NOT_STRING = 'Operation value must be a string';
const NOT_NUMBER = 'Operation value must be a number';
const NOT_ARRAY = 'data was not an array';
const NOT_OBJECT = 'data was not an object';
const BAD_OPTION = "Could not find valid 'id' or 'value' in the Parent Option object.";
export const TEXT_LIMIT = 32_767;
export const TEXT_TOO_LONG = 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.';
const SHORT_TEXT_LIMIT = 255;

export const cannotBeSet = (fieldId: string): string =>
  `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** What checking one field value needs. */
export interface FieldContext {
  readonly links: Links;
  readonly caller: SeedUser;
  findIssue(idOrKey: string): StoredIssue | undefined;
}

export interface CreateContext extends FieldContext {
  readonly screens: Record<string, Record<string, ScreenField[]>>;
}

export type CreateResult =
  | { ok: true; project: ProjectDef; issueType: IssueTypeDef; fields: Record<string, unknown> }
  | { ok: false; body: ReturnType<typeof errorCollection> };

/** A field value converted to its stored (GET) form, or the error Jira would name for it. */
export type Checked = { value: unknown } | { error: string } | { invalidAdf: true };

const fail = (errors: Record<string, string>): CreateResult => ({ ok: false, body: errorCollection([], errors) });

/** One change to a field: `fields.x` is a `set`, `update.x` a list of operations. */
export interface FieldOperation {
  readonly verb: string;
  readonly value: unknown;
}

export interface RequestedChanges {
  readonly operations: Map<string, FieldOperation[]>;
  /** Request-level refusals (a field named in both `fields` and `update`). */
  readonly messages: string[];
}

/**
 * The field changes of a create or edit body, or the error Jira answers when the body is not an
 * IssueUpdateDetails object or its `fields` is not an object.
 */
export function readUpdateBody(
  body: unknown,
): { ok: true; changes: RequestedChanges } | { ok: false; body: ReturnType<typeof errorCollection> } {
  if (!isRecord(body))
    return {
      ok: false,
      body: errorCollection([
        'Can not deserialize instance of com.atlassian.jira.rest.v2.issue.IssueUpdateBean out of VALUE token',
      ]),
    };
  const changes = requestedChanges(body);
  if (changes === 'fields')
    return {
      ok: false,
      body: errorCollection(['Can not deserialize instance of java.util.LinkedHashMap out of VALUE token']),
    };
  return { ok: true, changes };
}

/** The field changes of an IssueUpdateDetails body, as Jira reads `fields` and `update`; `fields` when that is not an object. */
export function requestedChanges(body: Record<string, unknown>): RequestedChanges | 'fields' {
  const fields = body['fields'] === undefined ? {} : body['fields'];
  if (!isRecord(fields)) return 'fields';
  const operations = new Map<string, FieldOperation[]>();
  const messages: string[] = [];
  for (const [fieldId, value] of Object.entries(fields)) operations.set(fieldId, [{ verb: 'set', value }]);
  const update = body['update'];
  if (isRecord(update)) {
    for (const [fieldId, ops] of Object.entries(update)) {
      if (operations.has(fieldId)) {
        messages.push(`Field '${fieldId}' cannot appear in both 'fields' and 'update'`);
        continue;
      }
      if (!Array.isArray(ops)) continue;
      operations.set(
        fieldId,
        ops.filter(isRecord).flatMap((op) => Object.entries(op).map(([verb, value]) => ({ verb, value }))),
      );
    }
  }
  return { operations, messages };
}

/** Operations a field supports: lists can be added to and removed from, everything can be set. */
export function supportedVerbs(field: FieldDef): readonly string[] {
  return field.schema.type === 'array' ? ['add', 'set', 'remove'] : ['set'];
}

export const unsupportedVerb = (field: FieldDef, verb: string): string =>
  `Field with id' ${field.id}' and name '${field.name}' does not support operation '${verb}' Supported operation(s) are: '${supportedVerbs(field).join(',')}'`;

/** The raw value a create sends for a field: `set` replaces, `add` appends, `remove` takes out. */
function rawCreateValue(operations: readonly FieldOperation[]): unknown {
  let value: unknown;
  for (const op of operations) {
    if (op.verb === 'set') value = op.value;
    else if (op.verb === 'add') value = [...(Array.isArray(value) ? value : []), op.value];
    else if (op.verb === 'remove' && Array.isArray(value)) value = value.filter((v) => v !== op.value);
  }
  return value;
}

/**
 * The fields of a create or edit screen the caller sees (what createmeta lists): the Security Level
 * field only for users with Set Issue Security in a project that has a security scheme.
 */
export function visibleScreen(screen: readonly ScreenField[], caller: SeedUser, project: ProjectDef): ScreenField[] {
  return screen.filter(
    (s) =>
      s.fieldId !== 'security' || (project.securityScheme !== undefined && can(caller, project, 'SET_ISSUE_SECURITY')),
  );
}

function resolveProject(value: unknown): ProjectDef | undefined {
  if (!isRecord(value)) return undefined;
  const id = value['id'];
  const key = value['key'];
  if (typeof id === 'string' || typeof id === 'number') return findProject(String(id));
  if (typeof key === 'string') return findProject(key);
  return undefined;
}

function resolveIssueType(project: ProjectDef, value: unknown): IssueTypeDef | undefined {
  if (!isRecord(value)) return undefined;
  const types = project.issueTypeIds.map((id) => findIssueType(id)).filter((t) => t !== undefined);
  const id = value['id'];
  const name = value['name'];
  if (typeof id === 'string' || typeof id === 'number') return types.find((t) => t.id === String(id));
  if (typeof name === 'string') return types.find((t) => t.name.toLowerCase() === name.toLowerCase());
  return undefined;
}

function checkOption(field: FieldDef, value: unknown, links: Links): Checked {
  if (!isRecord(value)) return { error: BAD_OPTION };
  const options = field.options ?? [];
  const id = value['id'];
  if (typeof id === 'string' || typeof id === 'number') {
    const option = options.find((o) => o.id === String(id));
    return option ? { value: optionJson(links, option) } : { error: `Option id '${String(id)}' is not valid` };
  }
  const optionValue = value['value'];
  if (typeof optionValue === 'string') {
    const option = options.find((o) => o.value === optionValue);
    return option ? { value: optionJson(links, option) } : { error: `Option value '${optionValue}' is not valid` };
  }
  return { error: BAD_OPTION };
}

function checkUser(value: unknown, links: Links): Checked {
  if (value === null) return { value: null };
  if (!isRecord(value)) return { error: NOT_OBJECT };
  const raw = value['accountId'] ?? value['id'];
  const accountId = typeof raw === 'string' ? raw : '';
  const user = findUser(accountId);
  return user ? { value: userJson(links, user) } : { error: `Account ID ${accountId} does not exist.` };
}

/** The assignee must hold Assignable User in the issue's project. */
function checkAssignee(value: unknown, project: ProjectDef, links: Links): Checked {
  const checked = checkUser(value, links);
  if (!('value' in checked) || checked.value === null || !isRecord(value)) return checked;
  const accountId = String(value['accountId'] ?? value['id'] ?? '');
  const user = findUser(accountId);
  return user && (user.projects[project.key] ?? []).includes('ASSIGNABLE_USER')
    ? checked
    : { error: `User '${accountId}' cannot be assigned issues.` };
}

/** `{id}` or `{name}` of a level of the project's security scheme (ids are strings, as Jira insists). */
function checkSecurity(value: unknown, project: ProjectDef, links: Links): Checked {
  if (value === null) return { value: null };
  const id = isRecord(value) ? value['id'] : undefined;
  const name = isRecord(value) ? value['name'] : undefined;
  if (typeof id !== 'string' && typeof name !== 'string')
    return { error: "Could not find valid 'id' or 'name' in security level object." };
  const level = project.securityScheme?.levels.find((l) => (typeof id === 'string' ? l.id === id : l.name === name));
  return level ? { value: securityLevelJson(links, level) } : { error: 'Specify a valid value for Security Level' };
}

function checkArray(value: unknown, each: (item: unknown) => Checked): Checked {
  if (!Array.isArray(value)) return { error: NOT_ARRAY };
  const out: unknown[] = [];
  for (const item of value) {
    const checked = each(item);
    if (!('value' in checked)) return checked;
    out.push(checked.value);
  }
  return { value: out };
}

function checkLabels(value: unknown): Checked {
  if (!Array.isArray(value)) return { error: NOT_ARRAY };
  const labels: string[] = [];
  for (const label of value) {
    if (typeof label !== 'string') return { error: NOT_STRING };
    if (label === '') continue;
    if (/\s/.test(label)) return { error: `The label '${label}' contains spaces which is invalid.` };
    if (label.length > SHORT_TEXT_LIMIT) {
      return { error: `The label '${label}' exceeds the maximum length for a single label of 255 characters.` };
    }
    if (!labels.includes(label)) labels.push(label);
  }
  return { value: labels };
}

function checkAdf(value: unknown): Checked {
  if (value === null) return { value: null };
  if (typeof value === 'string' || !isAdfDocument(value)) return { error: NOT_ADF };
  if (JSON.stringify(value).length > TEXT_LIMIT) return { error: TEXT_TOO_LONG };
  return isValidAdf(value) ? { value } : { invalidAdf: true };
}

/** A comment body (POST comment, or `update.comment[].add.body` of an edit or transition). */
export function checkCommentBody(value: unknown): Checked {
  if (value === undefined || value === null) return { error: 'Comment body can not be empty!' };
  if (!isAdfDocument(value)) return { error: NOT_ADF };
  if (JSON.stringify(value).length > TEXT_LIMIT) return { error: TEXT_TOO_LONG };
  return isValidAdf(value) ? { value } : { invalidAdf: true };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Jira's documented `yyyy-MM-dd'T'HH:mm:ss.SSSZ`: RFC 822 offsets (+0000). `+00:00` is refused by
// real Jira ("Error parsing time"), so the stand-in refuses it too; `Z` is refused to keep the relay
// on the documented format.
const JIRA_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?([+-])(\d{2})(\d{2})$/;

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkDate(value: unknown): Checked {
  if (value === null) return { value: null };
  if (typeof value !== 'string') return { error: NOT_STRING };
  const m = ISO_DATE.exec(value);
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])))
    return { error: `Error parsing date string: ${value}` };
  return { value };
}

function checkDateTime(value: unknown): Checked {
  if (value === null) return { value: null };
  if (typeof value !== 'string') return { error: NOT_STRING };
  const m = JIRA_DATETIME.exec(value);
  if (
    !m ||
    !validDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
    Number(m[4]) > 23 ||
    Number(m[5]) > 59 ||
    Number(m[6] ?? 0) > 59
  ) {
    return { error: `Error parsing time: ${value}` };
  }
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0')}${m[8]}${m[9]}:${m[10]}`;
  return { value: formatJiraDateTime(Date.parse(iso)) };
}

/** Jira's own rendering of instants: `2025-11-05T05:00:28.091+0000`. */
export function formatJiraDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

export function checkField(field: FieldDef, value: unknown, project: ProjectDef, ctx: FieldContext): Checked {
  const { links } = ctx;
  const custom = field.schema.custom?.split(':')[1];
  const system = field.schema.system;
  if (system === 'summary') {
    if (typeof value !== 'string')
      return value === null ? { error: 'You must specify a summary of the issue.' } : { error: NOT_STRING };
    if (value.trim() === '') return { error: 'You must specify a summary of the issue.' };
    if (/[\r\n]/.test(value)) return { error: 'The summary is invalid because it contains newline characters.' };
    if (value.length > SHORT_TEXT_LIMIT) return { error: "Summary can't exceed 255 characters." };
    return { value };
  }
  if (system === 'description' || system === 'environment' || custom === 'textarea') return checkAdf(value);
  if (system === 'labels' || custom === 'labels') return checkLabels(value);
  if (system === 'assignee') return checkAssignee(value, project, links);
  if (system === 'security') return checkSecurity(value, project, links);
  if (system === 'reporter' || custom === 'userpicker') return checkUser(value, links);
  if (system === 'duedate' || custom === 'datepicker') return checkDate(value);
  if (system === 'priority') {
    if (!isRecord(value)) return { error: NOT_OBJECT };
    const byId =
      typeof value['id'] === 'string' || typeof value['id'] === 'number'
        ? findPriority(String(value['id']))
        : undefined;
    const byName = typeof value['name'] === 'string' ? findPriorityByName(value['name']) : undefined;
    const priority = byId ?? byName;
    return priority ? { value: priorityJson(links, priority) } : { error: 'The priority selected is invalid.' };
  }
  if (system === 'parent') return checkParent(value, project, ctx);
  switch (custom) {
    case 'textfield':
    case 'url': {
      if (value === null) return { value: null };
      if (typeof value !== 'string') return { error: NOT_STRING };
      if (value.length > SHORT_TEXT_LIMIT) {
        return { error: 'The entered text is too long. It exceeds the allowed limit of 255 characters.' };
      }
      if (custom === 'url' && value !== '' && !isUrl(value)) return { error: `Not a valid URL: ${value}` };
      return { value };
    }
    case 'float':
      if (value === null) return { value: null };
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { error: NOT_NUMBER };
    case 'datetime':
      return checkDateTime(value);
    case 'select':
    case 'radiobuttons':
      return value === null ? { value: null } : checkOption(field, value, links);
    case 'multiselect':
    case 'multicheckboxes':
      return checkArray(value, (item) => checkOption(field, item, links));
    case 'multiuserpicker':
      return checkArray(value, (item) => checkUser(item, links));
    default:
      return { error: cannotBeSet(field.id) };
  }
}

function findPriorityByName(name: string): PriorityDef | undefined {
  return PRIORITIES.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'ftp:', 'mailto:'].includes(url.protocol);
  } catch {
    return false;
  }
}

function checkParent(value: unknown, project: ProjectDef, ctx: FieldContext): Checked {
  if (!isRecord(value)) return { error: NOT_OBJECT };
  const ref = value['key'] ?? value['id'];
  const parent = typeof ref === 'string' || typeof ref === 'number' ? ctx.findIssue(String(ref)) : undefined;
  if (!parent) return { error: 'Could not find issue by id or key.' };
  const parentType = findIssueType(parent.issueTypeId);
  if (parent.projectId !== project.id || !parentType || parentType.subtask) {
    return { error: 'Given parent work item does not belong to appropriate hierarchy.' };
  }
  return {
    value: {
      id: parent.id,
      key: parent.key,
      self: `${ctx.links.api}/issue/${parent.id}`,
      fields: { summary: parent.fields['summary'] },
    },
  };
}

export function missingMessage(field: FieldDef): [string, string] {
  if (field.id === 'summary') return ['summary', 'You must specify a summary of the issue.'];
  if (field.id === 'parent') return ['issuetype', 'Issue type is a sub-task but parent issue key or id not specified.'];
  return [field.id, `${field.name} is required.`];
}

/** Validates a create request and, when Jira would accept it, returns the stored field values. */
export function validateCreate(body: unknown, ctx: CreateContext): CreateResult {
  const read = readUpdateBody(body);
  if (!read.ok) return read;
  const { changes } = read;
  if (changes.messages.length > 0) return { ok: false, body: errorCollection(changes.messages) };
  const fields = Object.fromEntries([...changes.operations].map(([id, ops]) => [id, rawCreateValue(ops)]));

  const project = resolveProject(fields['project']);
  if (!project || !(ctx.caller.projects[project.key] ?? []).includes('BROWSE_PROJECTS')) {
    return fail({ project: 'Specify a valid project ID or key' });
  }
  if (!(ctx.caller.projects[project.key] ?? []).includes('CREATE_ISSUES')) {
    return fail({ project: 'You do not have permission to create issues in this project.' });
  }
  if (fields['issuetype'] === undefined || fields['issuetype'] === null)
    return fail({ issuetype: 'Specify an issue type' });
  const issueType = resolveIssueType(project, fields['issuetype']);
  if (!issueType) return fail({ issuetype: 'The issue type selected is invalid.' });

  const screen = visibleScreen(ctx.screens[project.key]?.[issueType.id] ?? [], ctx.caller, project);
  const errors: Record<string, string> = {};
  const stored: Record<string, unknown> = {};
  let invalidAdf = false;
  for (const [fieldId, value] of Object.entries(fields)) {
    if (fieldId === 'project' || fieldId === 'issuetype') continue;
    const field = findField(fieldId);
    if (!field || field.readOnly || !screen.some((s) => s.fieldId === fieldId)) {
      errors[fieldId] = cannotBeSet(fieldId);
      continue;
    }
    const verb = changes.operations.get(fieldId)?.find((op) => !supportedVerbs(field).includes(op.verb))?.verb;
    if (verb !== undefined) {
      errors[fieldId] = unsupportedVerb(field, verb);
      continue;
    }
    const checked = checkField(field, value, project, ctx);
    if ('error' in checked) errors[fieldId] = checked.error;
    else if ('invalidAdf' in checked) invalidAdf = true;
    else if (checked.value !== null && !(Array.isArray(checked.value) && checked.value.length === 0))
      stored[fieldId] = checked.value;
  }

  for (const entry of screen) {
    const field = findField(entry.fieldId);
    if (!field || !entry.required || entry.fieldId === 'project' || entry.fieldId === 'issuetype') continue;
    // Reporter has a default (the caller), so leaving it out is never an error.
    if (entry.fieldId === 'reporter' || entry.fieldId in stored) continue;
    const [key, message] = missingMessage(field);
    errors[key] ??= message;
  }
  if (issueType.subtask && !screen.some((s) => s.fieldId === 'parent') && !('parent' in stored)) {
    errors['issuetype'] ??= 'Issue type is a sub-task but parent issue key or id not specified.';
  }

  if (Object.keys(errors).length > 0) return fail(errors);
  if (invalidAdf) return { ok: false, body: errorCollection([GENERIC_CREATE_ERROR]) };

  if (screen.some((s) => s.fieldId === 'priority') && !('priority' in stored)) {
    const fallback = findPriority(DEFAULT_PRIORITY_ID);
    if (fallback) stored['priority'] = priorityJson(ctx.links, fallback);
  }
  stored['reporter'] ??= userJson(ctx.links, ctx.caller);
  stored['project'] = projectJson(ctx.links, project);
  stored['issuetype'] = issueTypeJson(ctx.links, issueType);
  return { ok: true, project, issueType, fields: stored };
}

/** Issue types a project offers, in the project's order. */
export function projectIssueTypes(project: ProjectDef): IssueTypeDef[] {
  return project.issueTypeIds.map((id) => ISSUE_TYPES.find((t) => t.id === id)).filter((t) => t !== undefined);
}
