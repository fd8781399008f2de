import { describe, expect, it } from 'vitest';
import { hourlyBuckets } from '#app/admin-api.ts';

describe('admin-api', () => {
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
});
