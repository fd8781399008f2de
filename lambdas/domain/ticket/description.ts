/**
 * The ticket's ADF description (docs/ticket-format.md): readable summary, table of the alert's
 * fields, the body exactly as received (the audit trail), and the notice panels that say which
 * fields were left out. Always fits Jira's size limit, shortening visibly rather than failing the
 * alert; when the received body cannot be shown whole, the ticket names the file it is attached as.
 * Over 350 lines because the size budget is one calculation: what to shorten first, and by how much,
 * depends on every part of the document.
 */

import { alertLabel } from '#domain/alert/dedup-key.ts';
import { eventCatalog, UNKNOWN } from '#domain/alert/event-catalog.ts';
import { type KeeperAlert, type PayloadLeaf, payloadLeaves } from '#domain/alert/keeper-alert.ts';
import type { DroppedField } from '#domain/alert-record.ts';
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
  type TableCellInput,
  table,
} from './adf.ts';
import {
  displayValue,
  ELLIPSIS,
  JIRA_SHORT_TEXT_MAX,
  singleLine,
  stripControlCharacters,
  truncate,
  truncateVisibly,
} from './text.ts';

/**
 * Budget for the description, measured as `JSON.stringify(doc).length` (`descriptionSize`). Jira
 * refuses more than 32,767 characters and does not document how it counts ADF; the margin absorbs
 * the difference.
 */
export const DESCRIPTION_MAX_CHARS = 32_000;

/**
 * Share of the budget the raw payload block always keeps when it has to be cut (serialised
 * characters): table rows and long texts give way first, so the audit trail is never emptied.
 */
export const RAW_BLOCK_FLOOR = 8_000;

const NOTICE_LISTED_MAX = 10;
const NOTICE_MESSAGE_MAX = 200;

// Readable-summary and table limits applied when the full description would be too long.
const DESCRIPTION_TEXT_MAX = 2_000;
const TABLE_VALUE_MAX = 200;
const TABLE_BUDGET = 12_000;
// Payload copies outside the table and the raw block (event code, user, address, …) are bounded,
// so the rest of the document can never crowd the raw block out.
const COPIED_VALUE_MAX = JIRA_SHORT_TEXT_MAX;
const REASON_MAX = 300;

// Tighter limits for a document whose notices and readable text alone would leave the raw block
// less than its floor (many long refusal messages, a long escape-heavy description text).
const COMPACT = { textMax: 500, listed: 3, messageMax: 100 } as const;
const REGULAR = { textMax: DESCRIPTION_TEXT_MAX, listed: NOTICE_LISTED_MAX, messageMax: NOTICE_MESSAGE_MAX } as const;

/** What the description says about the alert's journey through the relay. */
export interface DescriptionContext {
  /** Dedup key of the alert. */
  readonly alertId: string;
  /** ISO time the relay received it. */
  readonly receivedAt: string;
  /** Sent by the admin site's "Test Web Trigger". */
  readonly test?: boolean;
}

/** A field Jira refused at delivery, as the warning panel names it. */
export interface RefusedField {
  readonly id: string;
  readonly name?: string | undefined;
  readonly message: string;
}

/** What goes into the description besides the alert. */
export interface DescriptionOptions {
  /** Readable text from a description mapping; else the alert's own `description`. */
  readonly readableText?: string;
  /** Mapped values that could not be filled (note panel). */
  readonly dropped?: readonly DroppedField[];
  /** Fields Jira refused at delivery (warning panel). */
  readonly refused?: readonly RefusedField[];
  /** What the matching rule did to this ticket (grouped, storm, redacted, follow-up panels), after the field notices. */
  readonly notes?: readonly AdfPanel[];
}

/** The received body as a file on the issue: `keeper-alert-<16 hex>.json` (`.txt` for a body that is not JSON). */
export interface RawBodyFile {
  readonly filename: string;
  readonly mimeType: string;
}

