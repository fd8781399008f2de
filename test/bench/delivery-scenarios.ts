/**
 * The delivery scenarios of `npm run bench` (docs/webhook-and-delivery.md, "Delivery guarantees"):
 * each runs on its own relay and stand-in, with the same injected Jira latency, and reports what
 * Jira itself saw (issues by per-alert label, call outcomes from the stand-in's statistics).
 */

import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { buildIssue } from '#domain/ticket/build-issue.ts';
import type { StatsSnapshot } from '#local/jira-stand-in/index.ts';
import { benchAlert, createdAt, sendAlerts, tally } from '#test-support/configured-relay.ts';
import { postAlert } from '#test-support/relay-client.ts';
import { awaitIssues, control, percentile, startBenchRelay, timesToTicket } from './bench-relay.ts';

/** Jira's latency in every scenario: 300 ms ± 100, uniform. */
export const JIRA_LATENCY = { meanMs: 300, jitterMs: 100 } as const;

export interface LatencyResult {
  readonly pairs: number;
  readonly relay: { p50: number; p99: number };
  readonly direct: { p50: number; p99: number };
}

/** (a) Webhook → issue against creating the same issue directly, interleaved so both meet the same Jira. */
export async function webhookVersusDirect(pairs: number): Promise<LatencyResult> {
  const bench = await startBenchRelay();
  try {
    await control(bench.jira, 'PUT', '/latency', JIRA_LATENCY);
    const { core } = bench.runtime;
    const config = await core.delivery.config();
    if (!config) throw new Error('relay not configured');
    // One alert first: the relay's first Jira call also looks up the site (cloudId), once per instance.
    await postAlert(bench.runtime.url, benchAlert('latency-warm-up', 0), bench.token);
    const relay: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < pairs; i += 1) {
      const body = benchAlert('latency', i);
      const t0 = performance.now();
      const answer = await postAlert(bench.runtime.url, body, bench.token);
      relay.push(performance.now() - t0);
      if (answer.status !== 201) throw new Error(`webhook answered ${answer.status}`);

      // The issue the relay builds for this alert, sent by a client holding the same token.
      const fields = buildIssue(parseAlertBody(body), {
        alertId: dedupKey(body),
        receivedAt: new Date().toISOString(),
        config,
      }).fields;
      const url = `${bench.jira.url}/ex/jira/${await core.tokens.cloudId()}/rest/api/3/issue`;
      const accessToken = await core.tokens.accessToken();
      const t1 = performance.now();
      const created = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ fields }),
      });
      await created.text();
      direct.push(performance.now() - t1);
      if (created.status !== 201) throw new Error(`direct create answered ${created.status}`);
    }
    return {
      pairs,
      relay: { p50: percentile(relay, 50), p99: percentile(relay, 99) },
      direct: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
    };
  } finally {
    await bench.close();
  }
}

export interface BurstResult {
  readonly alerts: number;
  readonly limit: number;
  readonly postSeconds: number;
  readonly lastIssueSeconds: number;
  readonly deliveredPerSecond: number;
  readonly jiraCalls: number;
  readonly rateLimited: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly responses: string;
}

/** Jira REST calls only: the OAuth token endpoint is auth.atlassian.com, not Jira. */
function jiraCalls(stats: StatsSnapshot): { total: number; rateLimited: number } {
  let total = 0;
  let rateLimited = 0;
  for (const [route, counts] of Object.entries(stats.byRoute)) {
    if (route.includes('/oauth/')) continue;
    total += counts.total;
    rateLimited += counts.byStatus['429'] ?? 0;
  }
  return { total, rateLimited };
}

function statusSummary(sent: readonly { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const s of sent) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
}

/** (b) A burst of `alerts` under Jira's burst limit of `limit` requests per second. */
export async function burstUnderLimit(alerts: number, limit: number, concurrency: number): Promise<BurstResult> {
  const bench = await startBenchRelay();
  try {
    await control(bench.jira, 'PUT', '/latency', JIRA_LATENCY);
    await control(bench.jira, 'PUT', '/rate-limit', { requestsPerSecond: limit });
    await control(bench.jira, 'DELETE', '/stats');
    const bodies = Array.from({ length: alerts }, (_, i) => benchAlert('burst', i));
    const started = Date.now();
    const sent = await sendAlerts(() => bench.runtime.url, bench.token, bodies, { concurrency });
    const postSeconds = (Date.now() - started) / 1000;
    const byLabel = await awaitIssues(
      bench.jira,
      sent.map((s) => s.label),
      ((alerts / limit) * 3 + 120) * 1000,
    );
    const last = Math.max(...[...byLabel.values()].flat().map(createdAt));
    const lastIssueSeconds = (last - started) / 1000;
    const calls = jiraCalls(bench.jira.stats());
    const { lost, duplicated } = tally(
      sent.map((s) => s.label),
      bench.jira.issues(),
    );
    return {
      alerts,
      limit,
      postSeconds,
      lastIssueSeconds,
      deliveredPerSecond: alerts / lastIssueSeconds,
      jiraCalls: calls.total,
      rateLimited: calls.rateLimited,
      lost: lost.length,
      duplicated: duplicated.length,
      responses: statusSummary(sent),
    };
  } finally {
    await bench.close();
  }
}

