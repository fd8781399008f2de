/**
 * Alert → Jira issue fields (DESIGN.md "The Jira ticket"). Everything comes from the saved
 * configuration (createmeta snapshot, account ids), so building costs no Jira call; whatever
 * cannot be applied is left out and reported as a DroppedField instead of failing the alert.
 */
import {
  type AdfBlock,
  type AdfDoc,
  type AdfPanel,
  bulletList,
  code,
  codeBlock,
  doc,
  heading,
  lines,
  panel,
  paragraph,
  rule,
  strong,
  table,
  type TableCellInput,
} from './adf.ts';
import type { DroppedField } from '#domain/alert-record.ts';
import { alertLabel } from '#domain/alert/dedup-key.ts';
import { eventCatalog, UNKNOWN } from '#domain/alert/event-catalog.ts';
import { isEmptyValue, jiraFieldKind, toJiraValue, toLabel } from './field-values.ts';
import { type KeeperAlert, type ParsedAlert, isRecord, payloadLeaves, readPath } from '#domain/alert/keeper-alert.ts';
import type { JiraFieldMeta } from '#domain/ports.ts';
import { DEFAULT_SUMMARY_TEMPLATE, type RelayConfig } from '#domain/relay-config.ts';
import { JIRA_SHORT_TEXT_MAX, displayValue, singleLine, truncate, truncateVisibly } from './text.ts';

/**
 * Budget for the description, measured as `JSON.stringify(doc).length`. Jira refuses more than
 * 32,767 characters and does not document how it counts ADF; the margin absorbs the difference
 * and the warning panel `withoutFields` may add.
 */
export const DESCRIPTION_MAX_CHARS = 32_000;

/** Labels every ticket carries; `keeper` lets analysts filter the relay's tickets. */
export const KEEPER_LABEL = 'keeper';
export const UNPARSED_LABEL = 'keeper-unparsed';
export const TEST_LABEL = 'keeper-test';
/** Test alerts say so in the summary too, so nobody triages them from a list view. */
export const TEST_SUMMARY_PREFIX = '[Test] ';

// Fields the relay sets itself; mappings to them are ignored (validation refuses them at save time).
const RELAY_OWNED_FIELDS = new Set(['project', 'issuetype', 'parent']);
// Fields `withoutFields` keeps even when Jira names them: without them there is no issue at all.
const PROTECTED_FIELDS = new Set(['project', 'issuetype', 'summary']);

// After rule 6 the warning panel may use the margin left below Jira's 32,767.
const WITHOUT_FIELDS_MAX_CHARS = 32_600;
const REFUSED_LISTED_MAX = 10;

// Readable-summary and table limits applied when the full description would be too long.
const DESCRIPTION_TEXT_MAX = 2_000;
const TABLE_VALUE_MAX = 200;
const TABLE_BUDGET = 12_000;
const NOT_IN_ALERT = '(not in alert)';

export interface BuildContext {
  /** Dedup key of the alert. */
  readonly alertId: string;
  /** ISO time the relay received it. */
  readonly receivedAt: string;
  readonly config: RelayConfig;
  /** Sent by the admin site's "Test Web Trigger". */
  readonly test?: boolean;
}

export interface BuiltIssue {
  /** The `fields` object of `POST /rest/api/3/issue`. */
  readonly fields: Record<string, unknown>;
  readonly issueTypeId: string;
  readonly priorityId?: string;
  readonly priorityName?: string;
  /** Mappings and relay fields that were left out, with the reason. */
  readonly dropped: readonly DroppedField[];
  /** The per-alert label (`keeper-alert-…`) used to find the ticket again. */
  readonly label: string;
  /** Same object as `fields.description`, typed. */
  readonly description: AdfDoc;
}

/**
 * Builds the Jira `fields` for an alert: summary, ADF description, issue type, priority, labels and
 * every field mapping converted to its field's schema. Never throws for alert content.
 */