export interface BuiltDescription {
  readonly document: AdfDoc;
  /**
   * True when the raw payload block holds the received body whole and unchanged. When false (cut
   * to fit, or characters Jira cannot store left out) the ticket says the body is in `file`, and
   * delivery attaches it.
   */
  readonly rawComplete: boolean;
  readonly file: RawBodyFile;
}

interface Layout {
  /** Cap for each table value; undefined = whole values. */
  readonly valueMax?: number;
  /** Cap for the number of table rows; undefined = all. */
  readonly rowMax?: number;
  /** Tighter readable text and notice lists. */
  readonly compact?: boolean;
  /** UTF-16 length of the received text's prefix in the raw block; undefined = all of it. */
  readonly rawKeep?: number;
}

/** Size Jira counts against its 32,767-character limit (approximated by the serialised ADF). */
export function descriptionSize(document: AdfDoc): number {
  return JSON.stringify(document).length;
}

/** The file that carries the complete received body when the ticket cannot show all of it. */
export function rawBodyFile(alertId: string, parsed: boolean): RawBodyFile {
  const label = alertLabel(alertId);
  return parsed
    ? { filename: `${label}.json`, mimeType: 'application/json' }
    : { filename: `${label}.txt`, mimeType: 'text/plain' };
}

/**
 * The description: notices, readable summary, table of the alert's fields, and the body exactly
 * as received in the raw payload block. Kept under the size budget by shortening table values,
 * then by cutting the raw block to the longest prefix that fits, after dropping table rows (and,
 * if still needed, shortening the readable text and notices) so that the raw block keeps at least
 * `RAW_BLOCK_FLOOR`. Every cut is said where it happens.
 */
export function describeAlert(
  alert: KeeperAlert,
  ctx: DescriptionContext,
  options: DescriptionOptions = {},
): BuiltDescription {
  const parts = new DescriptionParts(alert, ctx, options);
  const file = parts.file;
  for (const layout of [{}, { valueMax: TABLE_VALUE_MAX }]) {
    const whole = parts.render(layout);
    if (descriptionSize(whole) <= DESCRIPTION_MAX_CHARS)
      return { document: whole, rawComplete: parts.rawUnchanged, file };
  }
  // The raw block has to be cut. The rest of the document may use what the raw block's floor leaves.
  const shellFits = (layout: Layout): boolean =>
    descriptionSize(parts.render({ ...layout, rawKeep: 0 })) <= DESCRIPTION_MAX_CHARS - RAW_BLOCK_FLOOR;
  const base: Layout = shellFits({ valueMax: TABLE_VALUE_MAX, rowMax: 0 })
    ? { valueMax: TABLE_VALUE_MAX }
    : { valueMax: TABLE_VALUE_MAX, compact: true };
  // The table keeps as many rows as fit its own budget and the floor.
  const rowMax = largestFitting(parts.rowCount, (rows) => {
    const layout = { ...base, rowMax: rows };
    return (rows === 0 || parts.tableSize(layout) <= TABLE_BUDGET) && shellFits(layout);
  });
  const layout = { ...base, rowMax };
  const keep = largestFitting(
    alert.rawText.length,
    (length) => descriptionSize(parts.render({ ...layout, rawKeep: length })) <= DESCRIPTION_MAX_CHARS,
  );
  return { document: parts.render({ ...layout, rawKeep: keep }), rawComplete: false, file };
}

/** The description document alone (see `describeAlert`). */
export function buildDescription(alert: KeeperAlert, ctx: DescriptionContext, readableText?: string): AdfDoc {
  return describeAlert(alert, ctx, readableText === undefined ? {} : { readableText }).document;
}

/**
 * The description that replaces one Jira refused outright: the warning naming the refused fields
 * and where the alert is, the attached file and the relay's ledger (alert label `label`).
 */
export function refusedDescriptionDocument(refused: readonly RefusedField[], label: string, file: RawBodyFile): AdfDoc {
  return doc(
    refusedNotice(refused, REGULAR),
    paragraph(
      'The alert could not be shown here. The body as received is in the attached file ',
      code(file.filename),
      '; the relay’s ledger keeps it under alert label ',
      code(label),
      '.',
    ),
  );
}

