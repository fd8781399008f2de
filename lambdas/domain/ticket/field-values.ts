/**
 * Converting payload values and constants into what a Jira field's schema requires
 * (docs/jira-cloud-facts.md). The field's createmeta is stored with the configuration, so a
 * conversion needs no Jira call; a value that cannot be converted is reported, never sent.
 */

import { parseTimestamp } from '#domain/alert/timestamp.ts';
import type { JiraAllowedValue, JiraFieldMeta } from '#domain/ports.ts';
import { plainTextToAdf } from './adf.ts';
import { displayValue, JIRA_SHORT_TEXT_MAX, singleLine, truncate, truncateVisibly } from './text.ts';

/** What kind of value a field takes, as the admin site names it. `other` cannot be filled by the relay. */
export type JiraFieldKind =
  | 'text'
  | 'paragraph'
  | 'url'
  | 'number'
  | 'date'
  | 'date-time'
  | 'select'
  | 'radio'
  | 'multi-select'
  | 'checkboxes'
  | 'labels'
  | 'user'
  | 'multi-user'
  | 'priority'
  | 'other';

const SYSTEM_KINDS: Readonly<Record<string, JiraFieldKind>> = {
  summary: 'text',
  description: 'paragraph',
  environment: 'paragraph',
  priority: 'priority',
  labels: 'labels',
  assignee: 'user',
  reporter: 'user',
  duedate: 'date',
};

// Keys are the suffix of `com.atlassian.jira.plugin.system.customfieldtypes:<type>`.
const CUSTOM_KINDS: Readonly<Record<string, JiraFieldKind>> = {
  textfield: 'text',
  readonlyfield: 'text',
  textarea: 'paragraph',
  url: 'url',
  float: 'number',
  datepicker: 'date',
  datetime: 'date-time',
  select: 'select',
  radiobuttons: 'radio',
  multiselect: 'multi-select',
  multicheckboxes: 'checkboxes',
  labels: 'labels',
  userpicker: 'user',
  multiuserpicker: 'multi-user',
};

// Jira stores paragraph fields in a 32,767-character column; the ADF wrapping needs some of it.
const PARAGRAPH_TEXT_MAX = 30_000;

/** The kind of a field, from its createmeta schema (`schema.system` or the `schema.custom` type key). */
export function jiraFieldKind(meta: Pick<JiraFieldMeta, 'fieldId' | 'schema'>): JiraFieldKind {
  const system = meta.schema.system ?? (meta.schema.custom === undefined ? meta.fieldId : undefined);
  if (system !== undefined) return SYSTEM_KINDS[system] ?? 'other';
  const customType = meta.schema.custom?.split(':').pop() ?? '';
  return CUSTOM_KINDS[customType] ?? 'other';
}

/** True when the relay can fill the field (its kind is not `other`). */
export function isMappable(meta: Pick<JiraFieldMeta, 'fieldId' | 'schema'>): boolean {
  return jiraFieldKind(meta) !== 'other';
}

/** What a conversion needs besides the field: account ids resolved when the configuration was saved. */
export interface ConversionContext {
  /** Lower-cased e-mail → accountId. */
  readonly userDirectory: Readonly<Record<string, string>>;
}

