import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JiraIssueTracker, type JiraIssueTrackerOptions, jqlString } from '#adapters/jira-rest-client.ts';
import { JiraRejectedError, JiraTransientError, JiraUnauthorizedError } from '#domain/errors.ts';
import { type JiraStandIn, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import {
  ALICE,
  control,
  jiraApi,
  setIssueStatus,
  signIn,
  TEST_CLIENT,
  TEST_REDIRECT_URI,
} from '#test-support/jira-stand-in-session.ts';

const doc = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const adf = (text: string) => ({
  type: 'doc' as const,
  version: 1 as const,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const JIRA_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const PAT_ID = '712020:9a7a0000-0000-4000-8000-000000000002';
const secTask = (fields: Record<string, unknown> = {}) => ({
  project: { key: 'SEC' },
  issuetype: { id: '10001' },
  summary: 'Jira Alerts: audit_alert_resumed',
  ...fields,
});

describe('JiraIssueTracker', () => {
  let standIn: JiraStandIn;
  let accessToken: string;
  const tracker = (overrides: Partial<JiraIssueTrackerOptions> = {}) =>
    new JiraIssueTracker({
      apiUrl: standIn.url,
      cloudId: () => standIn.cloudId,
      accessToken: async () => accessToken,
      timeoutMs: 2000,
      ...overrides,
    });
  const requests = async () =>
    ((await control(standIn.url, 'GET', '/requests')) as { routes: Record<string, number> }).routes;

  beforeAll(async () => {
    standIn = await startJiraStandIn({ port: 0, ...TEST_CLIENT, redirectUris: [TEST_REDIRECT_URI] });
    accessToken = (await signIn(standIn.url, ALICE)).access_token;
  });
  afterAll(async () => {
    await standIn.close();
  });
  beforeEach(async () => {
    await control(standIn.url, 'DELETE', '/faults');
    await control(standIn.url, 'POST', '/reset-counters');
  });

  describe('createIssue', () => {
    it('creates an issue with one Jira call and returns its key', async () => {
      // Act
      const created = await tracker().createIssue(secTask({ description: doc('hello'), labels: ['keeper'] }));

      // Assess
      expect(created).toEqual({ id: expect.any(String), key: expect.stringMatching(/^SEC-\d+$/) });
      expect(await requests()).toEqual({ 'POST /issue': 1 });
    });

    it('throws JiraRejectedError with Jira field errors on 400', async () => {
      // Act
      const error = await tracker()
        .createIssue(secTask({ description: 'plain', customfield_99999: 'x' }))
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      const rejected = error as JiraRejectedError;
      expect(rejected.status).toBe(400);
      expect(rejected.fieldErrors).toEqual({
        description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
        customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
      });
    });

    it('keeps Jira errorMessages for the generic ADF refusal', async () => {
      // Act
      const error = await tracker()
        .createIssue(secTask({ description: doc('') }))
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).errorMessages[0]).toMatch(/^We can't create this issue for you right now/);
    });

    it('throws JiraTransientError with retryAfterSeconds on 429', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issue', status: 429, retryAfterSeconds: 7 });

      // Act
      const error = await tracker()
        .createIssue(secTask())
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).retryAfterSeconds).toBe(7);
      expect((error as JiraTransientError).mayHaveCreated).toBe(false);
    });

    it('marks a 500 on create as may-have-created', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issue', status: 500 });

      // Act
      const error = await tracker()
        .createIssue(secTask())
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).mayHaveCreated).toBe(true);
    });

    it('marks a timeout on create as may-have-created, and the issue can be found again by label', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issue', mode: 'timeout', processRequest: true });

      // Act
      const error = await tracker({ timeoutMs: 250 })
        .createIssue(secTask({ labels: ['keeper-alert-lost-answer'] }))
        .catch((e: unknown) => e);
      const found = await tracker().findIssueByLabel('SEC', 'keeper-alert-lost-answer');

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).mayHaveCreated).toBe(true);
      expect(found?.key).toMatch(/^SEC-\d+$/);
    });

    it('throws JiraTransientError without may-have-created when Jira cannot be reached', async () => {
      // Prepare
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 9;
      await new Promise<void>((resolve) => server.close(() => resolve()));

      // Act
      const error = await tracker({ apiUrl: `http://127.0.0.1:${port}` })
        .createIssue(secTask())
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).mayHaveCreated).toBe(false);
    });

    it('never exposes the access token in a thrown error', async () => {
      // Prepare
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issue', status: 503 });

      // Act
      const error = await tracker()
        .createIssue(secTask())
        .catch((e: unknown) => e);

      // Assess
      const dump = inspect(error, { depth: 10, showHidden: true });
      expect(dump).not.toContain(accessToken);
      expect(dump).not.toMatch(/authorization/i);
    });
  });

  describe('401 handling', () => {
    it('calls onUnauthorized and retries once with the new token', async () => {
      // Prepare
      let current = 'stale-token';
      let refreshed = 0;
      const withRefresh = tracker({
        accessToken: async () => current,
        onUnauthorized: async () => {
          refreshed += 1;
          current = accessToken;
        },
      });

      // Act
      const created = await withRefresh.createIssue(secTask());

      // Assess
      expect(created.key).toMatch(/^SEC-\d+$/);
      expect(refreshed).toBe(1);
      expect(await requests()).toEqual({ 'POST /issue': 2 });
    });

    it('gives up with JiraUnauthorizedError when the retry is refused too', async () => {
      // Prepare
      let refreshed = 0;
      const hopeless = tracker({
        accessToken: async () => 'always-bad',
        onUnauthorized: async () => {
          refreshed += 1;
        },
      });

      // Act
      const error = await hopeless.listProjects().catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraUnauthorizedError);
      expect(refreshed).toBe(1);
      expect(await requests()).toEqual({ 'GET /project/search': 2 });
    });
  });

  describe('attachments', () => {
    const api = () => jiraApi(standIn.url, standIn.cloudId, accessToken);
    const contentOf = async (id: string) =>
      new Uint8Array(await (await api().fetch(`/attachment/content/${id}?redirect=false`)).arrayBuffer());

    it('attaches a text as its UTF-8 bytes with one multipart call and lists it on the issue', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/reset-counters');
      const text = '{ "name": "Zoë 😀", "n": 1e400 }';

      // Act
      const attached = await tracker().addAttachment(
        key,
        'keeper-alert-0123456789abcdef.json',
        text,
        'application/json',
      );
      const listed = await tracker().listAttachments(key);
      const calls = await requests();

      // Assess
      const bytes = new TextEncoder().encode(text);
      expect(attached).toEqual({
        id: expect.any(String),
        filename: 'keeper-alert-0123456789abcdef.json',
        size: bytes.byteLength,
      });
      expect(listed).toEqual([attached]);
      expect(calls).toEqual({ 'POST /issue/{issueIdOrKey}/attachments': 1, 'GET /issue/{issueIdOrKey}': 1 });
      expect(await contentOf(attached.id)).toEqual(bytes);
    });

    it('sends bytes unchanged, invalid UTF-8 included', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0xc3, 0x7d]);

      // Act
      const attached = await tracker().addAttachment(key, 'raw.txt', bytes, 'text/plain');

      // Assess
      expect(await contentOf(attached.id)).toEqual(bytes);
    });

    it('sends the upload again, whole, after a 401 and a token refresh', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      let current = 'stale-token';
      const withRefresh = tracker({
        accessToken: async () => current,
        onUnauthorized: async () => {
          current = accessToken;
        },
      });

      // Act
      const attached = await withRefresh.addAttachment(key, 'again.json', '{"a":1}', 'application/json');

      // Assess
      expect(await contentOf(attached.id)).toEqual(new TextEncoder().encode('{"a":1}'));
    });

    it('throws JiraRejectedError for an unknown issue and JiraTransientError for a 503', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/faults', {
        path: 'POST /issue/{issueIdOrKey}/attachments',
        status: 503,
        count: 1,
      });

      // Act
      const unavailable = await tracker()
        .addAttachment(key, 'a.json', '{}', 'application/json')
        .catch((e: unknown) => e);
      const unknown = await tracker()
        .addAttachment('SEC-99999', 'a.json', '{}', 'application/json')
        .catch((e: unknown) => e);

      // Assess
      expect(unknown).toBeInstanceOf(JiraRejectedError);
      expect((unknown as JiraRejectedError).status).toBe(404);
      expect(unavailable).toBeInstanceOf(JiraTransientError);
      expect(await tracker().listAttachments(key)).toEqual([]);
    });

    it('tells the observer which issue a write went to (Jira limits writes per issue)', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      const signals: unknown[] = [];

      // Act
      await tracker({ observe: async (signal) => void signals.push(signal) }).addAttachment(
        key,
        'a.json',
        '{}',
        'application/json',
      );

      // Assess
      expect(signals).toEqual([expect.objectContaining({ status: 200, issueKey: key })]);
    });
  });

  describe('reads', () => {
    it('fetches every page of create fields', async () => {
      // Act
      const fields = await tracker({ pageSize: 10 }).listCreateFields('SEC', '10001');

      // Assess
      expect(fields.length).toBeGreaterThan(20);
      expect(new Set(fields.map((f) => f.fieldId)).size).toBe(fields.length);
      expect((await requests())['GET /issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}']).toBe(
        Math.ceil(fields.length / 10),
      );
      expect(fields.find((f) => f.fieldId === 'customfield_10051')).toEqual({
        fieldId: 'customfield_10051',
        name: 'Event Category',
        required: false,
        hasDefaultValue: false,
        schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
        allowedValues: expect.arrayContaining([{ id: '10100', value: 'Login' }]),
      });
      expect(fields.find((f) => f.fieldId === 'priority')?.allowedValues).toHaveLength(5);
    });

    it('lists every project over several pages with its style', async () => {
      // Act
      const projects = await tracker({ pageSize: 1 }).listProjects();

      // Assess
      expect(projects).toEqual([
        { id: '10001', key: 'OPS', name: 'Ops Team', style: 'next-gen' },
        { id: '10000', key: 'SEC', name: 'Security Operations', style: 'classic' },
      ]);
      expect((await requests())['GET /project/search']).toBe(2);
    });

    it('lists issue types with hierarchy levels', async () => {
      // Act
      const types = await tracker({ pageSize: 2 }).listIssueTypes('SEC');

      // Assess
      expect(types).toHaveLength(5);
      expect(types.find((t) => t.name === 'Sub-task')).toEqual({
        id: '10003',
        name: 'Sub-task',
        subtask: true,
        hierarchyLevel: -1,
      });
    });

    it('throws JiraRejectedError with status 404 for an unknown project', async () => {
      // Act
      const error = await tracker()
        .listIssueTypes('NOPE')
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).status).toBe(404);
    });

    it('finds no issue for a label nobody used', async () => {
      // Act
      const found = await tracker().findIssueByLabel('SEC', 'keeper-alert-never');

      // Assess
      expect(found).toBeUndefined();
    });

    it('searches users and keeps hidden e-mails hidden', async () => {
      // Act
      const users = await tracker().searchUsers('hidden');

      // Assess
      expect(users).toEqual([{ accountId: expect.any(String), displayName: 'Hidden Harper', active: true }]);
    });

    it('finds a user by account id, and nobody for an unknown id', async () => {
      // Prepare
      const [harper] = await tracker().searchUsers('hidden');

      // Act
      const found = await tracker().findUserByAccountId(harper?.accountId ?? '');
      const missing = await tracker().findUserByAccountId('712020:nobody');

      // Assess
      expect(found).toEqual({ accountId: harper?.accountId, displayName: 'Hidden Harper' });
      expect(missing).toBeUndefined();
    });
  });

  describe('issue state and transitions', () => {
    const api = () => jiraApi(standIn.url, standIn.cloudId, accessToken);

    it('reads the status and its category of a new issue with one call', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/reset-counters');

      // Act
      const state = await tracker().getIssueState(key);

      // Assess
      expect(state).toEqual({ key, statusName: 'To Do', statusCategory: 'new' });
      expect(await requests()).toEqual({ 'GET /issue/{issueIdOrKey}': 1 });
    });

    it('reads the resolution and its date once an analyst resolved the issue', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await setIssueStatus(standIn.url, key, 'Done', "Won't Do");

      // Act
      const state = await tracker().getIssueState(key);

      // Assess
      expect(state).toEqual({
        key,
        statusName: 'Done',
        statusCategory: 'done',
        resolution: "Won't Do",
        resolutionDate: expect.stringMatching(JIRA_TIMESTAMP),
      });
    });

    it('answers undefined for an issue that does not exist', async () => {
      // Act
      const state = await tracker().getIssueState('SEC-99999');

      // Assess
      expect(state).toBeUndefined();
    });

    it('lists the transitions the issue offers in its status, with their target status category', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());

      // Act
      const transitions = await tracker().listTransitions(key);

      // Assess
      expect(transitions).toEqual([
        { id: '21', name: 'Start progress', toStatusName: 'In Progress', toStatusCategory: 'indeterminate' },
        { id: '31', name: 'Done', toStatusName: 'Done', toStatusCategory: 'done' },
        { id: '41', name: "Won't do", toStatusName: 'Done', toStatusCategory: 'done' },
      ]);
    });

    it('takes a transition and adds the comment in the same call', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/reset-counters');

      // Act
      await tracker().transitionIssue(key, '41', adf('Closed by the relay'));
      const calls = await requests();
      const state = await tracker().getIssueState(key);
      const comments = await api().get(`/issue/${key}/comment`);

      // Assess
      expect(calls).toEqual({ 'POST /issue/{issueIdOrKey}/transitions': 1 });
      expect(state).toMatchObject({ statusName: 'Done', statusCategory: 'done', resolution: "Won't Do" });
      expect(comments.body).toMatchObject({ total: 1, comments: [{ body: adf('Closed by the relay') }] });
    });

    it("throws JiraRejectedError with Jira's message for a transition the issue does not offer", async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());

      // Act
      const error = await tracker()
        .transitionIssue(key, '51')
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).status).toBe(400);
      expect((error as JiraRejectedError).errorMessages).toEqual(["Transition id '51' is not valid for this issue."]);
    });

    it('throws JiraTransientError when Jira answers 503 to the transitions list', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/faults', { path: 'GET /issue/{issueIdOrKey}/transitions', status: 503 });

      // Act
      const error = await tracker()
        .listTransitions(key)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
    });
  });

  describe('editIssue', () => {
    const api = () => jiraApi(standIn.url, standIn.cloudId, accessToken);

    it('sets fields and adds a comment with one PUT', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask({ labels: ['keeper'] }));
      await control(standIn.url, 'POST', '/reset-counters');

      // Act
      await tracker().editIssue(key, {
        fields: { summary: 'Grouped: 3 alerts', labels: ['keeper', 'grouped'] },
        comment: adf('Two more alerts arrived'),
      });
      const calls = await requests();
      const issue = await api().get(`/issue/${key}?fields=summary,labels,comment`);

      // Assess
      expect(calls).toEqual({ 'PUT /issue/{issueIdOrKey}': 1 });
      expect(issue.body).toMatchObject({
        fields: {
          summary: 'Grouped: 3 alerts',
          labels: ['keeper', 'grouped'],
          comment: { total: 1, comments: [{ body: adf('Two more alerts arrived') }] },
        },
      });
    });

    it('adds only a comment when no field changes', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());

      // Act
      await tracker().editIssue(key, { fields: {}, comment: adf('Seen again') });
      const comments = await api().get(`/issue/${key}/comment`);

      // Assess
      expect(comments.body).toMatchObject({ total: 1 });
    });

    it('sends nothing when there is nothing to change', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/reset-counters');

      // Act
      await tracker().editIssue(key, {});

      // Assess
      expect(await requests()).toEqual({});
    });

    it("throws JiraRejectedError with Jira's field errors on 400", async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());

      // Act
      const error = await tracker()
        .editIssue(key, { fields: { customfield_99999: 'x', summary: 'a'.repeat(256) } })
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).fieldErrors).toEqual({
        customfield_99999: "Field 'customfield_99999' cannot be set. It is not on the appropriate screen, or unknown.",
        summary: "Summary can't exceed 255 characters.",
      });
    });

    it('throws JiraRejectedError with status 404 for an issue that does not exist', async () => {
      // Act
      const error = await tracker()
        .editIssue('SEC-99999', { comment: adf('hello') })
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).status).toBe(404);
    });

    it('names the issue to the observer, so a per-issue 429 holds only that issue', async () => {
      // Prepare
      const { key } = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/faults', {
        path: 'PUT /issue/{issueIdOrKey}',
        status: 429,
        retryAfterSeconds: 2,
        rateLimitReason: 'jira-per-issue-on-write',
      });
      const signals: unknown[] = [];

      // Act
      const error = await tracker({ observe: async (signal) => void signals.push(signal) })
        .editIssue(key, { comment: adf('hello') })
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).retryAfterSeconds).toBe(2);
      expect(signals).toEqual([
        expect.objectContaining({ status: 429, reason: 'jira-per-issue-on-write', issueKey: key }),
      ]);
    });
  });

  describe('linkIssues', () => {
    const api = () => jiraApi(standIn.url, standIn.cloudId, accessToken);

    it('links two issues with one call, naming the outward issue to the observer', async () => {
      // Prepare
      const group = await tracker().createIssue(secTask());
      const member = await tracker().createIssue(secTask());
      await control(standIn.url, 'POST', '/reset-counters');
      const signals: unknown[] = [];

      // Act
      await tracker({ observe: async (signal) => void signals.push(signal) }).linkIssues(
        'Relates',
        group.key,
        member.key,
      );
      const calls = await requests();
      const links = await api().get(`/issue/${group.key}?fields=issuelinks`);

      // Assess
      expect(calls).toEqual({ 'POST /issueLink': 1 });
      expect(signals).toEqual([expect.objectContaining({ status: 201, issueKey: member.key })]);
      expect(links.body).toMatchObject({
        fields: { issuelinks: [{ type: { name: 'Relates' }, outwardIssue: { key: member.key } }] },
      });
    });

    it('throws JiraRejectedError with status 404 for a link type Jira does not know', async () => {
      // Prepare
      const a = await tracker().createIssue(secTask());
      const b = await tracker().createIssue(secTask());

      // Act
      const error = await tracker()
        .linkIssues('Related to', a.key, b.key)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect((error as JiraRejectedError).status).toBe(404);
      expect((error as JiraRejectedError).errorMessages).toEqual(["No issue link type with name 'Related to' found."]);
    });
  });

  describe('assignable users and security levels', () => {
    it('finds the users who may be assigned issues in a project, by name or e-mail prefix', async () => {
      // Act
      const sec = await tracker().findAssignableUsers('SEC', { query: 'pat' });
      const ops = await tracker().findAssignableUsers('OPS', { query: 'pat' });
      const everyone = await tracker().findAssignableUsers('OPS', {});

      // Assess
      expect(sec).toEqual([
        {
          accountId: PAT_ID,
          displayName: 'Pat ProjectAdmin',
          emailAddress: 'pat.projectadmin@example.com',
          active: true,
        },
      ]);
      expect(ops).toEqual([]);
      expect(everyone.map((u) => u.displayName)).toEqual(['Alice Admin', 'Rita Regular', 'Hidden Harper']);
    });

    it('answers the user with that account id only when they are assignable', async () => {
      // Act
      const inSec = await tracker().findAssignableUsers('SEC', { accountId: PAT_ID });
      const inOps = await tracker().findAssignableUsers('OPS', { accountId: PAT_ID });

      // Assess
      expect(inSec.map((u) => u.accountId)).toEqual([PAT_ID]);
      expect(inOps).toEqual([]);
      expect((await requests())['GET /user/assignable/search']).toBe(2);
    });

    it("lists the levels of the project's security scheme, and none for a project without one", async () => {
      // Act
      const sec = await tracker().listSecurityLevels('SEC');
      const ops = await tracker().listSecurityLevels('OPS');

      // Assess
      expect(sec).toEqual([
        { id: '10100', name: 'Internal' },
        { id: '10101', name: 'Security team only' },
      ]);
      expect(ops).toEqual([]);
    });

    it('throws JiraRejectedError with status 404 for an unknown project', async () => {
      // Act
      const levels = await tracker()
        .listSecurityLevels('NOPE')
        .catch((e: unknown) => e);
      const users = await tracker()
        .findAssignableUsers('NOPE', { query: 'a' })
        .catch((e: unknown) => e);

      // Assess
      expect((levels as JiraRejectedError).status).toBe(404);
      expect((users as JiraRejectedError).status).toBe(404);
    });
  });

  describe('jqlString', () => {
    it('escapes quotes and backslashes so a value cannot extend the query', () => {
      // Act
      const quoted = jqlString('a" OR project = "X\\');

      // Assess
      expect(quoted).toBe('"a\\" OR project = \\"X\\\\"');
    });
  });
});
