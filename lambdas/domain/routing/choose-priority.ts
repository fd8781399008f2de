/**
 * Which Jira priority an alert's ticket gets, and whether the issue type's create screen takes
 * it. Delivery, save-time validation and Keeper's defaults all decide here.
 */
import type { JiraFieldMeta } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { ruleFor } from './rule-precedence.ts';

/**
 * The priority id for an event: a priority field mapping that resolved for this alert, else the
 * per-event rule, else per-category, else the default, else none.
 */
export function choosePriorityId(
  config: Pick<RelayConfig, 'priorityMapping'>,
  event: string,
  category: string,
  fromFieldMapping?: string,
): string | undefined {
  return (
    fromFieldMapping ?? ruleFor(config.priorityMapping, event, category) ?? config.priorityMapping.defaultPriorityId
  );
}

/** Whether a create screen takes a priority; on success, the name Jira lists for it if any. */
export type PriorityOnScreen =
  | { readonly ok: true; readonly id: string; readonly name?: string }
  /** Team-managed projects only have Priority where it was added to the issue type. */
  | { readonly ok: false; readonly reason: 'not-on-screen' }
  /** Priority schemes restrict the values per project and issue type. */
  | { readonly ok: false; readonly reason: 'not-allowed'; readonly fieldName: string };

/**
 * Checks `priorityId` against a create screen (createmeta fields of one issue type; undefined
 * when none is stored). A Priority field without `allowedValues` takes any id.
 */
export function priorityOnScreen(screen: readonly JiraFieldMeta[] | undefined, priorityId: string): PriorityOnScreen {
  const field = screen?.find((f) => f.fieldId === 'priority');
  if (field === undefined) return { ok: false, reason: 'not-on-screen' };
  if (field.allowedValues === undefined) return { ok: true, id: priorityId };
  const allowed = field.allowedValues.find((v) => v.id === priorityId);
  if (allowed === undefined) return { ok: false, reason: 'not-allowed', fieldName: field.name };
  const name = allowed.name ?? allowed.value;
  return name === undefined ? { ok: true, id: allowed.id } : { ok: true, id: allowed.id, name };
}
