import { describe, expect, it } from 'vitest';
import { makeAdminApi } from '#app/admin-api/make-admin-api.ts';
import { WebhookTokenAdmin } from '#domain/access/webhook-token.ts';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import { writeConnection } from '#domain/jira-connection/connection-record.ts';
import type { AdminSession, JiraIssueType, OAuthClient } from '#domain/ports.ts';
import { adminRoutes } from '#shared/admin-api-routes.ts';
import type { HttpEvent } from '#shared/http.ts';
import {
  ManualClock,
  MemoryConfigStore,
  MemoryLedger,
  MemorySecretStore,
  MemorySessionStore,
  MemoryStateStore,
  RecordingLog,
  RecordingQueue,
  ScriptedTracker,
} from '#test-support/in-memory-ports.ts';

/** Remembers which project keys the discovery routes asked Jira about. */
class DiscoveryTracker extends ScriptedTracker {
  readonly asked: string[] = [];
  override async listIssueTypes(projectKey: string): Promise<JiraIssueType[]> {
    this.asked.push(projectKey);
    return [{ id: '10001', name: 'Task', subtask: false, hierarchyLevel: 0 }];
  }
}

const oauth: OAuthClient = {
  authorizeUrl: (state) => `https://auth.atlassian.com/authorize?state=${state}`,
  exchangeCode: async () => {
    throw new Error('not reached: the tests never complete a sign-in');
  },
  refresh: async () => {
    throw new Error('not reached');
  },
  accessibleResources: async () => [],
};

function stored(alertId: string, status: AlertStatus, receivedAt = '2026-11-23T11:00:00.000Z'): AlertRecord {
  return {
    alertId,
    status,
    receivedAt,
    updatedAt: '2026-11-23T11:00:00.000Z',
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: ['audit_event'],
    attempts: 3,
    duplicates: 0,
    expiresAt: 0,
    lastError: 'Jira refused the issue (HTTP 400)',
  };
}

function setup() {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
  const sessions = new MemorySessionStore();
  const secrets = new MemorySecretStore();
  const ledger = new MemoryLedger();
  const queue = new RecordingQueue();
  const tracker = new DiscoveryTracker();
  const log = new RecordingLog();
  const state = new MemoryStateStore();
  const ingested: { raw: string; test?: boolean }[] = [];
  const api = makeAdminApi({
    oauthFor: () => oauth,
    identity: { myself: async () => ({ accountId: 'acc-1', displayName: 'Ada' }), hasAdminister: async () => true },
    sessions,
    secrets,
    state,
    configs: new MemoryConfigStore(),
    ledger,
    queue,
    tracker,
    tokens: new WebhookTokenAdmin(secrets, new MemoryStateStore(), clock),
    ingest: async (raw, options): Promise<IngestResult> => {
      ingested.push({ raw, ...options });
      return { kind: 'created', alertId: 'a-test', issueKey: 'SEC-9', issueUrl: 'https://acme.atlassian.net/browse/SEC-9' };
    },
    clock,
    log,
    siteUrl: 'https://acme.atlassian.net',
    sessionHours: 8,
    publicBaseUrl: 'https://admin.example.com/',
  });
  const nowSeconds = Math.floor(clock.now().getTime() / 1000);
  const live: AdminSession = { id: 'live', accountId: 'acc-1', displayName: 'Ada', createdAt: '', expiresAt: nowSeconds + 3600 };
  const expired: AdminSession = { id: 'expired', accountId: 'acc-1', displayName: 'Ada', createdAt: '', expiresAt: nowSeconds };
  sessions.sessions.set(live.id, live);
  sessions.sessions.set(expired.id, expired);
  return { api, sessions, secrets, state, ledger, queue, tracker, ingested };
}

