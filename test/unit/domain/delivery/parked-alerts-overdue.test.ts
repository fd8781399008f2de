import { describe, expect, it } from 'vitest';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import { PARKED_SAMPLE, reportParkedAlertsOverdue } from '#domain/delivery/parked-alerts-overdue.ts';
import { ManualClock, MemoryLedger, RecordingMetrics } from '#test-support/in-memory-ports.ts';

function stored(alertId: string, status: AlertStatus, receivedAt: string, updatedAt = receivedAt): AlertRecord {
  return {
    alertId,
    status,
    receivedAt,
    updatedAt,
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: [],
    attempts: 0,
    duplicates: 0,
    expiresAt: 0,
  };
}

describe('parked-alerts-overdue', () => {
  it('counts alerts parked for more than 15 minutes, from the time they were parked', async () => {
    // Prepare: the clock is at 12:00.
    const ledger = new MemoryLedger();
    const metrics = new RecordingMetrics();
    await ledger.record(stored('old', 'pending_configuration', '2026-11-23T11:00:00.000Z'));
    await ledger.record(stored('exactly-15', 'pending_configuration', '2026-11-23T11:45:00.000Z'));
    // Received an hour ago, retried, parked five minutes ago: not overdue yet.
    await ledger.record(
      stored('parked-late', 'pending_configuration', '2026-11-23T11:00:00.000Z', '2026-11-23T11:55:00.000Z'),
    );
    await ledger.record(stored('stuck-retrying', 'retrying', '2026-11-23T10:00:00.000Z'));

    // Act
    const overdue = await reportParkedAlertsOverdue({ ledger, clock: new ManualClock(), metrics });

    // Assess
    expect(overdue).toBe(1);
    expect(metrics.entries).toEqual([{ name: 'ParkedAlertsOverdue', value: 1, unit: 'Count' }]);
  });

  it('reports 0 when nothing is parked, so the alarm clears', async () => {
    // Prepare
    const metrics = new RecordingMetrics();

    // Act
    await reportParkedAlertsOverdue({ ledger: new MemoryLedger(), clock: new ManualClock(), metrics });

    // Assess
    expect(metrics.last('ParkedAlertsOverdue')).toBe(0);
  });

  it('reads one page only: a large backlog reads as the page size', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    for (let i = 0; i < PARKED_SAMPLE + 5; i++) {
      await ledger.record(
        stored(
          `a${String(i).padStart(3, '0')}`,
          'pending_configuration',
          new Date(Date.parse('2026-11-23T10:00:00.000Z') + i * 1000).toISOString(),
        ),
      );
    }
    const metrics = new RecordingMetrics();

    // Act
    await reportParkedAlertsOverdue({ ledger, clock: new ManualClock(), metrics });

    // Assess
    expect(metrics.last('ParkedAlertsOverdue')).toBe(PARKED_SAMPLE);
  });
});
