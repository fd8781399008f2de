import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type JiraStandIn, type JiraStandInOptions, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import {
  ALICE,
  clearLatency,
  control,
  endOutage,
  type JiraApi,
  jiraApi,
  RITA,
  readStats,
  resetStats,
  setAttachmentUploadLimit,
  setFaultMix,
  setLatency,
  setRateLimit,
  signIn,
  startOutage,
  TEST_CLIENT,
  TEST_REDIRECT_URI,
} from '#test-support/jira-stand-in-session.ts';

const RATE_LIMITED = {
  errorMessages: ['The request has been rate-limited. Please try again later.'],
  errors: {},
  status: 429,
};
const RESET_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/;
const doc = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const secTask = { fields: { project: { key: 'SEC' }, issuetype: { id: '10001' }, summary: 'Keeper alert' } };

/** A stand-in on a clock the test moves by hand, so token buckets and windows are exact. */
async function startOnClock(
  extra: Partial<JiraStandInOptions> = {},
): Promise<{ standIn: JiraStandIn; clock: { now: number }; alice: JiraApi }> {
  const clock = { now: Date.parse('2026-03-10T10:59:30.000Z') };
  const standIn = await startJiraStandIn({
    port: 0,
    ...TEST_CLIENT,
    redirectUris: [TEST_REDIRECT_URI],
    now: () => clock.now,
    ...extra,
  });
  const alice = jiraApi(standIn.url, standIn.cloudId, (await signIn(standIn.url, ALICE)).access_token);
  return { standIn, clock, alice };
}

async function createIssue(api: JiraApi): Promise<string> {
  const res = await api.post('/issue', secTask);
  if (res.status !== 201) throw new Error(`create failed with ${res.status}`);
  return (res.body as { key: string }).key;
}

function fileForm(name: string, content: BlobPart, type = 'application/json', field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([content], { type }), name);
  return form;
}

describe('jira stand-in: off by default', () => {
  it('answers without rate-limit headers and reports every condition off', async () => {
    // Prepare
    const { standIn, alice } = await startOnClock();

    // Act
    const res = await alice.get('/myself');
    const rateLimit = await control(standIn.url, 'GET', '/rate-limit');
    const latency = await control(standIn.url, 'GET', '/latency');
    const mix = await control(standIn.url, 'GET', '/fault-mix');
    const outage = await control(standIn.url, 'GET', '/outage');
    await standIn.close();

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(rateLimit).toEqual({ enabled: false });
    expect(latency).toEqual({ latency: null });
    expect(mix).toEqual({ faultMix: null });
    expect(outage).toEqual({ outage: null });
  });
});

