/**
 * `npm run bench`: measures the webhook path on the local runtime (same handlers as the Lambdas,
 * dynalite + Jira stand-in on loopback), the minified size of each Lambda bundle, and delivery when
 * Jira is slow, rationed, flaky or down (`./delivery-scenarios.ts`, all with the same Jira latency).
 * Prints Markdown tables for the README. A benchmark measures; it asserts nothing.
 *
 * Knobs: BENCH_ALERTS, BENCH_CONCURRENCY (webhook figures); BENCH_OUTAGE_SECONDS (default 60, 900
 * for the full 15-minute outage); BENCH_ONLY=webhook,a,b,c,d,e to run some sections only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { startLocalRuntime } from '#local/runtime.ts';
import { configureRelay } from '#test-support/configured-relay.ts';
import { postAlert } from '#test-support/relay-client.ts';
import { NATIVE_FORM_DATA, PROJECT_ROOT } from '../../lib/constructs/relay-function.ts';
import {
  burstUnderLimit,
  FAULT_MIX,
  faultMixTimes,
  JIRA_LATENCY,
  outageThenRecovery,
  webhookVersusDirect,
} from './delivery-scenarios.ts';
import { groupedTraffic } from './grouped-traffic.ts';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 60);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'webhook,a,b,c,d,e').split(',').map((s) => s.trim()));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function alert(i: number): string {
  return JSON.stringify({
    alert_name: 'Benchmark',
    description: `Benchmark alert ${i}`,
    audit_event: 'login_failure',
    category: 'login',
    username: 'bench@example.com',
    remote_address: '198.51.100.7',
    timestamp: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
  });
}

async function timed(bodies: string[], token: string, url: string, concurrency: number) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] ?? '';
        const t0 = performance.now();
        const response = await postAlert(url, body, token);
        latencies.push(performance.now() - t0);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rate: bodies.length / seconds,
    statuses,
  };
}

async function bundleSizes(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of ['ingest', 'deliver', 'admin-api']) {
    // Same settings as lib/constructs/relay-function.ts: ESM, minified, node24, AWS SDK from the runtime.
    const result = await build({
      entryPoints: [`lambdas/handlers/${name}.ts`],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      external: ['@aws-sdk/*'],
      alias: { 'form-data': `./${NATIVE_FORM_DATA}` },
      absWorkingDir: PROJECT_ROOT,
      write: false,
      logLevel: 'silent',
    });
    sizes[name] = result.outputFiles[0]?.contents.byteLength ?? 0;
  }
  return sizes;
}

async function webhookFigures(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'relay-bench-'));
  const runtime = await startLocalRuntime({ port: 0, jiraPort: 0, dataDir, quiet: true });
  try {
    const { token } = await configureRelay(runtime.url);
    await new Promise((r) => setTimeout(r, 1100));

    const bodies = Array.from({ length: ALERTS }, (_, i) => alert(i));
    await fetch(`${runtime.jiraUrl}/_stand-in/reset-counters`, { method: 'POST' });
    const sequential = await timed(bodies.slice(0, ALERTS / 2), token, runtime.url, 1);
    const concurrent = await timed(bodies.slice(ALERTS / 2), token, runtime.url, CONCURRENCY);
    const calls = (await (await fetch(`${runtime.jiraUrl}/_stand-in/requests`)).json()) as { total: number };
    const duplicates = await timed(bodies.slice(0, 50), token, runtime.url, 1);
    const unauthorized = await timed(bodies.slice(0, 50), 'wrong-token', runtime.url, 1);
    const sizes = await bundleSizes();

    const ms = (n: number) => `${n.toFixed(1)} ms`;
    const row = (name: string, r: Awaited<ReturnType<typeof timed>>) =>
      `| ${name} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.rate.toFixed(0)}/s | ${[...r.statuses].map(([s, n]) => `${s}×${n}`).join(' ')} |`;
    const lines = [
      `Node ${process.version}, ${ALERTS} alerts, local runtime (dynalite + Jira stand-in on loopback)`,
      '',
      '| scenario | p50 | p95 | p99 | throughput | responses |',
      '| --- | --- | --- | --- | --- | --- |',
      row('new alert → Jira issue, sequential', sequential),
      row(`new alert → Jira issue, ${CONCURRENCY} concurrent`, concurrent),
      row('duplicate alert (200, nothing created)', duplicates),
      row('wrong token (401)', unauthorized),
      '',
      `Jira calls per delivered alert: ${(calls.total / ALERTS).toFixed(2)} (${calls.total} calls for ${ALERTS} alerts)`,
      '',
      '| Lambda bundle (minified ESM, AWS SDK external) | bytes |',
      '| --- | --- |',
      ...Object.entries(sizes).map(([name, size]) => `| ${name} | ${size.toLocaleString('en-US')} |`),
      '',
    ];
    return lines;
  } finally {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function deliveryFigures(): Promise<string[]> {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const rows: string[] = [];
  if (ONLY.has('a')) {
    const r = await webhookVersusDirect(Number(process.env.BENCH_LATENCY_PAIRS ?? 60));
    rows.push(
      `| (a) webhook → issue, sequential, ${r.pairs} alerts | p50 ${ms(r.relay.p50)}, p99 ${ms(r.relay.p99)} | same issue created directly: p50 ${ms(r.direct.p50)}, p99 ${ms(r.direct.p99)}; relay overhead p50 ${ms(r.relay.p50 - r.direct.p50)}, p99 ${ms(r.relay.p99 - r.direct.p99)} | — |`,
    );
  }
  if (ONLY.has('b')) {
    const r = await burstUnderLimit(Number(process.env.BENCH_BURST_ALERTS ?? 2000), 20, 16);
    const share = (100 * r.rateLimited) / Math.max(1, r.jiraCalls);
    rows.push(
      `| (b) burst of ${r.alerts} alerts, Jira limit ${r.limit} requests/s | ${r.deliveredPerSecond.toFixed(1)} delivered/s = ${((100 * r.deliveredPerSecond) / r.limit).toFixed(1)} % of the limit (target ≥ 95 %); ${share.toFixed(2)} % of ${r.jiraCalls} Jira calls answered 429 (target < 1 %) | all POSTed in ${r.postSeconds.toFixed(1)} s (${r.responses}); last issue after ${r.lastIssueSeconds.toFixed(1)} s | ${r.lost} lost, ${r.duplicated} duplicated |`,
    );
  }
  if (ONLY.has('c')) {
    const r = await faultMixTimes(Number(process.env.BENCH_FAULT_ALERTS ?? 200), 8);
    rows.push(
      `| (c) ${r.alerts} alerts, Jira answering ${FAULT_MIX.rate429 * 100} % 429 (Retry-After ${FAULT_MIX.retryAfterSeconds}), ${FAULT_MIX.rate500 * 100} % 500, ${FAULT_MIX.rateLost * 100} % lost | time to ticket p50 ${s(r.p50)}, p99 ${s(r.p99)}, max ${s(r.max)} | last issue after ${r.lastIssueSeconds.toFixed(1)} s (before: 327 s, one alert > 5 min); ${r.jiraCalls} Jira calls (${r.byStatus}) | ${r.lost} lost, ${r.duplicated} duplicated |`,
    );
  }
  if (ONLY.has('d')) {
    const r = await outageThenRecovery(OUTAGE_SECONDS, Number(process.env.BENCH_OUTAGE_ALERTS ?? 100));
    rows.push(
      `| (d) Jira down (503) for ${r.outageSeconds.toFixed(0)} s while ${r.alerts} alerts arrive, then back | backlog drained ${r.drainSeconds.toFixed(1)} s after recovery; slowest alert ${r.worstAfterRecoverySeconds.toFixed(1)} s after recovery (target ≤ 180 s) | ${r.callsWhileDown} Jira calls while down; ${r.rateLimited} answered 429 after recovery | ${r.lost} lost, ${r.duplicated} duplicated |`,
    );
  }
  if (rows.length === 0) return groupedFigures();
  return [
    `Delivery under Jira trouble: each scenario on its own relay and Jira stand-in, Jira latency ${JIRA_LATENCY.meanMs} ms ± ${JIRA_LATENCY.jitterMs} on every call; figures from Jira's side (issues by per-alert label, the stand-in's call statistics)`,
    '',
    '| scenario | result | detail | promise |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(await groupedFigures()),
  ];
}

/** (e): Jira calls and DynamoDB writes per alert for a spray, without rules and with a grouping rule. */
async function groupedFigures(): Promise<string[]> {
  if (!ONLY.has('e')) return [];
  const r = await groupedTraffic(
    Number(process.env.BENCH_SPRAY_USERS ?? 4),
    Number(process.env.BENCH_SPRAY_PER_USER ?? 100),
    Number(process.env.BENCH_SPRAY_PER_SECOND ?? 10),
    Number(process.env.BENCH_COMMENT_INTERVAL ?? 10),
  );
  const per = (n: number, alerts: number) => (n / alerts).toFixed(3);
  const row = (name: string, c: typeof r.baseline) =>
    `| ${name} | ${c.issues} | ${c.comments} | ${c.jiraCalls} (${per(c.jiraCalls, c.alerts)}) | ${c.jiraWrites} (${per(c.jiraWrites, c.alerts)}) | ${c.dynamoWrites} (${per(c.dynamoWrites, c.alerts)}) | ${c.perIssue429} | ${c.seconds.toFixed(1)} s |`;
  return [
    `(e) Grouped traffic: ${r.users} users × ${r.perUser} failed logins at ${process.env.BENCH_SPRAY_PER_SECOND ?? 10} alerts/s, Jira latency ${JIRA_LATENCY.meanMs} ms ± ${JIRA_LATENCY.jitterMs}, Jira's per-issue write limits on; the rule groups by event + username with a ${r.commentIntervalSeconds} s comment interval`,
    '',
    '| relay | issues | comments | Jira calls (per alert) | Jira writes (per alert) | DynamoDB writes (per alert) | per-issue 429s | until Jira quiet |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    row('no rules (baseline, a ticket per alert)', r.baseline),
    row('grouping rule', r.grouped),
    '',
  ];
}

const output = [...(ONLY.has('webhook') ? await webhookFigures() : []), '', ...(await deliveryFigures())];
process.stdout.write(`${output.join('\n')}\n`);