/** The pieces of one description, computed once and laid out under different limits. */
class DescriptionParts {
  readonly file: RawBodyFile;
  /** The received text survives the ADF builders unchanged (no control characters, no lone surrogates). */
  readonly rawUnchanged: boolean;
  readonly rowCount: number;
  readonly #leaves: readonly PayloadLeaf[];
  readonly #cells = new Map<number | undefined, TableCellInput[][]>();

  constructor(
    private readonly alert: KeeperAlert,
    private readonly ctx: DescriptionContext,
    private readonly options: DescriptionOptions,
  ) {
    this.file = rawBodyFile(ctx.alertId, alert.parsed);
    this.rawUnchanged = printable(alert.rawText) === alert.rawText;
    this.#leaves = alert.parsed ? payloadLeaves(alert.payload) : [];
    this.rowCount = this.#leaves.length;
  }

  render(layout: Layout): AdfDoc {
    const { alert, ctx, options } = this;
    const limits = layout.compact ? COMPACT : REGULAR;
    const entry = eventCatalog.lookup(alert.event);
    const readable = options.readableText ?? (alert.parsed ? alert.description : undefined);
    return doc(
      options.refused !== undefined && options.refused.length > 0 && refusedNotice(options.refused, limits),
      options.dropped !== undefined && options.dropped.length > 0 && droppedNotice(options.dropped, limits),
      ...(options.notes ?? []),
      ctx.test &&
        panel(
          'info',
          paragraph(
            strong('Test alert.'),
            ' Sent from the Keeper → Jira relay’s admin site to check the connection; no action is needed.',
          ),
        ),
      !alert.parsed &&
        panel(
          'warning',
          paragraph(
            strong('Unparsed alert body.'),
            ` ${capitalise(truncate(alert.reason, REASON_MAX))}. The body is shown below exactly as received.`,
          ),
        ),
      alert.parsed &&
        alert.fieldIssues.length > 0 &&
        panel(
          'note',
          paragraph('Some known fields did not have the type Keeper documents; they are shown as received:'),
          bulletList(alert.fieldIssues.map((issue) => [issue])),
        ),
      heading(
        2,
        truncate(singleLine(alert.parsed ? (alert.alertName ?? 'Keeper alert') : 'Keeper alert'), JIRA_SHORT_TEXT_MAX),
      ),
      paragraph(
        strong('Event: '),
        code(truncate(alert.event, COPIED_VALUE_MAX)),
        entry ? ` — ${entry.title}` : alert.event === UNKNOWN ? '' : ' (not in Keeper’s event catalog)',
        ` · category ${truncate(alert.category, COPIED_VALUE_MAX)}`,
      ),
      readable !== undefined && paragraph(...lines(truncateVisibly(readable.trim(), limits.textMax))),
      alert.parsed &&
        bulletList(
          [
            ['User: ', alert.username],
            ['Remote address: ', alert.remoteAddress],
            ['Time: ', alert.timestamp],
            ['Client: ', alert.clientVersion],
          ]
            .filter((item): item is [string, string] => item[1] !== undefined)
            .map(([name, value]) => [strong(name), truncate(value, COPIED_VALUE_MAX)]),
        ),
      alert.parsed && heading(3, 'Alert fields'),
      alert.parsed && this.#table(layout),
      heading(3, 'Raw payload'),
      ...this.#rawBlock(layout.rawKeep),
      rule(),
      paragraph(`Received ${ctx.receivedAt} by the Keeper → Jira relay · alert label `, code(alertLabel(ctx.alertId))),
    );
  }

  /** Serialised size of the field table alone under `layout`. */
  tableSize(layout: Layout): number {
    const table = this.#table(layout);
    return table === undefined ? 0 : descriptionSize(doc(table));
  }

  #table(layout: Layout): AdfBlock | undefined {
    if (this.#leaves.length === 0) return paragraph('The alert has no fields.');
    const cells = this.#rows(layout.valueMax);
    const shown = layout.rowMax === undefined ? cells : cells.slice(0, layout.rowMax);
    const rows = [...shown];
    if (shown.length < cells.length) {
      rows.push([
        '…',
        `${cells.length - shown.length} more fields; see the raw payload below and the attached file ${this.file.filename}`,
      ]);
    }
    return table(['Field', 'Value'], rows);
  }