export function buildIssue(alert: KeeperAlert, ctx: BuildContext): BuiltIssue {
  const { config } = ctx;
  const dropped: DroppedField[] = [];
  const issueTypeId = usableIssueType(chooseIssueTypeId(config, alert.event, alert.category), config, dropped);
  const where = describeTarget(config, issueTypeId);
  const screen = config.fieldMeta[issueTypeId];
  const label = alertLabel(ctx.alertId);

  const fields: Record<string, unknown> = {
    project: { id: config.project.id },
    issuetype: { id: issueTypeId },
  };
  const issueType = config.issueTypes.find((t) => t.id === issueTypeId);
  if (issueType?.subtask && config.parentIssueKey) fields['parent'] = { key: config.parentIssueKey };

  const mapped = applyFieldMappings(alert, config, screen, where, dropped);
  Object.assign(fields, mapped.fields);
  const { summaryOverride, mappedLabels } = mapped;
  const descriptionText = mapped.descriptionText ?? (alert.parsed ? alert.description : undefined);

  fields['summary'] = summaryOverride
    ? truncate(`${ctx.test ? TEST_SUMMARY_PREFIX : ''}${summaryOverride}`, JIRA_SHORT_TEXT_MAX)
    : renderSummary(alert, config.summaryTemplate, ctx.test);

  const labels = unique([
    KEEPER_LABEL,
    toLabel(alert.event.toLowerCase()),
    label,
    ...(alert.parsed ? [] : [UNPARSED_LABEL]),
    ...(ctx.test ? [TEST_LABEL] : []),
    ...mappedLabels,
  ]);
  if (screen === undefined || screen.some((f) => f.fieldId === 'labels')) fields['labels'] = labels;
  else dropped.push({ fieldId: 'labels', fieldName: 'Labels', reason: `not on the create screen of ${where}` });

  // An explicit priority mapping that resolved wins over the event/category rules.
  const priorityId = mapped.priorityId ?? choosePriorityId(config, alert.event, alert.category);
  const priority = resolvePriority(priorityId, screen, where, dropped);
  if (priority) fields['priority'] = { id: priority.id };

  const body = buildDescription(alert, ctx, descriptionText);
  // Never "fields silently empty": whatever could not be filled is said in the ticket itself.
  const description = dropped.length > 0 ? fitDescription(doc(droppedFieldsPanel(dropped), ...body.content), WITHOUT_FIELDS_MAX_CHARS) : body;
  fields['description'] = description;
  return {
    fields,
    issueTypeId,
    ...(priority ? { priorityId: priority.id, ...(priority.name ? { priorityName: priority.name } : {}) } : {}),
    dropped,
    label,
    description,
  };
}

/**
 * The issue type for an event: per-event mapping, else per-category, else the default.
 * Shared with validation and defaults so all three agree on which types an alert can land in.
 */
export function chooseIssueTypeId(
  config: Pick<RelayConfig, 'issueTypeMapping' | 'defaultIssueTypeId'>,
  event: string,
  category: string,
): string {
  return (
    ownValue(config.issueTypeMapping.byEvent, event) ??
    ownValue(config.issueTypeMapping.byCategory, category) ??
    config.defaultIssueTypeId
  );
}

/** The priority id for an event: per-event mapping, else per-category, else the default, else none. */
export function choosePriorityId(config: Pick<RelayConfig, 'priorityMapping'>, event: string, category: string): string | undefined {
  return (
    ownValue(config.priorityMapping.byEvent, event) ??
    ownValue(config.priorityMapping.byCategory, category) ??
    config.priorityMapping.defaultPriorityId
  );
}

/**
 * The summary from the template: `{path}` placeholders read the payload (`{username}`,
 * `{event.record_uid}`); a missing alert name reads "Keeper alert", a missing event "unknown".
 * One line, at most 255 characters, never empty.
 */
export function renderSummary(alert: KeeperAlert, template: string = DEFAULT_SUMMARY_TEMPLATE, test = false): string {
  const prefix = test ? TEST_SUMMARY_PREFIX : '';
  if (!alert.parsed) {
    return truncate(`${prefix}Keeper alert (unparsed body): ${singleLine(alert.rawText) || 'empty'}`, JIRA_SHORT_TEXT_MAX);
  }
  let fromPayload = 0;
  const rendered = template.replace(/\{([^{}]+)\}/g, (_match, rawPath: string) => {
    const path = rawPath.trim();
    const value = readPath(alert.payload, path) ?? (alert.nestedEvent ? readNested(alert.nestedEvent, path) : undefined);
    if (!isEmptyValue(value)) {
      fromPayload += 1;
      return displayValue(value);
    }
    if (path === 'alert_name') return alert.alertName ?? 'Keeper alert';
    if (path === 'audit_event') return alert.event;
    if (path === 'category') return alert.category;
    return '';
  });
  let summary = singleLine(rendered)
    .replace(/^[\s:|,;\-–—]+/, '')
    .replace(/[\s:|,;\-–—]+$/, '');
  // A custom template body (e.g. Slack's {"text": …}) has none of Keeper's fields: its text says more.
  const freeText = ['text', 'message', 'title', 'summary'].map((k) => alert.payload[k]).find((v) => typeof v === 'string' && v.trim() !== '');
  if (fromPayload === 0 && alert.event === UNKNOWN && typeof freeText === 'string') {
    const text = singleLine(freeText);
    summary = /^keeper\b/i.test(text) ? text : `Keeper alert: ${text}`;
  }
  if (summary === '') summary = `Keeper alert: ${alert.event}`;
  return truncate(`${prefix}${summary}`, JIRA_SHORT_TEXT_MAX);
}

