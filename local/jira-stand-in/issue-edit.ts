/**
 * `PUT /issue/{key}` (and the `fields`/`update` of a transition), checked the way create checks a
 * new issue (issue-validation.ts): the issue's screen decides what may be set, each value is
 * converted by the same rules, and `update` adds to, removes from or replaces a field. Comments
 * travel as `update.comment[].add.body`.
 */
import { errorCollection, isRecord } from './http.ts';
import {
  cannotBeSet,
  checkCommentBody,
  checkField,
  type FieldContext,
  type FieldOperation,
  GENERIC_CREATE_ERROR,
  missingMessage,
  readUpdateBody,
  supportedVerbs,
  unsupportedVerb,
  visibleScreen,
} from './issue-validation.ts';
import { findField } from './representations.ts';
import type { ProjectDef, ScreenField } from './seed.ts';
import type { StoredIssue } from './state.ts';

export type EditResult =
  | { ok: true; fields: Record<string, unknown>; comments: unknown[] }
  | { ok: false; body: ReturnType<typeof errorCollection> };

/** Fields an edit never sets: moving an issue to another project or type is its own operation here. */
const NOT_EDITABLE = new Set(['project', 'issuetype']);

/** Whether a stored list item is the one an `add` or `remove` names (by string, id, value, name or account). */
function sameItem(stored: unknown, named: unknown): boolean {
  if (typeof stored === 'string' || typeof named !== 'object' || named === null) return stored === named;
  if (!isRecord(stored) || !isRecord(named)) return false;
  return ['id', 'value', 'name', 'accountId'].some(
    (key) => named[key] !== undefined && String(named[key]) === String(stored[key]),
  );
}

/** A field's value after its operations, or the error Jira would name for it. */
function applyOperations(
  field: NonNullable<ReturnType<typeof findField>>,
  current: unknown,
  operations: readonly FieldOperation[],
  project: ProjectDef,
  ctx: FieldContext,
): { value: unknown } | { error: string } | { invalidAdf: true } {
  let value = current;
  for (const op of operations) {
    if (!supportedVerbs(field).includes(op.verb)) return { error: unsupportedVerb(field, op.verb) };
    if (op.verb === 'remove') {
      value = (Array.isArray(value) ? value : []).filter((item) => !sameItem(item, op.value));
      continue;
    }
    const checked = checkField(field, op.verb === 'add' ? [op.value] : op.value, project, ctx);
    if (!('value' in checked)) return checked;
    if (op.verb === 'set') {
      value = checked.value;
      continue;
    }
    const list = Array.isArray(value) ? value : [];
    const added = Array.isArray(checked.value) ? checked.value : [];
    value = [...list, ...added.filter((item) => !list.some((kept) => sameItem(kept, item)))];
  }
  return { value };
}

/** The comments of `update.comment`: only `add` with an ADF `body`. */
function commentsOf(
  operations: readonly FieldOperation[],
  errors: Record<string, string>,
): { comments: unknown[]; invalidAdf: boolean } {
  const comments: unknown[] = [];
  let invalidAdf = false;
  for (const op of operations) {
    if (op.verb !== 'add') {
      errors['comment'] ??=
        `Field with id' comment' and name 'Comment' does not support operation '${op.verb}' Supported operation(s) are: 'add'`;
      continue;
    }
    const checked = checkCommentBody(isRecord(op.value) ? op.value['body'] : undefined);
    if ('error' in checked) errors['comment'] ??= checked.error;
    else if ('invalidAdf' in checked) invalidAdf = true;
    else comments.push(checked.value);
  }
  return { comments, invalidAdf };
}

/**
 * Checks an edit of `issue` against `screen` (the issue's create screen stands in for its edit
 * screen) and, when Jira would accept it, returns the fields after the edit and the comments to add.
 * A transition passes the fields of its own screen (none in the seeded workflows).
 */
export function validateEdit(
  body: unknown,
  issue: StoredIssue,
  project: ProjectDef,
  screen: readonly ScreenField[],
  ctx: FieldContext,
): EditResult {
  const read = readUpdateBody(body);
  if (!read.ok) return read;
  const { changes } = read;
  const settable = visibleScreen(screen, ctx.caller, project).filter((s) => !NOT_EDITABLE.has(s.fieldId));
  const errors: Record<string, string> = {};
  const fields: Record<string, unknown> = { ...issue.fields };
  // A comment is never on a screen, yet every edit may add one; `fields.comment` is refused.
  const sentInFields = isRecord(body) && isRecord(body['fields']) && 'comment' in body['fields'];
  if (sentInFields) errors['comment'] = "Field does not support update 'comment'";
  const added = commentsOf(sentInFields ? [] : (changes.operations.get('comment') ?? []), errors);
  let invalidAdf = added.invalidAdf;
  for (const [fieldId, operations] of changes.operations) {
    if (fieldId === 'comment') continue;
    const field = findField(fieldId);
    const entry = settable.find((s) => s.fieldId === fieldId);
    if (!field || field.readOnly || !entry) {
      errors[fieldId] = cannotBeSet(fieldId);
      continue;
    }
    const result = applyOperations(field, fields[fieldId], operations, project, ctx);
    if ('error' in result) {
      errors[fieldId] = result.error;
      continue;
    }
    if ('invalidAdf' in result) {
      invalidAdf = true;
      continue;
    }
    const empty = result.value === null || (Array.isArray(result.value) && result.value.length === 0);
    if (empty && entry.required) {
      const [key, message] = missingMessage(field);
      errors[key] ??= message;
      continue;
    }
    if (empty) delete fields[fieldId];
    else fields[fieldId] = result.value;
  }
  if (changes.messages.length > 0 || Object.keys(errors).length > 0)
    return { ok: false, body: errorCollection(changes.messages, errors) };
  if (invalidAdf) return { ok: false, body: errorCollection([GENERIC_CREATE_ERROR]) };
  return { ok: true, fields, comments: added.comments };
}
