/**
 * Test helpers that use the Jira stand-in the way a client does: the scripted consent
 * (`login_hint` + `consent=approve`), the token endpoint, REST calls and the control endpoints.
 */
import type {
  FaultMixSettings,
  LatencySettings,
  OutageSettings,
  RateLimitSettings,
  StatsSnapshot,
} from '#local/jira-stand-in/index.ts';

export const TEST_CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;
export const TEST_REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';
export const RELAY_SCOPES = 'read:jira-work write:jira-work read:jira-user offline_access';

export const ALICE = 'alice.admin@example.com';
export const PAT = 'pat.projectadmin@example.com';
export const RITA = 'rita.regular@example.com';
export const HARPER = 'harper.hidden@example.com';

export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly token_type: string;
}

export function authorizeUrl(base: string, params: Record<string, string>): string {
  const url = new URL('/authorize', base);
  const all = {
    audience: 'api.atlassian.com',
    client_id: TEST_CLIENT.clientId,
    scope: RELAY_SCOPES,
    redirect_uri: TEST_REDIRECT_URI,
    state: 'state-123',
    response_type: 'code',
    prompt: 'consent',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== '') url.searchParams.set(k, v);
  return url.toString();
}

/** Runs the scripted consent and returns the authorization code. */
export async function authorizeCode(base: string, email: string, scope = RELAY_SCOPES): Promise<string> {
  const res = await fetch(authorizeUrl(base, { login_hint: email, consent: 'approve', scope }), { redirect: 'manual' });
  const location = res.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (res.status !== 302 || !code) throw new Error(`authorize did not redirect with a code (status ${res.status})`);
  return code;
}

export async function postToken(
  base: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Signs `email` in and returns the token response. */
export async function signIn(base: string, email: string, scope = RELAY_SCOPES): Promise<TokenResponse> {
  const code = await authorizeCode(base, email, scope);
  const res = await postToken(base, {
    grant_type: 'authorization_code',
    ...clientCredentials(),
    code,
    redirect_uri: TEST_REDIRECT_URI,
  });
  if (res.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(res.body)}`);
  return res.body as TokenResponse;
}

export function clientCredentials(): { client_id: string; client_secret: string } {
  return { client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret };
}

export async function control(
  base: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${base}/_stand-in${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`control ${method} ${path} failed with ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Jira's burst, per-issue and hourly limits; `clearRateLimit` turns them all off. */
export const setRateLimit = (base: string, settings: RateLimitSettings): Promise<unknown> =>
  control(base, 'PUT', '/rate-limit', settings);
export const clearRateLimit = (base: string): Promise<unknown> => control(base, 'DELETE', '/rate-limit');

/** Latency on every api.atlassian.com call, uniform in mean ± jitter. */
export const setLatency = (base: string, settings: LatencySettings): Promise<unknown> =>
  control(base, 'PUT', '/latency', settings);
export const clearLatency = (base: string): Promise<unknown> => control(base, 'DELETE', '/latency');

/** Random 429 / 500 / 503 / lost answers on Jira calls, reproducible through `seed`. */
export const setFaultMix = (base: string, settings: FaultMixSettings): Promise<unknown> =>
  control(base, 'PUT', '/fault-mix', settings);
export const clearFaultMix = (base: string): Promise<unknown> => control(base, 'DELETE', '/fault-mix');

export interface EndedOutage {
  readonly mode: string;
  readonly since: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly calls: number;
}

/** Jira is down until `endOutage`: every Jira call answers 503, is reset or hangs. */
export const startOutage = (base: string, settings: OutageSettings): Promise<unknown> =>
  control(base, 'PUT', '/outage', settings);
export async function endOutage(base: string): Promise<EndedOutage | null> {
  return ((await control(base, 'DELETE', '/outage')) as { ended: EndedOutage | null }).ended;
}

/** Outcomes of the API calls per route and status since the last reset. */
export async function readStats(base: string): Promise<StatsSnapshot> {
  return (await control(base, 'GET', '/stats')) as StatsSnapshot;
}
export const resetStats = (base: string): Promise<unknown> => control(base, 'DELETE', '/stats');

/** Calls per route that named the issue (its path, or one side of a link), since the last reset. */
export async function readIssueActivity(base: string, issueKey: string): Promise<Record<string, number>> {
  const routes = (await readStats(base)).byIssue[issueKey] ?? {};
  return Object.fromEntries(Object.entries(routes).map(([route, outcomes]) => [route, outcomes.total]));
}

/** Moves an issue to a status of its workflow, as an analyst would in Jira (a done status takes a resolution). */
export const setIssueStatus = (base: string, issueKey: string, status: string, resolution?: string): Promise<unknown> =>
  control(base, 'POST', `/issues/${encodeURIComponent(issueKey)}/status`, {
    status,
    ...(resolution !== undefined ? { resolution } : {}),
  });

/** Sets the stand-in's clock to `now` (ISO 8601), or moves it by `advanceSeconds`. */
export const setClock = (base: string, now: string): Promise<unknown> => control(base, 'POST', '/clock', { now });
export const advanceClock = (base: string, advanceSeconds: number): Promise<unknown> =>
  control(base, 'POST', '/clock', { advanceSeconds });

/** Largest attachment Jira accepts, in bytes. */
export const setAttachmentUploadLimit = (base: string, uploadLimit: number): Promise<unknown> =>
  control(base, 'PUT', '/attachment-settings', { uploadLimit });

/** A REST client bound to one access token. */
export function jiraApi(base: string, cloudId: string, accessToken: string) {
  const root = `${base}/ex/jira/${cloudId}/rest/api/3`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${root}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  /** Multipart upload as Jira wants it: `X-Atlassian-Token: no-check` unless `headers` says otherwise. */
  const upload = async (
    path: string,
    form: FormData,
    headers: Record<string, string> = { 'x-atlassian-token': 'no-check' },
  ) => {
    const res = await fetch(`${root}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...headers },
      body: form,
    });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
    return { status: res.status, headers: res.headers, body: isJson && text ? (JSON.parse(text) as unknown) : text };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown) => call('POST', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    upload,
    /** The raw answer, for bytes and redirects. */
    fetch: (path: string, init: RequestInit = {}) =>
      fetch(`${root}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${accessToken}`, ...(init.headers as Record<string, string> | undefined) },
      }),
  };
}

export type JiraApi = ReturnType<typeof jiraApi>;
