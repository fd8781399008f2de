/**
 * Delivery of one recorded alert to Jira: claim it in the ledger, build the issue from the stored
 * configuration, make one Jira call, record the outcome. Never loses an alert: transient failures go
 * to the retry queue, refused mapped fields are dropped (and said so), missing configuration parks
 * the alert until an administrator configures the relay. When the next attempt happens is
 * `./retry-policy.ts`; parked alerts go back to the queue through `./release-parked-alerts.ts`.
 */

import { alertLabel } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { type AlertRecord, type AlertStatus, DELIVERABLE_STATUSES } from '#domain/alert-record.ts';
import {
  JiraRejectedError,
  JiraTransientError,
  JiraUnauthorizedError,
  NotConfiguredError,
  ReconnectRequiredError,
} from '#domain/errors.ts';
import type { AlertLedger, Clock, IssueTracker, RelayMetrics, RetryQueue } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { type BuiltIssue, buildIssue, withoutFields } from '#domain/ticket/build-issue.ts';
import { type RawBodyFile, rawBodyFile } from '#domain/ticket/description.ts';
import type { JiraGovernor, Permit } from './jira-governor.ts';
import { MAX_DELAY_SECONDS, nextRetry } from './retry-policy.ts';

/** Seconds a worker owns a claimed alert; longer than a paced wait, a search and a create with their timeouts. */
export const CLAIM_SECONDS = 60;
/**
 * When the message that finishes an attachment left pending by a crashed worker comes back:
 * well after any live attempt (claim plus upload) has ended.
 */
const ATTACHMENT_BACKSTOP_SECONDS = 300;
/**
 * Jira's search index lags behind creates: a "not found" for the per-alert label is trusted only
 * once the create that may have reached Jira is at least this old.
 */
export const SEARCH_LAG_MS = 30_000;

export interface DeliveryDeps {
  readonly ledger: AlertLedger;
  readonly config: () => Promise<RelayConfig | undefined>;
  readonly tracker: IssueTracker;
  readonly queue: RetryQueue;
  readonly clock: Clock;
  /** Base of human issue links: `${siteUrl}/browse/KEY`. */
  readonly siteUrl: string;
  /** Transient failures are retried until this long after the alert was received. */
  readonly retryBudgetSeconds: number;
  /** Decides whether and when Jira may be called (pacing, Retry-After, circuit breaker). */
  readonly governor: JiraGovernor;
  /** Jitter source; Math.random unless a test fixes it. */
  readonly random?: () => number;
  readonly log: EventLog;
  /** One count per outcome of an attempt (an alert handed back several times counts several times). */
  readonly metrics: RelayMetrics;
  /** CLAIM_SECONDS unless a test shortens it (a crash test cannot wait a minute per takeover). */
  readonly claimSeconds?: number;
  /** SEARCH_LAG_MS unless a test shortens it (the Jira stand-in's search has no lag). */
  readonly searchLagMs?: number;
}

export interface AttemptOptions {
  /** How long this attempt may wait for a slot before handing the alert back to the queue. */
  readonly maxWaitMs: number;
}

