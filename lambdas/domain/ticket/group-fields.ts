/**
 * A group issue's occurrence count and last-seen time in the Jira fields the administrator mapped
 * for them (`config.groupFields`), converted like any mapped value. Sent with the group's comment
 * in the same edit, so they cost no extra Jira call.
 */
import type { JiraFieldMeta } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { jiraFieldKind, toJiraValue } from './field-values.ts';

/**
 * The `fields` of an issue edit for the group fields: the count in the number field, the last-seen
 * time (ISO) in the date-time field, in Jira's format. A field that is not on `screen` (the create
 * screen of the type, as stored) or not of its kind is left out: the comment still says both.
 */
export function groupFieldValues(
  config: Pick<RelayConfig, 'groupFields'>,
  screen: readonly JiraFieldMeta[] | undefined,
  group: { readonly count: number; readonly lastSeenAt: string },
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const wanted = [
    { fieldId: config.groupFields.occurrencesFieldId, kinds: ['number'], value: group.count },
    { fieldId: config.groupFields.lastSeenFieldId, kinds: ['date-time'], value: group.lastSeenAt },
  ];
  for (const { fieldId, kinds, value } of wanted) {
    const meta = fieldId === undefined ? undefined : screen?.find((f) => f.fieldId === fieldId);
    if (meta === undefined || !kinds.includes(jiraFieldKind(meta))) continue;
    const converted = toJiraValue(meta, value, { userDirectory: {} });
    if (converted.ok) fields[meta.fieldId] = converted.value;
  }
  return fields;
}
