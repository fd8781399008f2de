/**
 * The ticket's ADF description (docs/ticket-format.md): readable summary, table of the alert's
 * fields, complete raw payload, and the notice panels that say which fields were left out. Always
 * fits Jira's size limit, shortening visibly rather than failing the alert.
 */
import type { DroppedField } from '#domain/alert-record.ts';
import { alertLabel } from '#domain/alert/dedup-key.ts';
import { eventCatalog, UNKNOWN } from '#domain/alert/event-catalog.ts';
import { type KeeperAlert, type ParsedAlert, payloadLeaves } from '#domain/alert/keeper-alert.ts';
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
import { JIRA_SHORT_TEXT_MAX, displayValue, singleLine, truncate, truncateVisibly } from './text.ts';

/**
 * Budget for the description, measured as `JSON.stringify(doc).length`. Jira refuses more than
 * 32,767 characters and does not document how it counts ADF; the margin absorbs the difference
 * and the notice panel a ticket may get for left-out fields.
 */
export const DESCRIPTION_MAX_CHARS = 32_000;

// With a notice panel the description may use the margin left below Jira's 32,767.
const WITH_NOTICE_MAX_CHARS = 32_600;
const NOTICE_LISTED_MAX = 10;

// Readable-summary and table limits applied when the full description would be too long.
const DESCRIPTION_TEXT_MAX = 2_000;
const TABLE_VALUE_MAX = 200;
const TABLE_BUDGET = 12_000;

/** What the description says about the alert's journey through the relay. */
export interface DescriptionContext {
  /** Dedup key of the alert. */
  readonly alertId: string;
  /** ISO time the relay received it. */
  readonly receivedAt: string;
  /** Sent by the admin site's "Test Web Trigger". */
  readonly test?: boolean;
}

interface DescriptionLimits {
  /** Cap for each table value; undefined = whole values. */
  readonly valueMax?: number;
  /** Cap for the number of table rows; undefined = all. */
  readonly rowMax?: number;
  /** Compact rather than pretty JSON in the raw payload block. */
  readonly compactRaw?: boolean;
}

/** Size Jira counts against its 32,767-character limit (approximated by the serialised ADF). */
export function descriptionSize(document: AdfDoc): number {
  return JSON.stringify(document).length;
}

/**
 * The description: readable summary, table of the alert's fields, complete raw payload. The
 * readable text is `readableText` (from a description mapping), else the alert's own
 * description. Kept under the size budget by shortening table values, then rows, then the raw
 * block, each visibly.
 */
export function buildDescription(alert: KeeperAlert, ctx: DescriptionContext, readableText?: string): AdfDoc {
  const text = readableText ?? (alert.parsed ? alert.description : undefined);
  const build = (limits: DescriptionLimits): AdfDoc => descriptionDoc(alert, ctx, text, limits);
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

/**
 * `description` with a note panel first listing the mapped values that could not be filled:
 * never "fields silently empty", whatever was left out is said in the ticket itself.
 */
export function withDroppedFieldsNotice(description: AdfDoc, dropped: readonly DroppedField[]): AdfDoc {
  const notice = fieldNoticePanel(
    'note',
    'Some mapped values could not be filled',
    ' from this alert; the rest of the ticket is complete and the raw payload below has every value.',
    dropped.map((d) => ({ id: d.fieldId, name: d.fieldName, message: d.reason })),
  );
  return fitDescription(doc(notice, ...description.content), WITH_NOTICE_MAX_CHARS);
}

/**
 * `description` with a warning panel first listing the fields Jira refused at delivery. When Jira
 * refused the description itself, a short one pointing at the ledger (alert label `label`)
 * replaces it rather than removing it.
 */
export function withRefusedFieldsNotice(
  description: AdfDoc,
  refused: readonly { id: string; name?: string | undefined; message: string }[],
  label: string,
): AdfDoc {
  const notice = fieldNoticePanel(
    'warning',
    'Jira refused some mapped fields',
    ', so this ticket was created without them. An administrator should update the field mapping in the relay’s admin site.',
    refused,
  );
  if (refused.some((f) => f.id === 'description')) {
    return doc(
      notice,
      paragraph('The alert could not be shown here. The complete payload is in the relay’s ledger under alert label ', code(label), '.'),
    );
  }
  return fitDescription(doc(notice, ...description.content), WITH_NOTICE_MAX_CHARS);
}

function descriptionDoc(alert: KeeperAlert, ctx: DescriptionContext, descriptionText: string | undefined, limits: DescriptionLimits): AdfDoc {
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
        .slice(0, NOTICE_LISTED_MAX)
        .map((f) => [strong(f.name ? `${f.name} (${f.id})` : f.id), `: ${truncate(singleLine(f.message) || 'no reason given', 200)}`]),
      ...(items.length > NOTICE_LISTED_MAX ? [[`and ${items.length - NOTICE_LISTED_MAX} more; see the relay's ledger`]] : []),
    ]),
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
