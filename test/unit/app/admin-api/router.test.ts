import { describe, expect, it } from 'vitest';
import { makeRouter } from '#app/admin-api/router.ts';
import { ConflictError, SessionEndedError } from '#domain/errors.ts';
import type { AdminSession } from '#domain/ports.ts';
import { type HttpEvent, json } from '#shared/http.ts';
import { RecordingLog } from '#test-support/in-memory-ports.ts';

const table = {
  open: { method: 'GET', path: '/oauth/open', needsSession: false },
  item: { method: 'GET', path: '/api/things/{key}/parts/{id}', needsSession: true },
  save: { method: 'PUT', path: '/api/things/{key}', needsSession: true },
  crash: { method: 'POST', path: '/api/crash', needsSession: true },
  conflict: { method: 'POST', path: '/api/conflict', needsSession: true },
} as const;

const admin: AdminSession = {
  id: 's-1',
  accountId: 'acc-1',
  displayName: 'Ada',
  createdAt: '2026-11-23T12:00:00.000Z',
  expiresAt: 2_000_000_000,
  cloudId: 'cloud-1',
  rightsCheckedAt: 0,
  credentials: { kind: 'connection' },
};

const ORIGIN = 'origin-secret-value';

/** A request as the admin site's distribution forwards it (with the origin header) unless `headers` says otherwise. */
function request(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  origin: string | null = ORIGIN,
): HttpEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: origin === null ? headers : { 'x-relay-origin-verify': origin, ...headers },
    requestContext: { http: { method, path }, domainName: 'admin.example.com' } as HttpEvent['requestContext'],
    isBase64Encoded: false,
  };
}

function setup(
  options: {
    expectedOrigin?: string | undefined;
    confirm?: (session: AdminSession, change: boolean) => Promise<AdminSession>;
  } = {},
) {
  const log = new RecordingLog();
  const calls: { route: string; params: Record<string, string>; session?: AdminSession; baseUrl: string }[] = [];
  const expected = 'expectedOrigin' in options ? options.expectedOrigin : ORIGIN;
  const router = makeRouter(
    table,
    {
      open: async ({ params, baseUrl }) => (calls.push({ route: 'open', params, baseUrl }), json(200, { ok: true })),
      item: async ({ params, session, baseUrl }) => (
        calls.push({ route: 'item', params, session, baseUrl }), json(200, params)
      ),
      save: async ({ params, session, baseUrl }) => (
        calls.push({ route: 'save', params, session, baseUrl }), json(200, { saved: params.key })
      ),
      crash: async () => {
        throw new Error('ledger unreachable at 10.0.0.7');
      },
      conflict: async () => {
        throw new ConflictError('Someone else saved first');
      },
    },
    {
      originSecret: async () => expected,
      // The test's "cookie": a session header naming the only live session.
      session: async (event) => (event.headers['x-session'] === admin.id ? admin : undefined),
      ...(options.confirm ? { confirm: options.confirm } : {}),
      signedOutCookies: () => ['relay_session=; Max-Age=0'],
      baseUrl: () => 'https://admin.example.com',
      log,
    },
  );
  return { router, calls, log };
}

const signedIn = { 'x-session': admin.id };
const signedInJson = { ...signedIn, 'content-type': 'application/json' };

