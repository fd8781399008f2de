import type { ScheduledEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseRetryMessage } from '#adapters/sqs-retry-queue.ts';
import { makeRetryConsumer } from '#app/retry-consumer.ts';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { DeliveryDeps } from '#domain/delivery/deliver-alert.ts';
import { JiraTransientError } from '#domain/errors.ts';
import { ManualClock, memoryGovernor, MemoryLedger, RecordingLog, RecordingQueue, ScriptedTracker } from '#test-support/in-memory-ports.ts';
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
  const tracker = new ScriptedTracker(options.script);
  const delivery: DeliveryDeps = {
    ledger,
    config: async () => secConfig(),
    tracker,
    queue,
    clock,
    siteUrl: 'https://acme.atlassian.net',
    retryBudgetSeconds: 72 * 3600,
    governor: memoryGovernor(clock),
    log,
  };
  const consumer = makeRetryConsumer({
    delivery,
    parseMessage: (body) => {
      const value = JSON.parse(body) as { alertId?: unknown; task?: unknown };
      if (value.task === 'release') return parseRetryMessage(body);
      if (typeof value.alertId !== 'string') throw new TypeError('Retry message without alertId');
      return { alertId: value.alertId };
    },
  });
  return { consumer, ledger, queue, clock, log, tracker };
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
      { level: 'error', message: 'Retry attempt failed', attributes: { messageId: 'm-2', errorName: 'Error', message: 'ProvisionedThroughputExceeded' } },
    ]);
  });

  it('reports a message it cannot read as a batch item failure, so SQS moves it to the DLQ in the end', async () => {
    // Prepare
    const { consumer, log } = setup();

    // Act
    const response = await consumer(messages('{"alert":"a1"}'));

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(log.entries.at(-1)).toMatchObject({ message: 'Retry attempt failed', attributes: { messageId: 'm-1', errorName: 'TypeError' } });
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
    expect(log.entries).toContainEqual({ level: 'warn', message: 'Re-queued stalled alerts', attributes: { requeued: 1 } });
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
    const response = await consumer(messages('{"alertId":"a1"}', '{"alertId":"a2"}'), { getRemainingTimeInMillis: () => 5_000 });
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
});