/**
 * A payload value by path, looking into the nested raw event (`#json`) when the top level lacks
 * it; `audit_event` and `category` fall back to the alert's resolved event and category.
 */
export function resolveSource(alert: ParsedAlert, path: string): unknown {
  const direct = readPath(alert.payload, path);
  if (!isEmptyValue(direct)) return direct;
  const nested = alert.nestedEvent ? readNested(alert.nestedEvent, path) : undefined;
  if (!isEmptyValue(nested)) return nested;
  if (path === 'audit_event') return alert.event;
  if (path === 'category') return alert.category;
  return direct;
}

/**
 * Fields Jira refused at delivery (DESIGN rule 6) as a new issue without them: each becomes a
 * DroppedField with Jira's message and the description gets a warning panel saying so. A refused
 * description is replaced by a short one rather than removed. Returns undefined when none of the
 * refused fields can be removed (project, issue type, summary, or fields the issue does not have),
 * i.e. retrying would fail the same way.
 */
export function withoutFields(
  built: BuiltIssue,
  fieldErrors: Readonly<Record<string, string>>,
  config: RelayConfig,
): BuiltIssue | undefined {
  const refused = Object.keys(fieldErrors).filter((id) => !PROTECTED_FIELDS.has(id) && Object.hasOwn(built.fields, id));
  if (refused.length === 0) return undefined;
  const fields = { ...built.fields };
  const dropped = [...built.dropped];
  for (const fieldId of refused) {
    delete fields[fieldId];
    dropped.push(withName({ fieldId, reason: `Jira refused it: ${fieldErrors[fieldId] ?? 'no reason given'}` }, fieldName(config, built.issueTypeId, fieldId)));
  }
  const notice = refusedFieldsPanel(refused.map((id) => ({ id, name: fieldName(config, built.issueTypeId, id), message: fieldErrors[id] ?? '' })));
  const description = refused.includes('description')
    ? doc(
        notice,
        paragraph(
          'The alert could not be shown here. The complete payload is in the relay’s ledger under alert label ',
          code(built.label),
          '.',
        ),
      )
    : fitDescription(doc(notice, ...built.description.content), WITHOUT_FIELDS_MAX_CHARS);
  fields['description'] = description;
  const keepsPriority = !refused.includes('priority');
  return {
    fields,
    issueTypeId: built.issueTypeId,
    ...(keepsPriority && built.priorityId ? { priorityId: built.priorityId } : {}),
    ...(keepsPriority && built.priorityName ? { priorityName: built.priorityName } : {}),
    dropped,
    label: built.label,
    description,
  };
}

/** Size Jira counts against its 32,767-character limit (approximated by the serialised ADF). */
export function descriptionSize(document: AdfDoc): number {
  return JSON.stringify(document).length;
}

// ---------------------------------------------------------------------------------------------

interface MappedValues {
  /** Converted values of ordinary fields, by field id. */
  readonly fields: Record<string, unknown>;
  readonly summaryOverride?: string;
  readonly descriptionText?: string;
  readonly priorityId?: string;
  readonly mappedLabels: readonly string[];
}

/**
 * Applies `config.fieldMappings`. Summary, description, labels and priority mappings feed the
 * relay's own handling of those fields instead of replacing it.
 */
