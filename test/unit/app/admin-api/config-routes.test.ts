import { describe, expect, it } from 'vitest';
import { makeAdminApi } from '#app/admin-api/make-admin-api.ts';
import { WebhookTokenAdmin } from '#domain/access/webhook-token.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import { JiraRejectedError } from '#domain/errors.ts';
import type {
  AdminSession,
  IssueTracker,
  JiraFieldMeta,
  JiraIssueType,
  JiraProject,
  JiraUser,
  SecurityLevel,
} from '#domain/ports.ts';
import type { RelayConfig, Rule } from '#domain/relay-config.ts';
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
import {
  INCIDENT,
  OPS,
  OPS_ISSUE_TYPES,
  OPS_TASK,
  opsFieldMeta,
  PRIORITY,
  SEC,
  SEC_ISSUE_TYPES,
  secConfig,
  secFieldMeta,
  TASK,
} from '#test-support/jira-fixtures.ts';

const ORIGIN = 'distribution-origin-secret';
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

/** Jira with the SEC and OPS projects; remembers every call. */
class ListingJira extends ScriptedTracker {
  override async listProjects(): Promise<JiraProject[]> {
    this.calls.push('listProjects');
    return [SEC, OPS];
  }
  override async listIssueTypes(projectKey: string): Promise<JiraIssueType[]> {
    this.calls.push(`listIssueTypes ${projectKey}`);
    return projectKey === 'OPS' ? OPS_ISSUE_TYPES : SEC_ISSUE_TYPES;
  }
  override async listCreateFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]> {
    this.calls.push(`listCreateFields ${projectKey} ${issueTypeId}`);
    return (projectKey === 'OPS' ? opsFieldMeta() : secFieldMeta())[issueTypeId] ?? [];
  }
}

/** Jira's pickers for SEC: assignable users matched by name, two security levels; OPS has no scheme. */
class PickerJira extends ListingJira {
  constructor(readonly users: JiraUser[] = [ALICE, RITA]) {
    super();
  }
  override async findAssignableUsers(projectKey: string, query: { accountId?: string; query?: string }) {
    this.calls.push(`findAssignableUsers ${projectKey} ${JSON.stringify(query)}`);
    if (projectKey !== 'SEC' && projectKey !== 'OPS') throw noSuchProject(projectKey);
    const text = (query.query ?? '').toLowerCase();
    return this.users.filter((u) => u.displayName.toLowerCase().includes(text));
  }
  override async listSecurityLevels(projectKey: string): Promise<SecurityLevel[]> {
    this.calls.push(`listSecurityLevels ${projectKey}`);
    if (projectKey === 'OPS') return [];
    if (projectKey !== 'SEC') throw noSuchProject(projectKey);
    return [
      { id: '10100', name: 'Internal' },
      { id: '10101', name: 'Security team only' },
    ];
  }
}

const ALICE: JiraUser = { accountId: 'acc-alice', displayName: 'Alice Admin', emailAddress: 'alice@example.com' };
const RITA: JiraUser = { accountId: 'acc-rita', displayName: 'Rita Regular', active: true };

function noSuchProject(key: string): JiraRejectedError {
  return new JiraRejectedError('GET /project: Jira refused the request (404)', 404, {}, [
    `No project could be found with key '${key}'.`,
  ]);
}

/** Jira that must not be called at all. */
function untouchableJira(calls: string[]): IssueTracker {
  return new Proxy({} as IssueTracker, {
    get: (_target, name) => () => {
      calls.push(String(name));
      throw new Error(`no Jira call expected, got ${String(name)}`);
    },
  });
}

function setup(options: { tracker?: IssueTracker; saved?: RelayConfig } = {}) {
  const clock = new ManualClock(NOW);
  const sessions = new MemorySessionStore();
  const secrets = new MemorySecretStore();
  secrets.values.set('origin-verify', ORIGIN);
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
  const ledger = new MemoryLedger();
  const configs = new MemoryConfigStore();
  if (options.saved) configs.versions.unshift(options.saved);
  const tracker = options.tracker ?? new ListingJira();
  const api = makeAdminApi({
    oauthFor: () => ({
      authorizeUrl: () => 'https://auth.atlassian.com/authorize',
      exchangeCode: async () => {
        throw new Error('not reached');
      },
      refresh: async () => {
        throw new Error('not reached');
      },
      accessibleResources: async () => [],
    }),
    identity: { myself: async () => ({ accountId: 'acc-1', displayName: 'Ada' }), hasAdminister: async () => true },
    sessions,
    secrets,
    state: new MemoryStateStore(),
    configs,
    ledger,
    queue: new RecordingQueue(),
    tracker,
    tokens: new WebhookTokenAdmin(secrets, new MemoryStateStore(), clock),
    ingest: async () => {
      throw new Error('not reached');
    },
    clock,
    log: new RecordingLog(),
    siteUrl: 'https://acme.atlassian.net',
    sessionHours: 8,
    relayTokens: { accessToken: async () => 'relay-token', markRejected: async () => undefined },
    publicBaseUrl: 'https://admin.example.com',
  });
  const live: AdminSession = {
    id: 'live',
    accountId: 'acc-1',
    displayName: 'Ada',
    createdAt: '',
    expiresAt: Math.floor(NOW / 1000) + 3600,
    cloudId: 'cloud-1',
    rightsCheckedAt: NOW,
    credentials: { kind: 'connection' },
  };
  sessions.sessions.set(live.id, live);
  return { api, ledger, configs, tracker };
}

