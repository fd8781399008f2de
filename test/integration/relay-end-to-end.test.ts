/**
 * The relay end to end, as its clients use it: a Jira administrator signs in through the Jira
 * stand-in's OAuth pages, configures the relay, generates the token; Keeper POSTs alerts; the
 * issues are checked in the stand-in. Runs the same handlers as the Lambdas (local runtime).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import { adfText, uniqueAlert as alertBody, codeBlocks } from '#test-support/alert-bodies.ts';
import { AdminClient, eventually, postAlert, signIn } from '#test-support/relay-client.ts';

const SAMPLES_DIR = join(import.meta.dirname, '..', 'fixtures', 'keeper-sample-alerts');

interface StandInIssue {
  key: string;
  issueTypeId: string;
  fields: Record<string, unknown> & {
    summary: string;
    labels: string[];
    description: unknown;
    issuetype?: { name?: string };
  };
}

interface DeliveryItem {
  alertId: string;
  status: string;
  issueKey?: string;
  attempts: number;
}

let runtime: LocalRuntime;
let dataDir: string;
let admin: AdminClient;
let token: string;

async function standIn<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as T;
}

const issues = async () => (await standIn<{ issues: StandInIssue[] }>('GET', '/issues')).issues;
const issueByKey = async (key: string) => (await issues()).find((i) => i.key === key);

async function delivery(alertId: string): Promise<DeliveryItem | undefined> {
  const { body } = await admin.call<{ items: DeliveryItem[] }>('GET', '/api/deliveries?limit=200');
  return body.items.find((i) => i.alertId === alertId);
}

function uniqueAlert(extra: Record<string, unknown> = {}): string {
  return JSON.stringify(alertBody(extra));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-e2e-'));
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    settings: { TOKEN_CACHE_SECONDS: 1, JIRA_TIMEOUT_MS: 1_500 },
  });
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('relay end to end (local runtime + Jira stand-in)', () => {
  it('refuses a regular user: access denied and no session', async () => {
    const outcome = await signIn(runtime.url, 'rita.regular@example.com');
    expect(outcome.deniedReason).toBe('not_admin');
    expect(outcome.session).toBeUndefined();
  });

  it('refuses a project administrator: access denied and no session', async () => {
    const outcome = await signIn(runtime.url, 'pat.projectadmin@example.com');
    expect(outcome.deniedReason).toBe('not_admin');
    expect(outcome.session).toBeUndefined();
    const status = await fetch(`${runtime.url}/api/status`);
    expect(status.status).toBe(401);
  });

  it('lets the Jira administrator in with an HttpOnly, SameSite=Strict session and connects the relay', async () => {
    const outcome = await signIn(runtime.url, 'alice.admin@example.com');
    expect(outcome.session).toBeDefined();
    const cookie = outcome.setCookies.find((c) => c.startsWith('relay_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toMatch(/Secure/); // loopback over http
    admin = new AdminClient(runtime.url, outcome.session ?? '');
    const { status, body } = await admin.call<{
      connection: { state: string; connectedBy: { displayName: string } };
      token: { state: string };
    }>('GET', '/api/status');
    expect(status).toBe(200);
    expect(body.connection.state).toBe('connected');
    expect(body.connection.connectedBy.displayName).toBe('Alice Admin');
    expect(body.token.state).toBe('not_configured');
    const stored = await readConnection(runtime.adapters.secrets);
    expect(stored?.refreshToken).toBeTruthy();
  });

  it('refuses every alert with 401 while no token exists, saying a token must be generated', async () => {
    const response = await postAlert(runtime.url, uniqueAlert(), 'anything');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('AUTHENTICATION_FAILED');
    expect(String(response.body.message)).toMatch(/generate/i);
  });

  it('generates a 64-character token shown once and keeps an alert that arrives before configuration', async () => {
    const generated = await admin.call<{ token: string; createdAt: string }>('POST', '/api/token');
    expect(generated.status).toBe(201);
    expect(generated.body.token).toHaveLength(64);
    token = generated.body.token;
    const secretFile = await readFile(join(dataDir, 'secrets.json'), 'utf8');
    expect(secretFile).not.toContain(token);

    const body = uniqueAlert({ alert_name: 'Before configuration' });
    // A new token is accepted as soon as the instance re-reads the hashes (at most one re-read a second).
    const response = await eventually(async () => {
      const r = await postAlert(runtime.url, body, token);
      return r.status === 401 ? undefined : r;
    }, 3_000);
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('pending_configuration');
    const alertId = String(response.body.alertId);

    const projects = await admin.call<{ projects: { key: string }[] }>('GET', '/api/projects');
    expect(projects.body.projects.map((p) => p.key)).toEqual(expect.arrayContaining(['SEC', 'OPS']));
    const types = await admin.call<{ issueTypes: { id: string; name: string; subtask: boolean }[] }>(
      'GET',
      '/api/projects/SEC/issue-types',
    );
    const task = types.body.issueTypes.find((t) => t.name === 'Task');
    expect(task).toBeDefined();
    const saved = await admin.call<{ config: { version: number } }>('PUT', '/api/config', {
      expectedVersion: 0,
      projectKey: 'SEC',
      defaultIssueTypeId: task?.id,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.config.version).toBe(1);

    const delivered = await eventually(async () => {
      const item = await delivery(alertId);
      return item?.status === 'delivered' ? item : undefined;
    });
    const issue = await issueByKey(delivered.issueKey ?? '');
    expect(issue?.fields.summary).toBe('Before configuration: login_failure');
  });

  it('refuses a sub-task as the default issue type with a message naming it', async () => {
    const types = await admin.call<{ issueTypes: { id: string; name: string; subtask: boolean }[] }>(
      'GET',
      '/api/projects/SEC/issue-types',
    );
    const subtask = types.body.issueTypes.find((t) => t.subtask);
    const config = await admin.call<{ config: { version: number } }>('GET', '/api/config');
    const response = await admin.call<{ error: string; problems: { message: string }[] }>('PUT', '/api/config', {
      expectedVersion: config.body.config.version,
      projectKey: 'SEC',
      defaultIssueTypeId: subtask?.id,
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('VALIDATION_FAILED');
    expect(response.body.problems.map((p) => p.message).join(' ')).toMatch(/Sub-task/);
  });

  it('turns every sample alert into the expected issue: summary, ADF description with the raw JSON, labels, type', async () => {
    const files = (await readdir(SAMPLES_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(19);
    for (const file of files) {
      const raw = await readFile(join(SAMPLES_DIR, file), 'utf8');
      const response = await postAlert(runtime.url, raw, token);
      expect(response.status, file).toBe(201);
      const issue = await issueByKey(String(response.body.issueKey));
      expect(issue, file).toBeDefined();
      const payload = JSON.parse(raw) as Record<string, unknown>;
      const nested = (payload.event ?? {}) as Record<string, unknown>;
      const event = String(payload.audit_event ?? nested.audit_event ?? 'unknown');
      if (payload.alert_name && event !== 'unknown')
        expect(issue?.fields.summary, file).toBe(`${String(payload.alert_name)}: ${event}`);
      expect(issue?.fields.summary.length, file).toBeLessThanOrEqual(255);
      expect(issue?.fields.summary, file).not.toMatch(/\n/);
      expect(issue?.fields.labels, file).toEqual(
        expect.arrayContaining(['keeper', `keeper-alert-${String(response.body.alertId).slice(0, 16)}`]),
      );
      if (event !== 'unknown') expect(issue?.fields.labels, file).toContain(event);
      expect(issue?.fields.issuetype?.name, file).toBe('Task');
      expect(codeBlocks(issue?.fields.description), file).toHaveLength(1);
      // The complete raw payload is in the description (every leaf value appears in the code block).
      const text = adfText(issue?.fields.description);
      for (const value of Object.values(payload).filter((v) => typeof v === 'string'))
        expect(text, file).toContain(String(value));
    }
  });

  it('creates one issue when the same alert is POSTed twice, even reformatted', async () => {
    const body = uniqueAlert();
    const first = await postAlert(runtime.url, body, token);
    const before = (await issues()).length;
    const second = await postAlert(runtime.url, body, token);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(body) as object).reverse()), null, 2);
    const third = await postAlert(runtime.url, reordered, token);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ duplicate: true, issueKey: first.body.issueKey });
    expect(third.status).toBe(200);
    expect(third.body.issueKey).toBe(first.body.issueKey);
    expect((await issues()).length).toBe(before);
    const item = await delivery(String(first.body.alertId));
    expect(item).toMatchObject({ status: 'delivered' });
  });

  it('answers 401 for a wrong or missing token', async () => {
    expect((await postAlert(runtime.url, uniqueAlert(), 'wrong-token')).status).toBe(401);
    expect((await postAlert(runtime.url, uniqueAlert(), undefined)).status).toBe(401);
  });

  it('tickets a body that is not JSON as unparsed, with its raw text', async () => {
    const broken = '{"alert_name": "Broken "quote" template", "audit_event": login_failure';
    const response = await postAlert(runtime.url, broken, token);
    expect(response.status).toBe(201);
    const issue = await issueByKey(String(response.body.issueKey));
    expect(issue?.fields.labels).toContain('keeper-unparsed');
    expect(adfText(issue?.fields.description)).toContain(broken);
  });

  it('refuses an empty body (400) and an oversized one (413)', async () => {
    expect((await postAlert(runtime.url, '', token)).status).toBe(400);
    expect(
      (await postAlert(runtime.url, JSON.stringify({ audit_event: 'x', blob: 'x'.repeat(300 * 1024) }), token)).status,
    ).toBe(413);
  });

  it('makes exactly one Jira call per delivered alert', async () => {
    await standIn('POST', '/reset-counters');
    for (let i = 0; i < 5; i++) expect((await postAlert(runtime.url, uniqueAlert(), token)).status).toBe(201);
    const counts = await standIn<{ total: number; routes: Record<string, number> }>('GET', '/requests');
    expect(counts.total).toBe(5);
  });

  it('delivers every alert exactly once after Jira answered 429 and 500 for a while', async () => {
    const before = (await issues()).length;
    await standIn('POST', '/faults', { path: 'POST /issue', status: 429, count: 3, retryAfterSeconds: 1 });
    await standIn('POST', '/faults', { path: 'POST /issue', status: 500, count: 2 });
    const bodies = Array.from({ length: 5 }, () => uniqueAlert());
    const responses = await Promise.all(bodies.map((b) => postAlert(runtime.url, b, token)));
    expect(responses.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(4);
    for (const r of responses.filter((r) => r.status === 202)) expect(r.body.status).toBe('queued');
    const ids = responses.map((r) => String(r.body.alertId));
    await eventually(
      async () => {
        const items = await Promise.all(ids.map(delivery));
        return items.every((i) => i?.status === 'delivered') ? items : undefined;
      },
      60_000,
      500,
    );
    const after = await issues();
    expect(after.length - before).toBe(5);
    for (const id of ids)
      expect(after.filter((i) => i.fields.labels.includes(`keeper-alert-${id.slice(0, 16)}`))).toHaveLength(1);
  });

  it('does not create a duplicate when Jira created the issue but the answer timed out', async () => {
    const before = (await issues()).length;
    await standIn('POST', '/faults', { path: 'POST /issue', mode: 'timeout', count: 1, processRequest: true });
    const response = await postAlert(runtime.url, uniqueAlert(), token);
    expect(response.status).toBe(202);
    const alertId = String(response.body.alertId);
    await eventually(async () => ((await delivery(alertId))?.status === 'delivered' ? true : undefined), 60_000, 500);
    const after = await issues();
    expect(after.length - before).toBe(1);
  });

  it('refuses the old token at once after regeneration and every token after revocation', async () => {
    const regenerated = await admin.call<{ token: string }>('POST', '/api/token');
    const fresh = regenerated.body.token;
    await eventually(
      async () => ((await postAlert(runtime.url, uniqueAlert(), fresh)).status === 201 ? true : undefined),
      3_000,
    );
    await eventually(
      async () => ((await postAlert(runtime.url, uniqueAlert(), token)).status === 401 ? true : undefined),
      5_000,
    );
    expect((await admin.call('DELETE', '/api/token')).status).toBe(204);
    await eventually(
      async () => ((await postAlert(runtime.url, uniqueAlert(), fresh)).status === 401 ? true : undefined),
      5_000,
    );
    const status = await admin.call<{ token: { state: string } }>('GET', '/api/status');
    expect(status.body.token.state).toBe('not_configured');
    token = (await admin.call<{ token: string }>('POST', '/api/token')).body.token;
    await eventually(
      async () => ((await postAlert(runtime.url, uniqueAlert(), token)).status === 201 ? true : undefined),
      3_000,
    );
  });

  it('refreshes the rotating token once when many instances need it at the same time, and keeps the chain alive', async () => {
    // Push the stand-in's clock past the access token's expiry so every instance must refresh.
    await standIn('POST', '/clock', { advanceSeconds: 3_500 });
    const { secrets, lease, oauthFor } = runtime.adapters;
    const clock = { now: () => new Date(Date.now() + 3_500_000) };
    const instances = Array.from(
      { length: 5 },
      (_, i) => new JiraAccessTokens({ secrets, lease, oauth: oauthFor(''), clock, instanceId: `test-${i}` }),
    );
    await standIn('POST', '/reset-counters');
    const tokens = await Promise.all(instances.map((t) => t.accessToken()));
    const counts = await standIn<{ routes: Record<string, number> }>('GET', '/requests');
    const refreshes = Object.entries(counts.routes)
      .filter(([route]) => route.includes('/oauth/token'))
      .reduce((a, [, n]) => a + n, 0);
    expect(refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const grants = await standIn<{ families: { email?: string; revoked: boolean }[] }>('GET', '/tokens');
    expect(grants.families.filter((f) => f.email === 'alice.admin@example.com').every((f) => !f.revoked)).toBe(true);
  });
  it('turns a revoked grant into "reconnect required", keeps alerts, and delivers them after the administrator signs in again', async () => {
    // Prepare: Atlassian revokes Alice's token family (password change, admin revocation…)
    await standIn('POST', '/tokens/revoke', { accountId: '712020:a11ce000-0000-4000-8000-000000000001' });

    // Act
    const response = await postAlert(runtime.url, uniqueAlert({ alert_name: 'During outage' }), token);
    const alertId = String(response.body.alertId);

    // Assess: accepted and kept; at the latest on the first retry the relay finds the grant gone
    expect(response.status).toBe(202);
    const status = await eventually(async () => {
      const current = await admin.call<{ connection: { state: string; message?: string } }>('GET', '/api/status');
      return current.body.connection.state === 'reconnect_required' ? current : undefined;
    }, 30_000);
    expect(status.body.connection.message).toMatch(/sign in again/);
    await eventually(
      async () => ((await delivery(alertId))?.status === 'pending_configuration' ? true : undefined),
      30_000,
    );

    // Act: an administrator signs in again, which reconnects the relay
    const again = await signIn(runtime.url, 'alice.admin@example.com');
    expect(again.session).toBeDefined();

    // Assess: the parked alert is delivered, once
    const delivered = await eventually(async () => {
      const item = await delivery(alertId);
      return item?.status === 'delivered' ? item : undefined;
    });
    expect((await issueByKey(delivered.issueKey ?? ''))?.fields.summary).toBe('During outage: login_failure');
    const after = await admin.call<{ connection: { state: string } }>('GET', '/api/status');
    expect(after.body.connection.state).toBe('connected');
  });
});
