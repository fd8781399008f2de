/**
 * Small text helpers shared by the issue builder, the ADF builders and the field converters.
 * Lengths are UTF-16 units (`string.length`): never more than Jira's character count, so a limit
 * kept here is kept in Jira too.
 */
import { jsonText } from '#domain/alert/json-text.ts';

export const ELLIPSIS = '…';

/** Jira's limit for the summary and single-line text fields. */
export const JIRA_SHORT_TEXT_MAX = 255;

/**
 * Cuts `text` to at most `max` units, ending with `suffix` when something was cut. Never splits a
 * surrogate pair: a lone surrogate is not a valid character and Jira rejects or mangles it.
 */
export function truncate(text: string, max: number, suffix: string = ELLIPSIS): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - suffix.length);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + suffix;
}

/** The visible note appended where a long value was cut. */
export function truncationNote(omitted: number): string {
  return `${ELLIPSIS} truncated, ${omitted} more characters; the full payload is in the relay's ledger`;
}

/**
 * Cuts `text` so that it keeps at most `max` units of the original and appends a note saying how
 * much is missing. Used where an analyst must see that a value is incomplete.
 */
export function truncateVisibly(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)} ${truncationNote(text.length - end)}`;
}

/** Collapses every run of whitespace and control characters (newlines, tabs, NUL) to one space. */
export function singleLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return text.replace(/[\s\u0000-\u001f\u007f]+/gu, ' ').trim();
}

/**
 * Removes NUL and other C0 control characters except tab/newline/carriage return: Jira stores text
 * in a database that refuses NUL, and the rest render as garbage.
 */
export function stripControlCharacters(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu, '');
}

/**
 * How a payload value reads in a ticket: strings as they are, everything else as compact JSON, at
 * any nesting depth. With `maxChars`, JSON stops being written once it is that long (the caller
 * cuts it): a cell or a message needs the start of a value, not all of it.
 */
export function displayValue(value: unknown, maxChars?: number): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return jsonText(value, maxChars === undefined ? {} : { maxChars });
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