function call(method: string, path: string, options: { body?: unknown; json?: boolean; session?: boolean } = {}) {
  const [rawPath = '', query = ''] = path.split('?');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: query,
    headers: {
      'x-relay-origin-verify': ORIGIN,
      ...(options.json === false ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.session === false ? {} : { cookies: ['relay_session=live'] }),
    requestContext: {
      http: { method, path: rawPath },
      domainName: 'abc.cloudfront.net',
    } as HttpEvent['requestContext'],
    isBase64Encoded: false,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  } satisfies HttpEvent;
}

function received(alertId: string, minutesAgo: number, rawBody: object, extra: Partial<AlertRecord> = {}): AlertRecord {
  const at = new Date(NOW - minutesAgo * 60_000).toISOString();
  return {
    alertId,
    status: 'delivered',
    receivedAt: at,
    updatedAt: at,
    event: 'login_failure',
    parsed: true,
    rawBody: JSON.stringify(rawBody),
    fieldPaths: [],
    attempts: 1,
    duplicates: 0,
    expiresAt: 0,
    ...extra,
  };
}

const loginFailure = (n: number) => ({ audit_event: 'login_failure', username: 'ann@example.com', n });

const groupingRule: Rule = {
  id: 'failed-logins',
  name: 'Failed logins per user',
  enabled: true,
  when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
  actions: {
    grouping: {
      key: ['audit_event', 'username'],
      windowMinutes: 60,
      commentIntervalSeconds: 60,
      reopenWindowHours: 24,
    },
  },
};

/** The draft a preview takes: SEC's choices with the grouping rule. */
function draftWithGrouping(projectKey = 'SEC') {
  return {
    projectKey,
    defaultIssueTypeId: projectKey === 'OPS' ? OPS_TASK : TASK,
    priorityMapping: { byEvent: { login_failure: PRIORITY.high }, byCategory: {} },
    rules: [groupingRule],
  };
}

const body = (response: { body?: string }) => JSON.parse(response.body ?? 'null');

