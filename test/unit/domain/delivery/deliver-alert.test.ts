import { describe, expect, it } from 'vitest';
import { deliverAlert } from '#domain/delivery/deliver-alert.ts';
import { SEARCH_LAG_MS } from '#domain/delivery/delivery-deps.ts';
import { ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { releaseAlerts, releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { JiraRejectedError, JiraTransientError, ReconnectRequiredError } from '#domain/errors.ts';
import type { CreatedIssue, RetryMessage } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import {
  ManualClock,
  MemoryLedger,
  memoryDelivery,
  memoryGovernor,
  RecordingQueue,
  ScriptedTracker as SharedScriptedTracker,
} from '#test-support/in-memory-ports.ts';
import { F, secConfig } from '#test-support/jira-fixtures.ts';

/** Answers createIssue from a script (see the shared tracker); records searches and finds `existingByLabel`. */
class ScriptedTracker extends SharedScriptedTracker {
  readonly searches: string[] = [];
  existingByLabel?: CreatedIssue;
  override async findIssueByLabel(_project: string, label: string) {
    this.searches.push(label);
    return this.existingByLabel;
  }
  // These alerts fit their tickets whole: nothing is ever attached.
  override async addAttachment(): Promise<never> {
    throw new Error('unexpected attachment');
  }
}

const BUDGET_SECONDS = 72 * 3600;

function governorFor(clock: ManualClock, queue?: RecordingQueue) {
  return memoryGovernor(clock, async () => queue?.enqueue({ task: 'release', status: 'retrying' }, 0));
}

function setup(options: { config?: RelayConfig | undefined; script?: (Error | string)[] } = {}) {
  const clock = new ManualClock();
  const queue = new RecordingQueue();
  const tracker = new ScriptedTracker(options.script);
  const made = memoryDelivery({
    clock,
    queue,
    tracker,
    governor: governorFor(clock, queue),
    ...('config' in options ? { config: options.config } : {}),
  });
  return { ...made, tracker };
}

const alert = JSON.stringify({
  alert_name: 'Failed Logins',
  audit_event: 'login_failure',
  category: 'login',
  username: 'jane@example.com',
  timestamp: '2025-11-05T06:41:03.220Z',
});

describe('deliver-alert', () => {
  it('records the alert before the Jira call and marks it delivered with the issue key', async () => {
    const { deps, ledger, tracker } = setup();
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({
      kind: 'created',
      issueKey: 'SEC-1',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-1',
    });
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
    await releasePendingAlerts(deps);
    const [task] = queue.enqueued.splice(0);
    expect(task?.message).toEqual({ task: 'release', status: 'pending_configuration' });
    if (task && 'task' in task.message && task.message.task === 'release')
      expect(await releaseAlerts(deps, task.message)).toBe(1);
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

  it('grows the backoff with failures only, not with attempts that waited for a Retry-After', async () => {
    // Prepare: eight 429s with Retry-After 1, then a 500 (no time named); random() is 0.5
    const rateLimited = Array.from({ length: 8 }, () => new JiraTransientError('HTTP 429', 1));
    const { deps, ledger, queue, clock } = setup({
      script: [...rateLimited, new JiraTransientError('HTTP 500'), new JiraTransientError('HTTP 500')],
    });
    const { alertId } = await ingestAlert(deps, alert);
    for (let i = 1; i < 8; i += 1) {
      clock.advance(1_000);
      await deliverAlert(deps, alertId);
    }
    // Act
    clock.advance(1_000);
    await deliverAlert(deps, alertId);
    const afterFirstFailure = queue.enqueued.at(-1)?.delaySeconds;
    clock.advance((afterFirstFailure ?? 0) * 1000);
    await deliverAlert(deps, alertId);
    // Assess: the first real failure waits half of 5 s, the second half of 10 s, after nine attempts
    expect(queue.enqueued.slice(0, 8).map((e) => e.delaySeconds)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(afterFirstFailure).toBe(3);
    expect(queue.enqueued.at(-1)?.delaySeconds).toBe(5);
    expect(ledger.items.get(alertId)).toMatchObject({ status: 'retrying', attempts: 10, failures: 2 });
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
    const { deps, tracker, ledger, clock } = setup({ script: [new JiraTransientError('timeout', undefined, true)] });
    const { alertId } = await ingestAlert(deps, alert);
    tracker.existingByLabel = { id: '9', key: 'SEC-9' };
    clock.advance(SEARCH_LAG_MS);
    const outcome = await deliverAlert(deps, alertId);
    expect(outcome).toMatchObject({ kind: 'delivered', issueKey: 'SEC-9' });
    expect(tracker.searches).toEqual([`keeper-alert-${alertId.slice(0, 16)}`]);
    expect(tracker.created).toHaveLength(0);
    expect(ledger.items.get(alertId)?.mayHaveCreated).toBeUndefined();
  });

  it('keeps an uncertain alert retrying, with the failure that caused it, while it waits out the search lag', async () => {
    // Prepare: the create timed out after it was sent
    const { deps, tracker, ledger } = setup({
      script: [new JiraTransientError('POST /issue: Jira did not answer in time', undefined, true)],
    });
    const { alertId } = await ingestAlert(deps, alert);
    // Act: the retry comes before Jira's search could see the earlier create
    const early = await deliverAlert(deps, alertId);
    // Assess: no search yet, and the ledger still says what went wrong
    expect(early.kind).toBe('queued');
    expect(tracker.searches).toHaveLength(0);
    expect(ledger.items.get(alertId)).toMatchObject({
      status: 'retrying',
      lastError: 'POST /issue: Jira did not answer in time',
    });
  });

  it('marks the alert failed and dead-letters it once the retry budget is spent', async () => {
    const failing = () => new JiraTransientError('HTTP 503');
    const { deps, ledger, queue, clock } = setup({ script: [failing(), failing(), failing()] });
    const { alertId } = await ingestAlert(deps, alert);
    await deliverAlert(deps, alertId);
    clock.advance(BUDGET_SECONDS * 1000);
    const last = await deliverAlert(deps, alertId);
    expect(last.kind).toBe('failed');
    expect(ledger.items.get(alertId)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(queue.deadLettered.map((d) => ('alertId' in d.message ? d.message.alertId : ''))).toEqual([alertId]);
  });

  it('creates the issue without a mapped field Jira refuses and records why', async () => {
    const config = secConfig({ fieldMappings: [{ fieldId: F.eventType, source: 'audit_event' }] });
    const refusal = new JiraRejectedError('400', 400, {
      [F.eventType]: `Field '${F.eventType}' cannot be set. It is not on the appropriate screen, or unknown.`,
    });
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
    const { deps, ledger } = setup({
      script: [new JiraRejectedError('403', 403, {}, ['You do not have permission to create issues in this project.'])],
    });
    const result = await ingestAlert(deps, alert);
    expect(result).toMatchObject({ kind: 'accepted', status: 'failed' });
    expect(ledger.items.get(result.alertId)?.lastError).toMatch(/permission/);
    // Replay as the admin site does it: back to queued, then one delivery attempt.
    await ledger.update(result.alertId, { status: 'queued' });
    const replay = await deliverAlert({ ...deps, tracker: new ScriptedTracker() }, result.alertId);
    expect(replay.kind).toBe('delivered');
  });
});

/** A Jira that can be down, reporting every answer to the governor the way the REST adapter does. */
class FlakyJira extends ScriptedTracker {
  down = false;
  callsWhileDown = 0;
  constructor(private readonly observe: (signal: { status: number }) => Promise<void>) {
    super();
  }
  override async createIssue(fields: Record<string, unknown>): Promise<CreatedIssue> {
    if (this.down) {
      this.callsWhileDown += 1;
      await this.observe({ status: 503 });
      throw new JiraTransientError('POST /issue: Jira answered 503', undefined, true);
    }
    const created = await super.createIssue(fields);
    await this.observe({ status: 201 });
    return created;
  }
  override async findIssueByLabel(project: string, label: string) {
    if (this.down) {
      this.callsWhileDown += 1;
      await this.observe({ status: 503 });
      throw new JiraTransientError('POST /search/jql: Jira answered 503');
    }
    const found = await super.findIssueByLabel(project, label);
    await this.observe({ status: 200 });
    return found;
  }
}

/** The retry queue as a timeline: messages come due at their delay, in order. */
class TimelineQueue extends RecordingQueue {
  readonly due: { at: number; message: RetryMessage }[] = [];
  constructor(private readonly clock: ManualClock) {
    super();
  }
  override async enqueue(message: RetryMessage, delaySeconds: number) {
    await super.enqueue(message, delaySeconds);
    this.due.push({ at: this.clock.now().getTime() + delaySeconds * 1000, message });
    this.due.sort((a, b) => a.at - b.at);
  }
}

/**
 * Runs an outage on a controllable clock: Jira is down from the start until `recovery`, alerts arrive
 * at `arrivals`, and every queued message runs when it comes due (as the retry queue would hand it
 * over), until `until`.
 */
async function simulateOutage(options: { arrivals: number[]; recovery: number; until: number }) {
  const clock = new ManualClock();
  const queue = new TimelineQueue(clock);
  const ledger = new MemoryLedger();
  const governor = governorFor(clock, queue);
  const jira = new FlakyJira((signal) => governor.observe(signal));
  const { deps } = memoryDelivery({ ledger, queue, clock, tracker: jira, governor, random: Math.random });
  const start = clock.now().getTime();
  const arrivals = options.arrivals.map((offset) => start + offset);
  const recovery = start + options.recovery;
  const alertIds: string[] = [];
  jira.down = true;
  for (;;) {
    const next = queue.due[0];
    const arrival = arrivals[0];
    const at = Math.min(next?.at ?? Number.POSITIVE_INFINITY, arrival ?? Number.POSITIVE_INFINITY);
    if (at > start + options.until) break;
    clock.advance(Math.max(0, at - clock.now().getTime()));
    if (jira.down && clock.now().getTime() >= recovery) jira.down = false;
    if (arrival !== undefined && arrival <= (next?.at ?? Number.POSITIVE_INFINITY)) {
      arrivals.shift();
      const body = JSON.stringify({ audit_event: 'login_failure', username: `user${alertIds.length}@example.com` });
      alertIds.push((await ingestAlert(deps, body)).alertId);
      continue;
    }
    queue.due.shift();
    if (next && 'task' in next.message && next.message.task === 'release') await releaseAlerts(deps, next.message);
    else if (next && 'alertId' in next.message) await deliverAlert(deps, next.message.alertId, { maxWaitMs: 10_000 });
  }
  return { records: alertIds.map((id) => ledger.items.get(id)), jira, recovery };
}

describe('deliver-alert at the edges', () => {
  it('delivers every alert of a six-hour outage after recovery, none failed, none twice, within three minutes', async () => {
    // Prepare: alerts arrive every 5 minutes during the outage
    const arrivals = Array.from({ length: 72 }, (_, i) => i * 5 * 60_000);
    // Act
    const { records, jira, recovery } = await simulateOutage({
      arrivals,
      recovery: 6 * 3600_000,
      until: 6 * 3600_000 + 3 * 60_000,
    });
    // Assess
    expect(records.filter((r) => r?.status === 'failed')).toHaveLength(0);
    expect(records.every((r) => r?.status === 'delivered')).toBe(true);
    expect(jira.created).toHaveLength(72);
    expect(records.every((r) => Date.parse(r?.deliveredAt ?? '') <= recovery + 3 * 60_000)).toBe(true);
    // While down, the breaker lets through the first failures and one probe a minute, not one call per alert per retry.
    expect(jira.callsWhileDown).toBeLessThan(6 * 60 + 10);
  });

  it('keeps probing after the last alert arrived, so recovery at any moment drains the backlog within a probe interval', async () => {
    // Prepare: ten alerts in the first minute, then nothing; Jira comes back at an odd moment,
    // away from any 15-minute backstop
    const arrivals = Array.from({ length: 10 }, (_, i) => i * 6_000);
    const recovery = 47 * 60_000 + 13_000;
    // Act
    const { records, jira } = await simulateOutage({ arrivals, recovery, until: recovery + 3 * 60_000 });
    // Assess: delivered within the longest probe interval (60 s) of recovery, each once
    expect(records.every((r) => r?.status === 'delivered')).toBe(true);
    expect(jira.created).toHaveLength(10);
    const start = Date.parse(records[0]?.receivedAt ?? '');
    const latest = Math.max(...records.map((r) => Date.parse(r?.deliveredAt ?? '')));
    expect(latest - (start + recovery)).toBeLessThanOrEqual(61_000);
    // One probe at a time, at most one a minute once the interval has grown
    expect(jira.callsWhileDown).toBeLessThan(3 + 47 + 5);
  });

  it('retries a 429 exactly at its Retry-After without an earlier call, and keeps the budget for real failures', async () => {
    // Prepare: Jira has just answered another request 429 with Retry-After: 30
    const { deps, ledger, tracker, clock } = setup();
    await deps.governor.observe({ status: 429, retryAfterSeconds: 30 });
    // Act
    const { alertId } = await ingestAlert(deps, alert);
    const early = await deliverAlert(deps, alertId);
    clock.advance(30_000);
    const onTime = await deliverAlert(deps, alertId);
    // Assess
    expect(early).toMatchObject({ kind: 'queued', retryAfterSeconds: 31 });
    expect(onTime).toMatchObject({ kind: 'delivered' });
    expect(tracker.created).toHaveLength(1);
    expect(ledger.items.get(alertId)?.status).toBe('delivered');
  });

  it('treats a claim taken over from a dead worker as "may have created" and trusts a search only after the index lag', async () => {
    // Prepare: a worker claimed the alert, sent the create, and died before recording the outcome
    const { deps, ledger, tracker, clock } = setup();
    const { alertId } = await ingestAlert({ ...deps, config: async () => undefined }, alert);
    await ledger.update(alertId, { status: 'delivering' });
    await ledger.claim(alertId, ['pending_configuration', 'delivering'], clock.now(), 60);
    tracker.existingByLabel = { id: '7', key: 'SEC-7' };
    // Act: the claim expires; the first takeover is too early to trust the search
    clock.advance(61_000);
    const tooEarly = await deliverAlert(deps, alertId);
    clock.advance(SEARCH_LAG_MS);
    const afterLag = await deliverAlert(deps, alertId);
    // Assess
    expect(tooEarly.kind).toBe('queued');
    expect(afterLag).toMatchObject({ kind: 'delivered', issueKey: 'SEC-7' });
    expect(tracker.searches).toHaveLength(1);
    expect(tracker.created).toHaveLength(0);
  });

  it('creates after a trusted "not found" once a taken-over claim is old enough', async () => {
    // Prepare
    const { deps, ledger, tracker, clock } = setup();
    const { alertId } = await ingestAlert({ ...deps, config: async () => undefined }, alert);
    await ledger.claim(alertId, ['pending_configuration'], clock.now(), 60);
    // Act
    clock.advance(61_000 + SEARCH_LAG_MS);
    const outcome = await deliverAlert(deps, alertId);
    // Assess
    expect(outcome.kind).toBe('delivered');
    expect(tracker.searches).toHaveLength(1);
    expect(tracker.created).toHaveLength(1);
  });
});

describe('deliver-alert metrics', () => {
  it('measures the time to ticket from receipt to delivery of a retried alert', async () => {
    // Prepare
    const { deps, clock, metrics } = setup({ script: [new JiraTransientError('HTTP 503', 90)] });
    const { alertId } = await ingestAlert(deps, alert);
    clock.advance(90_000);

    // Act
    await deliverAlert(deps, alertId);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsReceived: 1, AlertsQueued: 1, AlertsDelivered: 1 });
    expect(metrics.last('TimeToTicket')).toBe(90_000);
  });

  it('counts an alert handed back for pacing as queued', async () => {
    // Prepare: Jira has just answered another request 429 with Retry-After: 30
    const { deps, metrics } = setup();
    await deps.governor.observe({ status: 429, retryAfterSeconds: 30 });
    const { alertId } = await ingestAlert(deps, alert);
    metrics.entries.length = 0;

    // Act
    await deliverAlert(deps, alertId);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsQueued: 1 });
  });

  it('counts an alert dead-lettered after its retry budget as failed', async () => {
    // Prepare
    const failing = () => new JiraTransientError('HTTP 503');
    const { deps, clock, metrics } = setup({ script: [failing(), failing()] });
    const { alertId } = await ingestAlert(deps, alert);
    clock.advance(BUDGET_SECONDS * 1000);
    metrics.entries.length = 0;

    // Act
    await deliverAlert(deps, alertId);

    // Assess
    expect(metrics.counters()).toEqual({ AlertsFailed: 1 });
  });

  it('counts an alert parked by a retry that finds no configuration', async () => {
    // Prepare
    const { deps, ledger, metrics } = setup({ script: [new JiraTransientError('HTTP 503')] });
    const { alertId } = await ingestAlert(deps, alert);
    metrics.entries.length = 0;

    // Act
    await deliverAlert({ ...deps, config: async () => undefined }, alertId);

    // Assess
    expect(ledger.items.get(alertId)?.status).toBe('pending_configuration');
    expect(metrics.counters()).toEqual({ AlertsParked: 1 });
  });

  it('counts nothing for a retry message of an alert already delivered', async () => {
    // Prepare
    const { deps, metrics } = setup();
    const { alertId } = await ingestAlert(deps, alert);
    metrics.entries.length = 0;

    // Act
    await deliverAlert(deps, alertId);

    // Assess
    expect(metrics.entries).toEqual([]);
  });
});
