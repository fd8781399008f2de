/**
 * (e) of `npm run bench`: what grouping saves. The same spray of failed logins (a few users, many
 * alerts each) goes to two relays, each with its own Jira stand-in at the same latency: one with no
 * rules (a ticket per alert, the baseline) and one with a rule grouping `login_failure` by event +
 * username. Counted from the outside: Jira calls by the stand-in, DynamoDB writes through Node's
 * HTTP client diagnostics channel (operation from `x-amz-target`), issues and comments in Jira.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { postAlert } from '#test-support/relay-client.ts';
import { type BenchRelay, control, startBenchRelay } from './bench-relay.ts';
import { JIRA_LATENCY } from './delivery-scenarios.ts';

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface TrafficCounts {
  readonly alerts: number;
  readonly jiraCalls: number;
  readonly jiraWrites: number;
  readonly dynamoWrites: number;
  readonly issues: number;
  readonly comments: number;
  readonly perIssue429: number;
  /** Seconds from the first POST until Jira stopped being called. */
  readonly seconds: number;
}

export interface GroupedTrafficResult {
  readonly users: number;
  readonly perUser: number;
  readonly commentIntervalSeconds: number;
  readonly baseline: TrafficCounts;
  readonly grouped: TrafficCounts;
}

function spray(user: number, i: number): string {
  return JSON.stringify({
    alert_name: 'Failed logins',
    description: `User spray${user}@example.com failed to log in`,
    audit_event: 'login_failure',
    category: 'login',
    username: `spray${user}@example.com`,
    remote_address: `198.51.100.${(i % 7) + 1}`,
    client_version: 'Web Vault 17.0.2',
    timestamp: new Date(Date.UTC(2026, 0, 1) + user * 1_000_000 + i).toISOString(),
  });
}

/** Counts DynamoDB writes made by this process while `run` runs. */
async function countingWrites<T>(run: () => Promise<T>): Promise<{ result: T; writes: number }> {
  let writes = 0;
  const onStart = (message: unknown) => {
    const target = (message as { request: ClientRequest }).request.getHeader('x-amz-target');
    if (typeof target === 'string' && WRITES.has(target.split('.').pop() ?? '')) writes += 1;
  };
  subscribe('http.client.request.start', onStart);
  try {
    return { result: await run(), writes };
  } finally {
    unsubscribe('http.client.request.start', onStart);
  }
}

async function saveSprayRule(bench: BenchRelay, commentIntervalSeconds: number): Promise<void> {
  const current = await bench.admin.call<{ config: { version: number; defaultIssueTypeId: string } }>(
    'GET',
    '/api/config',
  );
  const saved = await bench.admin.call('PUT', '/api/config', {
    expectedVersion: current.body.config.version,
    projectKey: 'SEC',
    defaultIssueTypeId: current.body.config.defaultIssueTypeId,
    rules: [
      {
        id: 'spray',
        name: 'Group repeated failed logins',
        enabled: true,
        when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
        actions: {
          grouping: {
            key: ['audit_event', 'username'],
            windowMinutes: 60,
            commentIntervalSeconds,
            reopenWindowHours: 0,
          },
        },
      },
    ],
  });
  if (saved.status !== 200) throw new Error(`saving the rule answered ${saved.status}`);
}

/** Sends the spray at `perSecond`, then waits until Jira has not been called for `quietSeconds`. */
async function run(bench: BenchRelay, bodies: readonly string[], perSecond: number, quietSeconds: number) {
  const calls = () => bench.jira.stats().total;
  const started = performance.now();
  for (let i = 0; i < bodies.length; i += perSecond) {
    const tick = performance.now();
    const answers = await Promise.all(
      bodies.slice(i, i + perSecond).map((body) => postAlert(bench.runtime.url, body, bench.token)),
    );
    const refused = answers.find((a) => a.status >= 300 && a.status !== 202);
    if (refused) throw new Error(`webhook answered ${refused.status}`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - tick))));
  }
  let last = calls();
  let lastChange = performance.now();
  while (performance.now() - lastChange < quietSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (calls() !== last) {
      last = calls();
      lastChange = performance.now();
    }
  }
  return (lastChange - started) / 1000;
}

function countsOf(bench: BenchRelay, alerts: number, writes: number, seconds: number): TrafficCounts {
  const stats = bench.jira.stats();
  const writeCalls = Object.entries(stats.byRoute)
    .filter(([route]) => !route.startsWith('GET ') && !route.includes('/oauth/'))
    .reduce((sum, [, outcomes]) => sum + outcomes.total, 0);
  const issues = bench.jira.issues();
  return {
    alerts,
    jiraCalls: stats.total,
    jiraWrites: writeCalls,
    dynamoWrites: writes,
    issues: issues.length,
    comments: issues.reduce((sum, issue) => sum + issue.comments.length, 0),
    perIssue429: stats.rateLimited.byReason['jira-per-issue-on-write'] ?? 0,
    seconds,
  };
}

export async function groupedTraffic(
  users: number,
  perUser: number,
  perSecond: number,
  commentIntervalSeconds: number,
): Promise<GroupedTrafficResult> {
  const bodies = Array.from({ length: perUser }, (_, i) =>
    Array.from({ length: users }, (_, user) => spray(user, i)),
  ).flat();
  const measure = async (grouping: boolean): Promise<TrafficCounts> => {
    const bench = await startBenchRelay();
    try {
      await control(bench.jira, 'PUT', '/latency', JIRA_LATENCY);
      await control(bench.jira, 'PUT', '/rate-limit', { perIssueWrites: true });
      if (grouping) await saveSprayRule(bench, commentIntervalSeconds);
      await control(bench.jira, 'DELETE', '/stats');
      const { result: seconds, writes } = await countingWrites(() =>
        run(bench, bodies, perSecond, commentIntervalSeconds + 5),
      );
      return countsOf(bench, bodies.length, writes, seconds);
    } finally {
      await bench.close();
    }
  };
  return {
    users,
    perUser,
    commentIntervalSeconds,
    baseline: await measure(false),
    grouped: await measure(true),
  };
}
