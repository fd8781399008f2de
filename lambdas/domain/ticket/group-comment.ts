/**
 * The comments the relay adds to an open issue (docs/ticket-format.md, "Comments"): the summary of
 * a group's new occurrences (one comment per interval, with each received body in a collapsed
 * section), a storm's running count, the escalation of the priority, a counter-event that resolves
 * the issue, a reopen. Like descriptions, every comment stays under Jira's 32,767-character limit;
 * bodies that do not fit go into one attached file that the comment names.
 */
import { alertLabel } from '#domain/alert/dedup-key.ts';
import { type KeeperAlert, parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { fieldText } from '#domain/routing/rule-conditions.ts';
import {
  type AdfBlock,
  type AdfDoc,
  type AdfPanel,
  bulletList,
  code,
  codeBlock,
  doc,
  expand,
  type InlineInput,
  panel,
  paragraph,
  strong,
} from './adf.ts';
import { DESCRIPTION_MAX_CHARS, descriptionSize } from './description.ts';
import { duration, type GroupKeyValues, keySentence } from './issue-notes.ts';
import { redactAlert } from './redact.ts';
import { ELLIPSIS, JIRA_SHORT_TEXT_MAX, singleLine, truncate } from './text.ts';

/**
 * Budget of a comment, measured like the description (`descriptionSize`): Jira refuses more than
 * 32,767 characters and does not say how it counts ADF, so the same margin applies.
 */
export const COMMENT_MAX_CHARS = DESCRIPTION_MAX_CHARS;

// Room kept for the paragraph that names the attached file and the occurrences in it.
const FILE_NOTE_RESERVE = 2_500;
const DISTINCT_LISTED_MAX = 20;
const FILE_LISTED_MAX = 10;
const VALUE_MAX = 100;

/** One alert that joined a group, as its comment shows it. */
export interface Occurrence {
  readonly alertId: string;
  /** ISO time the relay received it. */
  readonly receivedAt: string;
  /** The body as received, already redacted when the rule redacts (`occurrenceOf` does both). */
  readonly rawBody: string;
  readonly remoteAddress?: string;
  /** The device or client it came from (`device_name`, else `client_version`). */
  readonly device?: string;
}

/** Priority raised by the rule's escalation threshold in this flush. */
export interface EscalationNotice {
  readonly priorityName: string;
  readonly occurrences: number;
  readonly withinMinutes: number;
  readonly ruleName?: string;
}

export interface OccurrencesInput {
  /** The group's key values (`groupOf(...).key`). */
  readonly key: GroupKeyValues;
  /** Occurrences on the issue so far, these included (the first alert counts as one). */
  readonly total: number;
  /** The new occurrences whose bodies are at hand, in order of receipt. */
  readonly occurrences: readonly Occurrence[];
  /** ISO times of the first and last new occurrence (bodies or not). */
  readonly firstAt: string;
  readonly lastAt: string;
  /** New occurrences whose bodies are not at hand (e.g. beyond what the group store keeps); counted, not shown. */
  readonly withoutBodies?: number;
  readonly escalation?: EscalationNotice;
  /** The issue was done and is reopened by these occurrences. */
  readonly reopened?: { readonly fromStatus: string };
  readonly ruleName?: string;
}

/** A comment, and the file to attach in the same flush when some bodies did not fit. */
export interface GroupComment {
  readonly document: AdfDoc;
  readonly attachment?: { readonly filename: string; readonly content: string; readonly mimeType: string };
}

/**
 * An occurrence from a received body: parsed, redacted by the rule's `redact` paths, with its
 * remote address and device read from the redacted alert, so the comment shows no redacted value.
 */
export function occurrenceOf(
  record: { readonly alertId: string; readonly receivedAt: string; readonly rawBody: string },
  redact: readonly string[] = [],
): Occurrence {
  const { alert } = redactAlert(parseAlertBody(record.rawBody), redact);
  const remoteAddress = alert.parsed ? alert.remoteAddress : undefined;
  const device = deviceOf(alert);
  return {
    alertId: record.alertId,
    receivedAt: record.receivedAt,
    rawBody: alert.rawText,
    ...(remoteAddress !== undefined ? { remoteAddress } : {}),
    ...(device !== undefined ? { device } : {}),
  };
}

/**
 * The comment for a group's new occurrences: "12 more occurrences (total 57) between … and …",
 * the distinct remote addresses and devices, then each body in a collapsed section titled by its
 * time and alert label. Bodies that would take the comment past `COMMENT_MAX_CHARS` go into one
 * attached file, and the comment names the file and the occurrences in it.
 */
export function occurrencesComment(input: OccurrencesInput): GroupComment {
  const count = input.occurrences.length + (input.withoutBodies ?? 0);
  const head = paragraph(
    strong(`${count} more ${plural(count, 'occurrence')}`),
    ` (total ${input.total}) ${span(input.firstAt, input.lastAt)} of `,
    ...keySentence(input.key),
    '.',
  );
  return commentWithBodies(input, [
    input.reopened && reopenedPanel(input.reopened.fromStatus),
    input.escalation && escalationPanel(input.escalation),
    head,
  ]);
}

/** A storm issue's running count: alerts of the rule past its cap this hour. */
export interface StormInput extends Omit<OccurrencesInput, 'key' | 'reopened'> {
  readonly ruleName: string;
  /** `hourOf` of the storm (`2026-11-26T13`). */
  readonly hour: string;
}

/** The comment for a storm's new alerts: a running count for the hour, then the bodies as for a group. */
export function stormComment(input: StormInput): GroupComment {
  const count = input.occurrences.length + (input.withoutBodies ?? 0);
  const head = paragraph(
    strong(`${count} more ${plural(count, 'alert')}`),
    ` of rule “${ruleLabel(input.ruleName)}” past its limit of new issues ${span(input.firstAt, input.lastAt)} (total ${input.total} in the hour from ${input.hour}:00 UTC).`,
  );
  return commentWithBodies(input, [input.escalation && escalationPanel(input.escalation), head]);
}

/** The comment that closes an issue because its counter-event arrived. */
export interface CounterEventInput {
  /** The event that opened the issue (e.g. `set_two_factor_off`). */
  readonly openEvent: string;
  /** The closing event (e.g. `set_two_factor_on`). */
  readonly closeEvent: string;
  /** The pair's key values (empty for a pair without key fields). */
  readonly key: GroupKeyValues;
  readonly occurrence: Occurrence;
}

/** "`set_two_factor_on` for the same `username` alice: resolving", with the closing alert's body. */
export function counterEventComment(input: CounterEventInput): GroupComment {
  const keyed = Object.keys(input.key).length > 0;
  const head = paragraph(
    code(truncate(input.closeEvent, VALUE_MAX)),
    ...(keyed ? [' for ', ...keySentence(input.key)] : [' undoes ', code(truncate(input.openEvent, VALUE_MAX))]),
    ': resolving. ',
    `Received ${input.occurrence.receivedAt}; the relay moved this issue to done.`,
  );
  return commentWithBodies(
    { occurrences: [input.occurrence], firstAt: input.occurrence.receivedAt, lastAt: input.occurrence.receivedAt },
    [head],
  );
}

/** The comment added when a repeat reopens a done issue (in the same call as the transition). */
export function reopenComment(input: {
  readonly fromStatus: string;
  readonly key: GroupKeyValues;
  readonly receivedAt: string;
  readonly ruleName?: string;
}): AdfDoc {
  return doc(
    reopenedPanel(input.fromStatus),
    paragraph(
      `The same alert happened again at ${input.receivedAt}: `,
      ...keySentence(input.key),
      input.ruleName === undefined ? '.' : ` (rule “${ruleLabel(input.ruleName)}”).`,
    ),
  );
}

/** The panel that says why the priority went up. */
export function escalationPanel(escalation: EscalationNotice): AdfPanel {
  return panel(
    'warning',
    paragraph(
      strong(`Priority raised to ${truncate(singleLine(escalation.priorityName), VALUE_MAX)}`),
      `: ${escalation.occurrences} occurrences within ${duration(escalation.withinMinutes)}`,
      escalation.ruleName === undefined ? '.' : ` (rule ${ruleLabel(escalation.ruleName)}).`,
    ),
  );
}

/** The comment that raises the priority on its own (no new bodies to show, e.g. a storm's first flush). */
export function escalationComment(escalation: EscalationNotice): AdfDoc {
  return doc(escalationPanel(escalation));
}

// ---------------------------------------------------------------------------------------------

function reopenedPanel(fromStatus: string): AdfPanel {
  return panel(
    'info',
    paragraph(
      strong('Reopened.'),
      ` The issue was ${truncate(singleLine(fromStatus), VALUE_MAX)}; the relay reopened it because the alert happened again within the rule’s reopen window.`,
    ),
  );
}

/**
 * Header blocks, the distinct addresses and devices, and as many bodies (in collapsed sections) as
 * fit; the others go into the attached file.
 */
function commentWithBodies(
  input: Pick<OccurrencesInput, 'occurrences' | 'firstAt' | 'lastAt' | 'withoutBodies'>,
  header: readonly (AdfBlock | undefined)[],
): GroupComment {
  const blocks: AdfBlock[] = header.filter((b): b is AdfBlock => b !== undefined);
  const distinct = distinctList(input.occurrences);
  if (distinct !== undefined) blocks.push(distinct);
  if ((input.withoutBodies ?? 0) > 0) {
    blocks.push(
      paragraph(
        `${input.withoutBodies} ${plural(input.withoutBodies ?? 0, 'occurrence')} are counted but not shown here; the relay’s ledger keeps their bodies.`,
      ),
    );
  }
  const inline: AdfBlock[] = [];
  const inFile: Occurrence[] = [];
  const budget = COMMENT_MAX_CHARS - FILE_NOTE_RESERVE;
  let size = descriptionSize(doc(...blocks));
  for (const occurrence of input.occurrences) {
    const section = bodySection(occurrence);
    // Each block adds its own size plus one comma in the content array.
    const added = JSON.stringify(section).length + 1;
    if (size + added <= budget) {
      inline.push(section);
      size += added;
    } else {
      inFile.push(occurrence);
    }
  }
  if (inFile.length === 0) return { document: doc(...blocks, ...inline) };
  const file = occurrencesFile(inFile);
  return {
    document: doc(...blocks, ...inline, fileNote(file.filename, inFile, inline.length)),
    attachment: file,
  };
}

function bodySection(occurrence: Occurrence): AdfBlock {
  const language = /^\uFEFF?\s*[{[]/.test(occurrence.rawBody) ? 'json' : 'text';
  return expand(
    `${truncate(singleLine(occurrence.receivedAt), 40)} · ${alertLabel(occurrence.alertId)}`,
    codeBlock(occurrence.rawBody, language),
  );
}

/** The file with the bodies that did not fit: each under a line naming its time and alert label. */
function occurrencesFile(occurrences: readonly Occurrence[]): NonNullable<GroupComment['attachment']> {
  const first = occurrences[0] as Occurrence;
  const content = occurrences
    .map((o) => `===== ${o.receivedAt} ${alertLabel(o.alertId)} =====\n${o.rawBody}\n`)
    .join('\n');
  // Named after its first alert: one alert is in one flush, so a retried flush finds its file again.
  return {
    filename: `keeper-occurrences-${alertLabel(first.alertId).slice('keeper-alert-'.length)}.txt`,
    content,
    mimeType: 'text/plain',
  };
}

function fileNote(filename: string, inFile: readonly Occurrence[], shown: number): AdfBlock {
  const listed = inFile
    .slice(0, FILE_LISTED_MAX)
    .map((o) => `${truncate(o.receivedAt, 40)} (${alertLabel(o.alertId)})`);
  const more = inFile.length > FILE_LISTED_MAX ? ` and ${inFile.length - FILE_LISTED_MAX} more` : '';
  return paragraph(
    `${ELLIPSIS} ${shown === 0 ? 'The' : `${inFile.length} more`} received ${plural(inFile.length, 'body', 'bodies')} did not fit in this comment and ${inFile.length === 1 ? 'is' : 'are'} in the attached file `,
    code(filename),
    `: ${listed.join(', ')}${more}.`,
  );
}

/** Distinct remote addresses and devices of the occurrences, at most `DISTINCT_LISTED_MAX` each. */
function distinctList(occurrences: readonly Occurrence[]): AdfBlock | undefined {
  const items: InlineInput[][] = [];
  for (const [label, values] of [
    ['Remote addresses: ', occurrences.map((o) => o.remoteAddress)],
    ['Devices: ', occurrences.map((o) => o.device)],
  ] as const) {
    const distinct = [...new Set(values.filter((v): v is string => v !== undefined && v.trim() !== ''))];
    if (distinct.length === 0) continue;
    const shown = distinct.slice(0, DISTINCT_LISTED_MAX).map((v) => truncate(singleLine(v), VALUE_MAX));
    const more = distinct.length > DISTINCT_LISTED_MAX ? ` and ${distinct.length - DISTINCT_LISTED_MAX} more` : '';
    items.push([strong(label), `${shown.join(', ')}${more}`]);
  }
  return bulletList(items);
}

/** `device_name` (top level or nested event), else `device`, else `client_version`. */
function deviceOf(alert: KeeperAlert): string | undefined {
  if (!alert.parsed) return undefined;
  const named = fieldText(alert, 'device_name') ?? fieldText(alert, 'device');
  const value = named ?? alert.clientVersion;
  return value === undefined ? undefined : truncate(value, JIRA_SHORT_TEXT_MAX);
}

function span(firstAt: string, lastAt: string): string {
  return firstAt === lastAt
    ? `at ${truncate(firstAt, 40)}`
    : `between ${truncate(firstAt, 40)} and ${truncate(lastAt, 40)}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

function ruleLabel(name: string): string {
  return truncate(singleLine(name), 120);
}
