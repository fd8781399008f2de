/**
 * Reports a group's new occurrences on its issue: at most one Jira edit per comment interval per
 * group, carrying the comment (count, first and last time, distinct addresses and devices, each
 * body collapsed), the occurrence count and last-seen fields and, past the rule's threshold, the
 * raised priority. With the issue's state at hand it decides what a repeat does to a done issue:
 * reopen it through a discovered transition, or start a new linked issue (won't-do resolution,
 * outside the reopen window, no way out of done, or after the grouping window). Runs as a queued
 * task (`flush-group`), claimed so one worker reports a group at a time.
 */
import type { AlertRecord } from '#domain/alert-record.ts';
import { JiraRejectedError, JiraTransientError } from '#domain/errors.ts';
import type { FollowUpReason, GroupRecord, IssueState, IssueTransition } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { reachedThreshold, recentTimes } from '#domain/routing/escalation.ts';
import { targetOf } from '#domain/routing/target-project.ts';
import {
  type GroupComment,
  occurrenceOf,
  occurrencesComment,
  reopenComment,
  stormComment,
} from '#domain/ticket/group-comment.ts';
import { groupFieldValues } from '#domain/ticket/group-fields.ts';
import { type AttemptOptions, CLAIM_SECONDS, type DeliveryDeps } from './delivery-deps.ts';
import { MAX_DELAY_SECONDS, nextRetry } from './retry-policy.ts';

/** A flush message lost in a crash is noticed and sent again once its due time is this old. */
export const FLUSH_LOST_AFTER_MS = 15 * 60_000;
/** While the opener is still creating the issue, the flush looks again this much later. */
const WAIT_FOR_ISSUE_SECONDS = 15;

export type FlushOutcome =
  | { readonly kind: 'reported'; readonly issueKey: string; readonly occurrences: number; readonly escalated: boolean }
  | { readonly kind: 'followed-up'; readonly reason: FollowUpReason; readonly openerAlertId: string }
  | { readonly kind: 'later'; readonly delaySeconds: number }
  | { readonly kind: 'nothing' };

/**
 * When the group's next comment may be written: one interval after the last one, the first one an
 * interval after the group's first alert (so a burst's first repeats share one comment).
 */
export function nextCommentAt(
  group: Pick<GroupRecord, 'lastFlushAtMs' | 'openedAtMs' | 'commentIntervalSeconds'>,
): number {
  return (group.lastFlushAtMs ?? group.openedAtMs) + group.commentIntervalSeconds * 1000;
}

/**
 * Queues the group's flush unless one is due already: right away when the last comment is older
 * than the interval, else when the interval ends.
 */
export async function scheduleFlush(deps: DeliveryDeps, group: GroupRecord): Promise<void> {
  const nowMs = deps.clock.now().getTime();
  // The group as this alert's join left it already has a flush due: no write needed (most repeats).
  if (group.flushDueAtMs !== undefined && group.flushDueAtMs >= nowMs - FLUSH_LOST_AFTER_MS) return;
  const dueAtMs = Math.max(nowMs, nextCommentAt(group));
  if (!(await deps.groups.scheduleFlush(group.groupId, dueAtMs, nowMs - FLUSH_LOST_AFTER_MS))) return;
  await deps.queue.enqueue({ task: 'flush-group', groupId: group.groupId }, delaySeconds(dueAtMs - nowMs));
}

export async function flushGroup(
  deps: DeliveryDeps,
  groupId: string,
  options: AttemptOptions = { maxWaitMs: 0 },
): Promise<FlushOutcome> {
  const nowMs = deps.clock.now().getTime();
  const group = await deps.groups.claimFlush(groupId, nowMs, deps.claimSeconds ?? CLAIM_SECONDS);
  if (group === undefined) return { kind: 'nothing' };
  try {
    const outcome = await flushClaimed(deps, group, options);
    if (outcome.kind === 'later') await later(deps, group, outcome.delaySeconds, group.flushFailures ?? 0);
    else await scheduleRest(deps, groupId);
    return outcome;
  } catch (error) {
    const failures = (group.flushFailures ?? 0) + 1;
    const decision = nextRetry({
      attempt: failures,
      receivedAt: new Date(nowMs).toISOString(),
      now: new Date(nowMs),
      ...(error instanceof JiraTransientError && error.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: error.retryAfterSeconds }
        : {}),
      budgetSeconds: deps.retryBudgetSeconds,
      random: deps.random ?? Math.random,
    });
    const delay = decision.kind === 'retry' ? decision.delaySeconds : MAX_DELAY_SECONDS;
    deps.log.warn('Group report failed; trying again later', {
      groupId,
      issueKey: group.issueKey,
      delaySeconds: delay,
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : '',
    });
    await later(deps, group, delay, failures);
    return { kind: 'later', delaySeconds: delay };
  }
}

