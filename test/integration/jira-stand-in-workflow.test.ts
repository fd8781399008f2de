import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraIssueTracker } from '#adapters/jira-rest-client.ts';
import { JiraRejectedError, JiraTransientError } from '#domain/errors.ts';
import type { AdfDocument } from '#domain/ports.ts';
import { type JiraStandIn, type JiraStandInOptions, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import {
  ALICE,
  control,
  type JiraApi,
  jiraApi,
  RITA,
  readIssueActivity,
  resetStats,
  setClock,
  setIssueStatus,
  signIn,
  TEST_CLIENT,
  TEST_REDIRECT_URI,
} from '#test-support/jira-stand-in-session.ts';

const CANNOT_BE_SET = (id: string) => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
const PAT_ID = '712020:9a7a0000-0000-4000-8000-000000000002';
const RITA_ID = '712020:417a0000-0000-4000-8000-000000000003';
const JIRA_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const doc = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const adf = (text: string): AdfDocument => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const secTask = (fields: Record<string, unknown> = {}) => ({
  fields: { project: { key: 'SEC' }, issuetype: { id: '10001' }, summary: 'Keeper alert', ...fields },
});
const opsTask = (fields: Record<string, unknown> = {}) => ({
  fields: { project: { key: 'OPS' }, issuetype: { id: '10010' }, summary: 'Keeper alert', ...fields },
});

async function start(extra: Partial<JiraStandInOptions> = {}): Promise<JiraStandIn> {
  return startJiraStandIn({ port: 0, ...TEST_CLIENT, redirectUris: [TEST_REDIRECT_URI], ...extra });
}

async function create(api: JiraApi, body: unknown): Promise<string> {
  const res = await api.post('/issue', body);
  if (res.status !== 201) throw new Error(`create failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { key: string }).key;
}

describe('jira stand-in: workflows, edits, links, assignable users and security levels', () => {
  let standIn: JiraStandIn;
  let alice: JiraApi;
  let rita: JiraApi;
  let readOnly: JiraApi;

  beforeAll(async () => {
    standIn = await start();
    alice = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, ALICE)).access_token);
    rita = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, RITA)).access_token);
    readOnly = jiraApi(
      standIn.url,
      standIn.cloudId,
      (await signIn(standIn.url, ALICE, 'read:jira-work read:jira-user')).access_token,
    );
  });
  afterAll(async () => {
    await standIn.close();
  });

  describe('status and resolution on GET /issue', () => {
    it('gives a new SEC issue the status To Do in category new, without resolution', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.get(`/issue/${key}?fields=status,resolution,resolutiondate`);

      // Assess
      expect(res.status).toBe(200);
      const fields = (res.body as { fields: Record<string, unknown> }).fields;
      expect(Object.keys(fields).sort()).toEqual(['resolution', 'resolutiondate', 'status']);
      expect(fields).toMatchObject({
        status: { name: 'To Do', id: '10000', statusCategory: { key: 'new', name: 'To Do', id: 2 } },
        resolution: null,
        resolutiondate: null,
      });
    });

    it('gives a team-managed OPS issue its project-scoped To Do status', async () => {
      // Prepare
      const key = await create(alice, opsTask());

      // Act
      const res = await alice.get(`/issue/${key}?fields=status`);

      // Assess
      expect(res.body).toMatchObject({
        fields: {
          status: {
            name: 'To Do',
            id: '10010',
            statusCategory: { key: 'new' },
            scope: { type: 'PROJECT', project: { id: '10001' } },
          },
        },
      });
    });

    it('returns security, resolution, links and comments among all fields', async () => {
      // Prepare
      const key = await create(alice, secTask({ security: { id: '10101' } }));

      // Act
      const res = await alice.get(`/issue/${key}`);

      // Assess
      expect(res.body).toMatchObject({
        fields: {
          security: { id: '10101', name: 'Security team only' },
          resolution: null,
          issuelinks: [],
          comment: { comments: [], total: 0 },
        },
      });
    });
  });

  describe('transitions (company-managed SEC)', () => {
    it('lists the transitions of To Do with their target status and category', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.get(`/issue/${key}/transitions`);

      // Assess
      expect(res.status).toBe(200);
      const transitions = (res.body as { transitions: Record<string, unknown>[] }).transitions;
      expect(transitions.map((t) => [t['id'], t['name']])).toEqual([
        ['21', 'Start progress'],
        ['31', 'Done'],
        ['41', "Won't do"],
      ]);
      expect(transitions[0]).toMatchObject({
        isAvailable: true,
        hasScreen: false,
        to: { name: 'In Progress', id: '3', statusCategory: { key: 'indeterminate', id: 4 } },
      });
    });

    it('offers Done, Stop progress and Won’t do from In Progress, and an empty list for an id it does not offer', async () => {
      // Prepare
      const key = await create(alice, secTask());
      await alice.post(`/issue/${key}/transitions`, { transition: { id: '21' } });

      // Act
      const all = await alice.get(`/issue/${key}/transitions`);
      const one = await alice.get(`/issue/${key}/transitions?transitionId=51`);

      // Assess
      expect((all.body as { transitions: { name: string }[] }).transitions.map((t) => t.name)).toEqual([
        'Stop progress',
        'Done',
        "Won't do",
      ]);
      expect(one.body).toMatchObject({ transitions: [] });
    });

    it('resolves the issue as Done with a date, and Reopen clears both', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const done = await alice.post(`/issue/${key}/transitions`, { transition: { id: '31' } });
      const resolved = await alice.get(`/issue/${key}?fields=status,resolution,resolutiondate`);
      const offered = await alice.get(`/issue/${key}/transitions`);
      const reopen = await alice.post(`/issue/${key}/transitions`, { transition: { id: 51 } });
      const reopened = await alice.get(`/issue/${key}?fields=status,resolution,resolutiondate`);

      // Assess
      expect(done.status).toBe(204);
      expect(done.body).toBeUndefined();
      expect(resolved.body).toMatchObject({
        fields: {
          status: { name: 'Done', statusCategory: { key: 'done' } },
          resolution: { id: '10000', name: 'Done' },
          resolutiondate: expect.stringMatching(JIRA_TIMESTAMP),
        },
      });
      expect(offered.body).toMatchObject({ transitions: [{ id: '51', name: 'Reopen' }] });
      expect(reopen.status).toBe(204);
      expect(reopened.body).toMatchObject({
        fields: { status: { name: 'To Do' }, resolution: null, resolutiondate: null },
      });
    });

    it("resolves as Won't Do through the won't-do transition and adds the comment sent with it", async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.post(`/issue/${key}/transitions`, {
        transition: { id: '41' },
        update: { comment: [{ add: { body: doc('False positive') } }] },
      });
      const issue = await alice.get(`/issue/${key}?fields=resolution`);
      const comments = await alice.get(`/issue/${key}/comment`);

      // Assess
      expect(res.status).toBe(204);
      expect(issue.body).toMatchObject({ fields: { resolution: { name: "Won't Do" } } });
      expect(comments.body).toMatchObject({ total: 1, comments: [{ body: doc('False positive') }] });
    });

    it("refuses a transition the status does not offer with Jira's message", async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.post(`/issue/${key}/transitions`, { transition: { id: '51' } });

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: ["Transition id '51' is not valid for this issue."], errors: {} });
    });

    it.each([
      ['no transition', {}],
      ['a null id', { transition: { id: null } }],
      ['a name instead of an id', { transition: { id: 'Done' } }],
    ])('refuses %s: the identifier must be an integer', async (_case, body) => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.post(`/issue/${key}/transitions`, body);

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: ["'transition' identifier must be an integer"], errors: {} });
    });

    it('refuses a field the transition has no screen for, and leaves the issue where it was', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.post(`/issue/${key}/transitions`, {
        transition: { id: '31' },
        fields: { resolution: { name: 'Duplicate' } },
      });
      const issue = await alice.get(`/issue/${key}?fields=status`);

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [], errors: { resolution: CANNOT_BE_SET('resolution') } });
      expect(issue.body).toMatchObject({ fields: { status: { name: 'To Do' } } });
    });

    it('answers 404 for an issue that does not exist, and 401 without the write scope', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const list = await alice.get('/issue/SEC-9999/transitions');
      const take = await alice.post('/issue/SEC-9999/transitions', { transition: { id: '31' } });
      const scope = await readOnly.post(`/issue/${key}/transitions`, { transition: { id: '31' } });

      // Assess
      const notFound = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
      expect([list.status, take.status]).toEqual([404, 404]);
      expect(list.body).toEqual(notFound);
      expect(take.body).toEqual(notFound);
      expect(scope.status).toBe(401);
      expect(scope.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    });

    it('finds issues by status, status category and resolution in JQL', async () => {
      // Prepare
      const label = 'jql-status-check';
      const open = await create(alice, secTask({ labels: [label] }));
      const closed = await create(alice, secTask({ labels: [label] }));
      await alice.post(`/issue/${closed}/transitions`, { transition: { id: '41' } });
      const search = async (jql: string) =>
        (
          (await alice.post('/search/jql', { jql, fields: ['summary'] })).body as { issues: { key: string }[] }
        ).issues.map((i) => i.key);

      // Act
      const done = await search(`labels = ${label} AND statusCategory = Done`);
      const todo = await search(`labels = ${label} AND status = "To Do"`);
      const wontDo = await search(`labels = ${label} AND resolution = "Won't Do"`);

      // Assess
      expect(done).toEqual([closed]);
      expect(todo).toEqual([open]);
      expect(wontDo).toEqual([closed]);
    });
  });

  describe('transitions (team-managed OPS)', () => {
    it('offers every other status from any status and resolves as Done on Done', async () => {
      // Prepare
      const key = await create(alice, opsTask());

      // Act
      const fromToDo = await alice.get(`/issue/${key}/transitions`);
      await alice.post(`/issue/${key}/transitions`, { transition: { id: '31' } });
      const fromDone = await alice.get(`/issue/${key}/transitions`);
      const issue = await alice.get(`/issue/${key}?fields=status,resolution`);

      // Assess
      expect(fromToDo.body).toMatchObject({
        transitions: [
          {
            id: '21',
            name: 'In Progress',
            isGlobal: true,
            to: { id: '10011', statusCategory: { key: 'indeterminate' } },
          },
          { id: '31', name: 'Done', isGlobal: true, to: { id: '10012', statusCategory: { key: 'done' } } },
        ],
      });
      expect((fromDone.body as { transitions: { name: string }[] }).transitions.map((t) => t.name)).toEqual([
        'To Do',
        'In Progress',
      ]);
      expect(issue.body).toMatchObject({ fields: { status: { name: 'Done' }, resolution: { name: 'Done' } } });
    });
  });

  describe('PUT /issue/{key} (edit)', () => {
    it('sets fields, answers 204, and with returnIssue=true answers 200 with the issue', async () => {
      // Prepare
      const key = await create(alice, secTask({ labels: ['keeper'] }));

      // Act
      const plain = await alice.put(`/issue/${key}`, { fields: { summary: 'Renamed', priority: { id: '2' } } });
      const returned = await alice.put(`/issue/${key}?returnIssue=true`, {
        fields: { customfield_10051: { value: 'Login' } },
      });

      // Assess
      expect(plain.status).toBe(204);
      expect(plain.body).toBeUndefined();
      expect(returned.status).toBe(200);
      expect(returned.body).toMatchObject({
        key,
        fields: {
          summary: 'Renamed',
          priority: { id: '2', name: 'High' },
          customfield_10051: { id: '10100', value: 'Login' },
          labels: ['keeper'],
        },
      });
    });

    it('adds and removes labels through update, and refuses a label with spaces', async () => {
      // Prepare
      const key = await create(alice, secTask({ labels: ['keeper', 'stale'] }));

      // Act
      const changed = await alice.put(`/issue/${key}`, {
        update: { labels: [{ add: 'grouped' }, { remove: 'stale' }, { add: 'keeper' }] },
      });
      const refused = await alice.put(`/issue/${key}`, { update: { labels: [{ add: 'two words' }] } });
      const issue = await alice.get(`/issue/${key}?fields=labels`);

      // Assess
      expect(changed.status).toBe(204);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        errorMessages: [],
        errors: { labels: "The label 'two words' contains spaces which is invalid." },
      });
      expect(issue.body).toMatchObject({ fields: { labels: ['keeper', 'grouped'] } });
    });

    it('adds the comment of update.comment, listed with the comments of the issue', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const res = await alice.put(`/issue/${key}`, {
        fields: { summary: 'Grouped: 2 alerts' },
        update: { comment: [{ add: { body: doc('Another alert arrived') } }] },
      });
      const comments = await alice.get(`/issue/${key}/comment`);

      // Assess
      expect(res.status).toBe(204);
      expect(comments.body).toMatchObject({
        total: 1,
        comments: [{ body: doc('Another alert arrived'), author: { displayName: 'Alice Admin' } }],
      });
    });

    it.each([
      [
        'an unknown field',
        { fields: { customfield_99999: 'x' } },
        { errorMessages: [], errors: { customfield_99999: CANNOT_BE_SET('customfield_99999') } },
      ],
      [
        'a read-only field',
        { fields: { status: { id: '10001' } } },
        { errorMessages: [], errors: { status: CANNOT_BE_SET('status') } },
      ],
      [
        'a string for an ADF field',
        { fields: { description: 'plain' } },
        {
          errorMessages: [],
          errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
        },
      ],
      [
        'a summary over 255 characters',
        { fields: { summary: 'x'.repeat(256) } },
        { errorMessages: [], errors: { summary: "Summary can't exceed 255 characters." } },
      ],
      [
        'an empty summary',
        { fields: { summary: '' } },
        { errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } },
      ],
      [
        'a field in both fields and update',
        { fields: { labels: ['a'] }, update: { labels: [{ add: 'b' }] } },
        { errorMessages: ["Field 'labels' cannot appear in both 'fields' and 'update'"], errors: {} },
      ],
      [
        'a comment in fields',
        { fields: { comment: doc('x') } },
        { errorMessages: [], errors: { comment: "Field does not support update 'comment'" } },
      ],
      [
        'a string comment body',
        { update: { comment: [{ add: { body: 'plain' } }] } },
        {
          errorMessages: [],
          errors: { comment: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' },
        },
      ],
      [
        'a comment over 32,767 characters',
        { update: { comment: [{ add: { body: doc('x'.repeat(33_000)) } }] } },
        {
          errorMessages: [],
          errors: { comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' },
        },
      ],
      [
        'an add to a single-value field',
        { update: { summary: [{ add: 'x' }] } },
        {
          errorMessages: [],
          errors: {
            summary:
              "Field with id' summary' and name 'Summary' does not support operation 'add' Supported operation(s) are: 'set'",
          },
        },
      ],
      [
        'a security level outside the scheme',
        { fields: { security: { id: '99999' } } },
        { errorMessages: [], errors: { security: 'Specify a valid value for Security Level' } },
      ],
      [
        'a security level by number',
        { fields: { security: { id: 10100 } } },
        { errorMessages: [], errors: { security: "Could not find valid 'id' or 'name' in security level object." } },
      ],
    ])('refuses %s on a SEC Task with Jira’s body', async (_case, body, expected) => {
      // Prepare
      const key = await create(alice, secTask({ labels: ['keeper'] }));

      // Act
      const res = await alice.put(`/issue/${key}`, body);

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    });

    it('refuses to clear a field the screen requires', async () => {
      // Prepare
      const key = await create(alice, {
        fields: {
          project: { key: 'SEC' },
          issuetype: { id: '10005' },
          summary: 'Incident',
          customfield_10055: { value: 'High' },
        },
      });

      // Act
      const res = await alice.put(`/issue/${key}`, { fields: { customfield_10055: null } });

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errorMessages: [], errors: { customfield_10055: 'Alert Severity is required.' } });
    });

    it('refuses priority on the team-managed OPS project like create does', async () => {
      // Prepare
      const key = await create(alice, opsTask());

      // Act
      const res = await alice.put(`/issue/${key}`, { fields: { priority: { id: '1' }, security: { id: '10100' } } });

      // Assess
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errorMessages: [],
        errors: { priority: CANNOT_BE_SET('priority'), security: CANNOT_BE_SET('security') },
      });
    });

    it('assigns only users who may be assigned issues in the project', async () => {
      // Prepare
      const sec = await create(alice, secTask());
      const ops = await create(alice, opsTask());

      // Act
      const inSec = await alice.put(`/issue/${sec}`, { fields: { assignee: { accountId: PAT_ID } } });
      const inOps = await alice.put(`/issue/${ops}`, { fields: { assignee: { accountId: PAT_ID } } });
      const unassign = await alice.put(`/issue/${sec}?returnIssue=true`, { fields: { assignee: null } });

      // Assess
      expect(inSec.status).toBe(204);
      expect(inOps.status).toBe(400);
      expect(inOps.body).toEqual({
        errorMessages: [],
        errors: { assignee: `User '${PAT_ID}' cannot be assigned issues.` },
      });
      expect(unassign.body).toMatchObject({ fields: { assignee: null } });
    });

    it('sets a security level by id or name for users with Set Issue Security only', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const byName = await alice.put(`/issue/${key}?returnIssue=true`, { fields: { security: { name: 'Internal' } } });
      const asRita = await rita.put(`/issue/${key}`, { fields: { security: { id: '10101' } } });

      // Assess
      expect(byName.body).toMatchObject({ fields: { security: { id: '10100', name: 'Internal' } } });
      expect(asRita.status).toBe(400);
      expect(asRita.body).toEqual({ errorMessages: [], errors: { security: CANNOT_BE_SET('security') } });
    });

    it('answers 404 for an unknown issue, 400 without a body and 401 without the write scope', async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const missing = await alice.put('/issue/SEC-9999', { fields: { summary: 'x' } });
      const noBody = await alice.fetch(`/issue/${key}`, { method: 'PUT' });
      const scope = await readOnly.put(`/issue/${key}`, { fields: { summary: 'x' } });

      // Assess
      expect(missing.status).toBe(404);
      expect(noBody.status).toBe(400);
      expect(await noBody.json()).toEqual({
        errorMessages: ['No content to map to Object due to end of input'],
        errors: {},
      });
      expect(scope.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    });
  });

  describe('security in create metadata and on create', () => {
    it('lists the security levels on SEC create screens for Alice, not for Rita, and never on OPS', async () => {
      // Act
      const fieldsOf = async (api: JiraApi, project: string, type: string) =>
        (
          (await api.get(`/issue/createmeta/${project}/issuetypes/${type}?maxResults=200`)).body as {
            fields: { fieldId: string; schema: unknown; allowedValues?: unknown[] }[];
          }
        ).fields;
      const sec = await fieldsOf(alice, 'SEC', '10001');
      const secForRita = await fieldsOf(rita, 'SEC', '10001');
      const ops = await fieldsOf(alice, 'OPS', '10010');

      // Assess
      expect(sec.find((f) => f.fieldId === 'security')).toMatchObject({
        schema: { type: 'securitylevel', system: 'security' },
        allowedValues: [
          { id: '10100', name: 'Internal' },
          { id: '10101', name: 'Security team only' },
        ],
      });
      expect(secForRita.some((f) => f.fieldId === 'security')).toBe(false);
      expect(ops.some((f) => f.fieldId === 'security')).toBe(false);
    });

    it('refuses on create a security level outside the scheme, an unassignable assignee, and a field in fields and update', async () => {
      // Act
      const security = await alice.post('/issue', secTask({ security: { id: '10199' } }));
      const assignee = await alice.post('/issue', opsTask({ assignee: { accountId: PAT_ID } }));
      const both = await alice.post('/issue', { ...secTask({ labels: ['a'] }), update: { labels: [{ add: 'b' }] } });

      // Assess
      expect(security.body).toEqual({
        errorMessages: [],
        errors: { security: 'Specify a valid value for Security Level' },
      });
      expect(assignee.body).toEqual({
        errorMessages: [],
        errors: { assignee: `User '${PAT_ID}' cannot be assigned issues.` },
      });
      expect(both.body).toEqual({
        errorMessages: ["Field 'labels' cannot appear in both 'fields' and 'update'"],
        errors: {},
      });
    });
  });

  describe('issue links', () => {
    it("lists Jira's default link types", async () => {
      // Act
      const res = await alice.get('/issueLinkType');

      // Assess
      expect(res.status).toBe(200);
      expect(
        (res.body as { issueLinkTypes: Record<string, string>[] }).issueLinkTypes.map(({ self: _, ...t }) => t),
      ).toEqual([
        { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
        { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
        { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
        { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
      ]);
    });

    it('links two issues once (201, empty body), shows the link on both sides and puts the comment on the outward issue', async () => {
      // Prepare
      const inward = await create(alice, secTask());
      const outward = await create(alice, opsTask());
      const link = {
        type: { name: 'Blocks' },
        inwardIssue: { key: inward },
        outwardIssue: { key: outward },
        comment: { body: doc('Linked by the relay') },
      };

      // Act
      const first = await alice.post('/issueLink', link);
      const again = await alice.post('/issueLink', { ...link, comment: undefined });
      const inwardLinks = await alice.get(`/issue/${inward}?fields=issuelinks`);
      const outwardLinks = await alice.get(`/issue/${outward}?fields=issuelinks`);
      const comments = await alice.get(`/issue/${outward}/comment`);

      // Assess
      expect(first.status).toBe(201);
      expect(first.body).toBeUndefined();
      expect(again.status).toBe(201);
      expect(inwardLinks.body).toMatchObject({
        fields: {
          issuelinks: [
            {
              type: { name: 'Blocks', outward: 'blocks' },
              outwardIssue: { key: outward, fields: { status: { name: 'To Do' } } },
            },
          ],
        },
      });
      expect((inwardLinks.body as { fields: { issuelinks: unknown[] } }).fields.issuelinks).toHaveLength(1);
      expect(outwardLinks.body).toMatchObject({
        fields: { issuelinks: [{ type: { name: 'Blocks' }, inwardIssue: { key: inward } }] },
      });
      expect(comments.body).toMatchObject({ total: 1, comments: [{ body: doc('Linked by the relay') }] });
    });

    it('shows the current status of the linked issue', async () => {
      // Prepare
      const a = await create(alice, secTask());
      const b = await create(alice, secTask());
      await alice.post('/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: a }, outwardIssue: { key: b } });

      // Act
      await setIssueStatus(standIn.url, b, 'Done', "Won't Do");
      const res = await alice.get(`/issue/${a}?fields=issuelinks`);

      // Assess
      expect(res.body).toMatchObject({
        fields: { issuelinks: [{ outwardIssue: { key: b, fields: { status: { name: 'Done' } } } }] },
      });
    });

    it("answers Jira's 404 for an unknown link type or issue and 400 for a link to itself", async () => {
      // Prepare
      const key = await create(alice, secTask());

      // Act
      const type = await alice.post('/issueLink', {
        type: { name: 'Related to' },
        inwardIssue: { key },
        outwardIssue: { key },
      });
      const issue = await alice.post('/issueLink', {
        type: { name: 'Relates' },
        inwardIssue: { key },
        outwardIssue: { key: 'SEC-9999' },
      });
      const self = await alice.post('/issueLink', {
        type: { name: 'Relates' },
        inwardIssue: { key },
        outwardIssue: { key },
      });

      // Assess
      expect(type.status).toBe(404);
      expect(type.body).toEqual({ errorMessages: ["No issue link type with name 'Related to' found."], errors: {} });
      expect(issue.status).toBe(404);
      expect(issue.body).toEqual({
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
      expect(self.status).toBe(400);
      expect(self.body).toEqual({ errorMessages: ['You cannot link an issue to itself.'], errors: {} });
    });
  });

  describe('GET /user/assignable/search', () => {
    const names = (body: unknown) => (body as { displayName: string }[]).map((u) => u.displayName);

    it('lists the assignable users of a project by name or visible e-mail prefix', async () => {
      // Act
      const sec = await alice.get('/user/assignable/search?project=SEC&query=');
      const ops = await alice.get('/user/assignable/search?project=OPS&query=');
      const byEmail = await alice.get('/user/assignable/search?project=SEC&query=rita.reg');
      const hiddenEmail = await alice.get('/user/assignable/search?project=SEC&query=harper.hidden');
      const hiddenByName = await alice.get('/user/assignable/search?project=SEC&query=harper');

      // Assess
      expect(names(sec.body)).toEqual(['Alice Admin', 'Pat ProjectAdmin', 'Rita Regular', 'Hidden Harper']);
      expect(names(ops.body)).toEqual(['Alice Admin', 'Rita Regular', 'Hidden Harper']);
      expect(names(byEmail.body)).toEqual(['Rita Regular']);
      expect(hiddenEmail.body).toEqual([]);
      expect(hiddenByName.body).toEqual([expect.not.objectContaining({ emailAddress: expect.anything() })]);
    });

    it('answers the user with that account id, by project or by issue', async () => {
      // Prepare
      const key = await create(alice, opsTask());

      // Act
      const rita = await alice.get(`/user/assignable/search?project=OPS&accountId=${RITA_ID}`);
      const patOnIssue = await alice.get(`/user/assignable/search?issueKey=${key}&accountId=${PAT_ID}`);

      // Assess
      expect(names(rita.body)).toEqual(['Rita Regular']);
      expect(patOnIssue.body).toEqual([]);
    });

    it.each([
      [
        'neither project nor issue',
        '/user/assignable/search?query=a',
        400,
        'No project, issue key or issue ID was provided',
      ],
      [
        'both query and accountId',
        `/user/assignable/search?project=SEC&query=a&accountId=${RITA_ID}`,
        400,
        "Only one of the 'query' and 'accountId' query parameters can be provided.",
      ],
      [
        'neither query nor accountId',
        '/user/assignable/search?project=SEC',
        400,
        "One of the 'query' or 'accountId' query parameters must be provided.",
      ],
      [
        'an unknown project',
        '/user/assignable/search?project=NOPE&query=a',
        404,
        "No project could be found with key 'NOPE'.",
      ],
    ])('refuses %s', async (_case, path, status, message) => {
      // Act
      const res = await alice.get(path);

      // Assess
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ errorMessages: [message], errors: {} });
    });
  });

  describe('GET /project/{key}/securitylevel', () => {
    it('lists the levels of SEC, none of OPS, none for a user without Set Issue Security, and 404 for an unknown project', async () => {
      // Act
      const sec = await alice.get('/project/SEC/securitylevel');
      const ops = await alice.get('/project/OPS/securitylevel');
      const forRita = await rita.get('/project/SEC/securitylevel');
      const unknown = await alice.get('/project/NOPE/securitylevel');

      // Assess
      expect(sec.status).toBe(200);
      expect(sec.body).toEqual({
        levels: [
          {
            self: expect.stringMatching(/\/rest\/api\/3\/securitylevel\/10100$/),
            id: '10100',
            name: 'Internal',
            description: 'Everyone working in Security Operations.',
          },
          {
            self: expect.stringMatching(/\/rest\/api\/3\/securitylevel\/10101$/),
            id: '10101',
            name: 'Security team only',
            description: 'Only the security team can see this issue.',
          },
        ],
      });
      expect(ops.body).toEqual({ levels: [] });
      expect(forRita.body).toEqual({ levels: [] });
      expect(unknown.status).toBe(404);
    });
  });

  describe('control endpoints', () => {
    it('counts the calls per issue in the stats, edits and comments apart', async () => {
      // Prepare
      const key = await create(alice, secTask());
      const other = await create(alice, secTask());
      await resetStats(standIn.url);

      // Act
      await alice.put(`/issue/${key}`, { fields: { summary: 'one' } });
      await alice.put(`/issue/${key}`, { fields: { summary: 'two' } });
      await alice.post(`/issue/${key}/comment`, { body: doc('note') });
      await alice.post(`/issue/${key}/transitions`, { transition: { id: '21' } });
      await alice.post('/issueLink', { type: { name: 'Relates' }, inwardIssue: { key }, outwardIssue: { key: other } });
      await alice.get(`/issue/${key}`);
      const activity = await readIssueActivity(standIn.url, key);
      const otherActivity = await readIssueActivity(standIn.url, other);

      // Assess
      expect(activity).toEqual({
        'GET /issue/{issueIdOrKey}': 1,
        'POST /issue/{issueIdOrKey}/comment': 1,
        'POST /issue/{issueIdOrKey}/transitions': 1,
        'POST /issueLink': 1,
        'PUT /issue/{issueIdOrKey}': 2,
      });
      expect(otherActivity).toEqual({ 'POST /issueLink': 1 });
    });
  });

  describe('the relay’s adapter against the stand-in', () => {
    it('reads, edits, transitions and links issues and finds users and security levels with one call each', async () => {
      // Prepare
      const token = (await signIn(standIn.url, ALICE)).access_token;
      const tracker = new JiraIssueTracker({
        apiUrl: standIn.url,
        cloudId: () => standIn.cloudId,
        accessToken: async () => token,
        timeoutMs: 2000,
      });
      const group = await tracker.createIssue(secTask().fields);
      const member = await tracker.createIssue(secTask().fields);
      await resetStats(standIn.url);

      // Act
      const before = await tracker.getIssueState(group.key);
      await tracker.editIssue(group.key, { fields: { labels: ['grouped'] }, comment: adf('One more') });
      await tracker.linkIssues('Relates', group.key, member.key);
      const offered = await tracker.listTransitions(group.key);
      const done = offered.find((t) => t.toStatusCategory === 'done' && t.name === 'Done');
      await tracker.transitionIssue(group.key, done?.id ?? '', adf('Resolved'));
      const after = await tracker.getIssueState(group.key);
      const assignable = await tracker.findAssignableUsers('SEC', { query: 'ri' });
      const levels = await tracker.listSecurityLevels('SEC');
      const activity = await readIssueActivity(standIn.url, group.key);

      // Assess
      expect(before).toEqual({ key: group.key, statusName: 'To Do', statusCategory: 'new' });
      expect(after).toEqual({
        key: group.key,
        statusName: 'Done',
        statusCategory: 'done',
        resolution: 'Done',
        resolutionDate: expect.stringMatching(JIRA_TIMESTAMP),
      });
      expect(assignable.map((u) => u.displayName)).toEqual(['Rita Regular']);
      expect(levels.map((l) => l.name)).toEqual(['Internal', 'Security team only']);
      expect(activity).toEqual({
        'GET /issue/{issueIdOrKey}': 2,
        'GET /issue/{issueIdOrKey}/transitions': 1,
        'POST /issue/{issueIdOrKey}/transitions': 1,
        'POST /issueLink': 1,
        'PUT /issue/{issueIdOrKey}': 1,
      });
      const comments = await alice.get(`/issue/${group.key}/comment`);
      expect(comments.body).toMatchObject({ total: 2 });
    });

    it('maps the stand-in’s refusals to the relay’s errors', async () => {
      // Prepare
      const token = (await signIn(standIn.url, ALICE)).access_token;
      const tracker = new JiraIssueTracker({
        apiUrl: standIn.url,
        cloudId: () => standIn.cloudId,
        accessToken: async () => token,
        timeoutMs: 2000,
      });
      const { key } = await tracker.createIssue(opsTask().fields);
      await control(standIn.url, 'POST', '/faults', { path: 'POST /issueLink', status: 500 });

      // Act
      const edit = await tracker.editIssue(key, { fields: { priority: { id: '1' } } }).catch((e: unknown) => e);
      const link = await tracker.linkIssues('Relates', key, key).catch((e: unknown) => e);
      const again = await tracker.linkIssues('Relates', key, key).catch((e: unknown) => e);

      // Assess
      expect(edit).toBeInstanceOf(JiraRejectedError);
      expect((edit as JiraRejectedError).fieldErrors).toEqual({ priority: CANNOT_BE_SET('priority') });
      expect(link).toBeInstanceOf(JiraTransientError);
      expect(again).toBeInstanceOf(JiraRejectedError);
      expect((again as JiraRejectedError).errorMessages).toEqual(['You cannot link an issue to itself.']);
    });
  });
});

describe('jira stand-in: resolution dates on a clock the test holds', () => {
  let standIn: JiraStandIn;
  let clock: { now: number };
  let alice: JiraApi;

  beforeAll(async () => {
    clock = { now: Date.parse('2026-03-10T10:00:00.000Z') };
    standIn = await start({ now: () => clock.now });
    alice = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, ALICE)).access_token);
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('stamps the resolution date with the time of the transition, and updated with every change', async () => {
    // Prepare
    const key = await create(alice, secTask());
    clock.now += 90_000;

    // Act
    await alice.post(`/issue/${key}/transitions`, { transition: { id: '31' } });
    const res = await alice.get(`/issue/${key}?fields=created,updated,resolutiondate`);

    // Assess
    expect(res.body).toMatchObject({
      fields: {
        created: '2026-03-10T10:00:00.000+0000',
        updated: '2026-03-10T10:01:30.000+0000',
        resolutiondate: '2026-03-10T10:01:30.000+0000',
      },
    });
  });

  it('moves an issue to any status of its workflow as an analyst would, at the time the test set', async () => {
    // Prepare
    const key = await create(alice, secTask());
    await setClock(standIn.url, '2026-03-10T10:30:00.000Z');

    // Act
    const moved = await setIssueStatus(standIn.url, key, 'Done', "Won't Do");
    const back = await setIssueStatus(standIn.url, key, 'In Progress');
    const unknown = await fetch(`${standIn.url}/_stand-in/issues/${key}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'Closed' }),
    });

    // Assess
    expect(moved).toMatchObject({
      key,
      status: { name: 'Done', statusCategory: { key: 'done' } },
      resolution: { name: "Won't Do" },
      resolutiondate: '2026-03-10T10:30:00.000+0000',
    });
    expect(back).toMatchObject({ status: { name: 'In Progress' }, resolution: null, resolutiondate: null });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: "No status 'Closed' in the workflow of SEC (To Do, In Progress, Done)",
    });
  });
});

