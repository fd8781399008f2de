import type { ScheduledEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseRetryMessage } from '#adapters/sqs-retry-queue.ts';
import { makeRetryConsumer } from '#app/retry-consumer.ts';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { DeliveryDeps } from '#domain/delivery/delivery-deps.ts';
import { JiraTransientError, ReconnectRequiredError } from '#domain/errors.ts';
import { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import { connect, readConnection, writeConnection } from '#domain/jira-connection/connection-record.ts';
import type { OAuthClient, OAuthTokens } from '#domain/ports.ts';
import {
  ManualClock,
  MemoryGroupStore,
  MemoryLease,
  MemoryLedger,
  MemorySecretStore,
  memoryGovernor,
  RecordingLog,
  RecordingMetrics,
  RecordingQueue,
  ScriptedTracker,
} from '#test-support/in-memory-ports.ts';
import { secConfig } from '#test-support/jira-fixtures.ts';

/** A ledger that cannot be reached for one alert, as when DynamoDB throttles a single key. */
class PartlyUnreachableLedger extends MemoryLedger {
  constructor(private readonly unreachable: string) {
    super();
  }
  override async claim(alertId: string, from: readonly AlertStatus[], now: Date, claimSeconds: number) {
    if (alertId === this.unreachable) throw new Error('ProvisionedThroughputExceeded');
    return super.claim(alertId, from, now, claimSeconds);
  }
}

/** Atlassian's token endpoint: rotates on each refresh, or refuses like a revoked grant / an outage. */
class TokenEndpoint implements OAuthClient {
  readonly refreshed: string[] = [];
  answer: 'rotate' | 'invalid_grant' | 'unreachable' = 'rotate';
  authorizeUrl(): string {
    return 'unused';
  }
  async exchangeCode(): Promise<OAuthTokens> {
    throw new Error('unused');
  }
  async accessibleResources() {
    return [];
  }
  async refresh(refreshToken: string): Promise<OAuthTokens> {
    if (this.answer === 'invalid_grant')
      throw new ReconnectRequiredError('Atlassian refused the refresh token (invalid_grant)');
    if (this.answer === 'unreachable') throw new JiraTransientError('Atlassian token endpoint timed out', 5);
    this.refreshed.push(refreshToken);
    const n = this.refreshed.length;
    return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresInSeconds: 3600, scope: 'offline_access' };
  }
}

const DAY_MS = 86_400_000;

function stored(alertId: string, status: AlertStatus, updatedAt = '2026-11-23T12:00:00.000Z'): AlertRecord {
  return {
    alertId,
    status,
    receivedAt: updatedAt,
    updatedAt,
    event: 'login_failure',
    parsed: true,
    rawBody: JSON.stringify({ audit_event: 'login_failure', category: 'login', alert_name: alertId }),
    fieldPaths: [],
    attempts: 0,
    duplicates: 0,
    expiresAt: 0,
  };
}

function setup(options: { ledger?: MemoryLedger; script?: (Error | string)[] } = {}) {
  const ledger = options.ledger ?? new MemoryLedger();
  const queue = new RecordingQueue();
  const clock = new ManualClock();
  const log = new RecordingLog();
  const metrics = new RecordingMetrics();
  const tracker = new ScriptedTracker(options.script);
  const secrets = new MemorySecretStore();
  const oauth = new TokenEndpoint();
  const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'deliver-1' });
  const delivery: DeliveryDeps = {
    ledger,
    groups: new MemoryGroupStore(),
    config: async () => secConfig(),
    tracker,
    queue,
    clock,
    siteUrl: 'https://acme.atlassian.net',
    retryBudgetSeconds: 72 * 3600,
    governor: memoryGovernor(clock),
    log,
    metrics,
  };
  const consumer = makeRetryConsumer({
    delivery,
    parseMessage: (body) => {
      const value = JSON.parse(body) as { alertId?: unknown; task?: unknown };
      if (value.task === 'release') return parseRetryMessage(body);
      if (typeof value.alertId !== 'string') throw new TypeError('Retry message without alertId');
      return { alertId: value.alertId };
    },
    grant: { secrets, tokens },
  });
  return { consumer, ledger, queue, clock, log, tracker, metrics, secrets, oauth };
}

