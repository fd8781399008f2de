/**
 * The Jira fields the relay fills on every ticket itself. Delivery, save-time validation and
 * Keeper's defaults read this one declaration, so they cannot disagree on which fields a mapping
 * may target or which required fields need no mapping.
 */

/**
 * How far a field mapping may touch a field the relay fills:
 * - `decided`: the relay alone decides it (project and issue type from the configuration, parent
 *   from `parentIssueKey` on sub-task types); a mapping to it is refused at save time and ignored
 *   at delivery.
 * - `fed`: a mapping feeds the relay's own handling (a summary mapping replaces the template, a
 *   description mapping chooses the readable text, mapped labels join the relay's labels).
 * Priority is not here: the relay fills it only when a rule or a default priority applies, so a
 * required Priority still needs a default (validation checks that itself).
 */
const RELAY_FILLED = {
  project: 'decided',
  issuetype: 'decided',
  parent: 'decided',
  summary: 'fed',
  description: 'fed',
  labels: 'fed',
} as const satisfies Record<string, 'decided' | 'fed'>;

/** Fields the relay fills itself, so a required one never needs a mapping. */
export const RELAY_FILLED_FIELDS: ReadonlySet<string> = new Set(Object.keys(RELAY_FILLED));

/** Fields a mapping may not target: the relay decides them. */
export const RELAY_DECIDED_FIELDS: ReadonlySet<string> = new Set(
  Object.entries(RELAY_FILLED)
    .filter(([, use]) => use === 'decided')
    .map(([fieldId]) => fieldId),
);
