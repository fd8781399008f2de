import { describe, expect, it } from 'vitest';
import { makeAdminApi } from '#app/admin-api/make-admin-api.ts';
import { WebhookTokenAdmin } from '#domain/access/webhook-token.ts';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import { connect, writeConnection } from '#domain/jira-connection/connection-record.ts';
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

const ORIGIN = 'distribution-origin-secret';

function setup() {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
  const sessions = new MemorySessionStore();
  const secrets = new MemorySecretStore();
  secrets.values.set('origin-verify', ORIGIN);
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
      return {
        kind: 'created',
        alertId: 'a-test',
        issueKey: 'SEC-9',
        issueUrl: 'https://acme.atlassian.net/browse/SEC-9',
      };
    },
    clock,
    log,
    siteUrl: 'https://acme.atlassian.net',
    sessionHours: 8,
    relayTokens: { accessToken: async () => 'relay-token', markRejected: async () => undefined },
    publicBaseUrl: 'https://admin.example.com/',
  });
  const nowSeconds = Math.floor(clock.now().getTime() / 1000);
  const signedIn = {
    createdAt: '',
    cloudId: 'cloud-1',
    rightsCheckedAt: clock.now().getTime(),
    credentials: { kind: 'connection' as const },
  };
  const live: AdminSession = {
    id: 'live',
    accountId: 'acc-1',
    displayName: 'Ada',
    expiresAt: nowSeconds + 3600,
    ...signedIn,
  };
  const expired: AdminSession = {
    id: 'expired',
    accountId: 'acc-1',
    displayName: 'Ada',
    expiresAt: nowSeconds,
    ...signedIn,
  };
  sessions.sessions.set(live.id, live);
  sessions.sessions.set(expired.id, expired);
  secrets.values.set(
    'jira-connection',
    JSON.stringify({
      state: 'connected',
      cloudId: 'cloud-1',
      siteUrl: 'https://acme.atlassian.net',
      refreshToken: 'rt',
      connectedBy: { accountId: 'acc-1', displayName: 'Ada' },
      connectedAt: '2026-11-20T09:00:00.000Z',
    }),
  );
  return { api, sessions, secrets, state, ledger, queue, tracker, ingested, clock };
}

