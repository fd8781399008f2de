/**
 * Delivery of one recorded alert to Jira: claim it in the ledger, build the issue from the stored
 * configuration, make one Jira call, record the outcome. Never loses an alert: transient failures go
 * to the retry queue, refused mapped fields are dropped (and said so), missing configuration parks
 * the alert until an administrator configures the relay. When the next attempt happens is
 * `./retry-policy.ts`; parked alerts go back to the queue through `./release-parked-alerts.ts`; a
 * body too long for the ticket is attached by `./attach-received-body.ts`.
 * Over 350 lines on purpose: every outcome of one attempt (delivered, retry, wait, park, give up) is
 * written here, next to the claim and the search-before-create rules that make it exactly once.
 */

import { alertLabel } from '#domain/alert/dedup-key.ts';
import { type KeeperAlert, parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { type AlertRecord, DELIVERABLE_STATUSES } from '#domain/alert-record.ts';
import {
  JiraRejectedError,
  JiraTransientError,
  JiraUnauthorizedError,
  NotConfiguredError,
  ReconnectRequiredError,
} from '#domain/errors.ts';
import type { GroupRecord } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { type AlertDecision, decideAlert } from '#domain/routing/apply-rules.ts';
import { type BuildContext, type BuiltIssue, buildIssue, withoutFields } from '#domain/ticket/build-issue.ts';
import type { FollowUp } from '#domain/ticket/issue-notes.ts';
import { redactAlert } from '#domain/ticket/redact.ts';
import { attachBody, attachPendingBody } from './attach-received-body.ts';
import { closeCounterpart, rememberOpener } from './close-counterpart.ts';
import {
  ATTACHMENT_BACKSTOP_SECONDS,
  type AttemptOptions,
  CLAIM_SECONDS,
  type DeliveryDeps,
  type DeliveryOutcome,
  SEARCH_LAG_MS,
} from './delivery-deps.ts';
import { scheduleFlush } from './flush-group.ts';
import type { Permit } from './jira-governor.ts';
import { type Placement, placeAlert } from './place-in-group.ts';
import { MAX_DELAY_SECONDS, nextRetry } from './retry-policy.ts';

export function issueUrl(siteUrl: string, key: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
}

/** Delivers `alertId` if it is deliverable (a replay from the admin site first sets it back to `queued`). */
export async function deliverAlert(
  deps: DeliveryDeps,
  alertId: string,
  options: AttemptOptions = { maxWaitMs: 0 },
): Promise<DeliveryOutcome> {
  const { ledger, clock } = deps;
  const config = await deps.config();
  if (config === undefined) return park(deps, alertId, NO_CONFIGURATION);

  const claimed = await ledger.claim(alertId, DELIVERABLE_STATUSES, clock.now(), deps.claimSeconds ?? CLAIM_SECONDS);
  if (claimed === undefined) {
    const current = await ledger.get(alertId);
    if (current?.status === 'delivered' && current.issueKey) {
      // The ticket exists; its complete body may still have to be attached (a retry or the backstop message).
      if (current.attachmentPending) await attachPendingBody(deps, current, options);
      return {
        kind: 'delivered',
        alertId,
        issueKey: current.issueKey,
        issueUrl: current.issueUrl ?? issueUrl(deps.siteUrl, current.issueKey),
      };
    }
    return { kind: 'busy', alertId, status: current?.status ?? 'delivering' };
  }
  return attemptDelivery(deps, claimed, config, options);
}

/** Fields that make a new ledger record already claimed by the worker writing it (one write, not two). */
export function claimedAtCreation(
  now: Date,
  claimSeconds = CLAIM_SECONDS,
): Pick<AlertRecord, 'status' | 'attempts' | 'claimUntil'> {
  return { status: 'delivering', attempts: 1, claimUntil: now.getTime() + claimSeconds * 1000 };
}

export const NO_CONFIGURATION = 'The relay has no project and issue type configured yet';

/** One delivery attempt of an alert this worker has claimed. */
export async function attemptDelivery(
  deps: DeliveryDeps,
  claimed: AlertRecord,
  config: RelayConfig,
  options: AttemptOptions = { maxWaitMs: 0 },
): Promise<DeliveryOutcome> {
  const { ledger, clock, log } = deps;
  const alertId = claimed.alertId;
  // Jira has no idempotency key. An earlier create may have reached it when it timed out or got a
  // 5xx, or when its worker died holding the claim (taken over now): look before creating again.
  const takenOver = (claimed.priorClaimUntil ?? 0) > 0;
  let uncertain = claimed.mayHaveCreated === true || takenOver;
  const sentAt = Math.max(claimed.lastSentAt ?? 0, takenOver ? (claimed.priorClaimUntil ?? 0) : 0);
  const searchLagMs = deps.searchLagMs ?? SEARCH_LAG_MS;
  if (uncertain && clock.now().getTime() < sentAt + searchLagMs) {
    return waitFor(
      deps,
      claimed,
      { kind: 'wait', untilMs: sentAt + searchLagMs, reason: 'paced' },
      uncertain,
      'waiting until Jira’s search can see an earlier attempt',
    );
  }
  const alert = parseAlertBody(claimed.rawBody);
  // Only a search or a create can leave an issue behind: a timed-out counter-event comment must not
  // make the next attempt look for (and then create) a ticket of its own.
  let creating = false;
  try {
    const decision = decideAlert(alert, config);
    // An earlier attempt that may have created the issue already went past the steps before the create.
    if (!uncertain && !claimed.test) {
      const closed = await closeCounterpart(deps, config, alert, claimed, decision.redact, options);
      if (closed.kind === 'wait') return await waitFor(deps, claimed, closed.permit, false);
      if (closed.kind === 'closed')
        return await markHandled(deps, claimed, alert, decision, config, {
          status: 'resolved',
          issueKey: closed.issueKey,
        });
    }
    // "Test Web Trigger" always shows a ticket: rules route it, but never suppress or group it.
    if (decision.suppress && !claimed.test)
      return await markHandled(deps, claimed, alert, decision, config, { status: 'suppressed' });
    const placement: Placement = claimed.test ? { kind: 'single' } : await placeAlert(deps, claimed, alert, decision);
    if (placement.kind === 'joined')
      return await markHandled(deps, claimed, alert, decision, config, { status: 'grouped', group: placement.group });
    const group = placement.kind === 'opened' ? placement.group : undefined;
    const built = buildIssue(alert, {
      alertId,
      receivedAt: claimed.receivedAt,
      config,
      decision,
      ...(group ? groupNotes(group, decision) : {}),
      ...(claimed.test ? { test: true } : {}),
    });
    const delivered = { alert, decision, ...(group ? { group } : {}) };
    creating = true;
    if (uncertain) {
      const permit = await deps.governor.permit(options);
      if (permit.kind === 'wait') return await waitFor(deps, claimed, permit, uncertain);
      const existing = await deps.tracker.findIssueByLabel(built.projectKey, alertLabel(alertId));
      if (existing)
        return await markDelivered(
          deps,
          claimed,
          built,
          config,
          existing.key,
          { ...options, created: false },
          delivered,
        );
      uncertain = false;
    }
    const permit = await deps.governor.permit(options);
    if (permit.kind === 'wait') return await waitFor(deps, claimed, permit, uncertain);
    const created = await createWithFallback(deps, built, config);
    return await markDelivered(
      deps,
      claimed,
      created.built,
      config,
      created.key,
      { ...options, created: true },
      delivered,
    );
  } catch (error) {
    if (error instanceof NotConfiguredError || error instanceof ReconnectRequiredError) {
      return park(deps, alertId, error.message);
    }
    if (error instanceof JiraTransientError)
      return retryLater(
        deps,
        claimed,
        creating ? error : new JiraTransientError(error.message, error.retryAfterSeconds, false, { cause: error }),
        uncertain,
        sentAt,
      );
    // Refused twice, even after a token refresh: the next attempt refreshes again and either
    // succeeds or finds the grant revoked (reconnect required, alert parked).
    if (error instanceof JiraUnauthorizedError)
      return retryLater(deps, claimed, new JiraTransientError(error.message, 5), uncertain, sentAt);
    if (error instanceof JiraRejectedError) {
      const message = describeRejection(error);
      await ledger.update(alertId, {
        status: 'failed',
        lastError: message,
        updatedAt: clock.now().toISOString(),
        claimUntil: undefined,
      });
      log.error('Jira refused the issue', { alertId, event: claimed.event, status: error.status });
      deps.metrics.count('AlertsFailed');
      return { kind: 'failed', alertId, error: message };
    }
    // Anything unexpected (a bug, a ledger hiccup): keep the alert and try again later.
    log.error('Unexpected delivery error', {
      alertId,
      errorName: error instanceof Error ? error.name : typeof error,
      errorMessage: error instanceof Error ? error.message : '',
    });
    return retryLater(
      deps,
      claimed,
      new JiraTransientError('Unexpected delivery error', undefined, false, { cause: error }),
      uncertain,
      sentAt,
    );
  }
}

async function createWithFallback(
  deps: DeliveryDeps,
  built: BuiltIssue,
  config: RelayConfig,
): Promise<{ key: string; built: BuiltIssue }> {
  try {
    const created = await deps.tracker.createIssue(built.fields);
    return { key: created.key, built };
  } catch (error) {
    // Rule 6: a mapped field Jira refuses (screen changed since the save) must not lose the alert.
    if (!(error instanceof JiraRejectedError) || error.status !== 400 || Object.keys(error.fieldErrors).length === 0)
      throw error;
    const reduced = withoutFields(built, error.fieldErrors, config);
    if (reduced === undefined) throw error;
    deps.log.warn('Jira refused mapped fields; creating without them', { fields: Object.keys(error.fieldErrors) });
    const created = await deps.tracker.createIssue(reduced.fields);
    return { key: created.key, built: reduced };
  }
}

async function markDelivered(
  deps: DeliveryDeps,
  record: AlertRecord,
  built: BuiltIssue,
  config: RelayConfig,
  key: string,
  attempt: AttemptOptions & { readonly created: boolean },
  delivered: { readonly alert: KeeperAlert; readonly decision: AlertDecision; readonly group?: GroupRecord },
): Promise<DeliveryOutcome> {
  const now = deps.clock.now().toISOString();
  const url = issueUrl(deps.siteUrl, key);
  const issueType = config.issueTypes.find((t) => t.id === built.issueTypeId)?.name ?? built.issueTypeId;
  const attach = built.attachment !== undefined;
  // Sent before the ledger says delivered: if this worker dies before the file is on the issue,
  // this message comes back to finish it (nothing else looks at delivered alerts).
  if (attach) {
    try {
      await deps.queue.enqueue({ alertId: record.alertId }, ATTACHMENT_BACKSTOP_SECONDS);
    } catch (error) {
      // The issue exists: failing here would retry the create. Only the crash backstop is lost.
      deps.log.warn('Could not queue the attachment backstop', {
        alertId: record.alertId,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
  }
  await deps.ledger.update(record.alertId, {
    status: 'delivered',
    issueKey: key,
    issueUrl: url,
    issueType,
    ...(built.priorityName ? { priority: built.priorityName } : {}),
    droppedFields: built.dropped,
    deliveredAt: now,
    updatedAt: now,
    lastError: undefined,
    nextAttemptAt: undefined,
    claimUntil: undefined,
    mayHaveCreated: undefined,
    ...routingFields(delivered.decision, delivered.group, 'opened'),
    // This worker holds the attachment from the start; its claim runs out if it dies.
    ...(attach
      ? {
          attachmentPending: true,
          attachmentClaimUntil: deps.clock.now().getTime() + (deps.claimSeconds ?? CLAIM_SECONDS) * 1000,
          attachmentAttempts: 1,
        }
      : {}),
  });
  deps.log.info('Alert delivered', {
    alertId: record.alertId,
    event: record.event,
    issueKey: key,
    attempts: record.attempts,
  });
  deps.metrics.count('AlertsDelivered');
  deps.metrics.duration('TimeToTicket', Date.parse(now) - Date.parse(record.receivedAt));
  await afterIssue(deps, record, key, config, delivered, attempt);
  if (built.attachment) {
    const delivered: AlertRecord = {
      ...record,
      status: 'delivered',
      issueKey: key,
      attachmentPending: true,
      attachmentAttempts: 1,
    };
    // A fresh issue has no attachments: only an issue found again may already carry the file.
    await attachBody(deps, delivered, built.attachment, { maxWaitMs: attempt.maxWaitMs, mayExist: !attempt.created });
  }
  return { kind: 'delivered', alertId: record.alertId, issueKey: key, issueUrl: url };
}

/**
 * What follows a created (or found) issue: the group learns its issue, a follow-up is linked to
 * the issue it follows, repeats that joined meanwhile get their comment, a counter-event opener is
 * remembered, and a redacting rule's body is redacted in the ledger too.
 */
async function afterIssue(
  deps: DeliveryDeps,
  record: AlertRecord,
  key: string,
  config: RelayConfig,
  delivered: { readonly alert: KeeperAlert; readonly decision: AlertDecision; readonly group?: GroupRecord },
  attempt: AttemptOptions,
): Promise<void> {
  const { group, alert, decision } = delivered;
  if (group) {
    const current = await deps.groups.setIssue(group.groupId, record.alertId, key);
    if (group.previousIssueKey) await linkFollowUp(deps, group.previousIssueKey, key, attempt);
    // Repeats that joined while the issue was being created get their comment.
    if (current && (current.pending.length > 0 || current.overflow > 0)) await scheduleFlush(deps, current);
  }
  await rememberOpener(deps, config, alert, key);
  await redactStored(deps, record, alert, decision, config);
}

/** Best effort: the new issue's description already names the one it follows. */
async function linkFollowUp(deps: DeliveryDeps, previous: string, key: string, attempt: AttemptOptions): Promise<void> {
  try {
    const permit = await deps.governor.permit(attempt);
    if (permit.kind === 'wait') {
      deps.log.warn('Follow-up not linked: Jira asked the relay to wait', {
        issueKey: key,
        previousIssueKey: previous,
      });
      return;
    }
    await deps.tracker.linkIssues(FOLLOW_UP_LINK_TYPE, previous, key);
  } catch (error) {
    deps.log.warn('Could not link the follow-up issue', {
      issueKey: key,
      previousIssueKey: previous,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

/** Jira's default link type for "this issue follows that one". */
export const FOLLOW_UP_LINK_TYPE = 'Relates';

/**
 * A suppressed alert, a repeat that joined its group, or a counter-event that closed its opener's
 * issue: recorded with what happened, no ticket of its own.
 */
async function markHandled(
  deps: DeliveryDeps,
  record: AlertRecord,
  alert: KeeperAlert,
  decision: AlertDecision,
  config: RelayConfig,
  handled:
    | { readonly status: 'suppressed' }
    | { readonly status: 'grouped'; readonly group: GroupRecord }
    | { readonly status: 'resolved'; readonly issueKey: string },
): Promise<DeliveryOutcome> {
  const now = deps.clock.now().toISOString();
  const group = handled.status === 'grouped' ? handled.group : undefined;
  const issueKey = handled.status === 'resolved' ? handled.issueKey : group?.issueKey;
  const url = issueKey ? issueUrl(deps.siteUrl, issueKey) : undefined;
  await deps.ledger.update(record.alertId, {
    // A closing counter-event is delivered: its alert is on the issue it closed.
    status: handled.status === 'resolved' ? 'delivered' : handled.status,
    updatedAt: now,
    claimUntil: undefined,
    lastError: undefined,
    nextAttemptAt: undefined,
    ...(issueKey && url ? { issueKey, issueUrl: url } : {}),
    ...routingFields(decision, group, 'joined'),
    ...(handled.status === 'resolved' ? { deliveredAt: now, groupRole: 'closed' as const } : {}),
  });
  await redactStored(deps, record, alert, decision, config);
  const { alertId } = record;
  switch (handled.status) {
    case 'grouped':
      deps.metrics.count('AlertsGrouped');
      await scheduleFlush(deps, handled.group);
      return {
        kind: 'grouped',
        alertId,
        groupId: handled.group.groupId,
        ...(issueKey && url ? { issueKey, issueUrl: url } : {}),
      };
    case 'suppressed':
      deps.log.info('Alert suppressed by a rule', { alertId, ruleId: decision.rule?.id });
      deps.metrics.count('AlertsSuppressed');
      return { kind: 'suppressed', alertId };
    case 'resolved':
      deps.metrics.count('AlertsDelivered');
      return { kind: 'resolved', alertId, issueKey: handled.issueKey, issueUrl: url as string };
  }
}

/** The ledger fields that say which rule matched and how the alert took part in its group. */
function routingFields(
  decision: AlertDecision,
  group: GroupRecord | undefined,
  role: 'opened' | 'joined',
): Partial<Pick<AlertRecord, 'ruleId' | 'ruleName' | 'groupId' | 'groupRole'>> {
  return {
    ...(decision.rule ? { ruleId: decision.rule.id, ruleName: decision.rule.name } : {}),
    ...(group ? { groupId: group.groupId, groupRole: group.storm ? 'storm' : role } : {}),
  };
}

/** Replaces the ledger body with the redacted one once nothing re-reads the original for delivery. */
async function redactStored(
  deps: DeliveryDeps,
  record: AlertRecord,
  alert: KeeperAlert,
  decision: AlertDecision,
  config: RelayConfig,
): Promise<void> {
  if (decision.redact.length === 0 || record.redactedPaths !== undefined) return;
  const redacted = redactAlert(alert, decision.redact);
  if (redacted.redactedPaths.length === 0) return;
  const days = config.redactionRetentionDays;
  const keepUntil = days > 0 ? Math.floor(deps.clock.now().getTime() / 1000) + days * 86_400 : undefined;
  await deps.ledger.redactBody(record.alertId, redacted.alert.rawText, redacted.redactedPaths, keepUntil);
}

/** What the description of a group's first issue says: grouped, a storm, and the issue it follows. */
function groupNotes(group: GroupRecord, decision: AlertDecision): Pick<BuildContext, 'group' | 'storm' | 'followUp'> {
  const followUp: FollowUp | undefined = group.previousIssueKey
    ? {
        previousKey: group.previousIssueKey,
        reason: group.followUpReason === 'reopen-window' ? 'reopen-window-passed' : (group.followUpReason ?? 'window'),
        reopenWindowHours: group.reopenWindowHours,
        key: group.key,
      }
    : undefined;
  return {
    ...(group.storm
      ? { storm: { ruleName: group.ruleName, hour: group.key['hour'] ?? '', cap: decision.stormCap ?? 0 } }
      : { group: { key: group.key, windowMinutes: group.windowMinutes } }),
    ...(followUp ? { followUp } : {}),
  };
}

async function retryLater(
  deps: DeliveryDeps,
  record: AlertRecord,
  error: JiraTransientError,
  uncertain: boolean,
  sentAt: number,
): Promise<DeliveryOutcome> {
  const { ledger, queue, clock, log } = deps;
  const now = clock.now();
  const mayHaveCreated = uncertain || error.mayHaveCreated;
  const lastSentAt = error.mayHaveCreated ? now.getTime() : uncertain ? sentAt : undefined;
  // Jira named the time (429, 503 with Retry-After): waiting is not a failure and leaves the backoff as it was.
  const failures = (record.failures ?? 0) + (error.retryAfterSeconds === undefined ? 1 : 0);
  const decision = nextRetry({
    attempt: Math.max(1, failures),
    receivedAt: record.receivedAt,
    now,
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    budgetSeconds: deps.retryBudgetSeconds,
    random: deps.random ?? Math.random,
  });
  if (decision.kind === 'give-up')
    return giveUp(
      deps,
      record,
      `${capitalise(decision.reason)} after ${record.attempts} attempts: ${error.message}`,
      mayHaveCreated,
    );
  // With the circuit open the alerts wait for Jira's recovery, which releases them. The one that just
  // failed (it opened the breaker, or it was the probe) comes back for the next probe: once alerts stop
  // arriving nothing else would probe, and the backlog would wait for SQS's 15-minute backstop.
  const breaker = deps.governor.state;
  const jiraDown = breaker.breakerOpen;
  const delay = jiraDown ? secondsUntil(breaker.nextProbeAt, now) : decision.delaySeconds;
  await ledger.update(record.alertId, {
    status: 'retrying',
    lastError: jiraDown ? `Jira is unavailable; waiting for it to recover (${error.message})` : error.message,
    nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString(),
    updatedAt: now.toISOString(),
    claimUntil: undefined,
    mayHaveCreated: mayHaveCreated ? true : undefined,
    ...(lastSentAt !== undefined ? { lastSentAt } : {}),
    ...(failures > 0 ? { failures } : {}),
  });
  await queue.enqueue({ alertId: record.alertId }, delay);
  log.warn('Jira unavailable; alert queued for retry', {
    alertId: record.alertId,
    attempt: record.attempts,
    delaySeconds: delay,
  });
  deps.metrics.count('AlertsQueued');
  return { kind: 'queued', alertId: record.alertId, retryAfterSeconds: delay };
}

/**
 * Hands the alert back to the queue without a Jira call: pacing or a Retry-After says not yet, or
 * the circuit is open (then the delay is a backstop; Jira's recovery releases the alert sooner).
 */
async function waitFor(
  deps: DeliveryDeps,
  record: AlertRecord,
  permit: Extract<Permit, { kind: 'wait' }>,
  uncertain: boolean,
  why?: string,
): Promise<DeliveryOutcome> {
  const now = deps.clock.now();
  const left = deps.retryBudgetSeconds * 1000 - (now.getTime() - Date.parse(record.receivedAt));
  if (left <= 0) return giveUp(deps, record, `Retry budget spent while ${describeWait(permit)}`, uncertain);
  const jiraDown = permit.reason === 'jira-down';
  const jitter = (deps.random ?? Math.random)();
  const delay = jiraDown
    ? MAX_DELAY_SECONDS
    : Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((permit.untilMs - now.getTime()) / 1000 + jitter)));
  await deps.ledger.update(record.alertId, {
    // An alert that already failed (or may have reached Jira) is retrying; one only paced is queued.
    status: jiraDown || uncertain || (record.failures ?? 0) > 0 ? 'retrying' : 'queued',
    // Waiting out the search lag keeps the failure that caused it: that is what an admin needs to see.
    lastError: why === undefined ? describeWait(permit) : (record.lastError ?? why),
    nextAttemptAt: new Date(jiraDown ? permit.untilMs : now.getTime() + delay * 1000).toISOString(),
    updatedAt: now.toISOString(),
    claimUntil: undefined,
    mayHaveCreated: uncertain ? true : undefined,
  });
  await deps.queue.enqueue({ alertId: record.alertId }, delay);
  deps.metrics.count('AlertsQueued');
  return { kind: 'queued', alertId: record.alertId, retryAfterSeconds: delay };
}

async function giveUp(
  deps: DeliveryDeps,
  record: AlertRecord,
  message: string,
  mayHaveCreated: boolean,
): Promise<DeliveryOutcome> {
  await deps.ledger.update(record.alertId, {
    status: 'failed',
    lastError: message,
    updatedAt: deps.clock.now().toISOString(),
    claimUntil: undefined,
    nextAttemptAt: undefined,
    ...(mayHaveCreated ? { mayHaveCreated: true } : {}),
  });
  await deps.queue.deadLetter({ alertId: record.alertId }, message);
  deps.log.error('Alert dead-lettered', { alertId: record.alertId, event: record.event, attempts: record.attempts });
  deps.metrics.count('AlertsFailed');
  return { kind: 'failed', alertId: record.alertId, error: message };
}

/** Whole seconds until `at` (at least 1, at most SQS's maximum delay; the maximum when unknown). */
function secondsUntil(at: number | undefined, now: Date): number {
  if (at === undefined) return MAX_DELAY_SECONDS;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((at - now.getTime()) / 1000)));
}

function describeWait(permit: Extract<Permit, { kind: 'wait' }>): string {
  if (permit.reason === 'jira-down') return 'Jira is unavailable; waiting for it to recover';
  if (permit.reason === 'rate-limited') return 'Jira asked the relay to wait (rate limit)';
  return 'Paced to Jira’s rate limit';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function park(deps: DeliveryDeps, alertId: string, reason: string): Promise<DeliveryOutcome> {
  const current = await deps.ledger.get(alertId);
  if (current?.status === 'delivered' && current.issueKey) {
    return {
      kind: 'delivered',
      alertId,
      issueKey: current.issueKey,
      issueUrl: current.issueUrl ?? issueUrl(deps.siteUrl, current.issueKey),
    };
  }
  await deps.ledger.update(alertId, {
    status: 'pending_configuration',
    lastError: reason,
    updatedAt: deps.clock.now().toISOString(),
    claimUntil: undefined,
  });
  deps.log.warn('Alert kept until the relay is configured', { alertId });
  deps.metrics.count('AlertsParked');
  return { kind: 'pending_configuration', alertId };
}

function describeRejection(error: JiraRejectedError): string {
  const fieldMessages = Object.entries(error.fieldErrors).map(([field, message]) => `${field}: ${message}`);
  const all = [...error.errorMessages, ...fieldMessages];
  return `Jira refused the issue (HTTP ${error.status})${all.length ? `: ${all.join('; ')}` : ''}`;
}
