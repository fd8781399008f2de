import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlassianOAuthClient } from '#adapters/atlassian-oauth-client.ts';
import { JiraRejectedError, JiraTransientError, ReconnectRequiredError } from '#domain/errors.ts';
import { type JiraStandIn, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import { ALICE, authorizeCode, control, TEST_CLIENT, TEST_REDIRECT_URI } from '#test-support/jira-stand-in-session.ts';

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 9;
}

describe('AtlassianOAuthClient', () => {
  let standIn: JiraStandIn;
  const client = (overrides: Partial<ConstructorParameters<typeof AtlassianOAuthClient>[0]> = {}) =>
    new AtlassianOAuthClient({
      authUrl: standIn.url,
      apiUrl: standIn.url,
      clientId: TEST_CLIENT.clientId,
      clientSecret: TEST_CLIENT.clientSecret,
      redirectUri: TEST_REDIRECT_URI,
      timeoutMs: 2000,
      ...overrides,
    });

  beforeAll(async () => {
    standIn = await startJiraStandIn({ port: 0, ...TEST_CLIENT, redirectUris: [TEST_REDIRECT_URI] });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('builds the authorize URL with audience, default scopes, state and prompt=consent', () => {
    // Act
    const url = new URL(client().authorizeUrl('state-1'));

    // Assess
    expect(`${url.origin}${url.pathname}`).toBe(`${standIn.url}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      audience: 'api.atlassian.com',
      client_id: TEST_CLIENT.clientId,
      scope: 'read:jira-work write:jira-work read:jira-user offline_access',
      redirect_uri: TEST_REDIRECT_URI,
      state: 'state-1',
      response_type: 'code',
      prompt: 'consent',
    });
  });

  it('is accepted by the authorization server as is', async () => {
    // Prepare
    const url = new URL(client().authorizeUrl('state-2'));
    url.searchParams.set('login_hint', ALICE);
    url.searchParams.set('consent', 'approve');

    // Act
    const res = await fetch(url, { redirect: 'manual' });

    // Assess
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();
  });

  it('exchanges a code for tokens', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);

    // Act
    const tokens = await client().exchangeCode(code);

    // Assess
    expect(tokens).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresInSeconds: 3600,
      scope: 'read:jira-work write:jira-work read:jira-user offline_access',
    });
  });

  it('reads the client secret through the async getter when one is given', async () => {
    // Prepare
    let reads = 0;
    const code = await authorizeCode(standIn.url, ALICE);
    const withGetter = client({
      clientSecret: async () => {
        reads += 1;
        return TEST_CLIENT.clientSecret;
      },
    });

    // Act
    await withGetter.exchangeCode(code);

    // Assess
    expect(reads).toBe(1);
  });

  it('returns a rotated refresh token on refresh', async () => {
    // Prepare
    const first = await client().exchangeCode(await authorizeCode(standIn.url, ALICE));

    // Act
    const second = await client().refresh(first.refreshToken ?? '');

    // Assess
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
  });

  it('throws ReconnectRequiredError on invalid_grant', async () => {
    // Act
    const error = await client()
      .refresh('revoked-or-unknown')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ReconnectRequiredError);
  });

  it('throws ReconnectRequiredError when a code is used twice', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);
    await client().exchangeCode(code);

    // Act
    const error = await client()
      .exchangeCode(code)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ReconnectRequiredError);
  });

  it('throws JiraRejectedError, not ReconnectRequiredError, when the client secret is wrong', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);

    // Act
    const error = await client({ clientSecret: 'wrong' })
      .exchangeCode(code)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(JiraRejectedError);
    expect((error as JiraRejectedError).status).toBe(401);
    expect(String(error)).not.toContain('wrong');
  });

  it('throws JiraTransientError with Retry-After when the token endpoint answers 503', async () => {
    // Prepare
    await control(standIn.url, 'POST', '/faults', { path: 'POST /oauth/token', status: 503, retryAfterSeconds: 4 });

    // Act
    const error = await client()
      .refresh('anything')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(JiraTransientError);
    expect((error as JiraTransientError).retryAfterSeconds).toBe(4);
  });

  it('throws JiraTransientError when the authorization server cannot be reached', async () => {
    // Prepare
    const port = await closedPort();

    // Act
    const error = await client({ authUrl: `http://127.0.0.1:${port}` })
      .refresh('rt')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(JiraTransientError);
    expect((error as JiraTransientError).mayHaveCreated).toBe(false);
  });

  it('never puts the client secret or the refresh token into a thrown error', async () => {
    // Act
    const error = await client({ clientSecret: 'super-secret-value' })
      .refresh('refresh-token-value')
      .catch((e: unknown) => e);

    // Assess
    const dump = inspect(error, { depth: 10, showHidden: true });
    expect(dump).not.toContain('super-secret-value');
    expect(dump).not.toContain('refresh-token-value');
  });

  it('lists accessible resources with the cloud id', async () => {
    // Prepare
    const tokens = await client().exchangeCode(await authorizeCode(standIn.url, ALICE));

    // Act
    const resources = await client().accessibleResources(tokens.accessToken);

    // Assess
    expect(resources).toEqual([
      {
        id: standIn.cloudId,
        url: standIn.url,
        name: 'Keeper Demo',
        scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'],
      },
    ]);
  });
});
