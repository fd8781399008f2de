/**
 * Typed builders for the small part of the Atlassian Document Format the relay writes.
 * Hand-written rather than a library: the editor packages that build ADF pull in ProseMirror and
 * React, far too heavy for the webhook bundle. The official JSON schema checks the output in tests.
 *
 * Jira answers an empty text node with a generic "We can't create this issue" error
 * (docs/jira-cloud-facts.md, "Jira REST API v3"), so no builder here ever emits one: empty strings are dropped,
 * or replaced by `PLACEHOLDER` where a node must have content (table cells, code blocks).
 */
import { stripControlCharacters } from './text.ts';

export const PLACEHOLDER = '—';

export type AdfMark =
  | { readonly type: 'strong' }
  | { readonly type: 'em' }
  | { readonly type: 'code' }
  | { readonly type: 'link'; readonly attrs: { readonly href: string } };

export interface AdfText {
  readonly type: 'text';
  readonly text: string;
  readonly marks?: readonly AdfMark[];
}

export interface AdfHardBreak {
  readonly type: 'hardBreak';
}

export type AdfInline = AdfText | AdfHardBreak;

export interface AdfParagraph {
  readonly type: 'paragraph';
  readonly content: readonly AdfInline[];
}

export interface AdfHeading {
  readonly type: 'heading';
  readonly attrs: { readonly level: 1 | 2 | 3 | 4 | 5 | 6 };
  readonly content: readonly AdfInline[];
}

export interface AdfCodeBlock {
  readonly type: 'codeBlock';
  readonly attrs?: { readonly language: string };
  /** Code blocks take unmarked text only. */
  readonly content: readonly AdfText[];
}

export interface AdfListItem {
  readonly type: 'listItem';
  readonly content: readonly AdfParagraph[];
}

export interface AdfBulletList {
  readonly type: 'bulletList';
  readonly content: readonly AdfListItem[];
}

export type AdfPanelType = 'info' | 'note' | 'tip' | 'warning' | 'error' | 'success';

export interface AdfPanel {
  readonly type: 'panel';
  readonly attrs: { readonly panelType: AdfPanelType };
  readonly content: readonly (AdfParagraph | AdfBulletList)[];
}

export interface AdfRule {
  readonly type: 'rule';
}

export interface AdfTableCell {
  readonly type: 'tableCell' | 'tableHeader';
  readonly content: readonly AdfParagraph[];
}

export interface AdfTableRow {
  readonly type: 'tableRow';
  readonly content: readonly AdfTableCell[];
}

export interface AdfTable {
  readonly type: 'table';
  readonly content: readonly AdfTableRow[];
}

/** A collapsed section with a title; opens on click. Top level only (ADF nests only `nestedExpand`). */
export interface AdfExpand {
  readonly type: 'expand';
  readonly attrs: { readonly title: string };
  readonly content: readonly (
    | AdfParagraph
    | AdfCodeBlock
    | AdfBulletList
    | AdfPanel
    | AdfHeading
    | AdfTable
    | AdfRule
  )[];
}

export type AdfBlock =
  | AdfParagraph
  | AdfHeading
  | AdfCodeBlock
  | AdfBulletList
  | AdfPanel
  | AdfRule
  | AdfTable
  | AdfExpand;

export interface AdfDoc {
  readonly version: 1;
  readonly type: 'doc';
  readonly content: readonly AdfBlock[];
}

/** Inline content as the builders accept it: nodes, strings (empty ones dropped), or nothing. */
export type InlineInput = AdfInline | string | undefined | null | false;

/** A document; `undefined`/`false` blocks are skipped so callers can write conditional sections inline. */
export function doc(...blocks: readonly (AdfBlock | undefined | false)[]): AdfDoc {
  return { version: 1, type: 'doc', content: blocks.filter(isPresent) };
}

/**
 * A text node, or undefined when nothing printable is left (the callers drop it). A lone surrogate
 * (a payload can carry one as a `\ud800` escape) becomes U+FFFD: it is not a character Jira can
 * store, and JSON would write it as a six-character escape.
 */
export function text(value: string, ...marks: readonly AdfMark[]): AdfText | undefined {
  const clean = stripControlCharacters(value).toWellFormed();
  if (clean === '') return undefined;
  return marks.length > 0 ? { type: 'text', text: clean, marks } : { type: 'text', text: clean };
}

/** Bold text, or undefined when empty. */
export function strong(value: string): AdfText | undefined {
  return text(value, { type: 'strong' });
}

/** Inline code, or undefined when empty. */
export function code(value: string): AdfText | undefined {
  return text(value, { type: 'code' });
}

/** A line break inside a paragraph. */
export function hardBreak(): AdfHardBreak {
  return { type: 'hardBreak' };
}

