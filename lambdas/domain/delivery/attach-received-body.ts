/**
 * The attachment step of a delivery: when the ticket could not show the whole received body, the
 * complete body is attached to the issue, exactly once across retries and crashes.
 */
import type { AlertRecord } from '#domain/alert-record.ts';
import { JiraRejectedError, JiraTransientError } from '#domain/errors.ts';
import { type RawBodyFile, rawBodyFile } from '#domain/ticket/description.ts';
import { redactReceivedBody } from '#domain/ticket/redact.ts';
import { type AttemptOptions, CLAIM_SECONDS, type DeliveryDeps } from './delivery-deps.ts';
import { nextRetry } from './retry-policy.ts';

/**
 * Attaches the received body to a delivered alert's issue when the ticket could not show all of
 * it (docs/ticket-format.md, "Raw payload"), once: the attachment is claimed in the ledger, and
 * after an attempt whose outcome is unknown the issue's attachments are read before uploading
 * again. Never throws: the ticket exists whatever happens here, and a failure is retried from the
 * queue until the retry budget is spent.
 */
export async function attachPendingBody(
  deps: DeliveryDeps,
  record: AlertRecord,
  options: AttemptOptions,
): Promise<void> {
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

export async function attachBody(
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
    // The file shows what the ticket shows: redacted like it (the built text, or the stored body redacted again).
    const text =
      'content' in file && typeof file.content === 'string'
        ? file.content
        : redactReceivedBody(record.rawBody, record.redactedPaths ?? []);
    const bytes = new TextEncoder().encode(text);
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
