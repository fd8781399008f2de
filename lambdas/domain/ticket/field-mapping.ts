/**
 * The administrator's field mappings applied to one alert (docs/ticket-format.md): each mapped
 * payload value or constant is converted to its Jira field's schema, against the create screen of
 * the issue type the ticket is created with. Whatever cannot be applied is left out and reported
 * as a DroppedField instead of failing the alert.
 */

import { isRecord, type KeeperAlert, type ParsedAlert, readPath } from '#domain/alert/keeper-alert.ts';
import type { DroppedField } from '#domain/alert-record.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { isEmptyValue, jiraFieldKind, toJiraValue } from './field-values.ts';
import { RELAY_DECIDED_FIELDS } from './relay-owned-fields.ts';
import { displayValue, singleLine } from './text.ts';

// What a required text field reads when the alert lacks its value.
const NOT_IN_ALERT = '(not in alert)';

/** The result of the mappings for one alert. */
export interface MappedValues {
  /** Converted values of ordinary fields, by field id. */
  readonly fields: Record<string, unknown>;
  readonly summaryOverride?: string;
  readonly descriptionText?: string;
  readonly priorityId?: string;
  readonly mappedLabels: readonly string[];
  /** Mappings left out, with the reason, in mapping order. */
  readonly dropped: readonly DroppedField[];
}

/** The project whose create screens the mappings are applied against (the default one, or a rule's). */
export interface MappingTarget {
  readonly project: { readonly key: string };
  readonly issueTypes: readonly { readonly id: string; readonly name: string }[];
  readonly fieldMeta: RelayConfig['fieldMeta'];
}

/**
 * Applies `config.fieldMappings` for a ticket of issue type `issueTypeId` in `target` (the default
 * project unless a rule routes elsewhere). Summary, description, labels and priority mappings feed
 * the relay's own handling of those fields instead of replacing it.
 */
export function applyFieldMappings(
  alert: KeeperAlert,
  config: RelayConfig,
  issueTypeId: string,
  target: MappingTarget = config,
): MappedValues {
  const screen = target.fieldMeta[issueTypeId];
  const where = describeTarget(target, issueTypeId);
  const fields: Record<string, unknown> = {};
  const dropped: DroppedField[] = [];
  const mappedLabels: string[] = [];
  let summaryOverride: string | undefined;
  let descriptionText: string | undefined;
  let priorityId: string | undefined;
  const conversion = { userDirectory: config.userDirectory };

  for (const mapping of config.fieldMappings) {
    const { fieldId } = mapping;
    const value =
      mapping.constant ?? (alert.parsed && mapping.source ? resolveSource(alert, mapping.source) : undefined);
    if (fieldId === 'summary') {
      if (!isEmptyValue(value)) summaryOverride = singleLine(displayValue(value)) || undefined;
      continue;
    }
    if (fieldId === 'description') {
      // The description is always the relay's document; a mapping chooses its readable text.
      if (!isEmptyValue(value)) descriptionText = displayValue(value);
      continue;
    }
    if (RELAY_DECIDED_FIELDS.has(fieldId)) {
      // Validation refuses these at save time; delivery never lets a stored mapping override them either.
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
        const filled =
          kind === 'text' || kind === 'paragraph' ? toJiraValue(meta, NOT_IN_ALERT, conversion) : undefined;
        if (filled?.ok) fields[fieldId] = filled.value;
        else
          dropped.push({
            fieldId,
            fieldName: meta.name,
            reason: `the alert has no ${mapping.source ?? 'value'} for this required field`,
          });
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
    else if (fieldId === 'priority')
      priorityId =
        isRecord(converted.value) && typeof converted.value['id'] === 'string' ? converted.value['id'] : undefined;
    else fields[fieldId] = converted.value;
  }
  return {
    fields,
    mappedLabels,
    dropped,
    ...(summaryOverride !== undefined ? { summaryOverride } : {}),
    ...(descriptionText !== undefined ? { descriptionText } : {}),
    ...(priorityId !== undefined ? { priorityId } : {}),
  };
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

/** A path read in the nested raw event, where `event.x` names the event's own `x`. */
export function readNested(nested: Readonly<Record<string, unknown>>, path: string): unknown {
  return readPath(nested, path.startsWith('event.') ? path.slice('event.'.length) : path);
}

/** "issue type Task in project SEC", for the reasons a field was left out. */
export function describeTarget(config: Pick<MappingTarget, 'project' | 'issueTypes'>, issueTypeId: string): string {
  const name = config.issueTypes.find((t) => t.id === issueTypeId)?.name ?? issueTypeId;
  return `issue type ${name} in project ${config.project.key}`;
}

/** The name of a field on any stored create screen (mappings name fields by id only). */
export function fieldNameAnywhere(config: RelayConfig, fieldId: string): string | undefined {
  for (const fields of Object.values(config.fieldMeta)) {
    const found = fields.find((f) => f.fieldId === fieldId);
    if (found) return found.name;
  }
  return undefined;
}

/** `field` with its display name when one is known. */
export function withName(field: DroppedField, name: string | undefined): DroppedField {
  return name === undefined ? field : { ...field, fieldName: name };
}

function missingMetaReason(where: string): string {
  return `no field metadata is stored for ${where}; save the configuration again`;
}