describe('jira stand-in: burst rate limit (token bucket per tenant, endpoint and method)', () => {
  let standIn: JiraStandIn;
  let clock: { now: number };
  let alice: JiraApi;

  beforeAll(async () => {
    ({ standIn, clock, alice } = await startOnClock());
  });
  afterEach(async () => {
    await control(standIn.url, 'POST', '/reset-counters');
    await control(standIn.url, 'DELETE', '/rate-limit');
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('lets R calls through, counts the remaining budget down and flags the last 20 %', async () => {
    // Prepare
    await setRateLimit(standIn.url, { requestsPerSecond: 10 });

    // Act
    const answers = [];
    for (let i = 0; i < 10; i += 1) answers.push(await alice.get('/field'));

    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual([
      '9',
      '8',
      '7',
      '6',
      '5',
      '4',
      '3',
      '2',
      '1',
      '0',
    ]);
    expect(answers.every((a) => a.headers.get('x-ratelimit-limit') === '10')).toBe(true);
    expect(answers.map((a) => a.headers.get('x-ratelimit-nearlimit'))).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'true',
      'true',
    ]);
  });

  it("answers 429 with Jira's headers and body once the bucket is empty", async () => {
    // Prepare
    await setRateLimit(standIn.url, { requestsPerSecond: 3 });
    for (let i = 0; i < 3; i += 1) await alice.post('/issue', secTask);

    // Act
    const refused = await alice.post('/issue', secTask);

    // Assess
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset')).toMatch(RESET_FORMAT);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-burst-based');
  });

  it('refills R tokens per second and does not charge refused calls', async () => {
    // Prepare
    await setRateLimit(standIn.url, { requestsPerSecond: 10 });
    for (let i = 0; i < 10; i += 1) await alice.get('/field');
    for (let i = 0; i < 5; i += 1) await alice.get('/field');

    // Act
    clock.now += 100; // one token at 10 per second
    const first = await alice.get('/field');
    const second = await alice.get('/field');
    clock.now += 1000;
    const afterASecond = await alice.get('/field');

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(afterASecond.status).toBe(200);
    expect(afterASecond.headers.get('x-ratelimit-remaining')).toBe('9');
  });

  it('keeps one bucket per endpoint and method, or one for the tenant when asked', async () => {
    // Prepare
    await setRateLimit(standIn.url, { requestsPerSecond: 2 });
    await alice.get('/field');
    await alice.get('/field');

    // Act
    const sameEndpoint = await alice.get('/field');
    const otherEndpoint = await alice.get('/myself');
    await setRateLimit(standIn.url, { requestsPerSecond: 2, scope: 'tenant' });
    await alice.get('/field');
    await alice.get('/priority');
    const tenantWide = await alice.get('/myself');

    // Assess
    expect(sameEndpoint.status).toBe(429);
    expect(otherEndpoint.status).toBe(200);
    expect(tenantWide.status).toBe(429);
  });

  it('answers 429 jira-quota-tenant-based until the top of the hour when the hourly points are spent', async () => {
    // Prepare
    await setRateLimit(standIn.url, { hourlyPoints: 3 });
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await alice.get('/field'));

    // Act
    const refused = await alice.get('/myself');
    const hourEnd = Math.ceil(clock.now / 3_600_000) * 3_600_000;
    const wait = Math.ceil((hourEnd - clock.now) / 1000);
    clock.now = hourEnd;
    const nextHour = await alice.get('/myself');

    // Assess
    expect(answers[0]?.headers.get('beta-ratelimit-policy')).toBe('"tenant-app-quota";q=3;w=3600');
    expect(answers[0]?.headers.get('beta-ratelimit')).toBe(`"tenant-app-quota";r=2;t=${wait}`);
    expect(answers[2]?.headers.get('x-ratelimit-nearlimit')).toBe('true');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-quota-tenant-based');
    expect(refused.headers.get('retry-after')).toBe(String(wait));
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(nextHour.status).toBe(200);
  });
});

