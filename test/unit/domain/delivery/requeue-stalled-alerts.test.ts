import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '#domain/alert-record.ts';
import { requeueStalledAlerts } from '#domain/delivery/requeue-stalled-alerts.ts';
import { ManualClock, MemoryLedger, RecordingQueue } from '#test-support/in-memory-ports.ts';

function record(
  alertId: string,
  status: AlertRecord['status'],
  updatedAt: string,
  nextAttemptAt?: string,
): AlertRecord {
  return {
    alertId,
    status,
    receivedAt: updatedAt,
    updatedAt,
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: [],
    attempts: 1,
    duplicates: 0,
    expiresAt: 0,
    ...(nextAttemptAt ? { nextAttemptAt } : {}),
  };
}

describe('requeue-stalled-alerts', () => {
  it('re-queues alerts stuck after a crashed attempt or a lost message, and leaves healthy ones alone', async () => {
    // Prepare: clock at 12:00
    const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
    const ledger = new MemoryLedger();
    const queue = new RecordingQueue();
    await ledger.record(record('lost-queued', 'queued', '2026-11-23T11:30:00.000Z'));
    await ledger.record(record('fresh-delivering', 'delivering', '2026-11-23T11:59:30.000Z'));
    await ledger.record(record('stuck-delivering', 'delivering', '2026-11-23T11:40:00.000Z'));
    await ledger.record(record('lost-retry', 'retrying', '2026-11-23T11:00:00.000Z', '2026-11-23T11:05:00.000Z'));
    await ledger.record(record('due-retry', 'retrying', '2026-11-23T11:55:00.000Z', '2026-11-23T12:05:00.000Z'));
    await ledger.record(record('done', 'delivered', '2026-11-23T10:00:00.000Z'));

    // Act
    const count = await requeueStalledAlerts({ ledger, queue, clock });

    // Assess
    expect(count).toBe(3);
    expect(queue.enqueued.map((e) => ('alertId' in e.message ? e.message.alertId : e.message.task)).sort()).toEqual([
      'lost-queued',
      'lost-retry',
      'stuck-delivering',
    ]);
  });
});
