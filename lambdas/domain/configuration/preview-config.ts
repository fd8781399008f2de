/**
 * "Preview before saving" (docs/rules-and-grouping.md, "Preview"): a configuration replayed over the
 * alerts the relay received recently, to show what each would have become — a new issue, a comment
 * on its group's issue, a storm issue, the close of its counter-event's issue, or nothing — before
 * the administrator saves it. Pure simulation over the ledger's bodies: no Jira call, no ledger
 * write. Decisions come from the same functions delivery uses (`decideAlert`, `groupOf`, the issue
 * type and priority choices), so the preview and delivery cannot disagree on where an alert goes.
 */
import { type KeeperAlert, parseAlertBody, readPath } from '#domain/alert/keeper-alert.ts';
import type { AlertLedger, Clock, JiraFieldMeta } from '#domain/ports.ts';
import { DEFAULT_COMMENT_INTERVAL_SECONDS, type Escalation, type RelayConfig } from '#domain/relay-config.ts';
import { type AlertDecision, decideAlert } from '#domain/routing/apply-rules.ts';
import { chooseUsableIssueType } from '#domain/routing/choose-issue-type.ts';
import { choosePriorityId, priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { counterpartId, groupOf, hourOf, pairClosedBy, pairOpenedBy, stormGroupOf } from '#domain/routing/group-key.ts';
import { applyFieldMappings } from '#domain/ticket/field-mapping.ts';

/** Alerts a preview replays: those received in the last 24 hours, at most this many (the newest). */
export const PREVIEW_WINDOW_HOURS = 24;
export const PREVIEW_MAX_ALERTS = 1000;
/** Bodies read from the ledger per batch read (DynamoDB's BatchGetItem takes 100 keys). */
export const PREVIEW_READS_AT_ONCE = 100;
/**
 * Body characters a preview holds at most. Keeper's alerts are about a kilobyte, but a body may take
 * up to the webhook's cap (256 KB): 1,000 of those would not fit the admin function's memory, so the
 * preview then evaluates the newest alerts that fit and says how many it evaluated.
 */
export const PREVIEW_MAX_BODY_CHARS = 48 * 1024 * 1024;
/** Listings read per ledger page. */
const LISTING_PAGE = 200;

/** A received alert as the preview replays it. */
export interface SampleAlert {
  readonly alertId: string;
  /** ISO time the relay received it: group windows, comment intervals and storm hours are measured on it. */
  readonly receivedAt: string;
  /** The body exactly as received (from the ledger). */
  readonly rawBody: string;
}

export type PreviewOutcomeKind = 'new-issue' | 'comment' | 'suppressed' | 'storm' | 'close-issue';

/** What one alert would become (the admin API's `PreviewOutcomeDto`). */
export interface PreviewOutcome {
  /**
   * `new-issue`: a ticket of its own (or the first of its group); `comment`: joins its group's open
   * issue; `storm`: past its rule's storm cap, joins the rule's storm issue of the hour (the first
   * such alert opens it); `close-issue`: closes the issue its counter-event opened; `suppressed`: nothing.
   */
  outcome: PreviewOutcomeKind;
  projectKey: string;
  issueTypeName?: string;
  priorityName?: string;
  assigneeAccountId?: string;
  rule?: { id: string; name: string };
  /** Group id and the alert whose issue the group is (a counter-event pair: the opening alert). */
  group?: { id: string; openedBy: string };
  /** Paths of the rule's redaction list that this alert has. */
  redactedPaths: string[];
  /** This alert took its group to the escalation threshold: the group's issue gets the rule's priority. */
  escalated: boolean;
}

export interface SimulatedAlert {
  readonly alertId: string;
  readonly receivedAt: string;
  readonly event: string;
  readonly username?: string;
  readonly outcome: PreviewOutcome;
}

/** Counts of a simulation (the admin API's `PreviewTotalsDto`). */
export interface PreviewTotals {
  /** New Jira issues, storm issues included. */
  tickets: number;
  /** Comments the groups (storm issues included) get: one per comment interval with a joining alert. */
  comments: number;
  /** Alerts that joined an open group. */
  grouped: number;
  suppressed: number;
  /** Groups whose priority was raised. */
  escalated: number;
  /** Alerts past their rule's storm cap. */
  storm: number;
  /** Issues closed by a counter-event. */
  closed: number;
}

export interface Simulation {
  /** In the order given (oldest first). */
  readonly alerts: readonly SimulatedAlert[];
  readonly totals: PreviewTotals;
}

/** What the ticket of a group or alert looks like. */
interface IssueShape {
  readonly projectKey: string;
  readonly issueTypeName?: string;
  /** The screen of its issue type, to name an escalation's priority. */
  readonly screen?: readonly JiraFieldMeta[];
  priorityName?: string;
}

/** An issue that alerts join: a rule's group, or a rule's storm issue of one hour. */
interface OpenGroup {
  readonly id: string;
  readonly openedBy: string;
  readonly openedAtMs: number;
  lastAtMs: number;
  readonly commentIntervalMs: number;
  /** Comment intervals (counted from the group's first alert) in which an alert joined. */
  readonly commentSlots: Set<number>;
  /** Arrival times within the escalation window. */
  occurrences: number[];
  escalated: boolean;
  readonly issue: IssueShape;
}

/**
 * Replays `alerts` (oldest first) under `config`, the way delivery would handle them one after the
 * other: the first enabled matching rule decides; a grouping rule's repeat joins its group's issue
 * while it arrives within `windowMinutes` of the group's last alert; joins are summarised in one
 * comment per `commentIntervalSeconds`; a group escalates once `occurrences` of its alerts fall
 * within `withinMinutes`; past a rule's `stormCap` new issues in one UTC hour, its alerts join one
 * storm issue for the rule and hour; a counter-event's closing alert closes the issue its opening
 * alert opened earlier in the sample; a suppressed alert creates nothing. Never throws for alert content.
 */
export function simulate(config: RelayConfig, alerts: readonly SampleAlert[]): Simulation {
  const groups = new Map<string, OpenGroup>();
  const storms = new Map<string, OpenGroup>();
  const allGroups: OpenGroup[] = [];
  /** New issues per rule and hour, for storm caps. */
  const opened = new Map<string, number>();
  /** Counterpart id → the issue its opening alert went into. */
  const openPairs = new Map<string, { openedBy: string; issue: IssueShape }>();
  const totals: PreviewTotals = {
    tickets: 0,
    comments: 0,
    grouped: 0,
    suppressed: 0,
    escalated: 0,
    storm: 0,
    closed: 0,
  };

  const startGroup = (id: string, sample: SampleAlert, at: number, intervalSeconds: number, issue: IssueShape) => {
    const group: OpenGroup = {
      id,
      openedBy: sample.alertId,
      openedAtMs: at,
      lastAtMs: at,
      commentIntervalMs: intervalSeconds * 1000,
      commentSlots: new Set(),
      occurrences: [at],
      escalated: false,
      issue,
    };
    allGroups.push(group);
    return group;
  };

  const join = (group: OpenGroup, at: number, escalation: Escalation | undefined): boolean => {
    group.lastAtMs = at;
    group.commentSlots.add(Math.floor((at - group.openedAtMs) / group.commentIntervalMs));
    return escalates(group, at, escalation);
  };

  const escalates = (group: OpenGroup, at: number, escalation: Escalation | undefined): boolean => {
    if (escalation === undefined || group.escalated) return false;
    const since = at - escalation.withinMinutes * 60_000;
    group.occurrences = [...group.occurrences.filter((t) => t > since), at];
    if (group.occurrences.length < escalation.occurrences) return false;
    group.escalated = true;
    const raised = priorityName(group.issue.screen, escalation.priorityId);
    if (raised !== undefined) group.issue.priorityName = raised;
    return true;
  };

  const simulated = alerts.map((sample): SimulatedAlert => {
    const alert = parseAlertBody(sample.rawBody);
    const at = Date.parse(sample.receivedAt);
    const decision = decideAlert(alert, config);
    const common = {
      ...(decision.rule ? { rule: { id: decision.rule.id, name: decision.rule.name } } : {}),
      ...(decision.assigneeAccountId ? { assigneeAccountId: decision.assigneeAccountId } : {}),
    };
    const outcomeOf = (
      outcome: PreviewOutcomeKind,
      issue: IssueShape,
      extra: { group?: { id: string; openedBy: string }; escalated?: boolean; redactedPaths?: string[] } = {},
    ): PreviewOutcome => ({
      outcome,
      projectKey: issue.projectKey,
      ...(issue.issueTypeName !== undefined ? { issueTypeName: issue.issueTypeName } : {}),
      ...(issue.priorityName !== undefined ? { priorityName: issue.priorityName } : {}),
      ...common,
      ...(extra.group ? { group: extra.group } : {}),
      redactedPaths: extra.redactedPaths ?? [],
      escalated: extra.escalated ?? false,
    });
    const done = (outcome: PreviewOutcome): SimulatedAlert => ({
      alertId: sample.alertId,
      receivedAt: sample.receivedAt,
      event: alert.event,
      ...(alert.parsed && alert.username !== undefined ? { username: alert.username } : {}),
      outcome,
    });

    // A counter-event closes its opener's issue first, like delivery does: a rule that suppresses the
    // closing event's own ticket (routine noise) still lets it resolve the issue it undoes.
    const closing = pairClosedBy(config.counterEvents, alert);
    const closes = closing === undefined ? undefined : counterpartId(closing, alert);
    const opener = closes === undefined ? undefined : openPairs.get(closes);
    if (closes !== undefined && opener !== undefined) {
      openPairs.delete(closes);
      totals.closed += 1;
      return done(outcomeOf('close-issue', opener.issue, { group: { id: closes, openedBy: opener.openedBy } }));
    }

    if (decision.suppress) {
      totals.suppressed += 1;
      return done(outcomeOf('suppressed', { projectKey: decision.projectKey }));
    }

    const redactedPaths = present(decision.redact, alert);
    const ruleId = decision.rule?.id;
    const hour = hourOf(new Date(at));
    const overCap = () =>
      ruleId !== undefined &&
      decision.stormCap !== undefined &&
      (opened.get(`${ruleId}|${hour}`) ?? 0) >= decision.stormCap;
    const countOpened = () => {
      if (ruleId !== undefined) opened.set(`${ruleId}|${hour}`, (opened.get(`${ruleId}|${hour}`) ?? 0) + 1);
    };

    let result: { outcome: PreviewOutcome; openedBy: string; issue: IssueShape };
    const grouped =
      decision.grouping && ruleId !== undefined ? groupOf(alert, ruleId, decision.grouping.key) : undefined;
    const open = grouped === undefined ? undefined : groups.get(grouped.groupId);
    if (
      decision.grouping !== undefined &&
      open !== undefined &&
      at - open.lastAtMs <= decision.grouping.windowMinutes * 60_000
    ) {
      const escalated = join(open, at, decision.escalation);
      totals.grouped += 1;
      if (escalated) totals.escalated += 1;
      result = {
        outcome: outcomeOf('comment', open.issue, {
          group: { id: open.id, openedBy: open.openedBy },
          escalated,
          redactedPaths,
        }),
        openedBy: open.openedBy,
        issue: open.issue,
      };
    } else if (ruleId !== undefined && overCap()) {
      const stormId = stormGroupOf(ruleId, hour).groupId;
      const intervalSeconds = decision.grouping?.commentIntervalSeconds ?? DEFAULT_COMMENT_INTERVAL_SECONDS;
      let storm = storms.get(stormId);
      let escalated = false;
      if (storm === undefined) {
        // The first alert past the cap opens the rule's storm issue for this hour.
        storm = startGroup(stormId, sample, at, intervalSeconds, ticketShape(config, decision, alert));
        storms.set(stormId, storm);
        totals.tickets += 1;
      } else {
        escalated = join(storm, at, decision.escalation);
      }
      totals.storm += 1;
      if (escalated) totals.escalated += 1;
      result = {
        outcome: outcomeOf('storm', storm.issue, {
          group: { id: storm.id, openedBy: storm.openedBy },
          escalated,
          redactedPaths,
        }),
        openedBy: storm.openedBy,
        issue: storm.issue,
      };
    } else {
      const issue = ticketShape(config, decision, alert);
      countOpened();
      totals.tickets += 1;
      if (grouped !== undefined && decision.grouping !== undefined) {
        const group = startGroup(grouped.groupId, sample, at, decision.grouping.commentIntervalSeconds, issue);
        groups.set(grouped.groupId, group);
      }
      result = {
        outcome: outcomeOf('new-issue', issue, {
          ...(grouped ? { group: { id: grouped.groupId, openedBy: sample.alertId } } : {}),
          redactedPaths,
        }),
        openedBy: sample.alertId,
        issue,
      };
    }

    const opening = pairOpenedBy(config.counterEvents, alert);
    if (opening !== undefined) {
      openPairs.set(counterpartId(opening, alert), { openedBy: result.openedBy, issue: result.issue });
    }
    return done(result.outcome);
  });

  totals.comments = allGroups.reduce((sum, group) => sum + group.commentSlots.size, 0);
  return { alerts: simulated, totals };
}

/** The project, issue type and priority a new ticket for `alert` gets. */
function ticketShape(config: RelayConfig, decision: AlertDecision, alert: KeeperAlert): IssueShape {
  const target = targetProject(config, decision.projectKey);
  const issueTypeId = decision.issueTypeId ?? chooseUsableIssueType(target, alert.event, alert.category).issueTypeId;
  const screen = target.fieldMeta[issueTypeId];
  // Only a mapping onto the Priority field can choose it; the other mappings are not worth converting here.
  const mapped = target.fieldMappings.some((m) => m.fieldId === 'priority')
    ? applyFieldMappings(alert, target, issueTypeId).priorityId
    : undefined;
  const priorityId = decision.priorityId ?? choosePriorityId(config, alert.event, alert.category, mapped);
  const typeName = target.issueTypes.find((t) => t.id === issueTypeId)?.name;
  const name = priorityId === undefined ? undefined : priorityName(screen, priorityId);
  return {
    projectKey: target.project.key,
    ...(typeName !== undefined ? { issueTypeName: typeName } : {}),
    ...(screen !== undefined ? { screen } : {}),
    ...(name !== undefined ? { priorityName: name } : {}),
  };
}

/**
 * The configuration as seen from the project a rule routes to: that project's issue types and
 * create screens (resolved at save time into `routedProjects`), the default project's otherwise.
 */
function targetProject(config: RelayConfig, projectKey: string): RelayConfig {
  if (projectKey.toUpperCase() === config.project.key.toUpperCase()) return config;
  const routed =
    config.routedProjects[projectKey] ??
    Object.values(config.routedProjects).find((p) => p.project.key.toUpperCase() === projectKey.toUpperCase());
  if (routed === undefined) {
    // Not resolved (a draft routing to a project the saved configuration does not know): no names.
    return { ...config, project: { ...config.project, key: projectKey }, issueTypes: [], fieldMeta: {} };
  }
  return { ...config, project: routed.project, issueTypes: routed.issueTypes, fieldMeta: routed.fieldMeta };
}

/**
 * The name Jira lists for a priority on a create screen, as delivery would send it: undefined when
 * the screen does not take that priority (delivery leaves it out of the ticket).
 */
function priorityName(screen: readonly JiraFieldMeta[] | undefined, priorityId: string): string | undefined {
  const check = priorityOnScreen(screen, priorityId);
  return check.ok ? (check.name ?? check.id) : undefined;
}

/** The redaction paths the alert actually has. */
function present(paths: readonly string[], alert: KeeperAlert): string[] {
  if (!alert.parsed) return [];
  return paths.filter(
    (path) => readPath(alert.payload, path) !== undefined || readPath(alert.nestedEvent, path) !== undefined,
  );
}

// ---------------------------------------------------------------------------------------------

/** One row of a preview: the alert under the draft and under today's configuration. */
export interface PreviewRow {
  alertId: string;
  receivedAt: string;
  event: string;
  username?: string;
  draft: PreviewOutcome;
  /** Null when no configuration is saved yet. */
  current: PreviewOutcome | null;
  /** The draft does something else with this alert than today's configuration. */
  changed: boolean;
}

/** A draft compared with today's configuration (the admin API's `PreviewDto`). */
export interface PreviewReport {
  /** Alerts evaluated (oldest first). */
  alerts: number;
  from?: string;
  to?: string;
  draft: PreviewTotals;
  current: PreviewTotals | null;
  rows: PreviewRow[];
}

export interface PreviewDeps {
  readonly ledger: Pick<AlertLedger, 'listRecent' | 'getMany'>;
  readonly clock: Clock;
}

/**
 * Evaluates `draft` and today's configuration (`current`; undefined when none is saved) over the
 * alerts received in the last 24 hours (at most the newest 1,000; test alerts left out), and says
 * per alert what each would do and whether that differs. Reads the ledger only: no Jira call, no write.
 */
export async function previewConfiguration(
  deps: PreviewDeps,
  draft: RelayConfig,
  current: RelayConfig | undefined,
): Promise<PreviewReport> {
  const sample = await recentAlerts(deps);
  const byDraft = simulate(draft, sample);
  const byCurrent = current === undefined ? undefined : simulate(current, sample);
  const rows = byDraft.alerts.map((alert, index): PreviewRow => {
    const today = byCurrent?.alerts[index]?.outcome ?? null;
    return {
      alertId: alert.alertId,
      receivedAt: alert.receivedAt,
      event: alert.event,
      ...(alert.username !== undefined ? { username: alert.username } : {}),
      draft: alert.outcome,
      current: today,
      changed: today === null || outcomeChanged(today, alert.outcome),
    };
  });
  const first = sample[0];
  const last = sample[sample.length - 1];
  return {
    alerts: sample.length,
    ...(first ? { from: first.receivedAt } : {}),
    ...(last ? { to: last.receivedAt } : {}),
    draft: byDraft.totals,
    current: byCurrent?.totals ?? null,
    rows,
  };
}

/** Whether two outcomes differ in what an analyst would notice (kind, where, who, grouping, redaction, escalation). */
export function outcomeChanged(a: PreviewOutcome, b: PreviewOutcome): boolean {
  return (
    a.outcome !== b.outcome ||
    a.projectKey !== b.projectKey ||
    a.issueTypeName !== b.issueTypeName ||
    a.priorityName !== b.priorityName ||
    a.assigneeAccountId !== b.assigneeAccountId ||
    a.group?.id !== b.group?.id ||
    a.group?.openedBy !== b.group?.openedBy ||
    a.escalated !== b.escalated ||
    a.redactedPaths.length !== b.redactedPaths.length ||
    a.redactedPaths.some((path, i) => b.redactedPaths[i] !== path)
  );
}

/**
 * The alerts a preview replays, oldest first: received in the last 24 hours, not test alerts, at most
 * the newest 1,000 and at most `PREVIEW_MAX_BODY_CHARS` of bodies. An alert whose record expired
 * between the listing and the read is left out.
 */
export async function recentAlerts(deps: PreviewDeps): Promise<SampleAlert[]> {
  const since = deps.clock.now().getTime() - PREVIEW_WINDOW_HOURS * 3_600_000;
  const wanted: string[] = [];
  let cursor: string | undefined;
  listing: do {
    const page = await deps.ledger.listRecent(LISTING_PAGE, cursor);
    for (const item of page.items) {
      // Newest first: the first one older than the window ends the listing.
      if (Date.parse(item.receivedAt) < since) break listing;
      if (item.test === true) continue;
      wanted.push(item.alertId);
      if (wanted.length >= PREVIEW_MAX_ALERTS) break listing;
    }
    cursor = page.cursor;
  } while (cursor !== undefined);

  const sample: SampleAlert[] = [];
  let chars = 0;
  for (let start = 0; start < wanted.length && chars <= PREVIEW_MAX_BODY_CHARS; start += PREVIEW_READS_AT_ONCE) {
    const batch = wanted.slice(start, start + PREVIEW_READS_AT_ONCE);
    for (const record of await deps.ledger.getMany(batch)) {
      chars += record.rawBody.length;
      if (chars > PREVIEW_MAX_BODY_CHARS) break;
      sample.push({ alertId: record.alertId, receivedAt: record.receivedAt, rawBody: record.rawBody });
    }
  }
  // Oldest first, as delivery met them; ties keep the ledger's order.
  return sample.reverse();
}
