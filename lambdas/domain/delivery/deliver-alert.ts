/**
 * Delivery of one recorded alert to Jira: claim it in the ledger, build the issue from the stored
 * configuration, make one Jira call, record the outcome. Never loses an alert: transient failures go
 * to the retry queue, refused mapped fields are dropped (and said so), missing configuration parks
 * the alert until an administrator configures the relay. When the next attempt happens is
 * `./retry-policy.ts`; parked alerts go back to the queue through `./release-parked-alerts.ts`.
 */
import { DELIVERABLE_STATUSES, type AlertRecord, type AlertStatus } from '#domain/alert-record.ts';
import { alertLabel } from '#domain/alert/dedup-key.ts';
import {
  JiraRejectedError,
  JiraTransientError,
  JiraUnauthorizedError,
  NotConfiguredError,
  ReconnectRequiredError,
} from '#domain/errors.ts';
import { buildIssue, withoutFields, type BuiltIssue } from '#domain/ticket/build-issue.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { AlertLedger, Clock, IssueTracker, RetryQueue } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { backoffSeconds } from './retry-policy.ts';

/** Seconds a worker owns a claimed alert; longer than one Jira call with its timeout. */
const CLAIM_SECONDS = 60;

export interface DeliveryDeps {
  readonly ledger: AlertLedger;
  readonly config: () => Promise<RelayConfig | undefined>;
  readonly tracker: IssueTracker;
  readonly queue: RetryQueue;
  readonly clock: Clock;
  /** Base of human issue links: `${siteUrl}/browse/KEY`. */
  readonly siteUrl: string;
  readonly maxAttempts: number;
  readonly log: EventLog;
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
export async function deliverAlert(deps: DeliveryDeps, alertId: string): Promise<DeliveryOutcome> {
  const { ledger, clock } = deps;
  const config = await deps.config();
  if (config === undefined) return park(deps, alertId, NO_CONFIGURATION);

  const claimed = await ledger.claim(alertId, DELIVERABLE_STATUSES, clock.now(), CLAIM_SECONDS);
  if (claimed === undefined) {
    const current = await ledger.get(alertId);
    if (current?.status === 'delivered' && current.issueKey) {
      return { kind: 'delivered', alertId, issueKey: current.issueKey, issueUrl: current.issueUrl ?? issueUrl(deps.siteUrl, current.issueKey) };
    }
    return { kind: 'busy', alertId, status: current?.status ?? 'delivering' };
  }
  return attemptDelivery(deps, claimed, config);
}

/** Fields that make a new ledger record already claimed by the worker writing it (one write, not two). */
export function claimedAtCreation(now: Date): Pick<AlertRecord, 'status' | 'attempts' | 'claimUntil'> {
  return { status: 'delivering', attempts: 1, claimUntil: now.getTime() + CLAIM_SECONDS * 1000 };
}

export const NO_CONFIGURATION = 'The relay has no project and issue type configured yet';

/** One delivery attempt of an alert this worker has claimed. */
export async function attemptDelivery(deps: DeliveryDeps, claimed: AlertRecord, config: RelayConfig): Promise<DeliveryOutcome> {
  const { ledger, clock, log } = deps;
  const alertId = claimed.alertId;
  const built = buildIssue(parseAlertBody(claimed.rawBody), {
    alertId,
    receivedAt: claimed.receivedAt,
    config,
    ...(claimed.test ? { test: true } : {}),
  });
  try {
    if (claimed.mayHaveCreated) {
      // A previous attempt timed out after sending: Jira has no idempotency key, so look before creating again.
      const existing = await deps.tracker.findIssueByLabel(config.project.key, alertLabel(alertId));
      if (existing) return await markDelivered(deps, claimed, built, config, existing.key);
    }
    const created = await createWithFallback(deps, built, config);
    return await markDelivered(deps, claimed, created.built, config, created.key);
  } catch (error) {
    if (error instanceof NotConfiguredError || error instanceof ReconnectRequiredError) {
      return park(deps, alertId, error.message);
    }
    if (error instanceof JiraTransientError) return retryLater(deps, claimed, error);
    // Refused twice, even after a token refresh: the next attempt refreshes again and either
    // succeeds or finds the grant revoked (reconnect required, alert parked).
    if (error instanceof JiraUnauthorizedError) return retryLater(deps, claimed, new JiraTransientError(error.message, 5));
    if (error instanceof JiraRejectedError) {
      const message = describeRejection(error);
      await ledger.update(alertId, { status: 'failed', lastError: message, updatedAt: clock.now().toISOString(), claimUntil: undefined });
      log.error('Jira refused the issue', { alertId, event: claimed.event, status: error.status });
      return { kind: 'failed', alertId, error: message };
    }
    // Anything unexpected (a bug, a ledger hiccup): keep the alert and try again later.
    log.error('Unexpected delivery error', { alertId, errorName: error instanceof Error ? error.name : typeof error });
    return retryLater(deps, claimed, new JiraTransientError('Unexpected delivery error', undefined, false, { cause: error }));
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
    if (!(error instanceof JiraRejectedError) || error.status !== 400 || Object.keys(error.fieldErrors).length === 0) throw error;
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
): Promise<DeliveryOutcome> {
  const now = deps.clock.now().toISOString();
  const url = issueUrl(deps.siteUrl, key);
  const issueType = config.issueTypes.find((t) => t.id === built.issueTypeId)?.name ?? built.issueTypeId;
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
  });
  deps.log.info('Alert delivered', { alertId: record.alertId, event: record.event, issueKey: key, attempts: record.attempts });
  return { kind: 'delivered', alertId: record.alertId, issueKey: key, issueUrl: url };
}