async function flushClaimed(deps: DeliveryDeps, group: GroupRecord, options: AttemptOptions): Promise<FlushOutcome> {
  const nowMs = deps.clock.now().getTime();
  if (group.pending.length === 0 && group.overflow === 0) {
    await deps.groups.abandonFlush(group.groupId, 0);
    return { kind: 'nothing' };
  }
  const dueAtMs = nextCommentAt(group);
  if (nowMs < dueAtMs) return { kind: 'later', delaySeconds: delaySeconds(dueAtMs - nowMs) };
  const config = await deps.config();
  if (config === undefined) return { kind: 'later', delaySeconds: MAX_DELAY_SECONDS };
  if (group.issueKey === undefined) return waitForIssue(deps, group, options);

  // One batch read per 100 repeats; a repeat whose record is gone (TTL) is only counted.
  const records = await deps.ledger.getMany(group.pending);
  const first = records[0];
  const lastReportedMs = Math.max(group.openedAtMs, ...group.recentTimesMs);
  const firstMs = first ? Date.parse(first.receivedAt) : nowMs;
  let reopened: { fromStatus: string } | undefined;
  // The last edit's answer showed it open within about an interval (a steady stream): this edit's
  // answer tells the state, so the comment costs one Jira call. Otherwise (the first comment, a
  // pause) read it first, so a done issue is reopened or left before anything is written on it.
  if (!stateIsFresh(group, nowMs)) {
    const stateTurn = await deps.governor.permit(options);
    if (stateTurn.kind === 'wait') return { kind: 'later', delaySeconds: waitSeconds(stateTurn.untilMs, nowMs) };
    const state = await deps.tracker.getIssueState(group.issueKey);
    if (state === undefined) return followUp(deps, group, 'issue-gone', first);
    if (state.statusCategory === 'done') {
      const verdict = reopenVerdict(config, group, state, firstMs);
      if (verdict !== 'reopen') return followUp(deps, group, verdict, first);
      const moved = await reopen(deps, group, state, options, first?.receivedAt ?? new Date(nowMs).toISOString());
      if (moved === 'wait') return { kind: 'later', delaySeconds: 5 };
      if (moved === undefined) return followUp(deps, group, 'no-reopen', first);
      reopened = { fromStatus: state.statusName };
    }
  }
  if (reopened === undefined && firstMs - lastReportedMs > group.windowMinutes * 60_000) {
    return followUp(deps, group, 'window', first);
  }
  return report(deps, config, group, records, options, reopened);
}

/**
 * How long after the last edit showed the issue open the next comment goes out without reading its
 * state first: one interval (the next comment of a steady stream) and this much more. An issue
 * closed in between gets that one comment; the edit's answer shows it done, and it is reopened at
 * once or, when it may not be (won't do, outside the reopen window), the next repeats start a
 * linked issue.
 */
export const STATE_FRESH_GRACE_MS = 30_000;

function stateIsFresh(group: GroupRecord, nowMs: number): boolean {
  return (
    group.stateSeenAtMs !== undefined &&
    nowMs - group.stateSeenAtMs <= group.commentIntervalSeconds * 1000 + STATE_FRESH_GRACE_MS
  );
}