function call(method: string, pathAndQuery: string, options: { session?: string; json?: boolean; body?: string } = {}): HttpEvent {
  const [path = '', query = ''] = pathAndQuery.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: options.json === false ? {} : { 'content-type': 'application/json' },
    ...(options.session ? { cookies: [`relay_session=${options.session}`] } : {}),
    requestContext: { http: { method, path }, domainName: 'abc.cloudfront.net' } as HttpEvent['requestContext'],
    isBase64Encoded: false,
    ...(options.body !== undefined ? { body: options.body } : {}),
  };
}

describe('make-admin-api', () => {
  it('serves every route of the shared table with a handler of its own', async () => {
    // Prepare
    const { api } = setup();

    // Act
    const answers = await Promise.all(
      Object.entries(adminRoutes).map(async ([name, route]) => {
        const path = route.path.replace('{key}', 'SEC').replace('{id}', '10001').replace('{alertId}', 'nothing');
        return [name, (await api(call(route.method, path, { session: 'live' }))).statusCode] as const;
      }),
    );

    // Assess: a known route may refuse its input (400, 404 for an unknown alert), never answer "no such route"
    const unserved = answers.filter(([name, status]) => status === 405 || (status === 404 && name !== 'retryDelivery'));
    expect(unserved).toEqual([]);
  });

  it('takes the session from the relay_session cookie and refuses an expired one', async () => {
    // Prepare
    const { api } = setup();

    // Act
    const live = await api(call('GET', '/api/session', { session: 'live' }));
    const expired = await api(call('GET', '/api/session', { session: 'expired' }));

    // Assess
    expect(live.statusCode).toBe(200);
    expect(JSON.parse(live.body ?? '')).toEqual({
      user: { accountId: 'acc-1', displayName: 'Ada' },
      site: { url: 'https://acme.atlassian.net' },
      expiresAt: '2026-11-23T13:00:00.000Z',
    });
    expect(expired.statusCode).toBe(401);
  });

  it('ends the session on logout and clears the cookie', async () => {
    // Prepare
    const { api, sessions } = setup();

    // Act
    const response = await api(call('POST', '/api/logout', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(204);
    expect(response.cookies).toEqual(['relay_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure']);
    expect(sessions.sessions.has('live')).toBe(false);
  });

  it('refuses a mutation sent as a form even with a live session', async () => {
    // Prepare
    const { api, queue, ledger } = setup();
    await ledger.record(stored('a1', 'failed'));

    // Act
    const response = await api(call('POST', '/api/deliveries/a1/retry', { session: 'live', json: false }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(queue.enqueued).toHaveLength(0);
  });

  it('replays a failed alert from its retry route', async () => {
    // Prepare
    const { api, queue, ledger } = setup();
    await ledger.record(stored('a1', 'failed'));

    // Act
    const response = await api(call('POST', '/api/deliveries/a1/retry', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body ?? '')).toEqual({ status: 'queued' });
    expect(queue.enqueued).toEqual([{ message: { alertId: 'a1' }, delaySeconds: 0 }]);
  });

  it('hands Jira the decoded project key', async () => {
    // Prepare
    const { api, tracker } = setup();

    // Act
    const response = await api(call('GET', '/api/projects/SEC%20OPS/issue-types', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(tracker.asked).toEqual(['SEC OPS']);
  });

  it('keeps hourly statistics between 1 and 14 days', async () => {
    // Prepare
    const { api } = setup();

    // Act
    const [tooMany, none, garbage] = await Promise.all(
      ['days=99', 'days=0', 'days=abc'].map((query) => api(call('GET', `/api/stats/hourly?${query}`, { session: 'live' }))),
    );

    // Assess
    expect(JSON.parse(tooMany?.body ?? '').buckets).toHaveLength(14 * 24);
    expect(JSON.parse(none?.body ?? '').buckets).toHaveLength(3 * 24);
    expect(JSON.parse(garbage?.body ?? '').buckets).toHaveLength(3 * 24);
  });

  it('runs a test alert through ingest marked as a test, and answers 201 with the issue', async () => {
    // Prepare
    const { api, ingested } = setup();

    // Act
    const response = await api(call('POST', '/api/test-alert', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body ?? '')).toEqual({ alertId: 'a-test', issueKey: 'SEC-9', issueUrl: 'https://acme.atlassian.net/browse/SEC-9' });
    expect(ingested).toHaveLength(1);
    expect(ingested[0]?.test).toBe(true);
  });

  it('starts sign-in with a redirect to Atlassian and a Lax state-binding cookie, without a session', async () => {
    // Prepare
    const { api } = setup();

    // Act
    const response = await api(call('GET', '/oauth/login'));

    // Assess
    expect(response.statusCode).toBe(302);
    expect(response.headers?.location).toMatch(/^https:\/\/auth\.atlassian\.com\/authorize\?state=/);
    expect(response.cookies?.[0]).toMatch(/^relay_oauth=[^;]+; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  });

  it('sends a refused sign-in back to the site with the reason', async () => {
    // Prepare
    const { api } = setup();

    // Act
    const response = await api(call('GET', '/oauth/callback?error=access_denied'));

    // Assess
    expect(response.statusCode).toBe(302);
    expect(response.headers?.location).toBe('https://admin.example.com/?signin=denied&reason=oauth_failed');
  });

  it('reports Jira as degraded from the shared circuit breaker, with since when and the next check', async () => {
    // Prepare
    const { api, secrets, state } = setup();
    await writeConnection(secrets, {
      state: 'connected',
      cloudId: 'cloud-1',
      siteUrl: 'https://acme.atlassian.net',
      refreshToken: 'r',
      connectedBy: { accountId: 'acc-1', displayName: 'Ada' },
      connectedAt: '2026-11-20T09:00:00.000Z',
    });
    await state.putItem('jira-breaker', { open: true, openedAt: '2026-11-23T11:55:00.000Z', nextProbeAt: Date.parse('2026-11-23T12:00:20.000Z'), probeSeconds: 20 });

    // Act
    const response = await api(call('GET', '/api/status', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '');
    expect(body.connection.state).toBe('connected');
    expect(body.jira).toMatchObject({ state: 'degraded', since: '2026-11-23T11:55:00.000Z', nextCheckAt: '2026-11-23T12:00:20.000Z' });
  });

  it('counts queued, retrying, parked and failed alerts apart', async () => {
    // Prepare
    const { api, ledger } = setup();
    for (const [id, status] of [['q1', 'queued'], ['q2', 'delivering'], ['r1', 'retrying'], ['r2', 'retrying'], ['p1', 'pending_configuration'], ['f1', 'failed'], ['d1', 'delivered']] as const) {
      await ledger.record(stored(id, status));
    }

    // Act
    const response = await api(call('GET', '/api/status', { session: 'live' }));

    // Assess
    expect(JSON.parse(response.body ?? '').alerts).toEqual({ queued: 2, retrying: 2, parked: 1, failed: 1, limit: 100 });
  });

  it('lists only the alerts of the status asked for, oldest first, and refuses an unknown status', async () => {
    // Prepare
    const { api, ledger } = setup();
    await ledger.record(stored('new-failed', 'failed', '2026-11-23T11:30:00.000Z'));
    await ledger.record(stored('delivered', 'delivered', '2026-11-23T11:20:00.000Z'));
    await ledger.record(stored('old-failed', 'failed', '2026-11-23T11:10:00.000Z'));

    // Act
    const failed = await api(call('GET', '/api/deliveries?status=failed', { session: 'live' }));
    const unknown = await api(call('GET', '/api/deliveries?status=lost', { session: 'live' }));

    // Assess
    expect(JSON.parse(failed.body ?? '').items.map((i: { alertId: string }) => i.alertId)).toEqual(['old-failed', 'new-failed']);
    expect(unknown.statusCode).toBe(400);
  });
});
