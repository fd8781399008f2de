import { describe, expect, it } from 'vitest';
import { type JiraConnection, writeConnection } from '#domain/jira-connection/connection-record.ts';
import { grantDaysRemaining, grantExpiresAt, reportConnectionHealth } from '#domain/jira-connection/grant-lifetime.ts';
import { ManualClock, MemorySecretStore, RecordingMetrics } from '#test-support/in-memory-ports.ts';

const DAY_MS = 86_400_000;
const now = new Date('2026-11-23T12:00:00.000Z');

function connection(patch: Partial<JiraConnection> = {}): JiraConnection {
  return {
    state: 'connected',
    cloudId: 'c1',
    siteUrl: 'https://acme.atlassian.net',
    refreshToken: 'rt',
    connectedBy: { accountId: 'a1', displayName: 'Alice' },
    connectedAt: new Date(now.getTime() - 10 * DAY_MS).toISOString(),
    ...patch,
  };
}

describe('grant-lifetime', () => {
  it('ends the grant 365 days after consent and counts whole days left', () => {
    // Prepare
    const granted = connection({ grantedAt: new Date(now.getTime() - 340 * DAY_MS).toISOString() });

    // Act
    const expires = grantExpiresAt(granted);
    const days = grantDaysRemaining(granted, now);

    // Assess
    expect(expires.toISOString()).toBe(new Date(now.getTime() + 25 * DAY_MS).toISOString());
    expect(days).toBe(25);
    expect(grantDaysRemaining(granted, new Date(now.getTime() + DAY_MS / 2))).toBe(24);
  });

  it('uses the connection date for a record without a consent date, and never goes below zero', () => {
    // Prepare
    const older = connection();

    // Act
    const days = grantDaysRemaining(older, now);
    const afterEnd = grantDaysRemaining(older, new Date(now.getTime() + 400 * DAY_MS));

    // Assess
    expect(days).toBe(355);
    expect(afterEnd).toBe(0);
  });

  it('reports reconnect required as 1 and no days, connected as 0 with the days left', async () => {
    // Prepare
    const clock = new ManualClock(now.getTime());
    const secrets = new MemorySecretStore();
    const metrics = new RecordingMetrics();

    // Act
    await writeConnection(secrets, connection({ grantedAt: new Date(now.getTime() - 340 * DAY_MS).toISOString() }));
    const connected = await reportConnectionHealth({ secrets, clock, metrics });
    await writeConnection(secrets, connection({ state: 'reconnect_required' }));
    const broken = await reportConnectionHealth({ secrets, clock, metrics });

    // Assess
    expect(connected).toEqual({ reconnectRequired: false, daysRemaining: 25 });
    expect(broken).toEqual({ reconnectRequired: true });
    expect(metrics.entries).toEqual([
      { name: 'ConnectionReconnectRequired', value: 0, unit: 'Count' },
      { name: 'GrantDaysRemaining', value: 25, unit: 'None' },
      { name: 'ConnectionReconnectRequired', value: 1, unit: 'Count' },
    ]);
  });
});