export interface TicketTimes {
  readonly alerts: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly lastIssueSeconds: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly jiraCalls: number;
  readonly byStatus: string;
  readonly responses: string;
}

export const FAULT_MIX = { rate429: 0.3, retryAfterSeconds: 1, rate500: 0.1, rateLost: 0.05, seed: 42 } as const;

/** (c) Time-to-ticket of `alerts` alerts while Jira answers the fault mix. */
export async function faultMixTimes(alerts: number, concurrency: number): Promise<TicketTimes> {
  const bench = await startBenchRelay();
  try {
    await control(bench.jira, 'PUT', '/latency', JIRA_LATENCY);
    await control(bench.jira, 'PUT', '/fault-mix', FAULT_MIX);
    await control(bench.jira, 'DELETE', '/stats');
    const bodies = Array.from({ length: alerts }, (_, i) => benchAlert('fault-mix', i));
    const started = Date.now();
    const sent = await sendAlerts(() => bench.runtime.url, bench.token, bodies, { concurrency });
    const byLabel = await awaitIssues(
      bench.jira,
      sent.map((s) => s.label),
      15 * 60_000,
    );
    // Late duplicates would come from retries still queued: give them a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const times = timesToTicket(sent, byLabel);
    const last = Math.max(...[...byLabel.values()].flat().map(createdAt));
    const { lost, duplicated } = tally(
      sent.map((s) => s.label),
      bench.jira.issues(),
    );
    const stats = bench.jira.stats();
    return {
      alerts,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: Math.max(...times),
      lastIssueSeconds: (last - started) / 1000,
      lost: lost.length,
      duplicated: duplicated.length,
      jiraCalls: jiraCalls(stats).total,
      byStatus: Object.entries(stats.byStatus)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
      responses: statusSummary(sent),
    };
  } finally {
    await bench.close();
  }
}

export interface OutageResult {
  readonly outageSeconds: number;
  readonly alerts: number;
  readonly callsWhileDown: number;
  readonly drainSeconds: number;
  /** Longest time from recovery (or from its POST, if later) until an alert's issue existed. */
  readonly worstAfterRecoverySeconds: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly rateLimited: number;
}

/** (d) Jira down for `outageSeconds` while `alerts` alerts arrive, then back. */
export async function outageThenRecovery(outageSeconds: number, alerts: number): Promise<OutageResult> {
  const bench = await startBenchRelay();
  try {
    await control(bench.jira, 'PUT', '/latency', JIRA_LATENCY);
    await control(bench.jira, 'DELETE', '/stats');
    await control(bench.jira, 'PUT', '/outage', { mode: '503' });
    const bodies = Array.from({ length: alerts }, (_, i) => benchAlert('outage', i));
    // Alerts arrive evenly through the outage's first 90 %, as a security team's would.
    const gapMs = (outageSeconds * 900) / alerts;
    const sent = await sendAlerts(() => bench.runtime.url, bench.token, bodies, { concurrency: 1, gapMs });
    const wait = outageSeconds * 1000 - (Date.now() - (sent[0]?.sentAt ?? Date.now()));
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const ended = (await control(bench.jira, 'DELETE', '/outage')) as {
      ended: { calls: number; durationSeconds: number };
    };
    const recovered = Date.now();
    const byLabel = await awaitIssues(
      bench.jira,
      sent.map((s) => s.label),
      20 * 60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const last = Math.max(...[...byLabel.values()].flat().map(createdAt));
    const worst = Math.max(
      ...sent.map((s) => createdAt(byLabel.get(s.label)?.[0] ?? never()) - Math.max(recovered, s.sentAt)),
    );
    const { lost, duplicated } = tally(
      sent.map((s) => s.label),
      bench.jira.issues(),
    );
    return {
      outageSeconds: ended.ended.durationSeconds,
      alerts,
      callsWhileDown: ended.ended.calls,
      drainSeconds: (last - recovered) / 1000,
      worstAfterRecoverySeconds: worst / 1000,
      lost: lost.length,
      duplicated: duplicated.length,
      rateLimited: jiraCalls(bench.jira.stats()).rateLimited,
    };
  } finally {
    await bench.close();
  }
}

function never(): never {
  throw new Error('an alert has no issue');
}
