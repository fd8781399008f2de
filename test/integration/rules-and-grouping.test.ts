/**
 * Rules, grouping, escalation, reopen, counter-events, suppression and redaction end to end: the
 * local runtime (the Lambdas' handlers) against the Jira stand-in with Jira's per-issue write
 * limits on, configured through the admin API like an administrator does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredIssue, StoredIssueLink } from '#local/jira-stand-in/state.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import { adfText } from '#test-support/alert-bodies.ts';
import { configureRelay, labelOf } from '#test-support/configured-relay.ts';
import {
  advanceClock,
  readIssueActivity,
  readStats,
  setIssueStatus,
  setRateLimit,
} from '#test-support/jira-stand-in-session.ts';
import { type AdminClient, eventually, postAlert } from '#test-support/relay-client.ts';

interface DeliveryItem {
  alertId: string;
  status: string;
  issueKey?: string;
  rule?: { id: string; name: string };
  group?: { id: string; role: string };
  escalated?: boolean;
  redactedPaths?: string[];
}

interface Comment {
  body: unknown;
}

const HIGH = '2';
const COMMENT_INTERVAL_SECONDS = 10;

let runtime: LocalRuntime;
let dataDir: string;
let admin: AdminClient;
let token: string;

async function standIn<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in${path}`, { method });
  return (await response.json()) as T;
}
const issues = async () => (await standIn<{ issues: StoredIssue[] }>('GET', '/issues')).issues;
const issueByKey = async (key: string) => (await issues()).find((i) => i.key === key);

/** Keys of the issues linked to `key`, either way. */
async function linkedTo(key: string): Promise<string[]> {
  const state = await standIn<{ issues: StoredIssue[]; issueLinks: StoredIssueLink[] }>('GET', '/issues');
  const id = state.issues.find((i) => i.key === key)?.id;
  const keyOf = (issueId: string) => state.issues.find((i) => i.id === issueId)?.key ?? issueId;
  return state.issueLinks
    .filter((l) => l.inwardIssueId === id || l.outwardIssueId === id)
    .map((l) => keyOf(l.inwardIssueId === id ? l.outwardIssueId : l.inwardIssueId));
}

/** The text of every file attached to the issue, as the site's issue page links them. */
async function attachedTexts(key: string): Promise<string[]> {
  const page = await (await fetch(`${runtime.jiraUrl}/browse/${encodeURIComponent(key)}`)).text();
  const links = [...page.matchAll(/href="(\/secure\/attachment\/[^"]+)"/g)].map((m) => m[1] as string);
  return Promise.all(links.map(async (link) => (await fetch(`${runtime.jiraUrl}${link}`)).text()));
}

/** Comments of an issue as the stand-in stores them, as plain text. */
async function commentTexts(key: string): Promise<string[]> {
  return ((await issueByKey(key))?.comments ?? []).map((c: Comment) => adfText(c.body));
}

/** Every delivery (newest first), following the admin API's pages. */
async function deliveries(status?: string): Promise<DeliveryItem[]> {
  const items: DeliveryItem[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '200', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const { body } = await admin.call<{ items: DeliveryItem[]; cursor?: string }>('GET', `/api/deliveries?${query}`);
    items.push(...body.items);
    cursor = body.cursor;
  } while (cursor !== undefined);
  return items;
}

