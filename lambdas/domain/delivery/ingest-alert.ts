/**
 * Ingest of one authenticated alert body: record it in the ledger first (one conditional write
 * per alert, keyed by the dedup key), then try to deliver it at once. A second POST of the same
 * alert returns the first result and creates nothing.
 */

import { dedupKey } from '#domain/alert/dedup-key.ts';
import { fieldPaths, isBlankBody, parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import { ValidationError } from '#domain/errors.ts';
import { attemptDelivery, claimedAtCreation, issueUrl, NO_CONFIGURATION } from './deliver-alert.ts';
import type { DeliveryDeps, DeliveryOutcome } from './delivery-deps.ts';

/** Longest the webhook waits for a paced Jira slot before recording the alert as queued. */
export const INGEST_SLOT_WAIT_MS = 250;

export interface IngestDeps extends DeliveryDeps {
  readonly ledgerTtlDays: number;
}

export type IngestResult =
  | { kind: 'created'; alertId: string; issueKey: string; issueUrl: string }
  | { kind: 'accepted'; alertId: string; status: 'queued' | 'pending_configuration' | 'failed'; error?: string }
  /** No new issue: a repeat joined its group's issue, a rule suppressed it, or it closed its opener's issue. */
  | {
      kind: 'handled';
      alertId: string;
      status: 'grouped' | 'suppressed' | 'resolved';
      issueKey?: string;
      issueUrl?: string;
    }
  | {
      kind: 'duplicate';
      alertId: string;
      status: AlertRecord['status'];
      issueKey?: string;
      issueUrl?: string;
    };

/** Records and delivers `rawBody`. Throws ValidationError only for an empty body. */
export async function ingestAlert(
  deps: IngestDeps,
  rawBody: string,
  options: { test?: boolean } = {},
): Promise<IngestResult> {
  if (isBlankBody(rawBody)) throw new ValidationError('The alert body is empty');
  const alert = parseAlertBody(rawBody);
  const alertId = dedupKey(rawBody);
  const now = deps.clock.now();
  const config = await deps.config();
  const record: AlertRecord = {
    alertId,
    // Recorded already claimed by this instance (or parked): one ledger write before the Jira call.
    ...(config
      ? claimedAtCreation(now, deps.claimSeconds)
      : { status: 'pending_configuration' as const, attempts: 0, lastError: NO_CONFIGURATION }),
    receivedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    // Copies for lists and logs only (delivery re-reads the body), so bounded: with the raw body they
    // must fit one DynamoDB item.
    event: bounded(alert.event),
    ...(alert.category ? { category: bounded(alert.category) } : {}),
    ...(alert.parsed && alert.alertName ? { alertName: bounded(alert.alertName) } : {}),
    parsed: alert.parsed,
    rawBody,
    fieldPaths: alert.parsed ? fieldPaths(alert.payload) : [],
    duplicates: 0,
    ...(options.test ? { test: true } : {}),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.ledgerTtlDays * 86_400,
  };

  const written = await deps.ledger.record(record);
  if (!written.created) {
    const existing = written.existing;
    await deps.ledger.noteDuplicate(alertId, now);
    deps.log.info('Duplicate alert', {
      alertId,
      event: existing.event,
      status: existing.status,
      issueKey: existing.issueKey,
    });
    deps.metrics.count('AlertsDuplicate');
    return {
      kind: 'duplicate',
      alertId,
      status: existing.status,
      ...(existing.issueKey
        ? { issueKey: existing.issueKey, issueUrl: existing.issueUrl ?? issueUrl(deps.siteUrl, existing.issueKey) }
        : {}),
    };
  }
  deps.log.info('Alert recorded', { alertId, event: record.event, parsed: record.parsed });
  deps.metrics.count('AlertsReceived');
  if (!config) {
    deps.metrics.count('AlertsParked');
    return { kind: 'accepted', alertId, status: 'pending_configuration' };
  }
  // The webhook answers at once: if Jira's pacing cannot give a slot this soon, the alert is queued (202).
  return toIngestResult(await attemptDelivery(deps, record, config, { maxWaitMs: INGEST_SLOT_WAIT_MS }));
}

function toIngestResult(outcome: DeliveryOutcome): IngestResult {
  switch (outcome.kind) {
    case 'delivered':
      return { kind: 'created', alertId: outcome.alertId, issueKey: outcome.issueKey, issueUrl: outcome.issueUrl };
    case 'pending_configuration':
      return { kind: 'accepted', alertId: outcome.alertId, status: 'pending_configuration' };
    // A permanent refusal is kept in the ledger for replay from the admin site: accepted, not lost.
    case 'failed':
      return { kind: 'accepted', alertId: outcome.alertId, status: 'failed', error: outcome.error };
    case 'queued':
    case 'busy':
      return { kind: 'accepted', alertId: outcome.alertId, status: 'queued' };
    case 'grouped':
    case 'resolved':
      return {
        kind: 'handled',
        alertId: outcome.alertId,
        status: outcome.kind,
        ...(outcome.issueKey && outcome.issueUrl ? { issueKey: outcome.issueKey, issueUrl: outcome.issueUrl } : {}),
      };
    case 'suppressed':
      return { kind: 'handled', alertId: outcome.alertId, status: 'suppressed' };
  }
}

/** Jira's own limit for labels and summaries: nothing longer is ever shown from these copies. */
const COPY_MAX_CHARS = 255;

function bounded(text: string): string {
  return text.length <= COPY_MAX_CHARS ? text : `${text.slice(0, COPY_MAX_CHARS - 1)}…`;
}