describe('admin-api router', () => {
  it('returns 404 NOT_FOUND for a path no route has', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(request('GET', '/api/nothing-here', signedIn));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: 'NOT_FOUND', message: 'No route /api/nothing-here' });
    expect(calls).toHaveLength(0);
  });

  it('returns 405 METHOD_NOT_ALLOWED for a known path with another method, before any session check', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(request('delete', '/api/things/A'));

    // Assess
    expect(response.statusCode).toBe(405);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: 'METHOD_NOT_ALLOWED',
      message: 'DELETE is not allowed on /api/things/A',
    });
    expect(calls).toHaveLength(0);
  });

  it('ignores trailing slashes', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(request('GET', '/oauth/open//'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(calls.map((c) => c.route)).toEqual(['open']);
  });

  it('serves a route without a session when the table says none is needed', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(request('GET', '/oauth/open'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual([{ route: 'open', params: {}, baseUrl: 'https://admin.example.com' }]);
  });

  it('returns 401 UNAUTHENTICATED without a live session and never calls the handler', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const responses = await Promise.all([
      router(request('GET', '/api/things/A/parts/1')),
      router(request('GET', '/api/things/A/parts/1', { 'x-session': 'expired' })),
      router(request('PUT', '/api/things/A')),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body ?? '')).toMatchObject({ error: 'UNAUTHENTICATED' });
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses a signed-in mutation without Content-Type: application/json (CSRF guard)', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const responses = await Promise.all([
      router(request('PUT', '/api/things/A', signedIn)),
      router(request('PUT', '/api/things/A', { ...signedIn, 'content-type': 'application/x-www-form-urlencoded' })),
      router(request('PUT', '/api/things/A', { ...signedIn, 'content-type': 'text/plain' })),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body ?? '')).toEqual({
        error: 'VALIDATION_FAILED',
        message: 'Send mutations with Content-Type: application/json',
      });
    }
    expect(calls).toHaveLength(0);
  });

  it('accepts a signed-in mutation sent as JSON, whatever the header case and charset', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(
      request('PUT', '/api/things/A', { ...signedIn, 'Content-Type': 'Application/JSON; charset=utf-8' }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(calls).toEqual([
      { route: 'save', params: { key: 'A' }, session: admin, baseUrl: 'https://admin.example.com' },
    ]);
  });

  it('does not ask reads for a JSON content type', async () => {
    // Prepare
    const { router } = setup();

    // Act
    const response = await router(request('GET', '/api/things/A/parts/1', signedIn));

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('hands the handler its path parameters URI-decoded, and the session', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const response = await router(request('GET', '/api/things/SEC%20ops%2F2/parts/%E2%9C%93', signedIn));

    // Assess
    expect(JSON.parse(response.body ?? '')).toEqual({ key: 'SEC ops/2', id: '✓' });
    expect(calls[0]?.session).toEqual(admin);
  });

  it('does not let a parameter span segments', async () => {
    // Prepare
    const { router } = setup();

    // Act
    const response = await router(request('GET', '/api/things/A/B/parts/1', signedIn));

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers a handler error from the error table and logs only a 5xx, without its detail in the body', async () => {
    // Prepare
    const { router, log } = setup();

    // Act
    const conflict = await router(request('POST', '/api/conflict', signedInJson));
    const crash = await router(request('POST', '/api/crash', signedInJson));

    // Assess
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(conflict.body ?? '')).toEqual({ error: 'CONFLICT', message: 'Someone else saved first' });
    expect(crash.statusCode).toBe(500);
    expect(crash.body).not.toContain('10.0.0.7');
    expect(JSON.parse(crash.body ?? '')).toEqual({
      error: 'INTERNAL',
      message: 'Internal error; the cause has been logged',
    });
    expect(log.entries).toEqual([
      {
        level: 'error',
        message: 'Admin API request failed',
        attributes: {
          path: '/api/crash',
          method: 'POST',
          errorName: 'Error',
          errorMessage: 'ledger unreachable at 10.0.0.7',
        },
      },
    ]);
  });

  it('refuses with 403 FORBIDDEN, before anything else, a request without the origin header or with a wrong one', async () => {
    // Prepare
    const { router, calls } = setup();

    // Act
    const responses = await Promise.all([
      router(request('GET', '/oauth/open', {}, null)),
      router(request('GET', '/oauth/open', {}, 'origin-secret-valuf')),
      router(request('GET', '/oauth/open', {}, '')),
      router(request('GET', '/api/nothing-here', signedIn, null)),
      router(request('PUT', '/api/things/A', signedInJson, 'x')),
    ]);

    // Assess
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body ?? '')).toEqual({
        error: 'FORBIDDEN',
        message: 'The admin API answers only through the admin site',
      });
    }
    expect(calls).toHaveLength(0);
  });

  it('refuses every request when no origin secret is configured, even one that sends an empty header', async () => {
    // Prepare
    const { router, calls } = setup({ expectedOrigin: undefined });

    // Act
    const responses = await Promise.all([
      router(request('GET', '/oauth/open', {}, '')),
      router(request('GET', '/oauth/open')),
    ]);

    // Assess
    expect(responses.map((r) => r.statusCode)).toEqual([403, 403]);
    expect(calls).toHaveLength(0);
  });

  it('has the session confirmed for every signed-in route, saying whether it is a change', async () => {
    // Prepare
    const asked: { change: boolean }[] = [];
    const { router } = setup({ confirm: async (session, change) => (asked.push({ change }), session) });

    // Act
    await router(request('GET', '/api/things/A/parts/1', signedIn));
    await router(request('PUT', '/api/things/A', signedInJson));
    await router(request('GET', '/oauth/open'));

    // Assess
    expect(asked).toEqual([{ change: false }, { change: true }]);
  });

  it('answers 401 and clears the cookie when the session ends at its re-check, without calling the handler', async () => {
    // Prepare
    const { router, calls } = setup({
      confirm: async () => {
        throw new SessionEndedError('You are no longer a Jira administrator of this site', 'not_admin');
      },
    });

    // Act
    const response = await router(request('PUT', '/api/things/A', signedInJson));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: 'UNAUTHENTICATED',
      message: 'You are no longer a Jira administrator of this site',
    });
    expect(response.cookies).toEqual(['relay_session=; Max-Age=0']);
    expect(calls).toHaveLength(0);
  });
});
