import { describe, expect, it } from 'vitest';
import { alertCounts, jiraHealth } from '#app/admin-api/relay-health.ts';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { JiraConnection } from '#domain/jira-connection/connection-record.ts';

const connected: JiraConnection = {
  state: 'connected',
  cloudId: 'cloud-1',
  siteUrl: 'https://acme.atlassian.net',
  refreshToken: 'r',
  connectedBy: { accountId: 'acc-1', displayName: 'Ada' },
  connectedAt: '2026-11-20T09:00:00.000Z',
};

function record(
  status: AlertStatus,
  receivedAt: string,
  updatedAt: string,
  extra: Partial<AlertRecord> = {},
): AlertRecord {
  return {
    alertId: `${status}-${receivedAt}`,
    status,
    receivedAt,
    updatedAt,
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: [],
    attempts: 1,
    duplicates: 0,
    expiresAt: 0,
    ...extra,
  };
}

describe('relay-health', () => {
  it('says connected when nothing failed since the last delivery', () => {
    // Prepare
    const delivered = record('delivered', '2026-11-23T10:00:00.000Z', '2026-11-23T10:00:01.000Z', {
      deliveredAt: '2026-11-23T10:00:01.000Z',
    });
    // Act
    const health = jiraHealth({
      connection: connected,
      breaker: { open: false },
      retrying: [],
      lastDelivered: delivered,
    });
    // Assess
    expect(health).toEqual({ state: 'connected', lastDeliveredAt: '2026-11-23T10:00:01.000Z' });
  });

  it('says degraded with the newest failure as reason and the first unanswered alert as start', () => {
    // Prepare
    const delivered = record('delivered', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:01.000Z', {
      deliveredAt: '2026-11-23T09:00:01.000Z',
    });
    const retrying = [
      record('retrying', '2026-11-23T10:05:00.000Z', '2026-11-23T10:20:00.000Z', {
        lastError: 'POST /issue: Jira answered 503',
      }),
      record('retrying', '2026-11-23T10:02:00.000Z', '2026-11-23T10:10:00.000Z', {
        lastError: 'Jira did not answer within 10 s',
      }),
    ];
    // Act
    const health = jiraHealth({ connection: connected, breaker: undefined, retrying, lastDelivered: delivered });
    // Assess
    expect(health).toEqual({
      state: 'degraded',
      reason: 'POST /issue: Jira answered 503',
      since: '2026-11-23T10:02:00.000Z',
      lastDeliveredAt: '2026-11-23T09:00:01.000Z',
    });
  });

  it('stays connected when an alert was delivered after the last failure', () => {
    // Prepare
    const retrying = [
      record('retrying', '2026-11-23T10:00:00.000Z', '2026-11-23T10:01:00.000Z', { lastError: 'Jira answered 503' }),
    ];
    const delivered = record('delivered', '2026-11-23T10:02:00.000Z', '2026-11-23T10:02:01.000Z', {
      deliveredAt: '2026-11-23T10:02:01.000Z',
    });
    // Act
    const health = jiraHealth({ connection: connected, breaker: undefined, retrying, lastDelivered: delivered });
    // Assess
    expect(health.state).toBe('connected');
  });

  it('prefers the open breaker, with when it opened and when Jira is asked again', () => {
    // Act
    const health = jiraHealth({
      connection: connected,
      breaker: {
        open: true,
        openedAt: '2026-11-23T11:00:00.000Z',
        nextProbeAt: Date.parse('2026-11-23T11:01:00.000Z'),
      },
      retrying: [],
      lastDelivered: undefined,
    });
    // Assess
    expect(health).toMatchObject({
      state: 'degraded',
      since: '2026-11-23T11:00:00.000Z',
      nextCheckAt: '2026-11-23T11:01:00.000Z',
    });
  });

  it('reports a connection that needs a new consent, and no connection at all, as such', () => {
    // Act
    const reconnect = jiraHealth({
      connection: { ...connected, state: 'reconnect_required', message: 'The grant was revoked' },
      breaker: { open: true, openedAt: '2026-11-23T11:00:00.000Z' },
      retrying: [],
      lastDelivered: undefined,
    });
    const none = jiraHealth({ connection: undefined, breaker: undefined, retrying: [], lastDelivered: undefined });
    // Assess
    expect(reconnect).toEqual({ state: 'reconnect_required', reason: 'The grant was revoked' });
    expect(none).toEqual({ state: 'not_connected' });
  });

  it('counts alerts being delivered as queued and caps every count', () => {
    // Act
    const counts = alertCounts({ queued: 3, delivering: 1, retrying: 250, parked: 0, failed: 2 });
    // Assess
    expect(counts).toEqual({ queued: 4, retrying: 100, parked: 0, failed: 2, limit: 100 });
  });
});