describe('config-routes', () => {
  describe('assignableUsers', () => {
    it('answers the users Jira finds for the typed text, with their e-mail only when shown', async () => {
      // Prepare
      const tracker = new PickerJira();
      const { api } = setup({ tracker });

      // Act
      const response = await api(call('GET', '/api/projects/SEC/assignable-users?query=%20rita%20'));

      // Assess: the text is trimmed and handed to Jira as the search, with the project
      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({ users: [{ accountId: 'acc-rita', displayName: 'Rita Regular' }] });
      expect(tracker.calls).toEqual(['findAssignableUsers SEC {"query":"rita"}']);
    });

    it('lists every assignable user without a query, and never more than 50', async () => {
      // Prepare
      const many = Array.from({ length: 60 }, (_, i) => ({ accountId: `acc-${i}`, displayName: `User ${i}` }));
      const { api } = setup({ tracker: new PickerJira(many) });

      // Act
      const response = await api(call('GET', '/api/projects/SEC/assignable-users'));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response).users).toHaveLength(50);
      expect(body(response).users[0]).toEqual({ accountId: 'acc-0', displayName: 'User 0' });
    });

    it('answers 400 for a query over 100 characters, without asking Jira', async () => {
      // Prepare
      const tracker = new PickerJira();
      const { api } = setup({ tracker });

      // Act
      const response = await api(call('GET', `/api/projects/SEC/assignable-users?query=${'a'.repeat(101)}`));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response).error).toBe('VALIDATION_FAILED');
      expect(tracker.calls).toEqual([]);
    });

    it('answers like the other project routes when Jira knows no such project', async () => {
      // Prepare
      const { api } = setup({ tracker: new PickerJira() });

      // Act
      const [users, levels] = await Promise.all([
        api(call('GET', '/api/projects/NOPE/assignable-users?query=a')),
        api(call('GET', '/api/projects/NOPE/security-levels')),
      ]);

      // Assess: Jira's refusal is mapped by the one error table
      expect(users.statusCode).toBe(502);
      expect(body(users).error).toBe('JIRA_REJECTED');
      expect(levels.statusCode).toBe(502);
    });

    it('refuses a search without a session', async () => {
      // Prepare
      const tracker = new PickerJira();
      const { api } = setup({ tracker });

      // Act
      const response = await api(call('GET', '/api/projects/SEC/assignable-users?query=a', { session: false }));

      // Assess
      expect(response.statusCode).toBe(401);
      expect(tracker.calls).toEqual([]);
    });
  });

  describe('securityLevels', () => {
    it("answers the levels of the project's security scheme", async () => {
      // Prepare
      const { api } = setup({ tracker: new PickerJira() });

      // Act
      const response = await api(call('GET', '/api/projects/SEC/security-levels'));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        levels: [
          { id: '10100', name: 'Internal' },
          { id: '10101', name: 'Security team only' },
        ],
      });
    });

    it('answers an empty list for a project without a security scheme', async () => {
      // Prepare
      const { api } = setup({ tracker: new PickerJira() });

      // Act
      const response = await api(call('GET', '/api/projects/OPS/security-levels'));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({ levels: [] });
    });
  });

  describe('previewConfig', () => {
    it('evaluates a draft over the saved metadata with no Jira call and no ledger write', async () => {
      // Prepare: 30 failed logins of one user over the last 30 minutes
      const jiraCalls: string[] = [];
      const { api, ledger, configs } = setup({ tracker: untouchableJira(jiraCalls), saved: secConfig() });
      for (let i = 0; i < 30; i++)
        await ledger.record(received(`a${String(i).padStart(2, '0')}`, 30 - i, loginFailure(i)));
      const writesBefore = { ...ledger.writes };

      // Act
      const response = await api(call('POST', '/api/config/preview', { body: { draft: draftWithGrouping() } }));

      // Assess
      expect(response.statusCode).toBe(200);
      const preview = body(response);
      expect(preview.alerts).toBe(30);
      expect(preview.current).toMatchObject({ tickets: 30, comments: 0 });
      expect(preview.draft).toMatchObject({ tickets: 1, grouped: 29 });
      expect(preview.rows[0]).toMatchObject({
        alertId: 'a00',
        event: 'login_failure',
        username: 'ann@example.com',
        draft: { outcome: 'new-issue', projectKey: 'SEC', issueTypeName: 'Task', priorityName: 'High' },
        current: { outcome: 'new-issue', projectKey: 'SEC', issueTypeName: 'Task', priorityName: 'Medium' },
        changed: true,
      });
      expect(preview.rows[1].draft).toMatchObject({ outcome: 'comment', group: { openedBy: 'a00' } });
      expect(jiraCalls).toEqual([]);
      expect(ledger.writes).toEqual(writesBefore);
      expect(configs.versions).toHaveLength(1);
    });

    it("reads another project's metadata from Jira with list calls only", async () => {
      // Prepare
      const tracker = new ListingJira();
      const { api, ledger } = setup({ tracker, saved: secConfig() });
      await ledger.record(received('a1', 5, loginFailure(1)));

      // Act
      const response = await api(call('POST', '/api/config/preview', { body: { draft: draftWithGrouping('OPS') } }));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response).rows[0].draft).toMatchObject({ projectKey: 'OPS', issueTypeName: 'Task' });
      expect(tracker.calls.every((c) => c.startsWith('list'))).toBe(true);
      expect(tracker.calls).toContain('listIssueTypes OPS');
      expect(tracker.created).toEqual([]);
    });

    it('answers 400 naming the project when the draft names one Jira does not list', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });

      // Act
      const response = await api(call('POST', '/api/config/preview', { body: { draft: draftWithGrouping('NOPE') } }));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response)).toMatchObject({
        error: 'VALIDATION_FAILED',
        problems: [{ path: 'projectKey', project: 'NOPE' }],
      });
    });

    it('answers 400 with the path of a malformed rule', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });
      const draft = { ...draftWithGrouping(), rules: [{ ...groupingRule, id: 'Not An Id' }] };

      // Act
      const response = await api(call('POST', '/api/config/preview', { body: { draft } }));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response).problems.map((p: { path: string }) => p.path)).toEqual(['draft.rules.0.id']);
    });

    it('has no current side before the first save', async () => {
      // Prepare
      const { api, ledger } = setup();
      await ledger.record(received('a1', 5, loginFailure(1)));

      // Act
      const response = await api(call('POST', '/api/config/preview', { body: { draft: draftWithGrouping() } }));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response)).toMatchObject({ alerts: 1, current: null, draft: { tickets: 1 } });
    });

    it('refuses a preview without a session, or sent as a form', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });

      // Act
      const anonymous = await api(
        call('POST', '/api/config/preview', { body: { draft: draftWithGrouping() }, session: false }),
      );
      const form = await api(
        call('POST', '/api/config/preview', { body: { draft: draftWithGrouping() }, json: false }),
      );

      // Assess
      expect(anonymous.statusCode).toBe(401);
      expect(form.statusCode).toBe(400);
    });
  });

  describe('exportConfig', () => {
    it('answers 404 with a clear message when nothing is saved', async () => {
      // Prepare
      const { api } = setup();

      // Act
      const response = await api(call('GET', '/api/config/export'));

      // Assess
      expect(response.statusCode).toBe(404);
      expect(body(response)).toEqual({
        error: 'NOT_FOUND',
        message: 'Nothing to export: no configuration is saved yet',
      });
    });

    it('sends the choices of the saved configuration as a download named by its version', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig({ rules: [groupingRule] }) });

      // Act
      const response = await api(call('GET', '/api/config/export'));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.headers?.['content-disposition']).toBe('attachment; filename="keeper-jira-relay-config-v3.json"');
      const document = body(response);
      expect(document).toMatchObject({
        format: 'keeper-jira-relay/config',
        formatVersion: 1,
        exportedAt: '2026-11-23T12:00:00.000Z',
        source: { site: 'https://acme.atlassian.net', configVersion: 3 },
        config: { projectKey: 'SEC', defaultIssueTypeId: TASK, rules: [groupingRule] },
      });
      expect(response.body).toMatch(/^\{\n {2}"format": "keeper-jira-relay\/config",\n/);
      expect(document.config.fieldMeta).toBeUndefined();
      expect(document.config.userDirectory).toBeUndefined();
    });
  });

  describe('importConfig', () => {
    it('saves an exported document as the next version, checked against Jira like a save', async () => {
      // Prepare
      const { api, configs } = setup({ saved: secConfig({ rules: [groupingRule] }) });
      const exported = body(await api(call('GET', '/api/config/export')));

      // Act
      const response = await api(
        call('POST', '/api/config/import', { body: { document: exported, expectedVersion: 3 } }),
      );

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response).config).toMatchObject({ version: 4, projectKey: 'SEC', rules: [groupingRule] });
      const reExported = body(await api(call('GET', '/api/config/export')));
      expect(reExported.config).toEqual(exported.config);
      expect(configs.versions).toHaveLength(2);
    });

    it('answers 400 VALIDATION_FAILED with the paths of a bad rule, and saves nothing', async () => {
      // Prepare
      const { api, configs } = setup({ saved: secConfig() });
      const document = {
        format: 'keeper-jira-relay/config',
        formatVersion: 1,
        config: { projectKey: 'SEC', defaultIssueTypeId: TASK, rules: [{ ...groupingRule, id: 'Bad Id', name: '' }] },
      };

      // Act
      const response = await api(call('POST', '/api/config/import', { body: { document, expectedVersion: 3 } }));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response)).toMatchObject({ error: 'VALIDATION_FAILED' });
      expect(body(response).problems.map((p: { path: string }) => p.path)).toEqual(['rules.0.id', 'rules.0.name']);
      expect(configs.versions).toHaveLength(1);
    });

    it('answers 400 naming both versions for a document newer than the relay', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });
      const document = { format: 'keeper-jira-relay/config', formatVersion: 7, config: {} };

      // Act
      const response = await api(call('POST', '/api/config/import', { body: { document, expectedVersion: 3 } }));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response).message).toContain('format version 7, newer than version 1');
    });

    it('answers 400 with the problems Jira metadata shows, like a save', async () => {
      // Prepare: an issue type SEC does not have
      const { api } = setup({ saved: secConfig() });
      const document = {
        format: 'keeper-jira-relay/config',
        formatVersion: 1,
        config: { projectKey: 'SEC', defaultIssueTypeId: '99999' },
      };

      // Act
      const response = await api(call('POST', '/api/config/import', { body: { document, expectedVersion: 3 } }));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response).problems[0]).toMatchObject({ path: 'defaultIssueTypeId' });
    });

    it('answers 409 when someone saved since the version the import started from', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });
      const exported = body(await api(call('GET', '/api/config/export')));

      // Act
      const response = await api(
        call('POST', '/api/config/import', { body: { document: exported, expectedVersion: 2 } }),
      );

      // Assess
      expect(response.statusCode).toBe(409);
    });
  });

  describe('saveConfig', () => {
    it('keeps the rules and counter-events of the saved input', async () => {
      // Prepare
      const { api } = setup({ saved: secConfig() });
      const pairs = [{ open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] }];

      // Act
      const response = await api(
        call('PUT', '/api/config', {
          body: {
            expectedVersion: 3,
            projectKey: 'SEC',
            defaultIssueTypeId: TASK,
            issueTypeMapping: { byEvent: { set_two_factor_off: INCIDENT }, byCategory: {} },
            rules: [groupingRule],
            counterEvents: pairs,
          },
        }),
      );

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response).config).toMatchObject({ version: 4, rules: [groupingRule], counterEvents: pairs });
    });
  });
});
