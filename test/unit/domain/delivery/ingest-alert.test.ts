import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { NO_CONFIGURATION } from '#domain/delivery/deliver-alert.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { JiraRejectedError, JiraTransientError, ReconnectRequiredError, ValidationError } from '#domain/errors.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { memoryDelivery, ScriptedTracker } from '#test-support/in-memory-ports.ts';

function setup(options: { config?: RelayConfig | undefined; script?: (Error | string)[] } = {}) {
  const tracker = new ScriptedTracker(options.script);
  const { config, script: _script, ...rest } = options;
  return { ...memoryDelivery({ ...rest, ...('config' in options ? { config } : {}), tracker }), tracker };
}

const body = JSON.stringify({
  alert_name: 'Failed Logins',
  audit_event: 'login_failure',
  category: 'login',
  username: 'jane@example.com',
  remote_address: '203.0.113.7',
  timestamp: '2025-11-05T06:41:03.220Z',
});

describe('ingest-alert', () => {
  it('returns created with the issue key and records the alert as delivered', async () => {
    // Prepare
    const { deps, ledger, tracker } = setup();

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    const alertId = dedupKey(body);
    expect(result).toEqual({
      kind: 'created',
      alertId,
      issueKey: 'SEC-1',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-1',
    });
    expect(tracker.created).toHaveLength(1);
    expect(ledger.items.get(alertId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      event: 'login_failure',
      category: 'login',
      alertName: 'Failed Logins',
      parsed: true,
      rawBody: body,
      duplicates: 0,
      receivedAt: '2026-11-23T12:00:00.000Z',
    });
  });

  it('keeps the ledger record for the configured number of days and lists the payload field paths', async () => {
    // Prepare
    const { deps, ledger, clock } = setup();

    // Act
    await ingestAlert(deps, body);

    // Assess
    const record = ledger.items.get(dedupKey(body));
    expect(record?.expiresAt).toBe(clock.now().getTime() / 1000 + 90 * 86_400);
    expect(record?.fieldPaths).toEqual(expect.arrayContaining(['audit_event', 'remote_address', 'username']));
    expect(record?.test).toBeUndefined();
  });

  it('returns duplicate with the first issue for the same alert re-sent with other key order, and creates nothing', async () => {
    // Prepare
    const { deps, ledger, tracker } = setup();
    await ingestAlert(deps, body);
    const reordered = JSON.stringify(
      Object.fromEntries(Object.entries(JSON.parse(body) as Record<string, unknown>).reverse()),
    );

    // Act
    const result = await ingestAlert(deps, reordered);

    // Assess
    expect(result).toEqual({
      kind: 'duplicate',
      alertId: dedupKey(body),
      status: 'delivered',
      issueKey: 'SEC-1',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-1',
    });
    expect(tracker.created).toHaveLength(1);
    expect(ledger.items.get(dedupKey(body))).toMatchObject({
      duplicates: 1,
      lastDuplicateAt: '2026-11-23T12:00:00.000Z',
    });
  });

  it('returns duplicate without an issue for an alert that is still parked', async () => {
    // Prepare
    const { deps } = setup({ config: undefined });
    await ingestAlert(deps, body);

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    expect(result).toEqual({ kind: 'duplicate', alertId: dedupKey(body), status: 'pending_configuration' });
  });

  it('parks the alert without calling Jira when the relay has no configuration', async () => {
    // Prepare
    const { deps, ledger, tracker, queue } = setup({ config: undefined });

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    expect(result).toEqual({ kind: 'accepted', alertId: dedupKey(body), status: 'pending_configuration' });
    expect(ledger.items.get(dedupKey(body))).toMatchObject({
      status: 'pending_configuration',
      attempts: 0,
      lastError: NO_CONFIGURATION,
    });
    expect(tracker.created).toHaveLength(0);
    expect(queue.enqueued).toHaveLength(0);
  });

  it('parks the alert when the Jira connection needs a new consent', async () => {
    // Prepare
    const { deps, ledger } = setup({ script: [new ReconnectRequiredError('Reconnect to Jira')] });

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    expect(result).toEqual({ kind: 'accepted', alertId: dedupKey(body), status: 'pending_configuration' });
    expect(ledger.items.get(dedupKey(body))).toMatchObject({
      status: 'pending_configuration',
      lastError: 'Reconnect to Jira',
    });
  });

  it('returns queued and puts the alert on the retry queue when Jira is unavailable', async () => {
    // Prepare
    const { deps, ledger, queue } = setup({ script: [new JiraTransientError('Jira answered 503', 30)] });

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    expect(result).toEqual({ kind: 'accepted', alertId: dedupKey(body), status: 'queued' });
    expect(queue.enqueued).toEqual([{ message: { alertId: dedupKey(body) }, delaySeconds: 30 }]);
    expect(ledger.items.get(dedupKey(body))).toMatchObject({ status: 'retrying', lastError: 'Jira answered 503' });
  });

  it("returns failed with Jira's reason when Jira refuses the issue for good, and keeps the alert", async () => {
    // Prepare
    const { deps, ledger, queue } = setup({
      script: [new JiraRejectedError('refused', 403, {}, ['You cannot create issues in SEC'])],
    });

    // Act
    const result = await ingestAlert(deps, body);

    // Assess
    expect(result).toEqual({
      kind: 'accepted',
      alertId: dedupKey(body),
      status: 'failed',
      error: 'Jira refused the issue (HTTP 403): You cannot create issues in SEC',
    });
    expect(ledger.items.get(dedupKey(body))).toMatchObject({ status: 'failed', rawBody: body });
    expect(queue.enqueued).toHaveLength(0);
  });

  it('throws ValidationError for an empty or blank body and records nothing', async () => {
    // Prepare
    const { deps, ledger } = setup();

    // Act
    const attempts = ['', '  \n\t'].map((raw) => ingestAlert(deps, raw));

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(ledger.items.size).toBe(0);
  });

  it('records and delivers a body that is not JSON, marked unparsed', async () => {
    // Prepare
    const { deps, ledger, tracker } = setup();

    // Act
    const result = await ingestAlert(deps, 'alert: disk full on vault-7');

    // Assess
    expect(result.kind).toBe('created');
    expect(tracker.created).toHaveLength(1);
    expect(ledger.items.get(dedupKey('alert: disk full on vault-7'))).toMatchObject({ parsed: false, fieldPaths: [] });
  });

  it('marks a test alert as such in the ledger', async () => {
    // Prepare
    const { deps, ledger } = setup();

    // Act
    await ingestAlert(deps, body, { test: true });

    // Assess
    expect(ledger.items.get(dedupKey(body))?.test).toBe(true);
  });
});