function applyFieldMappings(
  alert: KeeperAlert,
  config: RelayConfig,
  screen: readonly JiraFieldMeta[] | undefined,
  where: string,
  dropped: DroppedField[],
): MappedValues {
  const fields: Record<string, unknown> = {};
  const mappedLabels: string[] = [];
  let summaryOverride: string | undefined;
  let descriptionText: string | undefined;
  let priorityId: string | undefined;
  const conversion = { userDirectory: config.userDirectory };

  for (const mapping of config.fieldMappings) {
    const { fieldId } = mapping;
    const value = mapping.constant ?? (alert.parsed && mapping.source ? resolveSource(alert, mapping.source) : undefined);
    if (fieldId === 'summary') {
      if (!isEmptyValue(value)) summaryOverride = singleLine(displayValue(value)) || undefined;
      continue;
    }
    if (fieldId === 'description') {
      // The description is always the relay's document; a mapping chooses its readable text.
      if (!isEmptyValue(value)) descriptionText = displayValue(value);
      continue;
    }
    if (RELAY_OWNED_FIELDS.has(fieldId)) {
      dropped.push({ fieldId, reason: `${fieldId} is set by the relay; the mapping is ignored` });
      continue;
    }
    const meta = screen?.find((f) => f.fieldId === fieldId);
    if (meta === undefined) {
      const reason = screen === undefined ? missingMetaReason(where) : `not on the create screen of ${where}`;
      dropped.push(withName({ fieldId, reason }, fieldNameAnywhere(config, fieldId)));
      continue;
    }
    if (isEmptyValue(value)) {
      if (meta.required && !meta.hasDefaultValue) {
        // Jira would refuse the whole issue: a required text field says the value is missing instead.
        const kind = jiraFieldKind(meta);
        const filled = kind === 'text' || kind === 'paragraph' ? toJiraValue(meta, NOT_IN_ALERT, conversion) : undefined;
        if (filled?.ok) fields[fieldId] = filled.value;
        else dropped.push({ fieldId, fieldName: meta.name, reason: `the alert has no ${mapping.source ?? 'value'} for this required field` });
      }
      continue;
    }
    const converted = toJiraValue(meta, value, conversion);
    if (!converted.ok) {
      dropped.push({ fieldId, fieldName: meta.name, reason: converted.reason });
      continue;
    }
    for (const warning of converted.warnings) dropped.push({ fieldId, fieldName: meta.name, reason: warning });
    if (fieldId === 'labels' && Array.isArray(converted.value)) mappedLabels.push(...converted.value.map(String));
    else if (fieldId === 'priority') priorityId = isRecord(converted.value) && typeof converted.value['id'] === 'string' ? converted.value['id'] : undefined;
    else fields[fieldId] = converted.value;
  }
  return {
    fields,
    mappedLabels,
    ...(summaryOverride !== undefined ? { summaryOverride } : {}),
    ...(descriptionText !== undefined ? { descriptionText } : {}),
    ...(priorityId !== undefined ? { priorityId } : {}),
  };
}

function usableIssueType(chosen: string, config: RelayConfig, dropped: DroppedField[]): string {
  if (chosen === config.defaultIssueTypeId) return chosen;
  const type = config.issueTypes.find((t) => t.id === chosen);
  const problem =
    type === undefined || config.fieldMeta[chosen] === undefined
      ? `issue type ${chosen} from the mapping is not in the saved configuration`
      : type.subtask && !config.parentIssueKey
        ? `issue type ${type.name} is a sub-task type and no parent issue is configured`
        : undefined;
  if (problem === undefined) return chosen;
  // Never lose the alert over a stale mapping: the default type always works.
  dropped.push({ fieldId: 'issuetype', fieldName: 'Issue Type', reason: `${problem}; used the default issue type` });
  return config.defaultIssueTypeId;
}

function resolvePriority(
  priorityId: string | undefined,
  screen: readonly JiraFieldMeta[] | undefined,
  where: string,
  dropped: DroppedField[],
): { id: string; name?: string } | undefined {
  if (priorityId === undefined) return undefined;
  const meta = screen?.find((f) => f.fieldId === 'priority');
  if (meta === undefined) {
    // Team-managed projects only have Priority when it was added to the issue type.
    dropped.push({ fieldId: 'priority', fieldName: 'Priority', reason: `Priority is not on the create screen of ${where}` });
    return undefined;
  }
  if (meta.allowedValues === undefined) return { id: priorityId };
  const allowed = meta.allowedValues.find((v) => v.id === priorityId);
  if (allowed === undefined) {
    dropped.push({ fieldId: 'priority', fieldName: meta.name, reason: `priority id ${priorityId} is not allowed for ${where}` });
    return undefined;
  }
  const name = allowed.name ?? allowed.value;
  return name === undefined ? { id: allowed.id } : { id: allowed.id, name };
}