  #rows(valueMax: number | undefined): TableCellInput[][] {
    const cached = this.#cells.get(valueMax);
    if (cached) return cached;
    const rows = this.#leaves.map((leaf): TableCellInput[] => {
      // Only the start of a long value is shown when it is cut: no need to write all of it.
      const value = displayValue(leaf.value, valueMax === undefined ? undefined : valueMax + 1);
      return [code(leaf.path), lines(valueMax === undefined ? value : truncateVisibly(value, valueMax))];
    });
    this.#cells.set(valueMax, rows);
    return rows;
  }

  /** The raw payload block: the received text (or its first `keep` units), then what the reader must know. */
  #rawBlock(keep: number | undefined): AdfBlock[] {
    const received = this.alert.rawText;
    const language = this.alert.parsed ? 'json' : 'text';
    if (keep === undefined || keep >= received.length) {
      if (this.rawUnchanged) return [codeBlock(received, language)];
      return [
        codeBlock(received, language),
        paragraph(
          `${ELLIPSIS} Control characters Jira cannot store were left out of the block above; the attached file `,
          code(this.file.filename),
          ' holds the body as received.',
        ),
      ];
    }
    const end = pairSafeEnd(received, keep);
    const omitted = codePointCount(received, end);
    return [
      codeBlock(received.slice(0, end), language),
      paragraph(
        `${ELLIPSIS} ${omitted} more characters of the received body are in the attached file `,
        code(this.file.filename),
      ),
    ];
  }
}

/** Largest n in [0, max] for which `fits(n)` holds, by binary search; 0 when none does. */
function largestFitting(max: number, fits: (n: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** `end`, moved back by one when it would split a surrogate pair. */
function pairSafeEnd(text: string, end: number): number {
  if (end <= 0 || end >= text.length) return Math.max(0, Math.min(end, text.length));
  const before = text.charCodeAt(end - 1);
  return before >= 0xd800 && before <= 0xdbff ? end - 1 : end;
}

/** Characters (Unicode code points) of `text` from `start` on: what a reader of the file counts. */
function codePointCount(text: string, start: number): number {
  let count = 0;
  for (let i = start; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** The text as an ADF text node keeps it. */
function printable(text: string): string {
  return stripControlCharacters(text).toWellFormed();
}

function droppedNotice(dropped: readonly DroppedField[], limits: typeof REGULAR | typeof COMPACT): AdfPanel {
  return fieldNoticePanel(
    'note',
    'Some mapped values could not be filled',
    ' from this alert; the rest of the ticket is complete and the raw payload below has every value.',
    dropped.map((d) => ({ id: d.fieldId, name: d.fieldName, message: d.reason })),
    limits,
  );
}

function refusedNotice(refused: readonly RefusedField[], limits: typeof REGULAR | typeof COMPACT): AdfPanel {
  return fieldNoticePanel(
    'warning',
    'Jira refused some mapped fields',
    ', so this ticket was created without them. An administrator should update the field mapping in the relay’s admin site.',
    refused,
    limits,
  );
}

function fieldNoticePanel(
  type: 'warning' | 'note',
  title: string,
  explanation: string,
  items: readonly RefusedField[],
  limits: typeof REGULAR | typeof COMPACT,
): AdfPanel {
  return panel(
    type,
    paragraph(strong(title), explanation),
    bulletList([
      ...items
        .slice(0, limits.listed)
        .map((f) => [
          strong(truncate(f.name ? `${f.name} (${f.id})` : f.id, JIRA_SHORT_TEXT_MAX)),
          `: ${truncate(singleLine(f.message) || 'no reason given', limits.messageMax)}`,
        ]),
      ...(items.length > limits.listed ? [[`and ${items.length - limits.listed} more; see the relay's ledger`]] : []),
    ]),
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