export type Conversion =
  | {
      readonly ok: true;
      readonly value: unknown;
      /** Parts of the value that were left out (e.g. one unknown option of a multi-select). */
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/** True for values that carry nothing to put in a field: absent, null, blank text, empty list. */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * Converts a payload value or constant into the JSON Jira expects for `meta`'s field. Long text is
 * truncated visibly rather than refused; anything that cannot be represented returns a reason.
 */
export function toJiraValue(meta: JiraFieldMeta, value: unknown, ctx: ConversionContext): Conversion {
  if (isEmptyValue(value)) return fail('the value is empty');
  const kind = jiraFieldKind(meta);
  switch (kind) {
    case 'text': {
      const text = singleLine(displayValue(value));
      return text === '' ? fail('the value is empty') : ok(truncate(text, JIRA_SHORT_TEXT_MAX));
    }
    case 'paragraph':
      return ok(plainTextToAdf(truncateVisibly(displayValue(value).trim(), PARAGRAPH_TEXT_MAX)));
    case 'url':
      return toUrl(displayValue(value).trim());
    case 'number':
      return toNumber(value);
    case 'date':
    case 'date-time': {
      const date = parseTimestamp(typeof value === 'string' ? value.trim() : value);
      if (date === undefined) return fail(`${quote(value)} is not a date`);
      const iso = date.toISOString();
      // Jira's date-time format is yyyy-MM-dd'T'HH:mm:ss.SSSZ, i.e. "+0000" rather than "Z".
      return ok(kind === 'date' ? iso.slice(0, 10) : iso.replace('Z', '+0000'));
    }
    case 'select':
    case 'radio':
    case 'priority': {
      const items = listItems(value, false);
      if (items.length !== 1) return fail(`${quote(value)} is ${items.length} values; the field takes one`);
      const [item] = items as [string];
      if (meta.allowedValues === undefined) {
        return kind === 'priority' ? ok({ name: item }) : ok({ value: item });
      }
      const match = matchAllowed(meta.allowedValues, item);
      return match ? ok({ id: match.id }) : fail(notAllowed(item, meta.allowedValues));
    }
    case 'multi-select':
    case 'checkboxes': {
      const options: ({ id: string } | { value: string })[] = [];
      const warnings: string[] = [];
      for (const item of listItems(value, true)) {
        if (meta.allowedValues === undefined) {
          options.push({ value: item });
          continue;
        }
        const match = matchAllowed(meta.allowedValues, item);
        if (match === undefined) warnings.push(notAllowed(item, meta.allowedValues));
        else if (!options.some((o) => 'id' in o && o.id === match.id)) options.push({ id: match.id });
      }
      return options.length > 0 ? { ok: true, value: options, warnings } : fail(warnings.join('; '));
    }
    case 'labels': {
      const labels = [
        ...new Set(
          listItems(value, true)
            .map(toLabel)
            .filter((l) => l !== ''),
        ),
      ];
      return labels.length > 0 ? ok(labels) : fail('the value is empty');
    }
    case 'user': {
      const items = listItems(value, false);
      if (items.length !== 1) return fail(`${quote(value)} is ${items.length} users; the field takes one`);
      const accountId = resolveUser(items[0] ?? '', ctx);
      return accountId === undefined ? fail(noUser(items[0] ?? '')) : ok({ accountId });
    }
    case 'multi-user': {
      const users: { accountId: string }[] = [];
      const warnings: string[] = [];
      for (const item of listItems(value, true)) {
        const accountId = resolveUser(item, ctx);
        if (accountId === undefined) warnings.push(noUser(item));
        else if (!users.some((u) => u.accountId === accountId)) users.push({ accountId });
      }
      return users.length > 0 ? { ok: true, value: users, warnings } : fail(warnings.join('; '));
    }
    case 'other':
      return fail(`fields of type ${describeSchema(meta)} are not supported by the relay`);
  }
}

/** Makes any text a valid Jira label: no whitespace (Jira refuses it), at most 255 characters. */
export function toLabel(value: string): string {
  return truncate(singleLine(value).replace(/ /g, '-'), JIRA_SHORT_TEXT_MAX, '');
}

/** How the admin site and messages show a field's type, e.g. `option (select)`. */
export function describeSchema(meta: Pick<JiraFieldMeta, 'schema'>): string {
  const custom = meta.schema.custom?.split(':').pop();
  const base = meta.schema.items ? `${meta.schema.type} of ${meta.schema.items}` : meta.schema.type;
  return custom ? `${base} (${custom})` : base;
}

/** The allowed value matching `item` by value/name (case-insensitive), else by id. */
export function matchAllowed(allowed: readonly JiraAllowedValue[], item: string): JiraAllowedValue | undefined {
  const wanted = item.trim().toLowerCase();
  const named = (label: string | undefined): boolean => label?.trim().toLowerCase() === wanted;
  return allowed.find((a) => named(a.value) || named(a.name)) ?? allowed.find((a) => a.id === item.trim());
}

function toUrl(text: string): Conversion {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return ok(text);
  } catch {
    // Falls through to the refusal below.
  }
  return fail(`${quote(text)} is not an http(s) URL`);
}

function toNumber(value: unknown): Conversion {
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail(`${quote(value)} is not a number`);
  if (typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return ok(number);
  }
  return fail(`${quote(value)} is not a number`);
}

/**
 * The separate values of a list-valued input: JSON arrays item by item, text split on commas
 * when `split` (multi-value fields), otherwise the whole text as one value.
 */
function listItems(value: unknown, split: boolean): string[] {
  const items = Array.isArray(value)
    ? value.map(displayValue)
    : split
      ? displayValue(value).split(',')
      : [displayValue(value)];
  return items.map((i) => i.trim()).filter((i) => i !== '');
}

/** E-mail → accountId from the save-time directory; an accountId already in the directory passes as is. */
function resolveUser(item: string, ctx: ConversionContext): string | undefined {
  const key = item.trim().toLowerCase();
  if (Object.hasOwn(ctx.userDirectory, key)) return ctx.userDirectory[key];
  return Object.values(ctx.userDirectory).includes(item.trim()) ? item.trim() : undefined;
}

function notAllowed(item: string, allowed: readonly JiraAllowedValue[]): string {
  const names = allowed.map((a) => a.value ?? a.name ?? a.id);
  const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
  return `${quote(item)} is not one of the allowed values (${shown || 'none'})`;
}

function noUser(item: string): string {
  return `no Jira user for ${item}`;
}

function quote(value: unknown): string {
  return JSON.stringify(truncate(displayValue(value, 81), 80));
}

function ok(value: unknown): Conversion {
  return { ok: true, value, warnings: [] };
}

function fail(reason: string): Conversion {
  return { ok: false, reason };
}