/** The relay as connected by an administrator's consent at the clock's current time. */
async function connectRelay(secrets: MemorySecretStore, clock: ManualClock) {
  await connect(
    secrets,
    {
      cloudId: 'cloud-1',
      siteUrl: 'https://acme.atlassian.net',
      refreshToken: 'rt-0',
      accessToken: 'at-0',
      expiresInSeconds: 3600,
      actor: { accountId: 'admin-1', displayName: 'Alice Admin' },
    },
    clock,
  );
}

function messages(...bodies: string[]): SQSEvent {
  return { Records: bodies.map((body, i) => ({ messageId: `m-${i + 1}`, body }) as SQSEvent['Records'][number]) };
}

const schedule = { 'detail-type': 'Scheduled Event', source: 'aws.events' } as ScheduledEvent;

describe('retry-consumer', () => {
  it('delivers the alert of every message and reports no batch item failure', async () => {
    // Prepare
    const { consumer, ledger, tracker } = setup();
    await ledger.record(stored('a1', 'queued'));
    await ledger.record(stored('a2', 'retrying'));

    // Act
    const response = await consumer(messages('{"alertId":"a1"}', '{"alertId":"a2"}'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(tracker.created).toHaveLength(2);
    expect(ledger.items.get('a1')).toMatchObject({ status: 'delivered', issueKey: 'SEC-1' });
    expect(ledger.items.get('a2')).toMatchObject({ status: 'delivered', issueKey: 'SEC-2' });
  });

  it('reports only the message whose attempt threw, and still delivers the others', async () => {
    // Prepare
    const { consumer, ledger, log } = setup({ ledger: new PartlyUnreachableLedger('a2') });
    await ledger.record(stored('a1', 'queued'));
    await ledger.record(stored('a2', 'queued'));
    await ledger.record(stored('a3', 'queued'));

    // Act
    const response = await consumer(messages('{"alertId":"a1"}', '{"alertId":"a2"}', '{"alertId":"a3"}'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(ledger.items.get('a1')?.status).toBe('delivered');
    expect(ledger.items.get('a3')?.status).toBe('delivered');
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'Retry attempt failed',
        attributes: { messageId: 'm-2', errorName: 'Error', errorMessage: 'ProvisionedThroughputExceeded' },
      },
    ]);
  });

  it('reports a message it cannot read as a batch item failure, so SQS moves it to the DLQ in the end', async () => {
    // Prepare
    const { consumer, log } = setup();

    // Act
    const response = await consumer(messages('{"alert":"a1"}'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(log.entries.at(-1)).toMatchObject({
      message: 'Retry attempt failed',
      attributes: { messageId: 'm-1', errorName: 'TypeError' },
    });
  });

  it('does not report an attempt that Jira deferred: the alert is already back on the queue with a delay', async () => {
    // Prepare
    const { consumer, ledger, queue } = setup({ script: [new JiraTransientError('Jira answered 503', 60)] });
    await ledger.record(stored('a1', 'queued'));

    // Act
    const response = await consumer(messages('{"alertId":"a1"}'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.enqueued).toEqual([{ message: { alertId: 'a1' }, delaySeconds: 60 }]);
    expect(ledger.items.get('a1')?.status).toBe('retrying');
  });

  it('re-queues stalled alerts on the schedule and says how many', async () => {
    // Prepare: the clock is at 12:00; a crashed attempt left a1 delivering since 11:40.
    const { consumer, ledger, queue, log, tracker } = setup();
    await ledger.record(stored('a1', 'delivering', '2026-11-23T11:40:00.000Z'));
    await ledger.record(stored('a2', 'delivering', '2026-11-23T11:59:30.000Z'));

    // Act
    const response = await consumer(schedule);

    // Assess
    expect(response).toEqual({ requeued: 1 });
    expect(queue.enqueued).toEqual([{ message: { alertId: 'a1' }, delaySeconds: 0 }]);
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: 'Re-queued stalled alerts',
      attributes: { requeued: 1 },
    });
    expect(tracker.created).toHaveLength(0);
  });

  it('logs nothing on the schedule when nothing is stalled', async () => {
    // Prepare
    const { consumer, log } = setup();

    // Act
    const response = await consumer(schedule);

    // Assess
    expect(response).toEqual({ requeued: 0 });
    expect(log.entries).toHaveLength(0);
  });

  it('hands back every record of a batch when the function has too little time left to start one', async () => {
    // Prepare
    const { consumer, ledger, tracker } = setup();
    await ledger.record(stored('a1', 'queued'));
    await ledger.record(stored('a2', 'queued'));
    // Act
    const response = await consumer(messages('{"alertId":"a1"}', '{"alertId":"a2"}'), {
      getRemainingTimeInMillis: () => 5_000,
    });
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
    expect(tracker.created).toHaveLength(0);
  });

  it('runs a release task: parked alerts go back on the queue, oldest first', async () => {
    // Prepare
    const { consumer, ledger, queue } = setup();
    await ledger.record(stored('late', 'pending_configuration', '2026-11-23T12:05:00.000Z'));
    await ledger.record(stored('early', 'pending_configuration', '2026-11-23T12:00:00.000Z'));
    // Act
    const response = await consumer(messages('{"task":"release","status":"pending_configuration"}'));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(queue.enqueued.map((e) => e.message)).toEqual([{ alertId: 'early' }, { alertId: 'late' }]);
    expect(ledger.items.get('early')?.status).toBe('queued');
  });

  it('reports the gauges on the sweep: parked alerts overdue, reconnect required and days left on the grant', async () => {
    // Prepare: consent 340 days ago; at 12:00 one alert parked since 11:40, one since 11:55.
    const { consumer, ledger, metrics, secrets, clock } = setup();
    clock.advance(-340 * DAY_MS);
    await connectRelay(secrets, clock);
    clock.advance(340 * DAY_MS);
    await ledger.record(stored('a1', 'pending_configuration', '2026-11-23T11:40:00.000Z'));
    await ledger.record(stored('a2', 'pending_configuration', '2026-11-23T11:55:00.000Z'));

    // Act
    const response = await consumer(schedule);

    // Assess
    expect(response).toEqual({ requeued: 0 });
    expect(metrics.last('ParkedAlertsOverdue')).toBe(1);
    expect(metrics.last('ConnectionReconnectRequired')).toBe(0);
    expect(metrics.last('GrantDaysRemaining')).toBe(25);
  });

  it('runs the same sweep for { task: "sweep" } as for a bare scheduled event', async () => {
    // Prepare
    const { consumer, ledger, queue, metrics } = setup();
    await ledger.record(stored('a1', 'delivering', '2026-11-23T11:40:00.000Z'));

    // Act
    const response = await consumer({ task: 'sweep' });

    // Assess
    expect(response).toEqual({ requeued: 1 });
    expect(queue.enqueued).toEqual([{ message: { alertId: 'a1' }, delaySeconds: 0 }]);
    expect(metrics.entries.map((e) => e.name)).toEqual(['ParkedAlertsOverdue', 'ConnectionReconnectRequired']);
  });

  it('reports reconnect required on the sweep and no days left to count', async () => {
    // Prepare
    const { consumer, metrics, secrets, clock } = setup();
    await connectRelay(secrets, clock);
    const connection = await readConnection(secrets);
    if (connection === undefined) throw new Error('not connected');
    await writeConnection(secrets, { ...connection, state: 'reconnect_required' });

    // Act
    await consumer(schedule);

    // Assess
    expect(metrics.last('ConnectionReconnectRequired')).toBe(1);
    expect(metrics.last('GrantDaysRemaining')).toBeUndefined();
  });

  it('counts the grant from the connection date for a record stored before the grant date was kept', async () => {
    // Prepare: a record without grantedAt, connected 100 days ago.
    const { consumer, metrics, secrets, clock } = setup();
    clock.advance(-100 * DAY_MS);
    await connectRelay(secrets, clock);
    clock.advance(100 * DAY_MS);
    const { grantedAt: _dropped, ...older } = (await readConnection(secrets)) ?? ({} as never);
    await writeConnection(secrets, older);

    // Act
    await consumer(schedule);

    // Assess
    expect(metrics.last('GrantDaysRemaining')).toBe(265);
  });

  it('keeps the grant alive: one refresh a day rotates the refresh token and stores it, the grant date unchanged', async () => {
    // Prepare: connected yesterday; the stored access token is still valid for an hour (no refresh needed for Jira calls).
    const { consumer, metrics, secrets, clock, oauth } = setup();
    await connectRelay(secrets, clock);
    clock.advance(DAY_MS);
    const before = await readConnection(secrets);
    if (before === undefined) throw new Error('not connected');
    await writeConnection(secrets, {
      ...before,
      accessToken: 'at-0b',
      accessTokenExpiresAt: clock.now().getTime() + 3600_000,
    });

    // Act
    const response = await consumer({ task: 'keep-alive' });

    // Assess
    const after = await readConnection(secrets);
    expect(response).toEqual({ refreshed: true });
    expect(oauth.refreshed).toEqual(['rt-0']);
    expect(after).toMatchObject({
      state: 'connected',
      refreshToken: 'rt-1',
      accessToken: 'at-1',
      lastRefreshAt: clock.now().toISOString(),
    });
    expect(after?.grantedAt).toBe(before.grantedAt);
    expect(metrics.last('ConnectionReconnectRequired')).toBe(0);
    expect(metrics.last('GrantDaysRemaining')).toBe(364);
  });

  it('turns a refused keep-alive (invalid_grant) into reconnect required and reports it', async () => {
    // Prepare
    const { consumer, metrics, secrets, clock, oauth, log } = setup();
    await connectRelay(secrets, clock);
    oauth.answer = 'invalid_grant';

    // Act
    const response = await consumer({ task: 'keep-alive' });

    // Assess
    expect(response).toEqual({ refreshed: false });
    expect((await readConnection(secrets))?.state).toBe('reconnect_required');
    expect(metrics.last('ConnectionReconnectRequired')).toBe(1);
    expect(log.entries.at(-1)).toMatchObject({
      level: 'error',
      attributes: {
        errorName: 'ReconnectRequiredError',
        errorMessage: 'Atlassian refused the refresh token (invalid_grant)',
      },
    });
  });

  it('fails the keep-alive when Atlassian cannot be reached, so the schedule retries it', async () => {
    // Prepare
    const { consumer, secrets, clock, oauth, log } = setup();
    await connectRelay(secrets, clock);
    oauth.answer = 'unreachable';

    // Act
    const attempt = consumer({ task: 'keep-alive' });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(JiraTransientError);
    expect((await readConnection(secrets))?.state).toBe('connected');
    expect(log.entries.at(-1)).toMatchObject({
      level: 'error',
      attributes: { errorMessage: 'Atlassian token endpoint timed out' },
    });
  });

  it('has nothing to keep alive before the relay is connected', async () => {
    // Prepare
    const { consumer, metrics, oauth } = setup();

    // Act
    const response = await consumer({ task: 'keep-alive' });

    // Assess
    expect(response).toEqual({ refreshed: false });
    expect(oauth.refreshed).toEqual([]);
    expect(metrics.last('ConnectionReconnectRequired')).toBe(0);
  });

  it('refuses a scheduled task it does not know instead of skipping it', async () => {
    // Prepare
    const { consumer } = setup();

    // Act
    const attempt = consumer({ task: 'keepalive' });

    // Assess
    await expect(attempt).rejects.toThrow(/Unknown scheduled task: keepalive/);
  });
});
