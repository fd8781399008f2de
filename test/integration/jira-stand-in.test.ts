import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JiraStandIn, startJiraStandIn, tokenFingerprint } from '#local/jira-stand-in/index.ts';
import {
  ALICE,
  authorizeCode,
  authorizeUrl,
  clientCredentials,
  control,
  HARPER,
  type JiraApi,
  jiraApi,
  PAT,
  postToken,
  RITA,
  signIn,
  TEST_CLIENT,
  TEST_REDIRECT_URI,
  type TokenResponse,
} from '#test-support/jira-stand-in-session.ts';

const CANNOT_BE_SET = (id: string) => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
const GENERIC =
  "We can't create this issue for you right now, it could be due to unsupported content you've entered into one or more of the issue fields. If this situation persists, contact your administrator as they'll be able to access more specific information in the log file.";

const doc = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const secTask = (fields: Record<string, unknown>) => ({
  fields: {
    project: { key: 'SEC' },
    issuetype: { id: '10001' },
    summary: 'Jira Alerts: audit_alert_resumed',
    ...fields,
  },
});

async function start(extra: Partial<Parameters<typeof startJiraStandIn>[0]> = {}): Promise<JiraStandIn> {
  return startJiraStandIn({ port: 0, ...TEST_CLIENT, redirectUris: [TEST_REDIRECT_URI], ...extra });
}

describe('jira stand-in: OAuth 2.0 (3LO)', () => {
  let standIn: JiraStandIn;

  beforeAll(async () => {
    standIn = await start();
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('shows a sign-in page listing the seeded users when no login hint is given', async () => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, {}));
    const html = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(html).toContain('Alice Admin');
    expect(html).toContain('Pat ProjectAdmin');
    expect(html).toContain('Rita Regular');
    expect(html).toContain('name="login_hint"');
  });

  it('shows a consent page naming the user and the scopes when a user was picked', async () => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, { login_hint: RITA }));
    const html = await res.text();

    // Assess
    expect(res.status).toBe(200);
    expect(html).toContain('Rita Regular');
    expect(html).toContain('write:jira-work');
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="deny"');
  });

  it('redirects back with a code and the state when the user approves', async () => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, { login_hint: ALICE, consent: 'approve', state: 's-42' }), {
      redirect: 'manual',
    });

    // Assess
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(TEST_REDIRECT_URI);
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
    expect(location.searchParams.get('state')).toBe('s-42');
  });

  it('redirects with access_denied and the state when the user denies', async () => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, { login_hint: ALICE, consent: 'deny', state: 's-43' }), {
      redirect: 'manual',
    });

    // Assess
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('s-43');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses an unregistered redirect_uri with an error page instead of a redirect', async () => {
    // Act
    const res = await fetch(
      authorizeUrl(standIn.url, { redirect_uri: 'https://evil.example/cb', login_hint: ALICE, consent: 'approve' }),
      {
        redirect: 'manual',
      },
    );

    // Assess
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses an unknown client_id with an error page', async () => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, { client_id: 'someone-else' }), { redirect: 'manual' });

    // Assess
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it.each([
    ['audience', { audience: '' }, 'invalid_request'],
    ['response_type', { response_type: 'token' }, 'unsupported_response_type'],
    ['scope', { scope: 'read:jira-work delete:everything' }, 'invalid_scope'],
  ])('redirects with an OAuth error when %s is wrong', async (_name, params, error) => {
    // Act
    const res = await fetch(authorizeUrl(standIn.url, { login_hint: ALICE, consent: 'approve', ...params }), {
      redirect: 'manual',
    });

    // Assess
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('error')).toBe(error);
  });

  it('answers the token exchange with the documented body including a refresh token', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);

    // Act
    const res = await postToken(standIn.url, {
      grant_type: 'authorization_code',
      ...clientCredentials(),
      code,
      redirect_uri: TEST_REDIRECT_URI,
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      expires_in: 3600,
      scope: 'read:jira-work write:jira-work read:jira-user offline_access',
      token_type: 'Bearer',
      refresh_token: expect.any(String),
    });
  });

  it('accepts a code only once', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);
    const exchange = {
      grant_type: 'authorization_code',
      ...clientCredentials(),
      code,
      redirect_uri: TEST_REDIRECT_URI,
    };
    await postToken(standIn.url, exchange);

    // Act
    const second = await postToken(standIn.url, exchange);

    // Assess
    expect(second.status).toBe(403);
    expect(second.body).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });

  it('answers 401 access_denied when the client secret is wrong', async () => {
    // Prepare
    const code = await authorizeCode(standIn.url, ALICE);

    // Act
    const res = await postToken(standIn.url, {
      grant_type: 'authorization_code',
      client_id: TEST_CLIENT.clientId,
      client_secret: 'nope',
      code,
      redirect_uri: TEST_REDIRECT_URI,
    });

    // Assess
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('returns no refresh token when offline_access was not requested', async () => {
    // Act
    const tokens = await signIn(standIn.url, RITA, 'read:jira-work read:jira-user');

    // Assess
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('read:jira-work read:jira-user');
  });

  it('answers 403 invalid_grant for an unknown refresh token', async () => {
    // Act
    const res = await postToken(standIn.url, {
      grant_type: 'refresh_token',
      ...clientCredentials(),
      refresh_token: 'made-up',
    });

    // Assess
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
  });

  it('lists the site in accessible-resources with the array shape', async () => {
    // Prepare
    const tokens = await signIn(standIn.url, ALICE);

    // Act
    const res = await fetch(`${standIn.url}/oauth/token/accessible-resources`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });

    // Assess
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        id: standIn.cloudId,
        name: 'Keeper Demo',
        url: standIn.url,
        scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'],
        avatarUrl: expect.any(String),
      },
    ]);
  });
});