describe('jira stand-in: persistence of workflow state', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jira-stand-in-workflow-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps statuses, resolutions, comments and links across a restart', async () => {
    // Prepare
    const dataFile = join(dir, 'jira.json');
    const first = await start({ dataFile });
    const api = jiraApi(first.url, first.cloudId, (await signIn(first.url, ALICE)).access_token);
    const a = await create(api, secTask());
    const b = await create(api, secTask());
    await api.post(`/issue/${a}/transitions`, {
      transition: { id: '41' },
      update: { comment: [{ add: { body: doc('Not an incident') } }] },
    });
    await api.post('/issueLink', { type: { name: 'Duplicate' }, inwardIssue: { key: a }, outwardIssue: { key: b } });
    await first.close();

    // Act
    const second = await start({ dataFile });
    const again = jiraApi(second.url, second.cloudId, (await signIn(second.url, ALICE)).access_token);
    const issue = await again.get(`/issue/${a}?fields=status,resolution,comment,issuelinks`);
    const link = await again.post('/issueLink', {
      type: { name: 'Blocks' },
      inwardIssue: { key: a },
      outwardIssue: { key: b },
    });
    const links = await again.get(`/issue/${b}?fields=issuelinks`);
    await second.close();

    // Assess
    expect(issue.body).toMatchObject({
      fields: {
        status: { name: 'Done' },
        resolution: { name: "Won't Do" },
        comment: { total: 1, comments: [{ body: doc('Not an incident') }] },
        issuelinks: [{ type: { name: 'Duplicate' }, outwardIssue: { key: b } }],
      },
    });
    expect(link.status).toBe(201);
    expect((links.body as { fields: { issuelinks: { id: string }[] } }).fields.issuelinks.map((l) => l.id)).toEqual([
      '10000',
      '10001',
    ]);
  });
});