async function send(body: Record<string, unknown>) {
  const text = JSON.stringify(body);
  const answer = await postAlert(runtime.url, text, token);
  if (answer.status >= 300) throw new Error(`webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { ...answer, label: labelOf(text) };
}

let sequence = 0;
function alert(event: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    alert_name: 'Relay test',
    audit_event: event,
    username: 'jane.roe@example.com',
    remote_address: `198.51.100.${(sequence % 5) + 1}`,
    client_version: `Web Vault 17.${sequence % 3}`,
    timestamp: new Date(Date.UTC(2026, 10, 26, 12, 0, 0, sequence)).toISOString(),
    ...extra,
  };
}

async function saveRules(): Promise<void> {
  const current = await admin.call<{ config: { version: number; defaultIssueTypeId: string } }>('GET', '/api/config');
  const grouping = (reopenWindowHours: number) => ({
    key: ['audit_event', 'username'],
    windowMinutes: 60,
    commentIntervalSeconds: COMMENT_INTERVAL_SECONDS,
    reopenWindowHours,
  });
  const saved = await admin.call('PUT', '/api/config', {
    expectedVersion: current.body.config.version,
    projectKey: 'SEC',
    defaultIssueTypeId: current.body.config.defaultIssueTypeId,
    rules: [
      {
        id: 'spray',
        name: 'Password spraying',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
        actions: { grouping: grouping(0), escalation: { occurrences: 10, withinMinutes: 10, priorityId: HIGH } },
      },
      {
        id: 'quiet',
        name: 'Routine password changes',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['record_password_change'] }] },
        actions: { suppress: true },
      },
      {
        id: 'private',
        name: 'BreachWatch without personal data',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['bw_record_high_risk'] }] },
        actions: { redact: ['username', 'remote_address'] },
      },
      {
        id: 'sharing',
        name: 'Sharing outside the company',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['record_share_outside_user'] }] },
        actions: { grouping: grouping(24) },
      },
    ],
  });
  if (saved.status !== 200) throw new Error(`saving the rules answered ${saved.status}: ${JSON.stringify(saved.body)}`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-rules-'));
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    settings: { TOKEN_CACHE_SECONDS: 1, CONFIG_CACHE_SECONDS: 1 },
    // The stand-in's search has no lag; the in-process queue runs due messages at once.
    delivery: { searchLagMs: 0 },
  });
  ({ admin, token } = await configureRelay(runtime.url));
  await saveRules();
  // Jira's per-issue write limits (20 per 2 s, 100 per 30 s) are enforced from here on.
  await setRateLimit(runtime.jiraUrl, { perIssueWrites: true });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('rules and grouping (local runtime + Jira stand-in)', () => {
  it('turns a spray of 300 failed logins for one user into one issue with comments, count 300 and a raised priority', async () => {
    // Prepare
    const before = (await issues()).length;
    const started = Date.now();
    // Act: 300 alerts in about 25 seconds, ten at a time (a spray; the issue allows two minutes).
    const answers = [];
    for (let i = 0; i < 300; i += 10) {
      answers.push(...(await Promise.all(Array.from({ length: 10 }, () => send(alert('login_failure'))))));
      await new Promise((resolve) => setTimeout(resolve, 800));
    }
    const sendSeconds = (Date.now() - started) / 1000;
    // Assess
    expect(sendSeconds).toBeLessThan(120);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body['status'] === 'grouped')).toHaveLength(299);
    const key = answers.find((a) => a.status === 201)?.body['issueKey'] as string;
    const texts = await eventually(async () => {
      const all = await commentTexts(key);
      return all.some((t) => t.includes('total 300')) ? all : undefined;
    }, 60_000);
    expect((await issues()).length).toBe(before + 1);
    const reported = texts.map((t) => Number(/(\d+) more occurrences?/.exec(t)?.[1] ?? 0));
    expect(reported.reduce((a, b) => a + b, 0)).toBe(299);
    // Every repeat's body is on the issue: in a comment's collapsed block, or in the file attached with it.
    const comments = ((await issueByKey(key))?.comments ?? []).map((c) => JSON.stringify(c.body));
    const onIssue = [...comments, ...(await attachedTexts(key))].join('\n');
    const repeats = answers.filter((a) => a.status === 200);
    const missing = repeats.filter((a) => !onIssue.includes(a.label));
    expect(missing).toEqual([]);
    // One edit per comment interval, not per alert; never a per-issue 429.
    const activity = await readIssueActivity(runtime.jiraUrl, key);
    const edits = activity['PUT /issue/{issueIdOrKey}'] ?? 0;
    expect(edits).toBe(texts.length);
    expect(edits).toBeGreaterThan(1);
    expect(edits).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000 / COMMENT_INTERVAL_SECONDS) + 1);
    const stats = await readStats(runtime.jiraUrl);
    expect(JSON.stringify(stats)).not.toContain('jira-per-issue-on-write');
    // Escalated: 10 within 10 minutes raises the priority to High, and a comment says why.
    const issue = await issueByKey(key);
    expect((issue?.fields['priority'] as { id?: string } | undefined)?.id).toBe(HIGH);
    expect(texts.some((t) => t.includes('Priority raised to High'))).toBe(true);
    const opener = (await deliveries('delivered')).find((d) => d.issueKey === key && d.group?.role === 'opened');
    expect(opener).toMatchObject({ rule: { id: 'spray' }, escalated: true });
  }, 120_000);

  it('opens one issue for 50 concurrent alerts of one new group', async () => {
    const before = (await issues()).length;
    const user = { username: 'concurrent@example.com' };
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(alert('login_failure', user))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect((await issues()).length).toBe(before + 1);
    const groupIds = new Set(
      (await deliveries()).filter((d) => answers.some((a) => a.body['alertId'] === d.alertId)).map((d) => d.group?.id),
    );
    expect(groupIds.size).toBe(1);
  }, 60_000);

  it('reopens a done issue when the alert repeats within the reopen window', async () => {
    // Prepare
    const user = { username: 'reopen@example.com' };
    const first = await send(alert('record_share_outside_user', user));
    const key = first.body['issueKey'] as string;
    await setIssueStatus(runtime.jiraUrl, key, 'Done', 'Done');
    // Act
    await send(alert('record_share_outside_user', user));
    // Assess
    const issue = await eventually(async () => {
      const found = await issueByKey(key);
      const status = (found?.fields['status'] as { name?: string } | undefined)?.name;
      return status !== undefined && status !== 'Done' ? found : undefined;
    }, 30_000);
    expect(issue?.key).toBe(key);
    expect((await commentTexts(key)).some((t) => t.includes('Reopened'))).toBe(true);
  }, 60_000);

  it('starts a new linked issue when the done issue was resolved as Won’t Do', async () => {
    const user = { username: 'wontdo@example.com' };
    const first = await send(alert('record_share_outside_user', user));
    const key = first.body['issueKey'] as string;
    await setIssueStatus(runtime.jiraUrl, key, 'Done', "Won't Do");
    const before = (await issues()).length;
    await send(alert('record_share_outside_user', user));
    const next = await eventually(async () => {
      const all = await issues();
      return all.length > before ? all.at(-1) : undefined;
    }, 30_000);
    expect(next?.key).not.toBe(key);
    // The link follows the create (a second call): wait for it rather than race it.
    expect(
      await eventually(async () =>
        (await linkedTo(next?.key ?? '')).length > 0 ? linkedTo(next?.key ?? '') : undefined,
      ),
    ).toEqual([key]);
    expect(adfText(next?.fields['description'])).toContain(key);
  }, 60_000);

  it('starts a new linked issue when the repeat comes after the reopen window', async () => {
    const user = { username: 'late@example.com' };
    const first = await send(alert('record_share_outside_user', user));
    const key = first.body['issueKey'] as string;
    // Resolved two days ago, as Jira's clock sees it.
    await advanceClock(runtime.jiraUrl, -48 * 3600);
    await setIssueStatus(runtime.jiraUrl, key, 'Done', 'Done');
    await advanceClock(runtime.jiraUrl, 48 * 3600);
    const before = (await issues()).length;
    await send(alert('record_share_outside_user', user));
    const next = await eventually(async () => {
      const all = await issues();
      return all.length > before ? all.at(-1) : undefined;
    }, 30_000);
    expect(next?.key).not.toBe(key);
    // The link follows the create (a second call): wait for it rather than race it.
    expect(
      await eventually(async () =>
        (await linkedTo(next?.key ?? '')).length > 0 ? linkedTo(next?.key ?? '') : undefined,
      ),
    ).toEqual([key]);
    expect((await issueByKey(key))?.fields['status']).toMatchObject({ name: 'Done' });
  }, 60_000);

  it('moves the issue of a paused audit alert to done when the alert is resumed', async () => {
    const paused = await send(alert('audit_alert_paused', { username: 'admin@example.com' }));
    const key = paused.body['issueKey'] as string;
    const resumed = await send(alert('audit_alert_resumed', { username: 'admin@example.com' }));
    expect(resumed).toMatchObject({ status: 200, body: { status: 'resolved', issueKey: key } });
    const issue = await issueByKey(key);
    expect(issue?.fields['status']).toMatchObject({ statusCategory: { key: 'done' } });
    expect((await commentTexts(key)).some((t) => t.includes('audit_alert_resumed'))).toBe(true);
  }, 30_000);

  it('records a suppressed alert in the ledger and creates no issue', async () => {
    const before = (await issues()).length;
    const answer = await send(alert('record_password_change'));
    expect(answer).toMatchObject({ status: 200, body: { status: 'suppressed' } });
    expect((await issues()).length).toBe(before);
    const item = (await deliveries()).find((d) => d.alertId === answer.body['alertId']);
    expect(item).toMatchObject({ status: 'suppressed', rule: { id: 'quiet' } });
  });

  it('leaves a redacted field out of the whole ticket, raw block included, and says which paths', async () => {
    const secret = { username: 'private.person@example.com', remote_address: '203.0.113.99' };
    const answer = await send(alert('bw_record_high_risk', secret));
    const issue = await issueByKey(answer.body['issueKey'] as string);
    const everything = JSON.stringify(issue?.fields);
    expect(everything).not.toContain('private.person@example.com');
    expect(everything).not.toContain('203.0.113.99');
    expect(everything).toContain('[redacted]');
    const item = (await deliveries()).find((d) => d.alertId === answer.body['alertId']);
    expect(item?.redactedPaths).toEqual(['username', 'remote_address']);
  });
});