interface DescriptionLimits {
  /** Cap for each table value; undefined = whole values. */
  readonly valueMax?: number;
  /** Cap for the number of table rows; undefined = all. */
  readonly rowMax?: number;
  /** Compact rather than pretty JSON in the raw payload block. */
  readonly compactRaw?: boolean;
}

/**
 * The description: readable summary, table of the alert's fields, complete raw payload. Kept
 * under the size budget by shortening table values, then rows, then the raw block, each visibly.
 */
function buildDescription(alert: KeeperAlert, ctx: BuildContext, descriptionText: string | undefined): AdfDoc {
  const build = (limits: DescriptionLimits): AdfDoc => descriptionDoc(alert, ctx, descriptionText, limits);
  const full = build({});
  if (descriptionSize(full) <= DESCRIPTION_MAX_CHARS || !alert.parsed) return fitDescription(full);
  // Cheapest loss first: long table values (the raw block still has them), then pretty-printing.
  for (const limits of [{ valueMax: TABLE_VALUE_MAX }, { valueMax: TABLE_VALUE_MAX, compactRaw: true }]) {
    const smaller = build(limits);
    if (descriptionSize(smaller) <= DESCRIPTION_MAX_CHARS) return smaller;
  }
  // Then fewer table rows, so the raw block keeps most of the budget, and finally a cut raw block.
  const rows = payloadLeaves(alert.payload).length;
  const tableSize = descriptionSize(doc(fieldsTable(alert, { valueMax: TABLE_VALUE_MAX })));
  const rowMax = tableSize > TABLE_BUDGET ? Math.max(1, Math.floor((rows * TABLE_BUDGET) / tableSize)) : undefined;
  return fitDescription(build({ valueMax: TABLE_VALUE_MAX, compactRaw: true, ...(rowMax ? { rowMax } : {}) }));
}

function descriptionDoc(alert: KeeperAlert, ctx: BuildContext, descriptionText: string | undefined, limits: DescriptionLimits): AdfDoc {
  const entry = eventCatalog.lookup(alert.event);
  const raw = alert.parsed ? JSON.stringify(alert.payload, null, limits.compactRaw ? undefined : 2) : alert.rawText;
  const blocks: (AdfBlock | undefined | false)[] = [
    ctx.test &&
      panel(
        'info',
        paragraph(strong('Test alert.'), ' Sent from the Keeper → Jira relay’s admin site to check the connection; no action is needed.'),
      ),
    !alert.parsed &&
      panel(
        'warning',
        paragraph(strong('Unparsed alert body.'), ` ${capitalise(alert.reason)}. The body is shown below exactly as received.`),
      ),
    alert.parsed &&
      alert.fieldIssues.length > 0 &&
      panel(
        'note',
        paragraph('Some known fields did not have the type Keeper documents; they are shown as received:'),
        bulletList(alert.fieldIssues.map((issue) => [issue])),
      ),
    heading(2, truncate(singleLine(alert.parsed ? (alert.alertName ?? 'Keeper alert') : 'Keeper alert'), JIRA_SHORT_TEXT_MAX)),
    paragraph(
      strong('Event: '),
      code(alert.event),
      entry ? ` — ${entry.title}` : alert.event === UNKNOWN ? '' : ' (not in Keeper’s event catalog)',
      ` · category ${alert.category}`,
    ),
    descriptionText !== undefined && paragraph(...lines(truncateVisibly(descriptionText.trim(), DESCRIPTION_TEXT_MAX))),
    alert.parsed &&
      bulletList(
        [
          ['User: ', alert.username],
          ['Remote address: ', alert.remoteAddress],
          ['Time: ', alert.timestamp],
          ['Client: ', alert.clientVersion],
        ]
          .filter((item): item is [string, string] => item[1] !== undefined)
          .map(([name, value]) => [strong(name), value]),
      ),
    alert.parsed && heading(3, 'Alert fields'),
    alert.parsed && fieldsTable(alert, limits),
    heading(3, 'Raw payload'),
    codeBlock(raw, alert.parsed ? 'json' : 'text'),
    rule(),
    paragraph(`Received ${ctx.receivedAt} by the Keeper → Jira relay · alert label `, code(alertLabel(ctx.alertId))),
  ];
  return doc(...blocks);
}