function call(
  method: string,
  pathAndQuery: string,
  options: { session?: string; json?: boolean; body?: string; origin?: string | null } = {},
): HttpEvent {
  const [path = '', query = ''] = pathAndQuery.split('?');
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: {
      ...(options.json === false ? {} : { 'content-type': 'application/json' }),
      ...(origin === null ? {} : { 'x-relay-origin-verify': origin }),
    },
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

    // Assess: a known route may refuse its input (400, 404 for an unknown alert or nothing to export), never answer "no such route"
    const notFoundAllowed = new Set(['retryDelivery', 'exportConfig']);
    const unserved = answers.filter(
      ([name, status]) => status === 405 || (status === 404 && !notFoundAllowed.has(name)),
    );
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
      ['days=99', 'days=0', 'days=abc'].map((query) =>
        api(call('GET', `/api/stats/hourly?${query}`, { session: 'live' })),
      ),
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
    expect(JSON.parse(response.body ?? '')).toEqual({
      alertId: 'a-test',
      issueKey: 'SEC-9',
      issueUrl: 'https://acme.atlassian.net/browse/SEC-9',
    });
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
    expect(response.cookies?.[0]).toMatch(
      /^relay_oauth=[^;]+; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/,
    );
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

  it('refuses a direct call without the origin header, or with a wrong one, with 403 whatever the route', async () => {
    // Prepare
    const { api, queue, ledger } = setup();
    await ledger.record(stored('a1', 'failed'));

    // Act
    const responses = await Promise.all([
      api(call('GET', '/oauth/login', { origin: null })),
      api(call('GET', '/api/session', { session: 'live', origin: null })),
      api(call('POST', '/api/deliveries/a1/retry', { session: 'live', origin: 'guessed' })),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body ?? '')).toMatchObject({ error: 'FORBIDDEN' });
    }
    expect(queue.enqueued).toHaveLength(0);
  });

  it("signs every session out, the caller's included, and clears the cookie", async () => {
    // Prepare
    const { api, sessions } = setup();

    // Act
    const response = await api(call('POST', '/api/sessions/revoke-all', { session: 'live' }));
    const after = await api(call('GET', '/api/session', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toEqual({ endedSessions: 2 });
    expect(response.cookies).toEqual(['relay_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure']);
    expect(sessions.sessions.size).toBe(0);
    expect(after.statusCode).toBe(401);
  });

  it('keeps a page of deliveries far below the 6 MB response limit when 40 alerts carry huge event names', async () => {
    // Prepare
    const { api, ledger } = setup();
    const huge = 'x'.repeat(200_000);
    for (let i = 0; i < 40; i++) {
      const record = stored(`a${String(i).padStart(2, '0')}`, 'failed');
      await ledger.record({
        ...record,
        receivedAt: `2026-11-23T11:${String(i).padStart(2, '0')}:00.000Z`,
        event: huge,
        alertName: huge,
        lastError: huge,
      });
    }

    // Act
    const first = await api(call('GET', '/api/deliveries?limit=200', { session: 'live' }));
    const body = JSON.parse(first.body ?? '') as { items: { event: string; lastError: string }[]; cursor?: string };

    // Assess
    expect(first.statusCode).toBe(200);
    expect(Buffer.byteLength(first.body ?? '')).toBeLessThan(100 * 1024);
    expect(body.items).toHaveLength(40);
    expect(body.items[0]?.event).toHaveLength(255);
    expect(body.items[0]?.lastError.length).toBeLessThanOrEqual(1000);
    expect(body.cursor).toBeUndefined();
  });

  it('ends a page of deliveries by bytes and resumes it with the cursor', async () => {
    // Prepare
    const { api, ledger } = setup();
    const dropped = Array.from({ length: 20 }, (_, i) => ({
      fieldId: `customfield_${i}`,
      fieldName: 'n'.repeat(255),
      reason: 'r'.repeat(300),
    }));
    for (let i = 0; i < 200; i++) {
      const record = stored(`b${String(i).padStart(3, '0')}`, 'failed');
      await ledger.record({
        ...record,
        receivedAt: new Date(Date.UTC(2026, 10, 23, 10, 0, i)).toISOString(),
        droppedFields: dropped,
      });
    }

    // Act
    const first = await api(call('GET', '/api/deliveries?limit=200', { session: 'live' }));
    const firstBody = JSON.parse(first.body ?? '') as { items: { alertId: string }[]; cursor?: string };
    const second = await api(
      call('GET', `/api/deliveries?limit=200&cursor=${encodeURIComponent(firstBody.cursor ?? '')}`, {
        session: 'live',
      }),
    );
    const secondBody = JSON.parse(second.body ?? '') as { items: { alertId: string }[]; cursor?: string };

    // Assess
    expect(Buffer.byteLength(first.body ?? '')).toBeLessThanOrEqual(512 * 1024 + 1024);
    expect(firstBody.items.length).toBeLessThan(200);
    expect(firstBody.cursor).toBeDefined();
    const seen = [...firstBody.items, ...secondBody.items].map((item) => item.alertId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[0]).toBe('b199');
  });
});