/** Whether a repeat reopens a done issue, or why it starts a new linked one instead. */
export function reopenVerdict(
  config: Pick<RelayConfig, 'wontDoResolutions'>,
  group: Pick<GroupRecord, 'reopenWindowHours'>,
  state: IssueState,
  /** When the repeat arrived: the window is measured to it, not to when it is reported. */
  repeatAtMs: number,
): 'reopen' | 'wont-do' | 'reopen-window' {
  const resolution = state.resolution?.toLowerCase();
  if (resolution !== undefined && config.wontDoResolutions.some((r) => r.toLowerCase() === resolution))
    return 'wont-do';
  const resolvedAtMs = state.resolutionDate === undefined ? Number.NaN : Date.parse(state.resolutionDate);
  // Done without a resolution date (some workflows): the window cannot be measured, so it is still open.
  if (Number.isNaN(resolvedAtMs)) return 'reopen';
  return repeatAtMs - resolvedAtMs <= group.reopenWindowHours * 3_600_000 ? 'reopen' : 'reopen-window';
}

/**
 * The transition that takes a done issue back to work, as this issue's workflow offers it now: one
 * named like a reopen, else one to a To Do status, else one to an In Progress status.
 */
export function reopenTransition(transitions: readonly IssueTransition[]): IssueTransition | undefined {
  const open = transitions.filter((t) => t.toStatusCategory !== 'done');
  return (
    open.find((t) => /re-?open/i.test(t.name)) ??
    open.find((t) => t.toStatusCategory === 'new') ??
    open.find((t) => t.toStatusCategory === 'indeterminate')
  );
}

async function reopen(
  deps: DeliveryDeps,
  group: GroupRecord,
  state: IssueState,
  options: AttemptOptions,
  receivedAt: string,
): Promise<IssueTransition | undefined | 'wait'> {
  const issueKey = group.issueKey as string;
  const listTurn = await deps.governor.permit(options);
  if (listTurn.kind === 'wait') return 'wait';
  const transition = reopenTransition(await deps.tracker.listTransitions(issueKey));
  if (transition === undefined) return undefined;
  const moveTurn = await deps.governor.permit(options);
  if (moveTurn.kind === 'wait') return 'wait';
  const comment = reopenComment({ fromStatus: state.statusName, key: group.key, receivedAt, ruleName: group.ruleName });
  await deps.tracker.transitionIssue(issueKey, transition.id, comment);
  deps.log.info('Group issue reopened', { issueKey, transition: transition.name });
  return transition;
}

