import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { deliverAlert } from '#domain/delivery/deliver-alert.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { JiraRejectedError, JiraTransientError } from '#domain/errors.ts';
import { memoryDelivery, ScriptedTracker } from '#test-support/in-memory-ports.ts';

const BUDGET_SECONDS = 72 * 3600;

function setup() {
  const tracker = new ScriptedTracker();
  return { ...memoryDelivery({ tracker }), tracker };
}

/** A 60 KB alert of non-ASCII text: far more than a description holds. */
const longAlert = JSON.stringify({
  alert_name: 'Record shared outside',
  audit_event: 'record_share_outside_user',
  note: 'Zugriff auf „Tresor“ – überprüfen 🔐 '.repeat(1_500),
});
const shortAlert = JSON.stringify({
  alert_name: 'Failed Logins',
  audit_event: 'login_failure',
  username: 'jane@example.com',
});

const filename = (body: string) => `keeper-alert-${dedupKey(body).slice(0, 16)}.json`;
const bytes = (text: string) => new TextEncoder().encode(text);

describe('deliver-alert: attaching the received body', () => {
  it('attaches the complete body once, right after the create, when the ticket had to cut it', async () => {
    // Prepare
    const { deps, ledger, queue, tracker } = setup();

    // Act
    const result = await ingestAlert(deps, longAlert);

    // Assess
    expect(result).toMatchObject({ kind: 'created', issueKey: 'SEC-1' });
    expect(tracker.calls).toEqual(['attach SEC-1']);
    expect(tracker.attachments.get('SEC-1')).toEqual([
      {
        id: '1',
        filename: filename(longAlert),
        size: bytes(longAlert).byteLength,
        content: bytes(longAlert),
        mimeType: 'application/json',
      },
    ]);
    const record = ledger.items.get(dedupKey(longAlert));
    expect(record).toMatchObject({ status: 'delivered', issueKey: 'SEC-1', attachedAt: expect.any(String) });
    expect(record?.attachmentPending).toBeUndefined();
    expect(queue.enqueued).toEqual([{ message: { alertId: dedupKey(longAlert) }, delaySeconds: 300 }]);
  });

  it('makes no extra Jira call and queues nothing when the ticket holds the whole body', async () => {
    // Prepare
    const { deps, ledger, queue, tracker } = setup();

    // Act
    await ingestAlert(deps, shortAlert);

    // Assess
    expect(tracker.created).toHaveLength(1);
    expect(tracker.calls).toEqual([]);
    expect(queue.enqueued).toEqual([]);
    expect(ledger.items.get(dedupKey(shortAlert))?.attachmentPending).toBeUndefined();
  });

  it('leaves the backstop message nothing to do once the file is attached', async () => {
    // Prepare
    const { deps, tracker, clock } = setup();
    await ingestAlert(deps, longAlert);
    clock.advance(300_000);

    // Act
    const outcome = await deliverAlert(deps, dedupKey(longAlert));

    // Assess
    expect(outcome).toMatchObject({ kind: 'delivered', issueKey: 'SEC-1' });
    expect(tracker.calls).toEqual(['attach SEC-1']);
    expect(tracker.created).toHaveLength(1);
  });

  it('keeps the alert delivered when the upload fails and attaches the body on the retry, without a second issue', async () => {
    // Prepare
    const { deps, ledger, queue, tracker, clock } = setup();
    tracker.attachmentScript.push(new JiraTransientError('POST /issue/SEC-1/attachments: Jira answered 503'));

    // Act
    const result = await ingestAlert(deps, longAlert);
    const pending = structuredClone(ledger.items.get(dedupKey(longAlert)));
    const retry = queue.enqueued.at(-1);
    clock.advance((retry?.delaySeconds ?? 0) * 1000);
    await deliverAlert(deps, dedupKey(longAlert));

    // Assess
    expect(result).toMatchObject({ kind: 'created', issueKey: 'SEC-1' });
    expect(pending).toMatchObject({ status: 'delivered', attachmentPending: true });
    expect(pending?.attachmentClaimUntil).toBeUndefined();
    expect(retry?.message).toEqual({ alertId: dedupKey(longAlert) });
    expect(tracker.created).toHaveLength(1);
    expect(tracker.attachments.get('SEC-1')).toHaveLength(1);
    expect(tracker.calls).toEqual(['attach SEC-1', 'list SEC-1', 'attach SEC-1']);
    expect(ledger.items.get(dedupKey(longAlert))).toMatchObject({
      status: 'delivered',
      attachedAt: expect.any(String),
      attachmentAttempts: 2,
    });
  });

  it('does not upload again when an upload whose answer was lost reached Jira', async () => {
    // Prepare
    const { deps, ledger, tracker, clock } = setup();
    tracker.attachmentScript.push(
      new JiraTransientError('lost: POST /issue/SEC-1/attachments: Jira did not answer in time'),
    );

    // Act
    await ingestAlert(deps, longAlert);
    clock.advance(900_000);
    await deliverAlert(deps, dedupKey(longAlert));

    // Assess
    expect(tracker.attachments.get('SEC-1')).toHaveLength(1);
    expect(tracker.calls).toEqual(['attach SEC-1', 'list SEC-1']);
    expect(ledger.items.get(dedupKey(longAlert))?.attachedAt).toEqual(expect.any(String));
  });

  it('finishes the attachment of a worker that died holding it, once its claim ran out, and only once', async () => {
    // Prepare: the state a worker leaves when it dies between "delivered" and the upload.
    const { deps, ledger, tracker, clock } = setup();
    await ingestAlert(deps, shortAlert);
    const alertId = dedupKey(longAlert);
    const base = structuredClone(ledger.items.get(dedupKey(shortAlert)));
    if (!base) throw new Error('no record');
    ledger.items.set(alertId, {
      ...base,
      alertId,
      rawBody: longAlert,
      issueKey: 'SEC-7',
      attachmentPending: true,
      attachmentAttempts: 1,
      attachmentClaimUntil: clock.now().getTime() + 60_000,
    });

    // Act
    const whileClaimed = await deliverAlert(deps, alertId);
    const callsWhileClaimed = [...tracker.calls];
    clock.advance(61_000);
    const [first, second] = await Promise.all([deliverAlert(deps, alertId), deliverAlert(deps, alertId)]);

    // Assess
    expect(whileClaimed).toMatchObject({ kind: 'delivered', issueKey: 'SEC-7' });
    expect(callsWhileClaimed).toEqual([]);
    expect(first).toMatchObject({ kind: 'delivered' });
    expect(second).toMatchObject({ kind: 'delivered' });
    expect(tracker.attachments.get('SEC-7')?.map((a) => a.filename)).toEqual([filename(longAlert)]);
    expect(ledger.items.get(alertId)).toMatchObject({ attachedAt: expect.any(String) });
    expect(ledger.items.get(alertId)?.attachmentPending).toBeUndefined();
  });

  it('records a refusal on the delivered alert and stops trying', async () => {
    // Prepare
    const { deps, ledger, queue, tracker } = setup();
    tracker.attachmentScript.push(
      new JiraRejectedError('POST /issue/SEC-1/attachments: Jira refused the request (403)', 403, {}, []),
    );

    // Act
    const result = await ingestAlert(deps, longAlert);

    // Assess
    expect(result).toMatchObject({ kind: 'created', issueKey: 'SEC-1' });
    const record = ledger.items.get(dedupKey(longAlert));
    expect(record).toMatchObject({
      status: 'delivered',
      lastError: expect.stringContaining('Jira refused its attached body (HTTP 403)'),
    });
    expect(record?.attachmentPending).toBeUndefined();
    expect(queue.enqueued).toHaveLength(1);
  });

  it('gives the attachment up when the retry budget is spent, keeping the alert delivered', async () => {
    // Prepare
    const { deps, ledger, tracker, clock } = setup();
    tracker.attachmentScript.push(
      new JiraTransientError('Jira answered 503'),
      new JiraTransientError('Jira answered 503'),
    );
    await ingestAlert(deps, longAlert);

    // Act
    clock.advance((BUDGET_SECONDS + 1) * 1000);
    await deliverAlert(deps, dedupKey(longAlert));

    // Assess
    const record = ledger.items.get(dedupKey(longAlert));
    expect(record).toMatchObject({
      status: 'delivered',
      issueKey: 'SEC-1',
      lastError: expect.stringContaining('could not be attached'),
    });
    expect(record?.attachmentPending).toBeUndefined();
    expect(tracker.created).toHaveLength(1);
  });
});
