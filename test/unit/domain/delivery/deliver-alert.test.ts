import { describe, expect, it } from 'vitest';
import { deliverAlert, type DeliveryDeps } from '#domain/delivery/deliver-alert.ts';
import { releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { JiraRejectedError, JiraTransientError, ReconnectRequiredError } from '#domain/errors.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import type { CreatedIssue, IssueTracker } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { ManualClock, MemoryLedger, RecordingQueue, silentLog } from '#test-support/in-memory-ports.ts';
import { F, secConfig } from '#test-support/jira-fixtures.ts';

/** Answers createIssue from a script: each entry is an error to throw or a key to return. */
class ScriptedTracker implements IssueTracker {
  readonly created: Record<string, unknown>[] = [];
  readonly searches: string[] = [];
  existingByLabel?: CreatedIssue;
  constructor(private readonly script: (Error | string)[] = []) {}
  async createIssue(fields: Record<string, unknown>): Promise<CreatedIssue> {
    const next = this.script.shift() ?? `SEC-${this.created.length + 1}`;
    if (next instanceof Error) throw next;
    this.created.push(fields);
    return { id: String(this.created.length), key: next };
  }
  async findIssueByLabel(_project: string, label: string) {
    this.searches.push(label);
    return this.existingByLabel;
  }
  async listProjects() {
    return [];
  }
  async listIssueTypes() {
    return [];
  }
  async listCreateFields() {
    return [];
  }
  async searchUsers() {
    return [];
  }
  async findUserByAccountId() {
    return undefined;
  }
}

function setup(options: { config?: RelayConfig | undefined; script?: (Error | string)[]; maxAttempts?: number } = {}) {
  const ledger = new MemoryLedger();
  const queue = new RecordingQueue();
  const clock = new ManualClock();
  const tracker = new ScriptedTracker(options.script);
  const config = 'config' in options ? options.config : secConfig();
  const deps: DeliveryDeps & { ledgerTtlDays: number } = {
    ledger,
    config: async () => config,
    tracker,
    queue,
    clock,
    siteUrl: 'https://acme.atlassian.net',
    maxAttempts: options.maxAttempts ?? 3,
    log: silentLog,
    ledgerTtlDays: 90,
  };
  return { deps, ledger, queue, tracker, clock };
}

const alert = JSON.stringify({ alert_name: 'Failed Logins', audit_event: 'login_failure', category: 'login', username: 'jane@example.com', timestamp: '2025-11-05T06:41:03.220Z' });

describe('deliver-alert', () => {
  it('records the alert before the Jira call and marks it delivered with the issue key', async () => {
    const { deps, ledger, tracker } = setup();
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({ kind: 'created', issueKey: 'SEC-1', issueUrl: 'https://acme.atlassian.net/browse/SEC-1' });
    const record = [...ledger.items.values()][0];
    expect(record).toMatchObject({ status: 'delivered', issueKey: 'SEC-1', attempts: 1, event: 'login_failure' });
    expect(tracker.created).toHaveLength(1);
    // Two ledger writes per delivered alert: the record (already claimed) and the outcome.
    expect(ledger.writes).toEqual({ record: 1, claim: 0, update: 1 });
  });

  it('returns the first result for a duplicate and creates nothing', async () => {
    const { deps, ledger, tracker } = setup();
    await ingestAlert(deps, alert);
    const second = await ingestAlert(deps, alert);
    expect(second).toMatchObject({ kind: 'duplicate', issueKey: 'SEC-1' });
    expect(tracker.created).toHaveLength(1);
    expect([...ledger.items.values()][0]?.duplicates).toBe(1);
  });

  it('parks an alert that arrives before configuration and delivers it once released', async () => {
    const { deps, ledger, queue, tracker } = setup({ config: undefined });
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({ kind: 'accepted', status: 'pending_configuration' });
    const alertId = result.alertId;
    expect(ledger.items.get(alertId)?.status).toBe('pending_configuration');
    expect(await releasePendingAlerts(deps)).toBe(1);
    expect(queue.enqueued).toEqual([{ message: { alertId }, delaySeconds: 0 }]);
    const configured = { ...deps, config: async () => secConfig() };
    await deliverAlert(configured, alertId);
    expect(ledger.items.get(alertId)?.status).toBe('delivered');
    expect(tracker.created).toHaveLength(1);
  });

  it('queues a transient failure honouring Retry-After and never loses the alert', async () => {
    const { deps, ledger, queue } = setup({ script: [new JiraTransientError('HTTP 429', 42)] });
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({ kind: 'accepted', status: 'queued' });
    expect(queue.enqueued[0]?.delaySeconds).toBe(42);
    expect(ledger.items.get(result.alertId)).toMatchObject({ status: 'retrying', lastError: 'HTTP 429' });
  });

  it('delivers exactly once when a retry message arrives twice', async () => {
    const { deps, tracker, ledger } = setup({ script: [new JiraTransientError('HTTP 500')] });
    const { alertId } = await ingestAlert(deps, alert);
    await Promise.all([deliverAlert(deps, alertId), deliverAlert(deps, alertId)]);
    await deliverAlert(deps, alertId);
    expect(tracker.created).toHaveLength(1);
    expect(ledger.items.get(alertId)?.status).toBe('delivered');
  });

  it('looks for the issue by its label before re-creating after an uncertain attempt', async () => {
    const { deps, tracker, ledger } = setup({ script: [new JiraTransientError('timeout', undefined, true)] });
    const { alertId } = await ingestAlert(deps, alert);
    tracker.existingByLabel = { id: '9', key: 'SEC-9' };
    const outcome = await deliverAlert(deps, alertId);
    expect(outcome).toMatchObject({ kind: 'delivered', issueKey: 'SEC-9' });
    expect(tracker.searches).toEqual([`keeper-alert-${alertId.slice(0, 16)}`]);
    expect(tracker.created).toHaveLength(0);
    expect(ledger.items.get(alertId)?.mayHaveCreated).toBeUndefined();
  });

  it('marks the alert failed and dead-letters it after the last attempt', async () => {
    const failing = () => new JiraTransientError('HTTP 503');
    const { deps, ledger, queue } = setup({ script: [failing(), failing(), failing()], maxAttempts: 3 });
    const { alertId } = await ingestAlert(deps, alert);
    await deliverAlert(deps, alertId);
    const last = await deliverAlert(deps, alertId);
    expect(last.kind).toBe('failed');
    expect(ledger.items.get(alertId)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(queue.deadLettered.map((d) => d.message.alertId)).toEqual([alertId]);
  });

  it('creates the issue without a mapped field Jira refuses and records why', async () => {
    const config = secConfig({ fieldMappings: [{ fieldId: F.eventType, source: 'audit_event' }] });
    const refusal = new JiraRejectedError('400', 400, { [F.eventType]: `Field '${F.eventType}' cannot be set. It is not on the appropriate screen, or unknown.` });
    const { deps, ledger, tracker } = setup({ config, script: [refusal] });
    const { alertId } = await ingestAlert(deps, alert);
    const record = ledger.items.get(alertId);
    expect(record?.status).toBe('delivered');
    expect(tracker.created[0]).not.toHaveProperty(F.eventType);
    expect(record?.droppedFields?.map((d) => d.fieldId)).toContain(F.eventType);
    expect(JSON.stringify(tracker.created[0]?.description)).toContain('Security Event Type');
  });

  it('keeps the alert pending when the Jira connection needs reconnecting', async () => {
    const { deps, ledger } = setup({ script: [new ReconnectRequiredError('invalid_grant')] });
    const { alertId } = await ingestAlert(deps, alert);
    expect(ledger.items.get(alertId)?.status).toBe('pending_configuration');
  });

  it('marks a permanent refusal failed, keeping it for replay', async () => {
    const { deps, ledger } = setup({ script: [new JiraRejectedError('403', 403, {}, ['You do not have permission to create issues in this project.'])] });
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({ kind: 'accepted', status: 'failed' });
    expect(ledger.items.get(result.alertId)?.lastError).toMatch(/permission/);
    // Replay as the admin site does it: back to queued, then one delivery attempt.
    await ledger.update(result.alertId, { status: 'queued' });
    const replay = await deliverAlert({ ...deps, tracker: new ScriptedTracker() }, result.alertId);
    expect(replay.kind).toBe('delivered');
  });
});
