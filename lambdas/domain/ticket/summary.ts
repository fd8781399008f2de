/**
 * The ticket's summary (docs/ticket-format.md): the configured template filled from the payload,
 * or the text of a summary field mapping. One line, at most 255 characters, never empty.
 */
import { UNKNOWN } from '#domain/alert/event-catalog.ts';
import { type KeeperAlert, readPath } from '#domain/alert/keeper-alert.ts';
import { DEFAULT_SUMMARY_TEMPLATE } from '#domain/relay-config.ts';
import { readNested } from './field-mapping.ts';
import { isEmptyValue } from './field-values.ts';
import { displayValue, JIRA_SHORT_TEXT_MAX, singleLine, truncate } from './text.ts';

/** Test alerts say so in the summary too, so nobody triages them from a list view. */
export const TEST_SUMMARY_PREFIX = '[Test] ';

/**
 * The summary from the template: `{path}` placeholders read the payload (`{username}`,
 * `{event.record_uid}`); a missing alert name reads "Keeper alert", a missing event "unknown".
 * One line, at most 255 characters, never empty.
 */
export function renderSummary(alert: KeeperAlert, template: string = DEFAULT_SUMMARY_TEMPLATE, test = false): string {
  const prefix = test ? TEST_SUMMARY_PREFIX : '';
  if (!alert.parsed) {
    return truncate(
      `${prefix}Keeper alert (unparsed body): ${singleLine(alert.rawText) || 'empty'}`,
      JIRA_SHORT_TEXT_MAX,
    );
  }
  let fromPayload = 0;
  const rendered = template.replace(/\{([^{}]+)\}/g, (_match, rawPath: string) => {
    const path = rawPath.trim();
    const value =
      readPath(alert.payload, path) ?? (alert.nestedEvent ? readNested(alert.nestedEvent, path) : undefined);
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
  const freeText = ['text', 'message', 'title', 'summary']
    .map((k) => alert.payload[k])
    .find((v) => typeof v === 'string' && v.trim() !== '');
  if (fromPayload === 0 && alert.event === UNKNOWN && typeof freeText === 'string') {
    const text = singleLine(freeText);
    summary = /^keeper\b/i.test(text) ? text : `Keeper alert: ${text}`;
  }
  if (summary === '') summary = `Keeper alert: ${alert.event}`;
  return truncate(`${prefix}${summary}`, JIRA_SHORT_TEXT_MAX);
}

/** The summary when a field mapping supplies it (already one line, never empty). */
export function mappedSummary(text: string, test = false): string {
  return truncate(`${test ? TEST_SUMMARY_PREFIX : ''}${text}`, JIRA_SHORT_TEXT_MAX);
}
