/**
 * Which routing rule applies to an alert: the administrator's per-event rule wins over the
 * per-category one. Issue type and priority both follow it (docs/ticket-format.md).
 */

/** A routing table as saved in the configuration: event name → value, category → value. */
export interface RoutingRules {
  readonly byEvent: Readonly<Record<string, string>>;
  readonly byCategory: Readonly<Record<string, string>>;
}

/** The per-event rule for `event`, else the per-category rule for `category`, else undefined. */
export function ruleFor(rules: RoutingRules, event: string, category: string): string | undefined {
  return ownValue(rules.byEvent, event) ?? ownValue(rules.byCategory, category);
}

function ownValue(map: Readonly<Record<string, string>>, key: string): string | undefined {
  // Own keys only: an event named "constructor" must not find Object.prototype's function.
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
