import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '#domain/alert-record.ts';
import { hourlyBuckets, hourlyStatistics } from '#domain/delivery/delivery-stats.ts';
import { ManualClock, MemoryLedger } from '#test-support/in-memory-ports.ts';

function stored(alertId: string, receivedAt: string, priority?: string): AlertRecord {
  return {
    alertId,
    status: 'delivered',
    attempts: 1,
    receivedAt,
    updatedAt: receivedAt,
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: [],
    duplicates: 0,
    expiresAt: 0,
    ...(priority ? { priority } : {}),
  };
}

describe('delivery-stats', () => {
  it('counts alerts per UTC hour and priority over the last days, empty hours included', () => {
    // Prepare
    const now = new Date('2026-11-23T12:30:00.000Z');
    const records = [
      { alertId: 'a', receivedAt: '2026-11-23T12:05:00.000Z', status: 'delivered' as const, priority: 'High' },
      { alertId: 'b', receivedAt: '2026-11-23T12:10:00.000Z', status: 'delivered' as const, priority: 'High' },
      { alertId: 'c', receivedAt: '2026-11-23T11:59:59.000Z', status: 'queued' as const },
      { alertId: 'd', receivedAt: '2026-11-19T00:00:00.000Z', status: 'delivered' as const, priority: 'Low' },
    ];

    // Act
    const buckets = hourlyBuckets(records, now, 1);

    // Assess
    expect(buckets).toHaveLength(24);
    expect(buckets.at(-1)).toEqual({ hour: '2026-11-23T12:00:00.000Z', byPriority: { High: 2 } });
    expect(buckets.at(-2)).toEqual({ hour: '2026-11-23T11:00:00.000Z', byPriority: { None: 1 } });
    expect(buckets.flatMap((b) => Object.keys(b.byPriority))).not.toContain('Low');
  });

  it('starts the first bucket (days × 24 − 1) hours before the current one, oldest first', () => {
    // Prepare
    const now = new Date('2026-11-23T12:30:00.000Z');

    // Act
    const buckets = hourlyBuckets([], now, 3);

    // Assess
    expect(buckets).toHaveLength(72);
    expect(buckets[0]).toEqual({ hour: '2026-11-20T13:00:00.000Z', byPriority: {} });
    expect(buckets.at(-1)?.hour).toBe('2026-11-23T12:00:00.000Z');
  });

  it('reads the ledger since `days` ago and buckets what it returns', async () => {
    // Prepare
    const clock = new ManualClock(Date.parse('2026-11-23T12:30:00.000Z'));
    const ledger = new MemoryLedger();
    for (const record of [
      stored('recent', '2026-11-23T10:15:00.000Z', 'Highest'),
      stored('two-days', '2026-11-21T13:00:00.000Z'),
      stored('too-old', '2026-11-21T12:00:00.000Z', 'Low'),
    ]) {
      await ledger.record(record);
    }

    // Act
    const buckets = await hourlyStatistics({ ledger, clock }, 2);

    // Assess
    expect(buckets).toHaveLength(48);
    expect(buckets.find((b) => b.hour === '2026-11-23T10:00:00.000Z')?.byPriority).toEqual({ Highest: 1 });
    expect(buckets[0]).toEqual({ hour: '2026-11-21T13:00:00.000Z', byPriority: { None: 1 } });
    expect(buckets.flatMap((b) => Object.keys(b.byPriority))).not.toContain('Low');
  });
});
