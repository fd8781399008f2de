/**
 * The administrator's ordered rules applied to one alert: the first enabled rule whose condition
 * matches decides where the ticket goes and how it is handled (docs/rules-and-grouping.md). Without
 * a matching rule the alert follows the default configuration (mappings, default issue type).
 * Delivery and the preview both decide here, so a preview shows exactly what delivery will do.
 */
import type { KeeperAlert } from '#domain/alert/keeper-alert.ts';
import type { Escalation, Grouping, RelayConfig, Rule } from '#domain/relay-config.ts';
import { conditionMatches } from './rule-conditions.ts';

export interface AlertDecision {
  /** The rule that matched; undefined when the default configuration applies. */
  readonly rule?: { readonly id: string; readonly name: string };
  /** No ticket: the ledger records the alert as suppressed. */
  readonly suppress: boolean;
  /** Project key the ticket is created in. */
  readonly projectKey: string;
  /** The rule's issue type; undefined lets the issue type mapping decide. */
  readonly issueTypeId?: string;
  /** The rule's priority; undefined lets the priority mapping decide. */
  readonly priorityId?: string;
  readonly assigneeAccountId?: string;
  /** Labels added to the relay's own. */
  readonly labels: readonly string[];
  readonly securityLevelId?: string;
  /** Payload paths shown as `[redacted]`. */
  readonly redact: readonly string[];
  readonly grouping?: Grouping;
  readonly escalation?: Escalation;
  readonly stormCap?: number;
}

/** The first enabled rule that matches `alert`, or undefined. */
export function matchingRule(rules: readonly Rule[], alert: KeeperAlert): Rule | undefined {
  return rules.find((rule) => rule.enabled && conditionMatches(rule.when, alert));
}

/** What happens to `alert` under `config`: the first matching rule's actions over the defaults. */
export function decideAlert(alert: KeeperAlert, config: Pick<RelayConfig, 'rules' | 'project'>): AlertDecision {
  const rule = matchingRule(config.rules, alert);
  if (rule === undefined) return { suppress: false, projectKey: config.project.key, labels: [], redact: [] };
  const { actions } = rule;
  return {
    rule: { id: rule.id, name: rule.name },
    suppress: actions.suppress === true,
    projectKey: projectKeyOf(actions.route?.projectKey, config.project.key),
    ...(actions.route?.issueTypeId ? { issueTypeId: actions.route.issueTypeId } : {}),
    ...(actions.priorityId ? { priorityId: actions.priorityId } : {}),
    ...(actions.assigneeAccountId ? { assigneeAccountId: actions.assigneeAccountId } : {}),
    labels: actions.labels ?? [],
    ...(actions.securityLevelId ? { securityLevelId: actions.securityLevelId } : {}),
    redact: actions.redact ?? [],
    ...(actions.grouping ? { grouping: actions.grouping } : {}),
    ...(actions.escalation ? { escalation: actions.escalation } : {}),
    ...(actions.stormCap !== undefined ? { stormCap: actions.stormCap } : {}),
  };
}

/** The rule's project key as Jira spells keys (upper case); the default project when the rule names none. */
function projectKeyOf(routed: string | undefined, defaultKey: string): string {
  const key = routed?.trim().toUpperCase() ?? '';
  return key === '' || key === defaultKey.toUpperCase() ? defaultKey : key;
}
