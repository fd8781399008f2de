/**
 * Where an alert goes when its rule groups or caps new issues (docs/rules-and-grouping.md): it
 * opens its group's issue, or joins a live group as a repeat, or, past its rule's hourly storm cap,
 * joins the rule's storm issue for the hour. The group store's conditional writes decide, so
 * concurrent alerts of one new group open one issue. No Jira call happens here.
 */
import type { KeeperAlert } from '#domain/alert/keeper-alert.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import type { GroupRecord, GroupStore, RelayMetrics } from '#domain/ports.ts';
import { DEFAULT_COMMENT_INTERVAL_SECONDS, DEFAULT_REOPEN_WINDOW_HOURS, type Grouping } from '#domain/relay-config.ts';
import type { AlertDecision } from '#domain/routing/apply-rules.ts';
import { type GroupIdentity, groupOf, hourOf, liveSpanMs, stormGroupOf } from '#domain/routing/group-key.ts';
import { redactAlert } from '#domain/ticket/redact.ts';
import type { EventLog } from './delivery-deps.ts';

/**
 * Repeats kept by id for the next comment (their bodies go into it, or into its attached file);
 * beyond, a repeat is counted and its body stays in the ledger only. 1,000 ids keep the group's
 * item near 70 KB: every join rewrites it, so each KB is a write unit per repeat at the cap.
 */
export const MAX_PENDING = 1000;
/** A group's record outlives its live span by this much, so a late flush still finds it. */
const GROUP_TTL_SLACK_SECONDS = 86_400;

export type Placement =
  /** A ticket of its own, as without rules. */
  | { readonly kind: 'single' }
  /** Creates the issue of `group`. */
  | { readonly kind: 'opened'; readonly group: GroupRecord }
  /** A repeat on the issue of `group` (reported by its next comment). */
  | { readonly kind: 'joined'; readonly group: GroupRecord };

export interface PlacementDeps {
  readonly groups: GroupStore;
  readonly metrics: RelayMetrics;
  readonly log: EventLog;
}

/** Opens, joins or storms; `single` when the matching rule neither groups nor caps. */
export async function placeAlert(
  deps: PlacementDeps,
  record: Pick<AlertRecord, 'alertId' | 'receivedAt'>,
  alert: KeeperAlert,
  decision: AlertDecision,
): Promise<Placement> {
  const rule = decision.rule;
  if (rule === undefined || (decision.grouping === undefined && decision.stormCap === undefined))
    return { kind: 'single' };
  const atMs = Date.parse(record.receivedAt);
  const storm = async (): Promise<Placement> => {
    const hour = hourOf(new Date(atMs));
    deps.metrics.count('StormAlerts');
    deps.log.warn('Storm cap reached: alert joins the storm issue', { alertId: record.alertId, ruleId: rule.id, hour });
    return joinOrOpen(deps, record.alertId, atMs, stormGroupOf(rule.id, hour), stormGrouping(decision), rule, true);
  };
  const mayOpen = async (): Promise<boolean> =>
    decision.stormCap === undefined ||
    deps.groups.countNewIssue(rule.id, hourOf(new Date(atMs)), decision.stormCap, ttlSeconds(atMs, 2 * 3_600_000));
  if (decision.grouping === undefined) return (await mayOpen()) ? { kind: 'single' } : storm();
  const identity = shownIdentity(alert, rule.id, decision.grouping.key, decision.redact);
  return joinOrOpen(deps, record.alertId, atMs, identity, decision.grouping, rule, false, mayOpen, storm);
}

async function joinOrOpen(
  deps: PlacementDeps,
  alertId: string,
  atMs: number,
  identity: GroupIdentity,
  grouping: Grouping,
  rule: { readonly id: string; readonly name: string },
  storm: boolean,
  mayOpen?: () => Promise<boolean>,
  overCap?: () => Promise<Placement>,
): Promise<Placement> {
  const expiresAt = ttlSeconds(atMs, liveSpanMs(grouping));
  // Each round either places the alert or sees another alert open the group first; then it joins.
  for (let round = 0; round < 3; round += 1) {
    const joined = await deps.groups.join(identity.groupId, alertId, atMs, { maxPending: MAX_PENDING, expiresAt });
    if (joined.kind === 'joined') return { kind: 'joined', group: joined.group };
    if (joined.kind === 'already' && joined.group)
      return joined.group.openerAlertId === alertId
        ? { kind: 'opened', group: joined.group }
        : { kind: 'joined', group: joined.group };
    // Past the rule's storm cap, the alert goes to the storm issue instead of opening one.
    if (overCap && mayOpen && !(await mayOpen())) return overCap();
    const group: GroupRecord = {
      groupId: identity.groupId,
      ruleId: rule.id,
      ruleName: rule.name,
      key: identity.key,
      openerAlertId: alertId,
      ...(joined.group?.issueKey ? { previousIssueKey: joined.group.issueKey, followUpReason: 'window' as const } : {}),
      openedAtMs: atMs,
      lastSeenAtMs: atMs,
      windowMinutes: grouping.windowMinutes,
      commentIntervalSeconds: grouping.commentIntervalSeconds,
      reopenWindowHours: grouping.reopenWindowHours,
      count: 1,
      reported: 1,
      pending: [],
      overflow: 0,
      recentTimesMs: [atMs],
      ...(storm ? { storm: true } : {}),
      expiresAt,
    };
    const opened = await deps.groups.open(group);
    if (opened.opened) {
      const previous = opened.replaced?.issueKey;
      return {
        kind: 'opened',
        group: previous ? { ...group, previousIssueKey: previous, followUpReason: 'window' } : group,
      };
    }
    // Opened by another alert between the two writes: join it on the next round.
  }
  throw new Error(`Group ${identity.groupId} changed hands three times while placing alert ${alertId}`);
}

/**
 * The group's id from the values as received (two users stay two groups), with the key values the
 * issue and its comments show read from the redacted alert: a grouping field the rule redacts reads
 * `[redacted]` there, as it does everywhere else in the ticket.
 */
function shownIdentity(
  alert: KeeperAlert,
  ruleId: string,
  paths: readonly string[],
  redact: readonly string[],
): GroupIdentity {
  const identity = groupOf(alert, ruleId, paths);
  if (redact.length === 0) return identity;
  return { groupId: identity.groupId, key: groupOf(redactAlert(alert, redact).alert, ruleId, paths).key };
}

/** A storm issue groups everything its rule sends in one hour. */
function stormGrouping(decision: AlertDecision): Grouping {
  return {
    key: ['rule', 'hour'],
    windowMinutes: 60,
    commentIntervalSeconds: decision.grouping?.commentIntervalSeconds ?? DEFAULT_COMMENT_INTERVAL_SECONDS,
    reopenWindowHours: Math.min(decision.grouping?.reopenWindowHours ?? DEFAULT_REOPEN_WINDOW_HOURS, 1),
  };
}

function ttlSeconds(atMs: number, spanMs: number): number {
  return Math.ceil((atMs + spanMs) / 1000) + GROUP_TTL_SLACK_SECONDS;
}