describe('ingest-alert metrics', () => {
  it('counts a received and delivered alert with its time to ticket', async () => {
    // Prepare
    const { deps, metrics } = setup();

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsDelivered: 1 });
    expect(metrics.last('TimeToTicket')).toBe(0);
  });

  it('counts a duplicate and nothing else for the second POST', async () => {
    // Prepare
    const { deps, metrics } = setup();
    await ingestAlert(deps, body);
    metrics.entries.length = 0;

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsDuplicate: 1 });
  });

  it('counts an alert parked before configuration', async () => {
    // Prepare
    const { deps, metrics } = setup({ config: undefined });

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsParked: 1 });
  });

  it('counts an alert parked because the Jira connection needs a new consent', async () => {
    // Prepare
    const { deps, metrics } = setup({ script: [new ReconnectRequiredError('Reconnect to Jira')] });

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsParked: 1 });
  });

  it('counts an alert queued while Jira is unavailable', async () => {
    // Prepare
    const { deps, metrics } = setup({ script: [new JiraTransientError('Jira answered 503', 30)] });

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsQueued: 1 });
  });

  it('counts an alert Jira refuses for good as failed', async () => {
    // Prepare
    const { deps, metrics } = setup({
      script: [new JiraRejectedError('refused', 403, {}, ['You cannot create issues in SEC'])],
    });

    // Act
    await ingestAlert(deps, body);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsFailed: 1 });
  });

  it('counts nothing for an empty body', async () => {
    // Prepare
    const { deps, metrics } = setup();

    // Act
    await ingestAlert(deps, ' ').catch(() => undefined);

    // Assess
    expect(metrics.entries).toEqual([]);
  });
});