describe('make-admin-api status of the Jira grant', () => {
  it('tells when the consent ends and how many days are left, for the reconnect banner', async () => {
    // Prepare: an administrator consented 340 days ago.
    const { api, secrets, clock } = setup();
    const consent = new ManualClock(clock.now().getTime() - 340 * 86_400_000);
    await connect(
      secrets,
      {
        cloudId: 'c1',
        siteUrl: 'https://acme.atlassian.net',
        refreshToken: 'rt',
        accessToken: 'at',
        expiresInSeconds: 3600,
        actor: { accountId: 'acc-1', displayName: 'Ada' },
      },
      consent,
    );

    // Act
    const response = await api(call('GET', '/api/status', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '').connection).toMatchObject({
      state: 'connected',
      grantExpiresAt: new Date(consent.now().getTime() + 365 * 86_400_000).toISOString(),
      grantDaysRemaining: 25,
    });
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
    await state.putItem('jira-breaker', {
      open: true,
      openedAt: '2026-11-23T11:55:00.000Z',
      nextProbeAt: Date.parse('2026-11-23T12:00:20.000Z'),
      probeSeconds: 20,
    });

    // Act
    const response = await api(call('GET', '/api/status', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '');
    expect(body.connection.state).toBe('connected');
    expect(body.jira).toMatchObject({
      state: 'degraded',
      since: '2026-11-23T11:55:00.000Z',
      nextCheckAt: '2026-11-23T12:00:20.000Z',
    });
  });

  it('counts queued, retrying, parked and failed alerts apart', async () => {
    // Prepare
    const { api, ledger } = setup();
    for (const [id, status] of [
      ['q1', 'queued'],
      ['q2', 'delivering'],
      ['r1', 'retrying'],
      ['r2', 'retrying'],
      ['p1', 'pending_configuration'],
      ['f1', 'failed'],
      ['d1', 'delivered'],
    ] as const) {
      await ledger.record(stored(id, status));
    }

    // Act
    const response = await api(call('GET', '/api/status', { session: 'live' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '').alerts).toEqual({
      queued: 2,
      retrying: 2,
      parked: 1,
      failed: 1,
      limit: 100,
    });
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
    expect(JSON.parse(failed.body ?? '').items.map((i: { alertId: string }) => i.alertId)).toEqual([
      'old-failed',
      'new-failed',
    ]);
    expect(unknown.statusCode).toBe(400);
  });

  it('filters deliveries by the grouped and suppressed statuses of rules', async () => {
    // Prepare
    const { api, ledger } = setup();
    await ledger.record(stored('joined', 'grouped', '2026-11-23T11:30:00.000Z'));
    await ledger.record(stored('quiet', 'suppressed', '2026-11-23T11:20:00.000Z'));
    await ledger.record(stored('ticket', 'delivered', '2026-11-23T11:10:00.000Z'));

    // Act
    const grouped = await api(call('GET', '/api/deliveries?status=grouped', { session: 'live' }));
    const suppressed = await api(call('GET', '/api/deliveries?status=suppressed', { session: 'live' }));

    // Assess
    expect(grouped.statusCode).toBe(200);
    expect(JSON.parse(grouped.body ?? '').items.map((i: { alertId: string }) => i.alertId)).toEqual(['joined']);
    expect(JSON.parse(suppressed.body ?? '').items.map((i: { alertId: string }) => i.alertId)).toEqual(['quiet']);
  });

  it('shows the rule, the group, the escalation and the redacted paths of a delivery', async () => {
    // Prepare
    const { api, ledger } = setup();
    await ledger.record({
      ...stored('joined', 'grouped'),
      ruleId: 'failed-logins',
      ruleName: 'Failed logins per user',
      groupId: '0123456789abcdef0123456789abcdef',
      groupRole: 'joined',
      escalated: true,
      redactedPaths: ['remote_address', 'event.record_uid'],
    });
    await ledger.record(stored('plain', 'delivered', '2026-11-23T10:00:00.000Z'));

    // Act
    const response = await api(call('GET', '/api/deliveries', { session: 'live' }));

    // Assess
    const [joined, plain] = JSON.parse(response.body ?? '').items;
    expect(joined).toMatchObject({
      alertId: 'joined',
      status: 'grouped',
      rule: { id: 'failed-logins', name: 'Failed logins per user' },
      group: { id: '0123456789abcdef0123456789abcdef', role: 'joined' },
      escalated: true,
      redactedPaths: ['remote_address', 'event.record_uid'],
    });
    expect(plain.rule).toBeUndefined();
    expect(plain.group).toBeUndefined();
    expect(plain.escalated).toBeUndefined();
    expect(plain.redactedPaths).toBeUndefined();
  });
});