describe('jira stand-in: rotating refresh tokens', () => {
  let standIn: JiraStandIn;
  const refresh = (token: string | undefined) =>
    postToken(standIn.url, { grant_type: 'refresh_token', ...clientCredentials(), refresh_token: token });
  const myself = async (accessToken: string) =>
    (await jiraApi(standIn.url, standIn.cloudId, accessToken).get('/myself')).status;
  const advance = (seconds: number) => control(standIn.url, 'POST', '/clock', { advanceSeconds: seconds });

  beforeAll(async () => {
    standIn = await start();
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('returns a new refresh token on every refresh and keeps the old one usable within 10 minutes', async () => {
    // Prepare
    const first = await signIn(standIn.url, ALICE);

    // Act
    const second = await refresh(first.refresh_token);
    await advance(9 * 60);
    const retry = await refresh(first.refresh_token);

    // Assess
    const secondBody = second.body as TokenResponse;
    expect(second.status).toBe(200);
    expect(secondBody.refresh_token).toBeDefined();
    expect(secondBody.refresh_token).not.toBe(first.refresh_token);
    expect(retry.status).toBe(200);
    expect(await myself(first.access_token)).toBe(200);
  });

  it('revokes the companion access token when the reuse window of its refresh token ends', async () => {
    // Prepare
    const first = await signIn(standIn.url, ALICE);
    const second = (await refresh(first.refresh_token)).body as TokenResponse;

    // Act
    await advance(10 * 60 + 1);

    // Assess
    expect(await myself(first.access_token)).toBe(401);
    expect(await myself(second.access_token)).toBe(200);
  });

  it('revokes the whole token family when a superseded refresh token is reused after the window', async () => {
    // Prepare
    const first = await signIn(standIn.url, PAT);
    const second = (await refresh(first.refresh_token)).body as TokenResponse;
    await advance(11 * 60);

    // Act
    const lateReuse = await refresh(first.refresh_token);
    const newest = await refresh(second.refresh_token);

    // Assess
    expect(lateReuse.status).toBe(403);
    expect(lateReuse.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect(newest.status).toBe(403);
    expect(await myself(second.access_token)).toBe(401);
    const tokens = (await control(standIn.url, 'GET', '/tokens')) as {
      families: { revoked: boolean; revokedReason?: string; refreshTokens: { fingerprint: string }[] }[];
    };
    const family = tokens.families.find((f) =>
      f.refreshTokens.some((r) => r.fingerprint === tokenFingerprint(first.refresh_token ?? '')),
    );
    expect(family?.revoked).toBe(true);
    expect(family?.revokedReason).toBe('reuse-detected');
  });

  it('expires access tokens after expires_in seconds', async () => {
    // Prepare
    const tokens = await signIn(standIn.url, RITA);
    await advance(3599);
    const before = await myself(tokens.access_token);

    // Act
    await advance(2);
    const after = await jiraApi(standIn.url, standIn.cloudId, tokens.access_token).get('/myself');

    // Assess
    expect(before).toBe(200);
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('shows refresh-token states by fingerprint on the control endpoint, never the tokens', async () => {
    // Prepare
    const first = await signIn(standIn.url, RITA);
    await refresh(first.refresh_token);

    // Act
    const text = JSON.stringify(await control(standIn.url, 'GET', '/tokens'));

    // Assess
    expect(text).toContain(tokenFingerprint(first.refresh_token ?? ''));
    expect(text).toContain('reuse-window');
    expect(text).not.toContain(first.refresh_token ?? 'missing');
  });
});

describe('jira stand-in: Jira REST API', () => {
  let standIn: JiraStandIn;
  let alice: JiraApi;
  let rita: JiraApi;

  beforeAll(async () => {
    standIn = await start();
    alice = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, ALICE)).access_token);
    rita = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, RITA)).access_token);
  });
  afterAll(async () => {
    await standIn.close();
  });

  describe('gateway', () => {
    it('answers the gateway 401 body for a bad token', async () => {
      // Act
      const res = await jiraApi(standIn.url, standIn.cloudId, 'not-a-token').get('/myself');

      // Assess
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 401, message: 'Unauthorized' });
    });

    it('answers 401 for a cloudId the grant does not cover', async () => {
      // Prepare
      const tokens = await signIn(standIn.url, ALICE);

      // Act
      const res = await jiraApi(standIn.url, '00000000-0000-4000-8000-000000000000', tokens.access_token).get(
        '/myself',
      );

      // Assess
      expect(res.status).toBe(401);
    });

    it('answers "scope does not match" when the token lacks the scope of the operation', async () => {
      // Prepare
      const readOnly = jiraApi(
        standIn.url,
        standIn.cloudId,
        (await signIn(standIn.url, ALICE, 'read:jira-work read:jira-user')).access_token,
      );

      // Act
      const res = await readOnly.post('/issue', secTask({}));

      // Assess
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    });
  });

  describe('identity and permissions', () => {
    it('returns myself with the accountId header', async () => {
      // Act
      const res = await alice.get('/myself');

      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        displayName: 'Alice Admin',
        emailAddress: ALICE,
        accountType: 'atlassian',
        active: true,
      });
      expect(res.headers.get('x-aaccountid')).toBeTruthy();
    });

    it.each([
      [ALICE, true],
      [PAT, false],
      [RITA, false],
    ])('reports ADMINISTER for %s as %s', async (email, expected) => {
      // Prepare
      const api = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, email)).access_token);

      // Act
      const res = await api.get('/mypermissions?permissions=ADMINISTER');

      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        permissions: { ADMINISTER: { key: 'ADMINISTER', type: 'GLOBAL', havePermission: expected } },
      });
    });

    it('honours projectKey for ADMINISTER_PROJECTS', async () => {
      // Prepare
      const pat = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, PAT)).access_token);

      // Act
      const sec = await pat.get('/mypermissions?permissions=ADMINISTER_PROJECTS,ADMINISTER&projectKey=SEC');
      const ops = await pat.get('/mypermissions?permissions=ADMINISTER_PROJECTS&projectKey=OPS');

      // Assess
      expect(sec.body).toMatchObject({
        permissions: { ADMINISTER_PROJECTS: { havePermission: true }, ADMINISTER: { havePermission: false } },
      });
      expect(ops.body).toMatchObject({ permissions: { ADMINISTER_PROJECTS: { havePermission: false } } });
    });

    it.each([
      ['missing', '/mypermissions', "The 'permissions' query parameter is required."],
      ['empty', '/mypermissions?permissions=', "The 'permissions' query parameter is required."],
    ])('answers 400 when permissions is %s', async (_case, path, message) => {
      // Act
      const res = await alice.get(path);

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [message], errors: {} });
    });

    it('answers 400 for an unknown permission key', async () => {
      // Act
      const res = await alice.get('/mypermissions?permissions=BE_ROOT');

      // Assess
      expect(res.status).toBe(400);
    });
  });

  describe('projects, issue types and fields', () => {
    it('pages project/search and reports the project styles', async () => {
      // Act
      const first = await alice.get('/project/search?maxResults=1&action=create');
      const second = await alice.get('/project/search?maxResults=1&startAt=1&action=create');

      // Assess
      expect(first.body).toMatchObject({
        startAt: 0,
        maxResults: 1,
        total: 2,
        isLast: false,
        values: [{ key: 'OPS', style: 'next-gen', simplified: true }],
      });
      expect(first.body).toHaveProperty('nextPage');
      expect(second.body).toMatchObject({
        isLast: true,
        values: [{ key: 'SEC', style: 'classic', simplified: false }],
      });
    });

    it('filters project/search by query and answers 404 when nothing matches', async () => {
      // Act
      const found = await alice.get('/project/search?query=secur');
      const none = await alice.get('/project/search?query=zzz');

      // Assess
      expect(found.body).toMatchObject({ total: 1, values: [{ key: 'SEC' }] });
      expect(none.status).toBe(404);
    });

    it('returns a project with its issue types', async () => {
      // Act
      const res = await alice.get('/project/OPS');

      // Assess
      expect(res.body).toMatchObject({
        id: '10001',
        key: 'OPS',
        style: 'next-gen',
        issueTypes: [
          { id: '10010', name: 'Task', scope: { type: 'PROJECT', project: { id: '10001' } } },
          { id: '10011' },
          { id: '10012', subtask: true, hierarchyLevel: -1 },
        ],
      });
    });

    it('lists the create issue types of a project', async () => {
      // Act
      const res = await alice.get('/issue/createmeta/SEC/issuetypes');

      // Assess
      expect(res.body).toMatchObject({ startAt: 0, maxResults: 50, total: 5 });
      const types = (res.body as { issueTypes: { name: string; hierarchyLevel: number; subtask: boolean }[] })
        .issueTypes;
      expect(types.map((t) => t.name)).toEqual(['Task', 'Incident', 'Bug', 'Epic', 'Sub-task']);
      expect(types.find((t) => t.name === 'Epic')?.hierarchyLevel).toBe(1);
      expect(types.find((t) => t.name === 'Sub-task')).toMatchObject({ subtask: true, hierarchyLevel: -1 });
    });

    it('pages the create fields of SEC Task over several pages', async () => {
      // Act
      const pages = [];
      for (let startAt = 0; ; startAt += 10) {
        const res = await alice.get(`/issue/createmeta/SEC/issuetypes/10001?startAt=${startAt}&maxResults=10`);
        const body = res.body as { fields: { fieldId: string }[]; total: number };
        pages.push(body);
        if (startAt + 10 >= body.total) break;
      }

      // Assess
      const ids = pages.flatMap((p) => p.fields.map((f) => f.fieldId));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(pages[0]?.total);
      expect(ids).toEqual(expect.arrayContaining(['summary', 'priority', 'customfield_10050', 'customfield_10069']));
    });

    it('answers the documented 400 when createmeta maxResults exceeds 200', async () => {
      // Act
      const res = await alice.get('/issue/createmeta/SEC/issuetypes/10001?maxResults=201');

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errorMessages: ["Parameter 'maxResults' must not exceed the limit '200'"],
        errors: {},
        httpStatusCode: { empty: false, present: true },
      });
    });

    it('offers priority with a default on SEC Task but not on the team-managed OPS Task', async () => {
      // Act
      const sec = (await alice.get('/issue/createmeta/SEC/issuetypes/10001')).body as { fields: { fieldId: string }[] };
      const ops = (await alice.get('/issue/createmeta/OPS/issuetypes/10010')).body as { fields: { fieldId: string }[] };

      // Assess
      expect(sec.fields.find((f) => f.fieldId === 'priority')).toMatchObject({
        hasDefaultValue: true,
        defaultValue: { id: '3', name: 'Medium' },
        allowedValues: [
          { id: '1', name: 'Highest' },
          { id: '2' },
          { id: '3' },
          { id: '4' },
          { id: '5', name: 'Lowest' },
        ],
      });
      expect(ops.fields.map((f) => f.fieldId)).not.toContain('priority');
      expect(ops.fields.map((f) => f.fieldId)).toContain('customfield_10100');
    });

    it('describes custom fields with realistic schemas and options', async () => {
      // Act
      const sec = (await alice.get('/issue/createmeta/SEC/issuetypes/10005')).body as {
        fields: Record<string, unknown>[];
      };

      // Assess
      expect(sec.fields.find((f) => f['fieldId'] === 'customfield_10055')).toMatchObject({
        name: 'Alert Severity',
        required: true,
        schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select', customId: 10055 },
        allowedValues: [{ id: '10110', value: 'Critical' }, { value: 'High' }, { value: 'Medium' }, { value: 'Low' }],
      });
    });

    it('lists fields with project scope for team-managed ones', async () => {
      // Act
      const fields = (await alice.get('/field')).body as { id: string; name: string; scope?: unknown }[];

      // Assess
      const remoteIp = fields.filter((f) => f.name === 'Remote IP Address');
      expect(remoteIp.map((f) => f.id).sort()).toEqual(['customfield_10050', 'customfield_10100']);
      expect(remoteIp.find((f) => f.id === 'customfield_10100')?.scope).toEqual({
        type: 'PROJECT',
        project: { id: '10001' },
      });
    });

    it('returns one priority', async () => {
      // Act
      const res = await alice.get('/priority/2');

      // Assess
      expect(res.body).toMatchObject({ id: '2', name: 'High', statusColor: expect.any(String) });
    });
  });

  describe('user search', () => {
    it.each([
      ['rit', ['Rita Regular']],
      ['pat.proj', ['Pat ProjectAdmin']],
      ['hidden', ['Hidden Harper']],
      ['harper.hidden', []],
      ['nobody', []],
    ])('matches %s by name or visible e-mail prefix', async (query, names) => {
      // Act
      const res = await alice.get(`/user/search?query=${encodeURIComponent(query)}`);

      // Assess
      expect((res.body as { displayName: string }[]).map((u) => u.displayName)).toEqual(names);
    });

    it('never returns a hidden e-mail address', async () => {
      // Act
      const res = await alice.get('/user/search?query=harper');

      // Assess
      expect(res.body).toEqual([expect.not.objectContaining({ emailAddress: expect.anything() })]);
      expect(JSON.stringify(res.body)).not.toContain(HARPER);
    });
  });

  describe('POST /issue validation', () => {
    const longText = 'x'.repeat(33_000);
    it.each<[string, unknown, Record<string, string>]>([
      [
        'an off-screen field (priority in team-managed OPS)',
        { fields: { project: { key: 'OPS' }, issuetype: { id: '10010' }, summary: 's', priority: { id: '2' } } },
        { priority: CANNOT_BE_SET('priority') },
      ],
      [
        'reporter in OPS',
        { fields: { project: { key: 'OPS' }, issuetype: { id: '10010' }, summary: 's', reporter: { accountId: 'x' } } },
        { reporter: CANNOT_BE_SET('reporter') },
      ],
      [
        'an unknown custom field',
        secTask({ customfield_99999: 'x' }),
        { customfield_99999: CANNOT_BE_SET('customfield_99999') },
      ],
      [
        "another project's team-managed field",
        secTask({ customfield_10100: '1.2.3.4' }),
        { customfield_10100: CANNOT_BE_SET('customfield_10100') },
      ],
      [
        'a string description',
        secTask({ description: 'plain' }),
        { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
      ],
      [
        'a string textarea',
        secTask({ customfield_10060: 'plain' }),
        { customfield_10060: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
      ],
      ['an ADF summary', secTask({ summary: doc('x') }), { summary: 'Operation value must be a string' }],
      [
        'an ADF text field',
        secTask({ customfield_10050: doc('x') }),
        { customfield_10050: 'Operation value must be a string' },
      ],
      [
        'a 256-character summary',
        secTask({ summary: 's'.repeat(256) }),
        { summary: "Summary can't exceed 255 characters." },
      ],
      ['an empty summary', secTask({ summary: '' }), { summary: 'You must specify a summary of the issue.' }],
      [
        'a missing summary',
        { fields: { project: { key: 'SEC' }, issuetype: { id: '10001' } } },
        { summary: 'You must specify a summary of the issue.' },
      ],
      [
        'a multi-line summary',
        secTask({ summary: 'a\nb' }),
        { summary: 'The summary is invalid because it contains newline characters.' },
      ],
      [
        'a label with a space',
        secTask({ labels: ['keeper', 'a b'] }),
        { labels: "The label 'a b' contains spaces which is invalid." },
      ],
      ['labels as a string', secTask({ labels: 'keeper' }), { labels: 'data was not an array' }],
      [
        'a description over 32,767 characters',
        secTask({ description: doc(longText) }),
        { description: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' },
      ],
      [
        'a missing required field',
        { fields: { project: { key: 'SEC' }, issuetype: { id: '10005' }, summary: 's' } },
        { customfield_10055: 'Alert Severity is required.' },
      ],
      [
        'a select value that is not allowed',
        secTask({ customfield_10051: { value: 'Nope' } }),
        { customfield_10051: "Option value 'Nope' is not valid" },
      ],
      [
        'a select id that is not allowed',
        secTask({ customfield_10051: { id: '1' } }),
        { customfield_10051: "Option id '1' is not valid" },
      ],
      [
        'a select given as a string',
        secTask({ customfield_10051: 'Login' }),
        { customfield_10051: "Could not find valid 'id' or 'value' in the Parent Option object." },
      ],
      [
        'a multi-select value that is not allowed',
        secTask({ customfield_10064: [{ value: 'Vault' }, { value: 'Fax' }] }),
        { customfield_10064: "Option value 'Fax' is not valid" },
      ],
      [
        'a checkbox value that is not allowed',
        secTask({ customfield_10065: [{ value: 'Done' }] }),
        { customfield_10065: "Option value 'Done' is not valid" },
      ],
      [
        'a radio value that is not allowed',
        secTask({ customfield_10066: { value: 'Maybe' } }),
        { customfield_10066: "Option value 'Maybe' is not valid" },
      ],
      [
        'a number given as a string',
        secTask({ customfield_10062: '7.5' }),
        { customfield_10062: 'Operation value must be a number' },
      ],
      [
        'a date in the wrong format',
        secTask({ customfield_10063: '05/11/2025' }),
        { customfield_10063: 'Error parsing date string: 05/11/2025' },
      ],
      [
        'a date-time with a colon in the offset',
        secTask({ customfield_10054: '2025-11-05T05:00:28.091+00:00' }),
        { customfield_10054: 'Error parsing time: 2025-11-05T05:00:28.091+00:00' },
      ],
      [
        'an unknown user',
        secTask({ customfield_10068: { accountId: 'ghost' } }),
        { customfield_10068: 'Account ID ghost does not exist.' },
      ],
      [
        'an unknown user in a multi-user field',
        secTask({ customfield_10069: [{ accountId: 'ghost' }] }),
        { customfield_10069: 'Account ID ghost does not exist.' },
      ],
      [
        'an issue type of another project',
        { fields: { project: { key: 'SEC' }, issuetype: { id: '10010' }, summary: 's' } },
        { issuetype: 'The issue type selected is invalid.' },
      ],
      [
        'a missing issue type',
        { fields: { project: { key: 'SEC' }, summary: 's' } },
        { issuetype: 'Specify an issue type' },
      ],
      [
        'an unknown project',
        { fields: { project: { key: 'NOPE' }, issuetype: { id: '10001' }, summary: 's' } },
        { project: 'Specify a valid project ID or key' },
      ],
      [
        'a sub-task without parent',
        { fields: { project: { key: 'SEC' }, issuetype: { id: '10003' }, summary: 's' } },
        { issuetype: 'Issue type is a sub-task but parent issue key or id not specified.' },
      ],
      [
        'a priority that does not exist',
        secTask({ priority: { id: '99' } }),
        { priority: 'The priority selected is invalid.' },
      ],
    ])('refuses %s with the exact Jira body', async (_case, body, errors) => {
      // Act
      const res = await alice.post('/issue', body);

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [], errors });
    });

    it('answers the generic errorMessages body for an ADF document with an empty text node', async () => {
      // Act
      const res = await alice.post('/issue', secTask({ description: doc('') }));

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [GENERIC], errors: {} });
    });

    it('reports every refused field at once', async () => {
      // Act
      const res = await alice.post('/issue', secTask({ description: 'plain', labels: ['a b'], customfield_99999: 1 }));

      // Assess
      expect(Object.keys((res.body as { errors: object }).errors).sort()).toEqual([
        'customfield_99999',
        'description',
        'labels',
      ]);
    });
  });

  describe('creating and reading issues', () => {
    it("creates Keeper's seed alert as a SEC Task with only summary, description and labels", async () => {
      // Act
      const res = await alice.post(
        '/issue',
        secTask({
          description: doc('Admin john.doe@company.com resumed audit alert'),
          labels: ['keeper', 'audit_alert_resumed', 'keeper-alert-seed'],
        }),
      );

      // Assess
      expect(res.status).toBe(201);
      const created = res.body as { id: string; key: string; self: string };
      expect(created.key).toMatch(/^SEC-\d+$/);
      expect(created.self).toBe(`${standIn.url}/ex/jira/${standIn.cloudId}/rest/api/3/issue/${created.id}`);
      const issue = await alice.get(`/issue/${created.key}`);
      expect(issue.body).toMatchObject({
        key: created.key,
        fields: {
          summary: 'Jira Alerts: audit_alert_resumed',
          priority: { id: '3', name: 'Medium' },
          labels: ['keeper', 'audit_alert_resumed', 'keeper-alert-seed'],
          reporter: { displayName: 'Alice Admin' },
          issuetype: { id: '10001' },
        },
      });
    });

    it('stores every field type in its Jira representation', async () => {
      // Prepare
      const ritaId = ((await rita.get('/myself')).body as { accountId: string }).accountId;

      // Act
      const res = await alice.post(
        '/issue',
        secTask({
          priority: { name: 'High' },
          environment: doc('prod'),
          duedate: '2025-12-01',
          customfield_10050: '110.227.52.162',
          customfield_10051: { id: '10100' },
          customfield_10052: 'audit_alert_resumed',
          customfield_10053: 'MacBook',
          customfield_10054: '2025-11-05T05:00:28.091+0000',
          customfield_10055: { value: 'High' },
          customfield_10060: doc('notes'),
          customfield_10061: 'https://keepersecurity.com',
          customfield_10062: 7.5,
          customfield_10063: '2025-11-05',
          customfield_10064: [{ value: 'Vault' }, { id: '10123' }],
          customfield_10065: [{ value: 'Contained' }],
          customfield_10066: { value: 'In progress' },
          customfield_10067: ['breachwatch', 'login'],
          customfield_10068: { accountId: ritaId },
          customfield_10069: [{ accountId: ritaId }],
          assignee: { accountId: ritaId },
        }),
      );

      // Assess
      expect(res.status).toBe(201);
      const { key } = res.body as { key: string };
      const issue = (
        await alice.get(
          `/issue/${key}?fields=priority,customfield_10051,customfield_10054,customfield_10064,customfield_10069,customfield_10062`,
        )
      ).body as { fields: Record<string, unknown> };
      expect(issue.fields).toEqual({
        priority: expect.objectContaining({ id: '2', name: 'High' }),
        customfield_10051: expect.objectContaining({ id: '10100', value: 'Login' }),
        customfield_10054: '2025-11-05T05:00:28.091+0000',
        customfield_10064: [
          expect.objectContaining({ value: 'Vault' }),
          expect.objectContaining({ value: 'Commander' }),
        ],
        customfield_10069: [expect.objectContaining({ accountId: ritaId })],
        customfield_10062: 7.5,
      });
    });

    it('creates a team-managed OPS issue with its project-scoped fields', async () => {
      // Act
      const res = await alice.post('/issue', {
        fields: {
          project: { id: '10001' },
          issuetype: { name: 'Incident' },
          summary: 'ops',
          customfield_10100: '10.0.0.1',
          customfield_10102: { value: 'Low' },
        },
      });

      // Assess
      expect(res.status).toBe(201);
      expect((res.body as { key: string }).key).toMatch(/^OPS-\d+$/);
    });

    it('creates a sub-task under a parent in the same project', async () => {
      // Prepare
      const parent = (await alice.post('/issue', secTask({ summary: 'parent' }))).body as { key: string };

      // Act
      const res = await alice.post('/issue', {
        fields: { project: { key: 'SEC' }, issuetype: { id: '10003' }, summary: 'child', parent: { key: parent.key } },
      });

      // Assess
      expect(res.status).toBe(201);
    });

    it('answers 404 for an issue that does not exist', async () => {
      // Act
      const res = await alice.get('/issue/SEC-9999');

      // Assess
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
    });

    it('adds and lists comments', async () => {
      // Prepare
      const { key } = (await alice.post('/issue', secTask({}))).body as { key: string };

      // Act
      const added = await alice.post(`/issue/${key}/comment`, { body: doc('Delivered without: customfield_10051') });
      const listed = await alice.get(`/issue/${key}/comment`);

      // Assess
      expect(added.status).toBe(201);
      expect(listed.body).toMatchObject({
        total: 1,
        comments: [{ body: doc('Delivered without: customfield_10051'), author: { displayName: 'Alice Admin' } }],
      });
    });

    it('refuses a comment whose body is a string', async () => {
      // Prepare
      const { key } = (await alice.post('/issue', secTask({}))).body as { key: string };

      // Act
      const res = await alice.post(`/issue/${key}/comment`, { body: 'plain' });

      // Assess
      expect(res.status).toBe(400);
    });
  });

  describe('search', () => {
    it('finds issues by project and label, returning ids only unless fields are asked for', async () => {
      // Prepare
      const { id, key } = (await alice.post('/issue', secTask({ labels: ['keeper-alert-find-me'] }))).body as {
        id: string;
        key: string;
      };

      // Act
      const idsOnly = await alice.post('/search/jql', { jql: 'project = "SEC" AND labels = "keeper-alert-find-me"' });
      const withFields = await alice.post('/search/jql', { jql: 'labels = keeper-alert-find-me', fields: ['summary'] });

      // Assess
      expect(idsOnly.body).toEqual({ issues: [{ id }], isLast: true });
      expect(withFields.body).toMatchObject({
        issues: [{ id, key, fields: { summary: 'Jira Alerts: audit_alert_resumed' } }],
        isLast: true,
      });
    });

    it('pages results with nextPageToken', async () => {
      // Prepare
      for (let i = 0; i < 3; i += 1) await alice.post('/issue', secTask({ labels: ['paging-test'] }));

      // Act
      const first = (await alice.post('/search/jql', { jql: 'labels = paging-test', maxResults: 2 })).body as {
        issues: unknown[];
        nextPageToken?: string;
        isLast: boolean;
      };
      const second = (
        await alice.post('/search/jql', {
          jql: 'labels = paging-test',
          maxResults: 2,
          nextPageToken: first.nextPageToken,
        })
      ).body as { issues: unknown[]; nextPageToken?: string; isLast: boolean };

      // Assess
      expect(first.issues).toHaveLength(2);
      expect(first.isLast).toBe(false);
      expect(first.nextPageToken).toEqual(expect.any(String));
      expect(second.issues).toHaveLength(1);
      expect(second.isLast).toBe(true);
      expect(second.nextPageToken).toBeUndefined();
    });

    it.each([
      [
        'an unbounded query',
        'order by key desc',
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ],
      ['an unknown project', 'project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
      ['an unknown field', 'colour = red', "Field 'colour' does not exist or you do not have permission to view it."],
    ])('answers 400 for %s', async (_case, jql, message) => {
      // Act
      const res = await alice.post('/search/jql', { jql });

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [message], errors: {} });
    });

    it.each(['GET', 'POST'])('answers 410 with the migration message on the removed %s /search', async (method) => {
      // Act
      const res =
        method === 'GET'
          ? await alice.get('/search?jql=project%20%3D%20SEC')
          : await alice.post('/search', { jql: 'project = SEC' });

      // Assess
      expect(res.status).toBe(410);
      expect(res.body).toEqual({
        errorMessages: [
          'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
        ],
        errors: {},
      });
    });
  });

  describe('control endpoints', () => {
    it('injects 429 with Retry-After, X-RateLimit-Reset and RateLimit-Reason for the next N calls', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', {
        path: 'POST /issue',
        status: 429,
        count: 2,
        retryAfterSeconds: 7,
      });

      // Act
      const first = await alice.post('/issue', secTask({}));
      const second = await alice.post('/issue', secTask({}));
      const third = await alice.post('/issue', secTask({}));

      // Assess
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('7');
      expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
      expect(first.headers.get('ratelimit-reason')).toBe('jira-burst-based');
      expect(second.status).toBe(429);
      expect(third.status).toBe(201);
    });

    it.each([500, 503])('injects %s on a matching route only', async (status) => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', {
        path: 'GET /issue/createmeta/{projectIdOrKey}/issuetypes',
        status,
        count: 1,
      });

      // Act
      const other = await alice.get('/myself');
      const hit = await alice.get('/issue/createmeta/SEC/issuetypes');

      // Assess
      expect(other.status).toBe(200);
      expect(hit.status).toBe(status);
    });

    it('hangs the response in timeout mode, optionally after creating the issue', async () => {
      // Prepare
      const before = ((await control(standIn.url, 'GET', '/issues')) as { issues: unknown[] }).issues.length;
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issue', mode: 'timeout', processRequest: true });
      const token = (await signIn(standIn.url, ALICE)).access_token;

      // Act
      const outcome = await fetch(`${standIn.url}/ex/jira/${standIn.cloudId}/rest/api/3/issue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(secTask({})),
        signal: AbortSignal.timeout(300),
      }).then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? error.name : 'failed'),
      );

      // Assess
      expect(outcome).toBe('TimeoutError');
      const after = ((await control(standIn.url, 'GET', '/issues')) as { issues: unknown[] }).issues.length;
      expect(after).toBe(before + 1);
    });

    it('counts API calls per route so tests can measure Jira calls per alert', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/reset-counters');

      // Act
      await alice.post('/issue', secTask({}));
      await alice.get('/myself');
      const counts = (await control(standIn.url, 'GET', '/requests')) as {
        total: number;
        routes: Record<string, number>;
      };

      // Assess
      expect(counts).toEqual({ total: 2, routes: { 'GET /myself': 1, 'POST /issue': 1 } });
    });

    it('removes a field from a screen so createmeta drops it and create refuses it', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/screens', {
        project: 'OPS',
        issueType: '10010',
        removeFields: ['customfield_10101'],
      });

      // Act
      const meta = (await alice.get('/issue/createmeta/OPS/issuetypes/10010')).body as {
        fields: { fieldId: string }[];
      };
      const res = await alice.post('/issue', {
        fields: {
          project: { key: 'OPS' },
          issuetype: { id: '10010' },
          summary: 's',
          customfield_10101: { value: 'Login' },
        },
      });
      await control(standIn.url, 'POST', '/screens', {
        project: 'OPS',
        issueType: '10010',
        addFields: ['customfield_10101'],
      });

      // Assess
      expect(meta.fields.map((f) => f.fieldId)).not.toContain('customfield_10101');
      expect(res.body).toEqual({
        errorMessages: [],
        errors: { customfield_10101: CANNOT_BE_SET('customfield_10101') },
      });
    });
  });

  describe('human view', () => {
    it('renders an issue with its fields by name and escapes HTML from the alert', async () => {
      // Prepare
      const description = {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: '<script>alert(1)</script>' }] },
          {
            type: 'table',
            content: [
              {
                type: 'tableRow',
                content: [
                  {
                    type: 'tableHeader',
                    content: [{ type: 'paragraph', content: [{ type: 'text', text: 'remote_address' }] }],
                  },
                  {
                    type: 'tableCell',
                    content: [{ type: 'paragraph', content: [{ type: 'text', text: '110.227.52.162' }] }],
                  },
                ],
              },
            ],
          },
          {
            type: 'codeBlock',
            attrs: { language: 'json' },
            content: [{ type: 'text', text: '{"audit_event":"<img src=x onerror=alert(1)>"}' }],
          },
        ],
      };
      const { key } = (
        await alice.post(
          '/issue',
          secTask({ summary: '<b>bold</b> alert', description, customfield_10050: '110.227.52.162' }),
        )
      ).body as { key: string };

      // Act
      const res = await fetch(`${standIn.url}/browse/${key}`);
      const html = await res.text();

      // Assess
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>bold</b>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('<table>');
      expect(html).toContain('<pre data-language="json"><code>');
      expect(html).toContain('Remote IP Address');
    });

    it('lists projects and issues on the home page', async () => {
      // Act
      const html = await (await fetch(`${standIn.url}/`)).text();

      // Assess
      expect(html).toContain('Security Operations');
      expect(html).toContain('Ops Team');
      expect(html).toMatch(/href="\/browse\/SEC-\d+"/);
    });
  });
});

describe('jira stand-in: persistence', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jira-stand-in-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps issues and grants across a restart when a data file is given', async () => {
    // Prepare
    const dataFile = join(dir, 'jira.json');
    const first = await start({ dataFile });
    const tokens = await signIn(first.url, ALICE);
    const created = (await jiraApi(first.url, first.cloudId, tokens.access_token).post('/issue', secTask({}))).body as {
      key: string;
    };
    await first.close();

    // Act
    const second = await start({ dataFile });
    const refreshed = await postToken(second.url, {
      grant_type: 'refresh_token',
      ...clientCredentials(),
      refresh_token: tokens.refresh_token,
    });
    const issues = (await control(second.url, 'GET', '/issues')) as { issues: { key: string }[] };
    const next = (
      await jiraApi(second.url, second.cloudId, (refreshed.body as TokenResponse).access_token).post(
        '/issue',
        secTask({}),
      )
    ).body as { key: string };
    await second.close();

    // Assess
    expect(issues.issues.map((i) => i.key)).toEqual([created.key]);
    expect(refreshed.status).toBe(200);
    expect(next.key).toBe('SEC-2');
  });
});
