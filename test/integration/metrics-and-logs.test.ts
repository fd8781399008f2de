/**
 * What an operator's CloudWatch would receive from the relay, read from the local runtime: the EMF
 * lines of the business metrics (one delivered alert, one duplicate, one refused token) and the
 * log lines of a whole run, which must never carry an alert's body or a secret.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRetryConsumer } from '#app/relay-services.ts';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import { metricsFile } from '#local/emf-file-metrics.ts';
import { type LocalRuntime, STAND_IN_CLIENT, startLocalRuntime } from '#local/runtime.ts';
import { uniqueAlert } from '#test-support/alert-bodies.ts';
import { jsonLines } from '#test-support/captured-output.ts';
import { AdminClient, eventually, postAlert, signIn } from '#test-support/relay-client.ts';

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  service: string;
  [metric: string]: unknown;
}

let runtime: LocalRuntime;
let dataDir: string;
let logText = '';
const originalWrite = process.stderr.write;
/** Every webhook answer the test saw, to compare with what the metrics counted. */
const statuses: number[] = [];

async function post(body: string, token: string) {
  const response = await postAlert(runtime.url, body, token);
  statuses.push(response.status);
  return response;
}

async function emfLines(): Promise<Emf[]> {
  return jsonLines((await readFile(metricsFile(dataDir), 'utf8')).split('\n')) as unknown as Emf[];
}

function total(lines: readonly Emf[], name: string): number {
  return lines.reduce((sum, line) => sum + (typeof line[name] === 'number' ? (line[name] as number) : 0), 0);
}

const marker = `body-marker-${Math.random().toString(36).slice(2)}`;
const parkedBody = JSON.stringify(
  uniqueAlert({ alert_name: 'Parked first', username: `${marker}-parked@example.com` }),
);
const deliveredBody = JSON.stringify(uniqueAlert({ description: `Vault ${marker} opened from 198.51.100.9` }));
let token = '';
let admin: AdminClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-metrics-'));
  // The local runtime logs to stderr when not quiet: keep all of it for the scan below.
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logText += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((arg) => typeof arg === 'function');
    if (typeof done === 'function') done();
    return true;
  }) as typeof process.stderr.write;
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: false,
    settings: { TOKEN_CACHE_SECONDS: 1, JIRA_TIMEOUT_MS: 1_500 },
  });

  const outcome = await signIn(runtime.url, 'alice.admin@example.com');
  admin = new AdminClient(runtime.url, outcome.session ?? '');
  token = (await admin.call<{ token: string }>('POST', '/api/token')).body.token;
  // A new token is accepted once the instance re-reads the hashes (at most one re-read a second).
  const parked = await eventually(async () => {
    const response = await post(parkedBody, token);
    return response.status === 401 ? undefined : response;
  }, 3_000);
  expect(parked.status).toBe(202);

  const types = await admin.call<{ issueTypes: { id: string; name: string }[] }>(
    'GET',
    '/api/projects/SEC/issue-types',
  );
  const task = types.body.issueTypes.find((t) => t.name === 'Task');
  await admin.call('PUT', '/api/config', { expectedVersion: 0, projectKey: 'SEC', defaultIssueTypeId: task?.id });
  await eventually(async () => {
    const { body } = await admin.call<{ items: { alertId: string; status: string }[] }>(
      'GET',
      '/api/deliveries?limit=50',
    );
    return body.items.find((i) => i.alertId === parked.body.alertId && i.status === 'delivered');
  });

  expect((await post(deliveredBody, token)).status).toBe(201);
  expect((await post(deliveredBody, token)).status).toBe(200);
  expect((await post(deliveredBody, 'not-the-token')).status).toBe(401);
});

afterAll(async () => {
  process.stderr.write = originalWrite;
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('metrics and logs of the local runtime', () => {
  it('writes EMF lines in the KeeperJiraRelay namespace with the service dimension', async () => {
    const lines = await emfLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.service).toBe('keeper-jira-relay');
      expect(line._aws.CloudWatchMetrics).toEqual([
        expect.objectContaining({ Namespace: 'KeeperJiraRelay', Dimensions: [['service']] }),
      ]);
      for (const metric of line._aws.CloudWatchMetrics[0]?.Metrics ?? [])
        expect(typeof line[metric.Name]).toBe('number');
    }
  });

  it('counts the delivered alerts, the duplicate, the parked alert and every refused token', async () => {
    const lines = await emfLines();
    expect(total(lines, 'AlertsReceived')).toBe(2);
    expect(total(lines, 'AlertsParked')).toBe(1);
    expect(total(lines, 'AlertsDelivered')).toBe(2);
    expect(total(lines, 'AlertsDuplicate')).toBe(1);
    expect(total(lines, 'WebhookAuthFailures')).toBe(statuses.filter((s) => s === 401).length);
    expect(total(lines, 'WebhookAuthFailures')).toBeGreaterThanOrEqual(1);
    expect(total(lines, 'AlertsFailed')).toBe(0);
  });

  it('measures the time to ticket in milliseconds for each delivery', async () => {
    const times = (await emfLines()).filter((line) => 'TimeToTicket' in line);
    expect(times).toHaveLength(2);
    for (const line of times) {
      expect(line._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({ Name: 'TimeToTicket', Unit: 'Milliseconds' });
      expect(line.TimeToTicket).toBeGreaterThanOrEqual(0);
    }
  });

  it("keeps the grant alive against the stand-in's token endpoint and reports the gauges", async () => {
    // Prepare
    const before = await readConnection(runtime.adapters.secrets);
    const consumer = createRetryConsumer(runtime.core, runtime.adapters);

    // Act
    const keepAlive = await consumer({ task: 'keep-alive' });
    const sweep = await consumer({ task: 'sweep' });

    // Assess
    const after = await readConnection(runtime.adapters.secrets);
    expect(keepAlive).toEqual({ refreshed: true });
    expect(sweep).toEqual({ requeued: 0 });
    expect(after?.state).toBe('connected');
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(after?.grantedAt).toBe(before?.grantedAt);
    // Locally each value is its own EMF line (the runtime may also sweep on its own timer).
    const lines = await emfLines();
    const last = (name: string) => lines.findLast((line) => name in line)?.[name];
    expect(lines.filter((line) => 'GrantDaysRemaining' in line).length).toBeGreaterThanOrEqual(2);
    expect(last('GrantDaysRemaining')).toBe(364);
    expect(last('ConnectionReconnectRequired')).toBe(0);
    expect(last('ParkedAlertsOverdue')).toBe(0);
    // The rotated grant still creates issues.
    expect((await post(JSON.stringify(uniqueAlert()), token)).status).toBe(201);
  });

  it('logs the run at INFO without any alert body, token or secret', async () => {
    const connection = await readConnection(runtime.adapters.secrets);
    const secrets = [token, connection?.refreshToken, connection?.accessToken, STAND_IN_CLIENT.clientSecret].filter(
      (s): s is string => Boolean(s),
    );
    // The scan would prove nothing if the run had logged nothing.
    expect(logText).toMatch(/ INFO Alert delivered /);
    expect(logText).toMatch(/ INFO Duplicate alert /);
    expect(logText).not.toContain(marker);
    expect(logText).not.toContain(deliveredBody);
    expect(logText).not.toContain('198.51.100.9');
    for (const secret of secrets) expect(logText).not.toContain(secret);
    expect(secrets).toHaveLength(4);
  });
});