describe('jira stand-in: per-issue write limits', () => {
  let standIn: JiraStandIn;
  let clock: { now: number };
  let alice: JiraApi;

  beforeAll(async () => {
    ({ standIn, clock, alice } = await startOnClock({ rateLimit: { perIssueWrites: true } }));
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('allows 20 writes per 2 s on one issue, then answers jira-per-issue-on-write', async () => {
    // Prepare
    const key = await createIssue(alice);
    const other = await createIssue(alice);
    for (let i = 0; i < 20; i += 1) await alice.post(`/issue/${key}/comment`, { body: doc(`c${i}`) });

    // Act
    const refused = await alice.post(`/issue/${key}/comment`, { body: doc('one too many') });
    const attachment = await alice.upload(`/issue/${key}/attachments`, fileForm('a.json', '{}'));
    const otherIssue = await alice.post(`/issue/${other}/comment`, { body: doc('elsewhere') });
    const read = await alice.get(`/issue/${key}`);
    clock.now += 2_000;
    const later = await alice.post(`/issue/${key}/comment`, { body: doc('after the window') });

    // Assess
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(attachment.status).toBe(429);
    expect(otherIssue.status).toBe(201);
    expect(read.status).toBe(200);
    expect(later.status).toBe(201);
  });

  it('allows 100 writes per 30 s on one issue', async () => {
    // Prepare
    const key = await createIssue(alice);
    const start = clock.now;
    for (let burst = 0; burst < 5; burst += 1) {
      for (let i = 0; i < 20; i += 1) await alice.post(`/issue/${key}/comment`, { body: doc(`b${burst}c${i}`) });
      clock.now += 2_000;
    }

    // Act
    const refused = await alice.post(`/issue/${key}/comment`, { body: doc('101st') });
    clock.now = start + 30_001;
    const later = await alice.post(`/issue/${key}/comment`, { body: doc('after 30 s') });

    // Assess
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(later.status).toBe(201);
  });
});

describe('jira stand-in: per-issue write limits on edits, transitions and links', () => {
  let standIn: JiraStandIn;
  let clock: { now: number };
  let alice: JiraApi;

  beforeAll(async () => {
    ({ standIn, clock, alice } = await startOnClock({ rateLimit: { perIssueWrites: true } }));
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('counts edits, comments and transitions together: the 21st write in 2 s is refused, reads are not', async () => {
    // Prepare
    const key = await createIssue(alice);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await alice.put(`/issue/${key}`, { fields: { summary: `edit ${i}` } })).status);
      statuses.push((await alice.post(`/issue/${key}/comment`, { body: doc(`c${i}`) })).status);
    }
    for (let i = 0; i < 6; i += 1) {
      const id = i % 2 === 0 ? '21' : '11';
      statuses.push((await alice.post(`/issue/${key}/transitions`, { transition: { id } })).status);
    }

    // Act
    const edit = await alice.put(`/issue/${key}`, { fields: { summary: 'one too many' } });
    const transition = await alice.post(`/issue/${key}/transitions`, { transition: { id: '21' } });
    const comment = await alice.put(`/issue/${key}`, { update: { comment: [{ add: { body: doc('x') } }] } });
    const reads = [await alice.get(`/issue/${key}/transitions`), await alice.get(`/issue/${key}`)];
    clock.now += 2_000;
    const later = await alice.put(`/issue/${key}`, { fields: { summary: 'after the window' } });

    // Assess
    // Seven edits (204) each followed by a comment (201), then six transitions (204).
    expect(statuses).toEqual([...Array.from({ length: 7 }, () => [204, 201]).flat(), ...Array(6).fill(204)]);
    for (const refused of [edit, transition, comment]) {
      expect(refused.status).toBe(429);
      expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
      expect(refused.body).toEqual(RATE_LIMITED);
    }
    expect(reads.map((r) => r.status)).toEqual([200, 200]);
    expect(later.status).toBe(204);
  });

  it('counts a link against both issues', async () => {
    // Prepare
    const busy = await createIssue(alice);
    const quiet = await createIssue(alice);
    const third = await createIssue(alice);
    for (let i = 0; i < 19; i += 1) await alice.post(`/issue/${busy}/comment`, { body: doc(`c${i}`) });
    const link = (inward: string, outward: string) =>
      alice.post('/issueLink', {
        type: { name: 'Relates' },
        inwardIssue: { key: inward },
        outwardIssue: { key: outward },
      });

    // Act
    const twentieth = await link(quiet, busy);
    const refused = await link(busy, third);
    const elsewhere = await link(quiet, third);
    const stats = await readStats(standIn.url);

    // Assess
    expect(twentieth.status).toBe(201);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(elsewhere.status).toBe(201);
    expect(stats.byIssue[busy]?.['POST /issueLink']).toEqual({ total: 2, byStatus: { '201': 1, '429': 1 } });
    expect(stats.byIssue[third]?.['POST /issueLink']).toEqual({ total: 2, byStatus: { '201': 1, '429': 1 } });
  });
});

describe('jira stand-in: latency, fault mix and outage', () => {
  let standIn: JiraStandIn;
  let alice: JiraApi;
  let token: string;

  beforeAll(async () => {
    standIn = await startJiraStandIn({ port: 0, ...TEST_CLIENT, redirectUris: [TEST_REDIRECT_URI] });
    token = (await signIn(standIn.url, ALICE)).access_token;
    alice = jiraApi(standIn.url, standIn.cloudId, token);
  });
  afterEach(async () => {
    await control(standIn.url, 'POST', '/reset');
    token = (await signIn(standIn.url, ALICE)).access_token;
    alice = jiraApi(standIn.url, standIn.cloudId, token);
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('delays every gateway call by mean ± jitter and stops when cleared', async () => {
    // Prepare
    await setLatency(standIn.url, { meanMs: 200, jitterMs: 50, seed: 3 });

    // Act
    const durations = [];
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      await alice.get('/myself');
      durations.push(performance.now() - started);
    }
    await clearLatency(standIn.url);
    const started = performance.now();
    await alice.get('/myself');
    const undelayed = performance.now() - started;

    // Assess
    for (const d of durations) expect(d).toBeGreaterThanOrEqual(149);
    expect(Math.min(...durations)).toBeLessThan(2_000);
    expect(undelayed).toBeLessThan(Math.min(...durations));
  });

  it('draws the same 429 / 500 / lost sequence for the same seed, and a lost create still creates', async () => {
    // Prepare
    const mix = { path: 'POST /issue', rate429: 0.3, retryAfterSeconds: 1, rate500: 0.1, rateLost: 0.2, seed: 42 };
    const run = async (): Promise<string[]> => {
      await setFaultMix(standIn.url, mix);
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const res = await alice.post('/issue', secTask).then(
          (r) => String(r.status),
          () => 'lost',
        );
        outcomes.push(res);
      }
      return outcomes;
    };

    // Act
    const first = await run();
    const issuesAfterFirst = standIn.issues().length;
    const stats = await readStats(standIn.url);
    const second = await run();
    const untouched = await alice.get('/myself');

    // Assess
    expect(second).toEqual(first);
    const count = (outcome: string) => first.filter((o) => o === outcome).length;
    expect(count('429')).toBeGreaterThan(4);
    expect(count('500')).toBeGreaterThan(0);
    expect(count('lost')).toBeGreaterThan(0);
    expect(count('201')).toBeGreaterThan(4);
    expect(issuesAfterFirst).toBe(count('201') + count('lost'));
    expect(stats.byRoute['POST /issue']?.byStatus).toEqual({
      '201': count('201'),
      '429': count('429'),
      '500': count('500'),
      lost: count('lost'),
    });
    expect(stats.rateLimited).toEqual({ total: count('429'), byReason: { 'jira-burst-based': count('429') } });
    expect(untouched.status).toBe(200);
  });

  it('answers 503 with Retry-After during a 503 outage, counts the calls, and recovers when it ends', async () => {
    // Prepare
    await resetStats(standIn.url);
    await startOutage(standIn.url, { mode: '503', retryAfterSeconds: 30 });

    // Act
    const down = await alice.post('/issue', secTask);
    const downRead = await alice.get('/myself');
    const tokenStillWorks = await signIn(standIn.url, RITA);
    const ended = await endOutage(standIn.url);
    const up = await alice.post('/issue', secTask);
    const stats = await readStats(standIn.url);

    // Assess
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(downRead.status).toBe(503);
    expect(tokenStillWorks.access_token).toBeTruthy();
    expect(ended).toMatchObject({ mode: '503', calls: 2 });
    expect(up.status).toBe(201);
    expect(stats.duringOutage).toBe(2);
    expect(stats.byRoute['POST /issue']?.byStatus).toEqual({ '201': 1, '503': 1 });
  });

  it('drops connections in a reset outage and holds them in a timeout outage until it ends', async () => {
    // Prepare
    await startOutage(standIn.url, { mode: 'reset' });
    const reset = await alice.get('/myself').then(
      () => 'answered',
      () => 'dropped',
    );
    await startOutage(standIn.url, { mode: 'timeout' });

    // Act
    const hanging = alice.get('/myself').then(
      () => 'answered',
      () => 'dropped',
    );
    const stillHanging = await Promise.race([
      hanging,
      new Promise((resolve) => setTimeout(() => resolve('hanging'), 200)),
    ]);
    const ended = await endOutage(standIn.url);
    const outcome = await hanging;
    const stats = await readStats(standIn.url);

    // Assess
    expect(reset).toBe('dropped');
    expect(stillHanging).toBe('hanging');
    expect(ended).toMatchObject({ mode: 'timeout', calls: 2 });
    expect(outcome).toBe('dropped');
    expect(stats.byRoute['GET /myself']?.byStatus).toEqual({ reset: 1, timeout: 1 });
    expect(stats.duringOutage).toBe(2);
  });

  it('refuses a fault mix whose rates add up to more than 1', async () => {
    // Act
    const res = await fetch(`${standIn.url}/_stand-in/fault-mix`, {
      method: 'PUT',
      body: JSON.stringify({ rate429: 0.8, rate500: 0.3 }),
    });

    // Assess
    expect(res.status).toBe(400);
  });
});

describe('jira stand-in: attachments', () => {
  let standIn: JiraStandIn;
  let alice: JiraApi;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jira-stand-in-attachments-'));
    standIn = await startJiraStandIn({
      port: 0,
      ...TEST_CLIENT,
      redirectUris: [TEST_REDIRECT_URI],
      dataFile: join(dir, 'jira.json'),
    });
    token = (await signIn(standIn.url, ALICE)).access_token;
    alice = jiraApi(standIn.url, standIn.cloudId, token);
  });
  afterAll(async () => {
    await standIn.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes a file from axios with the platform FormData, as the relay sends it, and gives the same bytes back', async () => {
    // Prepare
    const key = await createIssue(alice);
    const body = `{"alert":"Zugriff verweigert – ключ 🔑","raw":"\\u0000\\"quoted\\""}`;
    const form = new FormData();
    form.append('file', new Blob([body], { type: 'application/json' }), 'keeper-alert-é.json');

    // Act
    const res = await axios.post(
      `${standIn.url}/ex/jira/${standIn.cloudId}/rest/api/3/issue/${key}/attachments`,
      form,
      {
        headers: { authorization: `Bearer ${token}`, 'x-atlassian-token': 'no-check', accept: 'application/json' },
        validateStatus: () => true,
      },
    );
    const [attachment] = res.data as { id: string; content: string }[];
    const viaRedirect = await fetch(attachment?.content ?? '', { headers: { authorization: `Bearer ${token}` } });
    const direct = await alice.fetch(`/attachment/content/${attachment?.id ?? ''}?redirect=false`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.data).toEqual([
      {
        self: expect.stringMatching(/\/rest\/api\/3\/attachment\/\d+$/),
        id: expect.stringMatching(/^\d+$/),
        filename: 'keeper-alert-é.json',
        author: expect.objectContaining({ accountId: expect.any(String), displayName: 'Alice Admin' }),
        created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$/),
        size: Buffer.byteLength(body),
        mimeType: 'application/json',
        content: expect.stringMatching(/\/rest\/api\/3\/attachment\/content\/\d+$/),
      },
    ]);
    expect(viaRedirect.status).toBe(200);
    expect(Buffer.from(await viaRedirect.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
    expect(direct.status).toBe(200);
    expect(Buffer.from(await direct.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
  });

  it('redirects the content URL with 303 unless redirect=false', async () => {
    // Prepare
    const key = await createIssue(alice);
    const [attachment] = (
      await alice.upload(`/issue/${key}/attachments`, fileForm('x.bin', new Uint8Array([0, 255, 1])))
    ).body as { id: string }[];

    // Act
    const res = await alice.fetch(`/attachment/content/${attachment?.id ?? ''}`, { redirect: 'manual' });

    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`/secure/attachment/${attachment?.id ?? ''}/x\\.bin$`));
  });

  it('lists the attachments in fields.attachment and on the issue page', async () => {
    // Prepare
    const key = await createIssue(alice);
    await alice.upload(`/issue/${key}/attachments`, fileForm('<b>payload</b>.json', '{"a":1}'));

    // Act
    const issue = (await alice.get(`/issue/${key}?fields=attachment`)).body as {
      fields: { attachment: { filename: string; size: number }[] };
    };
    const html = await (await fetch(`${standIn.url}/browse/${key}`)).text();
    const link = /href="(\/secure\/attachment\/[^"]+)"/.exec(html)?.[1] ?? '';
    const download = await fetch(`${standIn.url}${link.replaceAll('&amp;', '&')}`);

    // Assess
    expect(issue.fields.attachment).toEqual([expect.objectContaining({ filename: '<b>payload</b>.json', size: 7 })]);
    expect(html).toContain('&lt;b&gt;payload&lt;/b&gt;.json');
    expect(html).not.toContain('<b>payload</b>');
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(await download.text()).toBe('{"a":1}');
  });

  it('answers an empty field list on an issue with no attachment', async () => {
    // Prepare
    const key = await createIssue(alice);

    // Act
    const issue = (await alice.get(`/issue/${key}`)).body as { fields: Record<string, unknown> };

    // Assess
    expect(issue.fields['attachment']).toEqual([]);
  });

  it('refuses a multipart upload without X-Atlassian-Token: no-check with the plain-text XSRF 403', async () => {
    // Prepare
    const key = await createIssue(alice);

    // Act
    const missing = await alice.upload(`/issue/${key}/attachments`, fileForm('a.json', '{}'), {});
    const wrong = await alice.upload(`/issue/${key}/attachments`, fileForm('a.json', '{}'), {
      'x-atlassian-token': 'check',
    });
    const issue = (await alice.get(`/issue/${key}?fields=attachment`)).body as { fields: { attachment: unknown[] } };

    // Assess
    expect(missing.status).toBe(403);
    expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(missing.body).toBe('XSRF check failed');
    expect(wrong.status).toBe(403);
    expect(issue.fields.attachment).toEqual([]);
  });

  it('answers 404 for an unknown issue, 415 for a JSON body and an empty list when no part is named file', async () => {
    // Prepare
    const key = await createIssue(alice);

    // Act
    const unknown = await alice.upload('/issue/SEC-99999/attachments', fileForm('a.json', '{}'));
    const json = await alice.fetch(`/issue/${key}/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-atlassian-token': 'no-check' },
      body: '{"file":"x"}',
    });
    const misnamed = await alice.upload(
      `/issue/${key}/attachments`,
      fileForm('a.json', '{}', 'application/json', 'attachment'),
    );

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    });
    expect(json.status).toBe(415);
    expect(misnamed.status).toBe(200);
    expect(misnamed.body).toEqual([]);
  });

  it('answers 413 for a file over the upload limit and reports the limit in attachment/meta', async () => {
    // Prepare
    const key = await createIssue(alice);
    await setAttachmentUploadLimit(standIn.url, 1000);

    // Act
    const meta = await alice.get('/attachment/meta');
    const atLimit = await alice.upload(`/issue/${key}/attachments`, fileForm('ok.txt', 'x'.repeat(1000), 'text/plain'));
    const over = await alice.upload(`/issue/${key}/attachments`, fileForm('big.txt', 'x'.repeat(1001), 'text/plain'));
    const farOver = await alice.upload(
      `/issue/${key}/attachments`,
      fileForm('huge.txt', 'x'.repeat(3 * 1024 * 1024), 'text/plain'),
    );
    await setAttachmentUploadLimit(standIn.url, 10 * 1024 * 1024);

    // Assess
    expect(meta.body).toEqual({ enabled: true, uploadLimit: 1000 });
    expect(atLimit.status).toBe(200);
    expect(over.status).toBe(413);
    expect(farOver.status).toBe(413);
  });

  it('keeps attachments across a restart when a data file is given', async () => {
    // Prepare
    const key = await createIssue(alice);
    const bytes = new Uint8Array([1, 2, 3, 254, 255]);
    const [uploaded] = (
      await alice.upload(`/issue/${key}/attachments`, fileForm('bytes.bin', bytes, 'application/octet-stream'))
    ).body as { id: string }[];
    await standIn.close();

    // Act
    standIn = await startJiraStandIn({
      port: 0,
      ...TEST_CLIENT,
      redirectUris: [TEST_REDIRECT_URI],
      dataFile: join(dir, 'jira.json'),
    });
    token = (await signIn(standIn.url, ALICE)).access_token;
    alice = jiraApi(standIn.url, standIn.cloudId, token);
    const res = await alice.fetch(`/attachment/content/${uploaded?.id ?? ''}?redirect=false`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('jira stand-in: call statistics and reset', () => {
  it('counts calls per route and status and puts the start conditions back on reset', async () => {
    // Prepare
    const { standIn, alice } = await startOnClock({ rateLimit: { requestsPerSecond: 1 } });
    await alice.get('/myself');
    await alice.get('/myself');
    await alice.post('/issue', secTask);

    // Act
    const stats = await readStats(standIn.url);
    await setRateLimit(standIn.url, { requestsPerSecond: 50 });
    await setLatency(standIn.url, { meanMs: 5 });
    await control(standIn.url, 'POST', '/reset');
    const afterReset = await readStats(standIn.url);
    const rateLimit = await control(standIn.url, 'GET', '/rate-limit');
    const latency = await control(standIn.url, 'GET', '/latency');
    await standIn.close();

    // Assess
    expect(stats.byRoute['GET /myself']).toEqual({ total: 2, byStatus: { '200': 1, '429': 1 } });
    expect(stats.byRoute['POST /issue']).toEqual({ total: 1, byStatus: { '201': 1 } });
    expect(stats.byRoute['POST /oauth/token']).toEqual({ total: 1, byStatus: { '200': 1 } });
    expect(stats.total).toBe(4);
    expect(stats.rateLimited).toEqual({ total: 1, byReason: { 'jira-burst-based': 1 } });
    expect(afterReset.total).toBe(0);
    expect(rateLimit).toMatchObject({ enabled: true, requestsPerSecond: 1 });
    expect(latency).toEqual({ latency: null });
  });
});
