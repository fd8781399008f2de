import { describe, expect, it } from 'vitest';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import { releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
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

/** A ledger whose status index lags: the first page after an update still lists a released alert. */
class LaggingLedger extends MemoryLedger {
  private stale: AlertRecord[] = [];
  override async listByStatus(status: AlertStatus, limit: number) {
    const current = await super.listByStatus(status, limit);
    const page = [...this.stale, ...current];
    this.stale = current.map((r) => structuredClone(r));
    return page;
  }
}

describe('release-parked-alerts', () => {
  it('re-queues every parked alert at once and leaves the others alone', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    const queue = new RecordingQueue();
    const clock = new ManualClock();
    for (const r of [record('a', 'pending_configuration'), record('b', 'failed'), record('c', 'pending_configuration')]) await ledger.record(r);

    // Act
    const released = await releasePendingAlerts({ ledger, queue, clock });

    // Assess
    expect(released).toBe(2);
    expect(queue.enqueued).toEqual([
      { message: { alertId: 'a' }, delaySeconds: 0 },
      { message: { alertId: 'c' }, delaySeconds: 0 },
    ]);
    expect([...ledger.items.values()].map((r) => [r.alertId, r.status])).toEqual([
      ['a', 'queued'],
      ['b', 'failed'],
      ['c', 'queued'],
    ]);
    expect(ledger.items.get('a')?.updatedAt).toBe(clock.now().toISOString());
  });

  it('ends when the status index still lists alerts it already released', async () => {
    // Prepare
    const ledger = new LaggingLedger();
    const queue = new RecordingQueue();
    await ledger.record(record('a', 'pending_configuration'));

    // Act
    const released = await releasePendingAlerts({ ledger, queue, clock: new ManualClock() });

    // Assess
    expect(released).toBe(1);
    expect(queue.enqueued).toHaveLength(1);
  });
});
