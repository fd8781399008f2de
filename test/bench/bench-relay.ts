/**
 * One relay for one benchmark scenario: its own Jira stand-in (so Jira's issues and call statistics
 * are counted outside the relay, and no scenario inherits another's learnt limits or breaker) and
 * the local runtime pointed at it through the Atlassian settings, configured and holding a token.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JiraStandIn, type StoredIssue, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import { type LocalRuntime, type LocalRuntimeOptions, STAND_IN_CLIENT, startLocalRuntime } from '#local/runtime.ts';
import { configureRelay, createdAt, issuesByLabel, type SentAlert } from '#test-support/configured-relay.ts';
import type { AdminClient } from '#test-support/relay-client.ts';

export interface BenchRelay {
  readonly runtime: LocalRuntime;
  readonly jira: JiraStandIn;
  readonly token: string;
  /** Alice's admin API client (to save rules, read deliveries). */
  readonly admin: AdminClient;
  close(): Promise<void>;
}

export async function startBenchRelay(
  options: Pick<LocalRuntimeOptions, 'settings' | 'retryQueue'> = {},
): Promise<BenchRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-'));
  const jira = await startJiraStandIn({ port: 0, ...STAND_IN_CLIENT });
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    quiet: true,
    ...options,
    env: {
      ATLASSIAN_CLIENT_ID: STAND_IN_CLIENT.clientId,
      ATLASSIAN_CLIENT_SECRET: STAND_IN_CLIENT.clientSecret,
      JIRA_SITE_URL: jira.url,
      ATLASSIAN_AUTH_URL: jira.url,
      ATLASSIAN_API_URL: jira.url,
    },
  });
  const { token, admin } = await configureRelay(runtime.url);
  // The token verifier re-reads the token secret at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  return {
    runtime,
    jira,
    token,
    admin,
    close: async () => {
      await runtime.close();
      await jira.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function control(
  jira: JiraStandIn,
  method: 'PUT' | 'DELETE' | 'POST' | 'GET',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${jira.url}/_stand-in${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return response.json();
}

/** Waits until every sent alert has an issue in Jira; returns the issues by label (or throws after `timeoutMs`). */
export async function awaitIssues(
  jira: JiraStandIn,
  labels: readonly string[],
  timeoutMs: number,
): Promise<Map<string, StoredIssue[]>> {
  const deadline = Date.now() + timeoutMs;
  let reported = Date.now();
  for (;;) {
    const byLabel = issuesByLabel(jira.issues());
    const missing = labels.filter((l) => !byLabel.has(l)).length;
    if (missing === 0) return byLabel;
    // BENCH_VERBOSE=1: progress on stderr every 10 s, to see where a slow scenario spends its time.
    if (process.env.BENCH_VERBOSE && Date.now() - reported > 10_000) {
      reported = Date.now();
      process.stderr.write(
        `${new Date().toISOString()} ${missing} of ${labels.length} without an issue; Jira calls ${JSON.stringify(jira.stats().byStatus)}\n`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(`${missing} of ${labels.length} alerts have no issue after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Milliseconds from each alert's POST to its (first) issue in Jira. */
export function timesToTicket(sent: readonly SentAlert[], byLabel: Map<string, StoredIssue[]>): number[] {
  return sent.map((s) => {
    const first = byLabel.get(s.label)?.[0];
    return first ? createdAt(first) - s.sentAt : Number.NaN;
  });
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