async function report(
  deps: DeliveryDeps,
  config: RelayConfig,
  group: GroupRecord,
  records: readonly AlertRecord[],
  options: AttemptOptions,
  reopened: { fromStatus: string } | undefined,
): Promise<FlushOutcome> {
  const nowMs = deps.clock.now().getTime();
  const issueKey = group.issueKey as string;
  const rule = config.rules.find((r) => r.id === group.ruleId);
  const escalation = rule?.actions.escalation;
  const times = [...group.recentTimesMs, ...records.map((r) => Date.parse(r.receivedAt))];
  const escalate = escalation !== undefined && group.escalated !== true && reachedThreshold(times, escalation);
  const target = targetOf(config, rule?.actions.route?.projectKey ?? config.project.key);
  // The comment shows no redacted value, even if a crash left a repeat's ledger body unredacted.
  const occurrences = records.map((record) => occurrenceOf(record, rule?.actions.redact ?? []));
  const priorityName = escalate ? priorityNameOf(target.fieldMeta, escalation.priorityId) : undefined;
  const built = commentFor(group, {
    total: group.count,
    occurrences,
    firstAt: occurrences[0]?.receivedAt ?? new Date(nowMs).toISOString(),
    lastAt: occurrences.at(-1)?.receivedAt ?? new Date(nowMs).toISOString(),
    ...(group.overflow > 0 ? { withoutBodies: group.overflow } : {}),
    ...(escalate
      ? {
          escalation: {
            priorityName: priorityName ?? escalation.priorityId,
            occurrences: escalation.occurrences,
            withinMinutes: escalation.withinMinutes,
            ruleName: group.ruleName,
          },
        }
      : {}),
    ...(reopened ? { reopened } : {}),
    ruleName: group.ruleName,
  });
  const lastSeenAt = new Date(Math.max(group.lastSeenAtMs, ...times)).toISOString();
  const fields = {
    ...groupFieldValues(config, target.fieldMeta[rule?.actions.route?.issueTypeId ?? config.defaultIssueTypeId], {
      count: group.count,
      lastSeenAt,
    }),
    ...(escalate ? { priority: { id: escalation.priorityId } } : {}),
  };
  const turn = await deps.governor.permit(options);
  if (turn.kind === 'wait') return { kind: 'later', delaySeconds: waitSeconds(turn.untilMs, nowMs) };
  const after = await editWithFallback(deps, issueKey, fields, built.document);
  let seenOpen = after !== undefined && after.statusCategory !== 'done' ? nowMs : undefined;
  if (after?.statusCategory === 'done' && reopened === undefined) {
    // Closed since it was last seen open: the comment is on it. Reopen it now when the rules allow;
    // otherwise leave it (the next flush reads its state and opens a linked issue for later repeats).
    const firstAt = records[0]?.receivedAt ?? new Date(nowMs).toISOString();
    if (reopenVerdict(config, group, after, Date.parse(firstAt)) === 'reopen') {
      const moved = await reopen(deps, group, after, options, firstAt);
      if (moved !== undefined && moved !== 'wait') seenOpen = nowMs;
    } else {
      deps.log.info('Group issue was closed before this comment; later repeats start a linked issue', { issueKey });
    }
  }
  if (built.attachment) {
    try {
      await deps.tracker.addAttachment(
        issueKey,
        built.attachment.filename,
        built.attachment.content,
        built.attachment.mimeType,
      );
    } catch (error) {
      // The comment says which occurrences the file holds; their bodies stay in the ledger either way.
      deps.log.warn('Could not attach the occurrences that did not fit the comment', {
        issueKey,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
  }
  await deps.groups.finishFlush(group.groupId, {
    reportedPending: group.pending.length,
    reportedOverflow: group.overflow,
    atMs: nowMs,
    recentTimesMs: escalation ? recentTimes(times, escalation) : [Math.max(...times)],
    escalated: group.escalated === true || escalate,
    ...(seenOpen !== undefined ? { stateSeenAtMs: seenOpen } : {}),
  });
  if (escalate) {
    await deps.ledger.update(group.openerAlertId, {
      escalated: true,
      ...(priorityName ? { priority: priorityName } : {}),
      updatedAt: new Date(nowMs).toISOString(),
    });
    deps.log.info('Group escalated', { groupId: group.groupId, issueKey, priority: escalation.priorityId });
  }
  deps.metrics.count('GroupComments');
  return { kind: 'reported', issueKey, occurrences: records.length + group.overflow, escalated: escalate };
}

/** A storm issue counts alerts of its rule for the hour; any other group counts repeats of its key. */
function commentFor(group: GroupRecord, input: Omit<Parameters<typeof occurrencesComment>[0], 'key'>): GroupComment {
  if (!group.storm) return occurrencesComment({ ...input, key: group.key });
  const { reopened: _reopened, ...rest } = input;
  return stormComment({ ...rest, ruleName: group.ruleName, hour: group.key['hour'] ?? '' });
}

/**
 * The edit; when Jira refuses some of its fields, again without those (the raised priority stays if
 * only a group field was refused), and at last the comment alone: the comment must not be lost.
 * Answers the issue's state when Jira returned it.
 */
async function editWithFallback(
  deps: DeliveryDeps,
  issueKey: string,
  fields: Record<string, unknown>,
  comment: Parameters<DeliveryDeps['tracker']['editIssue']>[1]['comment'],
): Promise<IssueState | undefined> {
  let sending = fields;
  for (;;) {
    const hasFields = Object.keys(sending).length > 0;
    try {
      return await deps.tracker.editIssue(issueKey, {
        ...(hasFields ? { fields: sending } : {}),
        ...(comment ? { comment } : {}),
      });
    } catch (error) {
      if (!(error instanceof JiraRejectedError) || error.status !== 400 || !hasFields) throw error;
      const refused = Object.keys(error.fieldErrors).filter((id) => Object.hasOwn(sending, id));
      deps.log.warn('Jira refused fields of the group edit; sending it without them', { issueKey, fields: refused });
      // Refused without naming one of ours: drop them all and send the comment alone.
      sending =
        refused.length === 0 ? {} : Object.fromEntries(Object.entries(sending).filter(([id]) => !refused.includes(id)));
    }
  }
}

/**
 * The opener has not created the issue yet; if it never will (refused for good), the next repeat
 * opens a new one; if it did without the group hearing of it, the group learns it now.
 */
async function waitForIssue(deps: DeliveryDeps, group: GroupRecord, options: AttemptOptions): Promise<FlushOutcome> {
  const opener = await deps.ledger.get(group.openerAlertId);
  if (opener?.status === 'failed' || opener === undefined) return followUp(deps, group, 'opener-failed');
  if (opener.status === 'delivered' && opener.issueKey !== undefined) {
    // Its worker stopped between the ledger's write and the group's: nothing else would ever tell
    // the group, and its repeats would wait (and keep it live) for good.
    await deps.groups.setIssue(group.groupId, group.openerAlertId, opener.issueKey);
    return flushClaimed(deps, { ...group, issueKey: opener.issueKey }, options);
  }
  return { kind: 'later', delaySeconds: WAIT_FOR_ISSUE_SECONDS };
}

/** The first waiting repeat opens a new issue linked to the old one; the others wait for it. */
async function followUp(
  deps: DeliveryDeps,
  group: GroupRecord,
  reason: FollowUpReason,
  /** The first waiting repeat's record, when the flush has read it already. */
  first?: AlertRecord,
): Promise<FlushOutcome> {
  const openerAlertId = group.pending[0];
  if (openerAlertId === undefined) {
    // Only counted repeats wait (their bodies did not fit the list): nothing can open the new issue.
    await deps.groups.abandonFlush(group.groupId, 0);
    return { kind: 'nothing' };
  }
  const opener = first?.alertId === openerAlertId ? first : await deps.ledger.get(openerAlertId);
  const moved = await deps.groups.followUp(group.groupId, {
    expectedIssueKey: group.issueKey,
    openerAlertId,
    atMs: opener ? Date.parse(opener.receivedAt) : deps.clock.now().getTime(),
    reportedBefore: group.reported,
    reason,
  });
  if (!moved) return { kind: 'later', delaySeconds: WAIT_FOR_ISSUE_SECONDS };
  const now = deps.clock.now().toISOString();
  // It joined the old issue but was never reported there: its issue is the one it is about to open.
  await deps.ledger.update(openerAlertId, {
    status: 'queued',
    groupRole: 'opened',
    issueKey: undefined,
    issueUrl: undefined,
    updatedAt: now,
  });
  await deps.queue.enqueue({ alertId: openerAlertId }, 0);
  deps.log.info('Group repeat starts a new linked issue', {
    groupId: group.groupId,
    previousIssueKey: group.issueKey,
    reason,
    alertId: openerAlertId,
  });
  return { kind: 'followed-up', reason, openerAlertId };
}

/** After a flush: occurrences that joined meanwhile get the next one. */
async function scheduleRest(deps: DeliveryDeps, groupId: string): Promise<void> {
  const current = await deps.groups.get(groupId);
  if (current && (current.pending.length > 0 || current.overflow > 0)) await scheduleFlush(deps, current);
}

async function later(deps: DeliveryDeps, group: GroupRecord, delay: number, failures: number): Promise<void> {
  await deps.groups.abandonFlush(group.groupId, failures);
  const nowMs = deps.clock.now().getTime();
  if (await deps.groups.scheduleFlush(group.groupId, nowMs + delay * 1000, nowMs - FLUSH_LOST_AFTER_MS))
    await deps.queue.enqueue({ task: 'flush-group', groupId: group.groupId }, delay);
}

function priorityNameOf(
  fieldMeta: Readonly<
    Record<string, readonly { fieldId: string; allowedValues?: readonly { id: string; name?: string }[] }[]>
  >,
  id: string,
): string | undefined {
  for (const fields of Object.values(fieldMeta)) {
    const name = fields.find((f) => f.fieldId === 'priority')?.allowedValues?.find((v) => v.id === id)?.name;
    if (name) return name;
  }
  return undefined;
}

function waitSeconds(untilMs: number, nowMs: number): number {
  return delaySeconds(untilMs - nowMs);
}

function delaySeconds(ms: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
}