function fieldsTable(alert: ParsedAlert, limits: DescriptionLimits): AdfBlock | undefined {
  const leaves = payloadLeaves(alert.payload);
  if (leaves.length === 0) return paragraph('The alert has no fields.');
  const shown = limits.rowMax === undefined ? leaves : leaves.slice(0, limits.rowMax);
  const rows: TableCellInput[][] = shown.map((leaf) => {
    const value = displayValue(leaf.value);
    return [code(leaf.path), lines(limits.valueMax === undefined ? value : truncateVisibly(value, limits.valueMax))];
  });
  if (shown.length < leaves.length) {
    rows.push(['…', `${leaves.length - shown.length} more fields; see the raw payload below and the relay's ledger`]);
  }
  return table(['Field', 'Value'], rows);
}

/**
 * Cuts the raw payload block (the document's last code block) until the document fits `max`,
 * with a visible note of how much is missing.
 */
function fitDescription(document: AdfDoc, max: number = DESCRIPTION_MAX_CHARS): AdfDoc {
  const index = document.content.findLastIndex((b) => b.type === 'codeBlock');
  const block = document.content[index];
  if (block?.type !== 'codeBlock') return document;
  const body = block.content.map((t) => t.text).join('');
  const withBody = (text: string): AdfDoc => ({
    ...document,
    content: document.content.map((b, i) => (i === index ? codeBlock(text, block.attrs?.language) : b)),
  });
  const fits = (keep: number): boolean => descriptionSize(withBody(truncateVisibly(body, keep))) <= max;
  if (descriptionSize(document) <= max) return document;
  // Binary search for the longest prefix that fits: escaping makes the serialised size non-linear in it.
  let low = 0;
  let high = body.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return withBody(truncateVisibly(body, low));
}

function fieldNoticePanel(
  type: 'warning' | 'note',
  title: string,
  explanation: string,
  items: readonly { id: string; name?: string | undefined; message: string }[],
): AdfPanel {
  return panel(
    type,
    paragraph(strong(title), explanation),
    bulletList([
      ...items
        .slice(0, REFUSED_LISTED_MAX)
        .map((f) => [strong(f.name ? `${f.name} (${f.id})` : f.id), `: ${truncate(singleLine(f.message) || 'no reason given', 200)}`]),
      ...(items.length > REFUSED_LISTED_MAX ? [[`and ${items.length - REFUSED_LISTED_MAX} more; see the relay's ledger`]] : []),
    ]),
  );
}

function refusedFieldsPanel(refused: readonly { id: string; name?: string; message: string }[]): AdfPanel {
  return fieldNoticePanel(
    'warning',
    'Jira refused some mapped fields',
    ', so this ticket was created without them. An administrator should update the field mapping in the relay’s admin site.',
    refused,
  );
}

function droppedFieldsPanel(dropped: readonly DroppedField[]): AdfPanel {
  return fieldNoticePanel(
    'note',
    'Some mapped values could not be filled',
    ' from this alert; the rest of the ticket is complete and the raw payload below has every value.',
    dropped.map((d) => ({ id: d.fieldId, name: d.fieldName, message: d.reason })),
  );
}

function readNested(nested: Readonly<Record<string, unknown>>, path: string): unknown {
  return readPath(nested, path.startsWith('event.') ? path.slice('event.'.length) : path);
}

function describeTarget(config: RelayConfig, issueTypeId: string): string {
  const name = config.issueTypes.find((t) => t.id === issueTypeId)?.name ?? issueTypeId;
  return `issue type ${name} in project ${config.project.key}`;
}

function missingMetaReason(where: string): string {
  return `no field metadata is stored for ${where}; save the configuration again`;
}

function fieldName(config: RelayConfig, issueTypeId: string, fieldId: string): string | undefined {
  if (fieldId === 'description') return 'Description';
  return config.fieldMeta[issueTypeId]?.find((f) => f.fieldId === fieldId)?.name ?? fieldNameAnywhere(config, fieldId);
}

function fieldNameAnywhere(config: RelayConfig, fieldId: string): string | undefined {
  for (const fields of Object.values(config.fieldMeta)) {
    const found = fields.find((f) => f.fieldId === fieldId);
    if (found) return found.name;
  }
  return undefined;
}

function withName(field: DroppedField, name: string | undefined): DroppedField {
  return name === undefined ? field : { ...field, fieldName: name };
}

function ownValue(map: Readonly<Record<string, string>>, key: string): string | undefined {
  // Own keys only: an event named "constructor" must not find Object.prototype's function.
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