async function retryLater(deps: DeliveryDeps, record: AlertRecord, error: JiraTransientError): Promise<DeliveryOutcome> {
  const { ledger, queue, clock, log } = deps;
  const now = clock.now();
  const mayHaveCreated = record.mayHaveCreated === true || error.mayHaveCreated;
  if (record.attempts >= deps.maxAttempts) {
    const message = `Gave up after ${record.attempts} attempts: ${error.message}`;
    await ledger.update(record.alertId, {
      status: 'failed',
      lastError: message,
      updatedAt: now.toISOString(),
      claimUntil: undefined,
      nextAttemptAt: undefined,
      ...(mayHaveCreated ? { mayHaveCreated: true } : {}),
    });
    await queue.deadLetter({ alertId: record.alertId }, message);
    log.error('Alert dead-lettered', { alertId: record.alertId, event: record.event, attempts: record.attempts });
    return { kind: 'failed', alertId: record.alertId, error: message };
  }
  const delay = backoffSeconds(record.attempts, error.retryAfterSeconds);
  await ledger.update(record.alertId, {
    status: 'retrying',
    lastError: error.message,
    nextAttemptAt: new Date(now.getTime() + delay * 1000).toISOString(),
    updatedAt: now.toISOString(),
    claimUntil: undefined,
    ...(mayHaveCreated ? { mayHaveCreated: true } : {}),
  });
  await queue.enqueue({ alertId: record.alertId }, delay);
  log.warn('Jira unavailable; alert queued for retry', { alertId: record.alertId, attempt: record.attempts, delaySeconds: delay });
  return { kind: 'queued', alertId: record.alertId, retryAfterSeconds: delay };
}

async function park(deps: DeliveryDeps, alertId: string, reason: string): Promise<DeliveryOutcome> {
  const current = await deps.ledger.get(alertId);
  if (current?.status === 'delivered' && current.issueKey) {
    return { kind: 'delivered', alertId, issueKey: current.issueKey, issueUrl: current.issueUrl ?? issueUrl(deps.siteUrl, current.issueKey) };
  }
  await deps.ledger.update(alertId, {
    status: 'pending_configuration',
    lastError: reason,
    updatedAt: deps.clock.now().toISOString(),
    claimUntil: undefined,
  });
  deps.log.warn('Alert kept until the relay is configured', { alertId });
  return { kind: 'pending_configuration', alertId };
}

function describeRejection(error: JiraRejectedError): string {
  const fieldMessages = Object.entries(error.fieldErrors).map(([field, message]) => `${field}: ${message}`);
  const all = [...error.errorMessages, ...fieldMessages];
  return `Jira refused the issue (HTTP ${error.status})${all.length ? `: ${all.join('; ')}` : ''}`;
}