/** A paragraph; empty strings and undefined parts are dropped (an empty paragraph is valid ADF). */
export function paragraph(...parts: readonly InlineInput[]): AdfParagraph {
  return { type: 'paragraph', content: inlines(parts) };
}

/** A heading of `level` 1–6; empty parts are dropped like in `paragraph`. */
export function heading(level: 1 | 2 | 3 | 4 | 5 | 6, ...parts: readonly InlineInput[]): AdfHeading {
  return { type: 'heading', attrs: { level }, content: inlines(parts) };
}

/** A code block; an empty body shows the placeholder so the block stays visible and valid. */
export function codeBlock(body: string, language?: string): AdfCodeBlock {
  const node = text(body) ?? { type: 'text' as const, text: PLACEHOLDER };
  return language === undefined
    ? { type: 'codeBlock', content: [node] }
    : { type: 'codeBlock', attrs: { language }, content: [node] };
}

/** A bullet list of one paragraph per item, or undefined when there are no items (ADF needs ≥ 1). */
export function bulletList(items: readonly (readonly InlineInput[])[]): AdfBulletList | undefined {
  const listItems = items
    .map((parts) => paragraph(...parts))
    .filter((p) => p.content.length > 0)
    .map((p): AdfListItem => ({ type: 'listItem', content: [p] }));
  return listItems.length > 0 ? { type: 'bulletList', content: listItems } : undefined;
}

/** A panel; a panel needs content, so an empty one gets a placeholder paragraph. */
export function panel(
  panelType: AdfPanelType,
  ...content: readonly (AdfParagraph | AdfBulletList | undefined)[]
): AdfPanel {
  const blocks = content.filter(isPresent).filter((b) => b.type !== 'paragraph' || b.content.length > 0);
  return { type: 'panel', attrs: { panelType }, content: blocks.length > 0 ? blocks : [paragraph(PLACEHOLDER)] };
}

/**
 * A collapsed section titled `title` (control characters removed, `—` when empty); a section needs
 * content, so an empty one gets a placeholder paragraph. Only for the top level of a document.
 */
export function expand(title: string, ...content: readonly (AdfExpand['content'][number] | undefined)[]): AdfExpand {
  const blocks = content.filter(isPresent).filter((b) => b.type !== 'paragraph' || b.content.length > 0);
  const clean = stripControlCharacters(title).toWellFormed().trim();
  return {
    type: 'expand',
    attrs: { title: clean === '' ? PLACEHOLDER : clean },
    content: blocks.length > 0 ? blocks : [paragraph(PLACEHOLDER)],
  };
}

/** A horizontal rule. */
export function rule(): AdfRule {
  return { type: 'rule' };
}

/** One table cell: a single inline part or several (e.g. lines joined by hard breaks). */
export type TableCellInput = InlineInput | readonly InlineInput[];

/**
 * A table with a header row; every cell is one paragraph and an empty cell shows the
 * placeholder (ADF cells need a block, and a paragraph without text looks like a rendering fault).
 */
export function table(header: readonly TableCellInput[], rows: readonly (readonly TableCellInput[])[]): AdfTable {
  const row = (cells: readonly TableCellInput[], type: AdfTableCell['type']): AdfTableRow => ({
    type: 'tableRow',
    content: cells.map((cell): AdfTableCell => {
      const content = inlines(isInlineList(cell) ? cell : [cell]);
      return { type, content: [{ type: 'paragraph', content: content.length > 0 ? content : inlines([PLACEHOLDER]) }] };
    }),
  });
  return { type: 'table', content: [row(header, 'tableHeader'), ...rows.map((r) => row(r, 'tableCell'))] };
}

/**
 * Plain text as an ADF document, for paragraph fields (description, environment, textarea custom
 * fields): blank lines separate paragraphs, single line breaks become hard breaks.
 */
export function plainTextToAdf(value: string): AdfDoc {
  const paragraphs = value
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => paragraph(...lines(block.trim())))
    .filter((p) => p.content.length > 0);
  return doc(...(paragraphs.length > 0 ? paragraphs : [paragraph(PLACEHOLDER)]));
}

function inlines(parts: readonly InlineInput[]): AdfInline[] {
  const out: AdfInline[] = [];
  for (const part of parts) {
    if (part === undefined || part === null || part === false) continue;
    const node =
      typeof part === 'string' ? text(part) : part.type === 'text' ? text(part.text, ...(part.marks ?? [])) : part;
    if (node !== undefined) out.push(node);
  }
  return out;
}

/** Lines of text joined by hard breaks, for multi-line values inside one paragraph or cell. */
export function lines(value: string): InlineInput[] {
  return value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .flatMap((line, i) => (i === 0 ? [line] : [hardBreak(), line]));
}

function isInlineList(cell: TableCellInput): cell is readonly InlineInput[] {
  return Array.isArray(cell);
}

function isPresent<T>(value: T | undefined | false | null): value is T {
  return value !== undefined && value !== false && value !== null;
}