/** Structured log sink (Powertools Logger fits). Callers pass an allow-list of attributes only. */
export interface EventLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; alertId: string; issueKey: string; issueUrl: string }
  | { kind: 'queued'; alertId: string; retryAfterSeconds: number }
  | { kind: 'pending_configuration'; alertId: string }
  | { kind: 'failed'; alertId: string; error: string }
  /** Another worker holds the alert right now. */
  | { kind: 'busy'; alertId: string; status: AlertStatus };

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
  const built = buildIssue(parseAlertBody(claimed.rawBody), {
    alertId,
    receivedAt: claimed.receivedAt,
    config,
    ...(claimed.test ? { test: true } : {}),
  });
  try {
    if (uncertain) {
      const permit = await deps.governor.permit(options);
      if (permit.kind === 'wait') return await waitFor(deps, claimed, permit, uncertain);
      const existing = await deps.tracker.findIssueByLabel(config.project.key, alertLabel(alertId));
      if (existing)
        return await markDelivered(deps, claimed, built, config, existing.key, { ...options, created: false });
      uncertain = false;
    }
    const permit = await deps.governor.permit(options);
    if (permit.kind === 'wait') return await waitFor(deps, claimed, permit, uncertain);
    const created = await createWithFallback(deps, built, config);
    return await markDelivered(deps, claimed, created.built, config, created.key, { ...options, created: true });
  } catch (error) {
    if (error instanceof NotConfiguredError || error instanceof ReconnectRequiredError) {
      return park(deps, alertId, error.message);
    }
    if (error instanceof JiraTransientError) return retryLater(deps, claimed, error, uncertain, sentAt);
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
 * Attaches the received body to a delivered alert's issue when the ticket could not show all of
 * it (docs/ticket-format.md, "Raw payload"), once: the attachment is claimed in the ledger, and
 * after an attempt whose outcome is unknown the issue's attachments are read before uploading
 * again. Never throws: the ticket exists whatever happens here, and a failure is retried from the
 * queue until the retry budget is spent.
 */
async function attachPendingBody(deps: DeliveryDeps, record: AlertRecord, options: AttemptOptions): Promise<void> {
  let claimed: AlertRecord | undefined;
  try {
    claimed = await deps.ledger.claimAttachment(record.alertId, deps.clock.now(), deps.claimSeconds ?? CLAIM_SECONDS);
  } catch (error) {
    // The backstop message, or the next retry, comes back for it.
    deps.log.error('Claiming the pending attachment failed', {
      alertId: record.alertId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return;
  }
  if (claimed?.issueKey === undefined) return;
  await attachBody(deps, claimed, rawBodyFile(claimed.alertId, claimed.parsed), {
    maxWaitMs: options.maxWaitMs,
    mayExist: true,
  });
}

async function attachBody(
  deps: DeliveryDeps,
  record: AlertRecord,
  file: RawBodyFile,
  options: { readonly maxWaitMs: number; readonly mayExist: boolean },
): Promise<void> {
  try {
    await tryAttach(deps, record, file, options);
  } catch (error) {
    // Only the ledger can fail here (Jira's answers are handled): the claim runs out and the
    // backstop message, or the retry already queued, tries again.
    deps.log.error('Attaching the received body failed', {
      alertId: record.alertId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

async function tryAttach(
  deps: DeliveryDeps,
  record: AlertRecord,
  file: RawBodyFile,
  options: { readonly maxWaitMs: number; readonly mayExist: boolean },
): Promise<void> {
  const { ledger, clock, log, tracker } = deps;
  const alertId = record.alertId;
  const issueKey = record.issueKey as string;
  const done = async (): Promise<void> => {
    await ledger.update(alertId, {
      attachmentPending: undefined,
      attachmentClaimUntil: undefined,
      attachedAt: clock.now().toISOString(),
    });
    log.info('Received body attached', { alertId, issueKey });
  };
  try {
    const bytes = new TextEncoder().encode(record.rawBody);
    if (options.mayExist) {
      const permit = await deps.governor.permit({ maxWaitMs: options.maxWaitMs, issueKey });
      if (permit.kind === 'wait')
        return await attachLater(deps, record, Math.ceil((permit.untilMs - clock.now().getTime()) / 1000));
      const existing = await tracker.listAttachments(issueKey);
      if (existing.some((a) => a.filename === file.filename && a.size === bytes.byteLength)) return await done();
    }
    const permit = await deps.governor.permit({ maxWaitMs: options.maxWaitMs, issueKey });
    if (permit.kind === 'wait')
      return await attachLater(deps, record, Math.ceil((permit.untilMs - clock.now().getTime()) / 1000));
    await tracker.addAttachment(issueKey, file.filename, bytes, file.mimeType);
    return await done();
  } catch (error) {
    if (error instanceof JiraRejectedError) {
      // Refused for good (no permission to attach, attachments disabled, too large): say so on the record.
      await ledger.update(alertId, {
        attachmentPending: undefined,
        attachmentClaimUntil: undefined,
        lastError: `The ticket is complete but Jira refused its attached body (HTTP ${error.status}): ${error.message}`,
      });
      log.error('Jira refused the attachment', { alertId, issueKey, status: error.status });
      return;
    }
    const retryAfter = error instanceof JiraTransientError ? error.retryAfterSeconds : undefined;
    return await attachLater(deps, record, retryAfter, error instanceof Error ? error.message : 'Unexpected error');
  }
}

/** Hands a pending attachment back to the queue (its claim released), or gives it up once the retry budget is spent. */
async function attachLater(
  deps: DeliveryDeps,
  record: AlertRecord,
  retryAfterSeconds: number | undefined,
  failure?: string,
): Promise<void> {
  const now = deps.clock.now();
  const decision = nextRetry({
    attempt: record.attachmentAttempts ?? 1,
    receivedAt: record.receivedAt,
    now,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds: Math.max(1, retryAfterSeconds) } : {}),
    budgetSeconds: deps.retryBudgetSeconds,
    random: deps.random ?? Math.random,
  });
  if (decision.kind === 'give-up') {
    await deps.ledger.update(record.alertId, {
      attachmentPending: undefined,
      attachmentClaimUntil: undefined,
      lastError: `The ticket is complete but its received body could not be attached: ${decision.reason}${failure ? ` (${failure})` : ''}`,
    });
    deps.log.error('Attaching the received body given up', { alertId: record.alertId, issueKey: record.issueKey });
    return;
  }
  await deps.ledger.update(record.alertId, { attachmentClaimUntil: undefined });
  await deps.queue.enqueue({ alertId: record.alertId }, decision.delaySeconds);
  if (failure)
    deps.log.warn('Attaching the received body failed; retrying', {
      alertId: record.alertId,
      delaySeconds: decision.delaySeconds,
    });
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
