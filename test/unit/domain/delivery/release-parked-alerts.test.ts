import { describe, expect, it } from 'vitest';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import { releaseAlerts, releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { ManualClock, MemoryLedger, RecordingQueue } from '#test-support/in-memory-ports.ts';

function record(alertId: string, status: AlertStatus): AlertRecord {
  return {
    alertId,
    status,
    event: 'login_failure',
    parsed: true,
    rawBody: '{"audit_event":"login_failure"}',
    fieldPaths: ['audit_event'],
    receivedAt: '2026-11-23T11:00:00.000Z',
    updatedAt: '2026-11-23T11:00:00.000Z',
    attempts: 0,
    duplicates: 0,
    expiresAt: 1_900_000_000,
  };
}

describe('release-parked-alerts', () => {
  it('starts a background release instead of re-queuing inside the caller', async () => {
    // Prepare
    const queue = new RecordingQueue();
    // Act
    await releasePendingAlerts({ queue });
    // Assess
    expect(queue.enqueued).toEqual([
      { message: { task: 'release', status: 'pending_configuration' }, delaySeconds: 0 },
    ]);
  });

  it('releases any number of parked alerts, a page per task, oldest first, and leaves the others alone', async () => {
    // Prepare: 250 parked alerts and one failed one
    const ledger = new MemoryLedger();
    const queue = new RecordingQueue();
    const clock = new ManualClock();
    for (let i = 0; i < 250; i += 1) {
      const receivedAt = new Date(Date.parse('2026-11-23T11:00:00.000Z') + i * 1000).toISOString();
      await ledger.record({ ...record(`a${String(i).padStart(3, '0')}`, 'pending_configuration'), receivedAt });
    }
    await ledger.record(record('failed-one', 'failed'));
    await releasePendingAlerts({ queue });
    // Act: run the tasks as the deliver function would
    const pages: number[] = [];
    for (
      let next = queue.enqueued.shift();
      next !== undefined;
      next = queue.enqueued.find((e) => 'task' in e.message)
    ) {
      if (next.message !== undefined && 'task' in next.message && next.message.task === 'release') {
        queue.enqueued.splice(queue.enqueued.indexOf(next), 1);
        pages.push(await releaseAlerts({ ledger, queue, clock }, next.message));
      }
    }
    // Assess
    expect(pages).toEqual([100, 100, 50]);
    const released = queue.enqueued.map((e) => ('alertId' in e.message ? e.message.alertId : ''));
    expect(released).toHaveLength(250);
    expect(released).toEqual([...released].sort());
    expect(ledger.items.get('a000')?.status).toBe('queued');
    expect(ledger.items.get('a000')?.updatedAt).toBe(clock.now().toISOString());
    expect(ledger.items.get('failed-one')?.status).toBe('failed');
  });

  it('re-queues alerts held while Jira was down without rewriting them', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    const queue = new RecordingQueue();
    await ledger.record(record('held', 'retrying'));
    const writes = ledger.writes.update;
    // Act
    const released = await releaseAlerts(
      { ledger, queue, clock: new ManualClock() },
      { task: 'release', status: 'retrying' },
    );
    // Assess
    expect(released).toBe(1);
    expect(ledger.writes.update).toBe(writes);
    expect(queue.enqueued).toEqual([{ message: { alertId: 'held' }, delaySeconds: 0 }]);
  });
});
