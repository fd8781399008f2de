/**
 * `npx tsx test/bench/cost-per-alert.ts`: what one alert costs in calls and bytes, measured on the
 * local runtime (the Lambdas' handlers, dynalite, the file secret store, the Jira stand-in) for a
 * steady stream of alerts, and the cost per 100,000 alerts those counts give at the public
 * us-east-1 prices of docs/cost.md. A benchmark measures; it asserts nothing.
 *
 * Counted without touching the runtime's code: DynamoDB and Jira requests through Node's HTTP
 * client diagnostics channels (operation from `x-amz-target`, bytes from the content lengths);
 * secret reads by wrapping the runtime's secret store instance; log lines from the local log on
 * stderr, re-emitted through the Powertools logger the Lambdas use to size them as in CloudWatch.
 * DynamoDB write units follow from the stored items' sizes (DynamoDB's item-size rules), for the
 * current INCLUDE projections and, for comparison, for indexes projecting ALL.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { BY_RECEIVED_AT_PROJECTION, BY_STATUS_PROJECTION } from '#adapters/dynamodb-alert-ledger.ts';
import { createDynamoDbClient } from '#adapters/dynamodb-client.ts';
import { startLocalRuntime } from '#local/runtime.ts';
import { createLogger } from '#shared/logging.ts';
import { configureRelay } from '#test-support/configured-relay.ts';
import { postAlert } from '#test-support/relay-client.ts';

const ALERTS = Number(process.env.BENCH_ALERTS ?? 200);
/** A steady stream: one alert every this many milliseconds. */
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 50);
/** Extra characters of text in each alert's description, to see how a larger body changes the write units. */
const PADDING = Number(process.env.BENCH_BODY_PADDING ?? 0);
const WORDS = [
  'record',
  'shared',
  'vault',
  'policy',
  'admin',
  'console',
  'device',
  'approved',
  'folder',
  'team',
  'login',
  'failed',
];

/** Text that compresses about as well as prose (a fixed pseudo-random word sequence). */
function prose(length: number, seed: number): string {
  let text = '';
  let state = seed + 1;
  while (text.length < length) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += `${WORDS[state % WORDS.length]} ${state % 9973} `;
  }
  return text.slice(0, length);
}

/** Prices (USD, us-east-1) and assumptions of docs/cost.md. */
const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  secretsCall: 0.05 / 10_000,
  logsIngestedGb: 0.5,
};
const ASSUMED = {
  memoryGb: 512 / 1024,
  /** Jira Cloud's answer to one create, which the webhook waits for (the stand-in answers at once). */
  jiraCreateMs: 500,
  /** DynamoDB round trips inside AWS. */
  dynamoMs: 8,
  /** CloudWatch Logs bills each event as its message plus this many bytes. */
  logEventOverhead: 26,
  /** Lambda's own START, END and REPORT lines per invocation (text format). */
  platformLogBytes: 300,
};

function alert(i: number): string {
  return JSON.stringify({
    alert_name: 'Failed login',
    description: `Failed login for user bench${i}@example.com ${prose(PADDING, i)}`,
    audit_event: 'login_failure',
    category: 'login',
    username: `bench${i}@example.com`,
    remote_address: '198.51.100.7',
    client_version: 'Web App 17.2.1',
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  });
}

interface Counters {
  dynamo: Map<string, { calls: number; sent: number; received: number }>;
  jira: { calls: number; sent: number; received: number };
  secretGets: number;
  secretPuts: number;
  logLines: string[];
  dynamoEndpoint?: string;
}

function lengthOf(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Starts counting HTTP client traffic; returns the function that stops it. */
function countHttp(counters: Counters, jiraPort: string): () => void {
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const target = request.getHeader('x-amz-target');
    const sent = lengthOf(request.getHeader('content-length'));
    if (typeof target === 'string') {
      const op = target.split('.').pop() ?? target;
      const entry = counters.dynamo.get(op) ?? { calls: 0, sent: 0, received: 0 };
      entry.calls += 1;
      entry.sent += sent;
      counters.dynamo.set(op, entry);
      counters.dynamoEndpoint ??= `http://${String(request.getHeader('host'))}`;
    } else if (String(request.getHeader('host') ?? '').endsWith(`:${jiraPort}`)) {
      counters.jira.calls += 1;
      counters.jira.sent += sent;
    }
  };
  const onFinish = (message: unknown) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const received = lengthOf(response.headers['content-length']);
    const target = request.getHeader('x-amz-target');
    if (typeof target === 'string') {
      const entry = counters.dynamo.get(target.split('.').pop() ?? target);
      if (entry) entry.received += received;
    } else if (String(request.getHeader('host') ?? '').endsWith(`:${jiraPort}`)) {
      counters.jira.received += received;
    }
  };
  subscribe('http.client.request.start', onStart);
  subscribe('http.client.response.finish', onFinish);
  return () => {
    unsubscribe('http.client.request.start', onStart);
    unsubscribe('http.client.response.finish', onFinish);
  };
}

/** DynamoDB's item size: attribute names plus values (numbers: about one byte per two digits). */
function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + attributeSize(item), 0);
  if (value.M !== undefined) return 3 + itemSize(value.M);
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  return 0;
}

function itemSize(item: Record<string, AttributeValue>, only?: readonly string[]): number {
  return Object.entries(item)
    .filter(([name]) => only === undefined || only.includes(name))
    .reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + attributeSize(value), 0);
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * Write units of a delivered alert's two writes: the put (table + one entry per index) and the
 * update to `delivered` (table; `byStatus` moves to another key, a delete and a put; `byReceivedAt`
 * rewrites its entry because projected attributes change). Sizes are the delivered item's.
 */
function deliveredWriteUnits(
  item: Record<string, AttributeValue>,
  projections: { received?: readonly string[]; status?: readonly string[] },
): number {
  const keys = ['alertId', 'listPk', 'receivedAt', 'status'];
  const table = units(itemSize(item));
  const received = units(itemSize(item, projections.received ? [...keys, ...projections.received] : undefined));
  const status = units(itemSize(item, projections.status ? [...keys, ...projections.status] : undefined));
  return table + received + status + (table + received + 2 * status);
}

/** One CloudWatch line as the Lambda's Powertools logger writes it, for a line of the local log. */
function powertoolsLineBytes(lines: readonly string[]): number {
  const logger = createLogger({ LOG_LEVEL: 'INFO' });
  logger.addContext({
    functionName: 'keeper-jira-relay-IngestFunction-AbCdEf123456',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:keeper-jira-relay-IngestFunction-AbCdEf123456',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  } as Context);
  let bytes = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.byteLength;
    return true;
  }) as typeof process.stdout.write;
  try {
    for (const line of lines) {
      const match = /^\S+ (INFO|WARN|ERROR) (.*?)(?: (\{.*\}))?$/.exec(line);
      if (!match) continue;
      const attributes = match[3] ? (JSON.parse(match[3]) as Record<string, unknown>) : {};
      const level = match[1] === 'ERROR' ? 'error' : match[1] === 'WARN' ? 'warn' : 'info';
      logger[level](match[2] ?? '', attributes);
    }
  } finally {
    process.stdout.write = write;
  }
  return bytes;
}

/** An API Gateway access log line in the stage's format (lib/constructs/webhook-api.ts). */
const ACCESS_LOG_LINE = JSON.stringify({
  requestId: 'Jx3KQgTEoAMEbXw=',
  time: '26/Nov/2026:10:54:13 +0000',
  ip: '198.51.100.7',
  method: 'POST',
  path: '/webhook',
  routeKey: 'POST /webhook',
  status: '201',
  responseLength: '143',
  latencyMs: '612',
  integrationStatus: '201',
  integrationLatencyMs: '598',
  integrationError: '-',
});

const dataDir = await mkdtemp(join(tmpdir(), 'relay-cost-'));
const runtime = await startLocalRuntime({ port: 0, jiraPort: 0, dataDir, quiet: false });
const stderrWrite = process.stderr.write.bind(process.stderr);
const counters: Counters = {
  dynamo: new Map(),
  jira: { calls: 0, sent: 0, received: 0 },
  secretGets: 0,
  secretPuts: 0,
  logLines: [],
};
let counting = false;
// The local log goes to stderr; while counting, its lines are kept (and not printed).
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (!counting) return (stderrWrite as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  counters.logLines.push(
    ...String(chunk)
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
  return true;
}) as typeof process.stderr.write;
try {
  const { token } = await configureRelay(runtime.url);
  // A first alert warms the caches of the webhook's "instance", as a steady stream finds them.
  await postAlert(runtime.url, alert(-1), token);

  // Secret reads: the runtime composed its adapters from this very instance.
  const secrets = runtime.adapters.secrets;
  const get = secrets.get.bind(secrets);
  const put = secrets.put.bind(secrets);
  secrets.get = async (name) => {
    if (counting) counters.secretGets += 1;
    return get(name);
  };
  secrets.put = async (name, value) => {
    if (counting) counters.secretPuts += 1;
    return put(name, value);
  };

  const jiraPort = new URL(runtime.jiraUrl).port;
  const stop = countHttp(counters, jiraPort);
  counting = true;
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < ALERTS; i++) {
    const due = started + i * INTERVAL_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t0 = performance.now();
    const response = await postAlert(runtime.url, alert(i), token);
    latencies.push(performance.now() - t0);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
  const seconds = (performance.now() - started) / 1000;
  counting = false;
  stop();

  // Item sizes, read back from the table the stream wrote.
  const raw = createDynamoDbClient({
    endpoint: counters.dynamoEndpoint ?? '',
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({ TableName: 'relay-ledger', ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const delivered = items.filter((item) => item['status']?.S === 'delivered');
  const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
  const tableBytes = average(delivered.map((item) => itemSize(item)));
  const wruInclude = average(
    delivered.map((item) =>
      deliveredWriteUnits(item, { received: BY_RECEIVED_AT_PROJECTION, status: BY_STATUS_PROJECTION }),
    ),
  );
  const wruAll = average(delivered.map((item) => deliveredWriteUnits(item, {})));

  // Per alert.
  const per = (n: number) => n / ALERTS;
  const dynamoCalls = [...counters.dynamo.values()].reduce((sum, e) => sum + e.calls, 0);
  const dynamoBytes = [...counters.dynamo.values()].reduce((sum, e) => sum + e.sent + e.received, 0);
  const reads = (counters.dynamo.get('GetItem')?.calls ?? 0) + (counters.dynamo.get('Query')?.calls ?? 0);
  const localLogBytes = counters.logLines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8') + 1, 0);
  const awsLogBytes =
    powertoolsLineBytes(counters.logLines) +
    counters.logLines.length * ASSUMED.logEventOverhead +
    ALERTS * (ASSUMED.platformLogBytes + Buffer.byteLength(ACCESS_LOG_LINE) + ASSUMED.logEventOverhead);
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)] ?? 0;

  // Cost per 100,000 alerts (the happy path: each alert is one webhook call and one Jira create).
  const scale = 100_000;
  const billedMs = ASSUMED.jiraCreateMs + per(dynamoCalls) * ASSUMED.dynamoMs;
  const cost = {
    'API Gateway (HTTP API) requests': scale * PRICE.httpApiRequest,
    'Lambda requests': scale * PRICE.lambdaRequest,
    [`Lambda GB-s (${ASSUMED.memoryGb * 1024} MB arm64, ${billedMs.toFixed(0)} ms)`]:
      scale * ASSUMED.memoryGb * (billedMs / 1000) * PRICE.lambdaGbSecondArm,
    [`DynamoDB writes (${wruInclude.toFixed(1)} WRU)`]: scale * wruInclude * PRICE.dynamoWriteUnit,
    [`DynamoDB reads (${per(reads).toFixed(2)} calls, ≤ 1 RRU each)`]: scale * per(reads) * PRICE.dynamoReadUnit,
    [`Secrets Manager (${per(counters.secretGets).toFixed(3)} reads)`]:
      scale * per(counters.secretGets) * PRICE.secretsCall,
    [`CloudWatch Logs (${(awsLogBytes / ALERTS).toFixed(0)} B)`]:
      (scale * (awsLogBytes / ALERTS) * PRICE.logsIngestedGb) / 1024 ** 3,
  };
  const total = Object.values(cost).reduce((a, b) => a + b, 0);

  const lines = [
    `Node ${process.version}; ${ALERTS} alerts, one every ${INTERVAL_MS} ms (${(ALERTS / seconds).toFixed(1)}/s); responses ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')}; webhook p50 ${p50.toFixed(1)} ms (stand-in Jira answers at once)`,
    '',
    '| per alert | measured |',
    '| --- | --- |',
    ...[...counters.dynamo]
      .sort()
      .map(
        ([op, e]) =>
          `| DynamoDB ${op} | ${per(e.calls).toFixed(2)} calls, ${(per(e.sent + e.received) / 1024).toFixed(2)} KiB |`,
      ),
    `| DynamoDB total | ${per(dynamoCalls).toFixed(2)} calls, ${(per(dynamoBytes) / 1024).toFixed(2)} KiB |`,
    `| DynamoDB write units, delivered alert (INCLUDE projections) | ${wruInclude.toFixed(2)} (item ${tableBytes.toFixed(0)} B) |`,
    `| DynamoDB write units, delivered alert (if the indexes projected ALL) | ${wruAll.toFixed(2)} |`,
    `| Jira calls | ${per(counters.jira.calls).toFixed(2)}, ${(per(counters.jira.sent + counters.jira.received) / 1024).toFixed(2)} KiB |`,
    `| Secrets Manager reads / writes | ${per(counters.secretGets).toFixed(3)} / ${per(counters.secretPuts).toFixed(3)} |`,
    `| log lines (local) | ${per(counters.logLines.length).toFixed(2)}, ${per(localLogBytes).toFixed(0)} B |`,
    `| CloudWatch Logs bytes (Powertools lines + Lambda platform lines + API access log, +26 B/event) | ${(awsLogBytes / ALERTS).toFixed(0)} B |`,
    '',
    '| per 100,000 alerts (us-east-1, docs/cost.md) | USD |',
    '| --- | --- |',
    ...Object.entries(cost).map(([name, usd]) => `| ${name} | ${usd.toFixed(3)} |`),
    `| **total variable** | **${total.toFixed(2)}** |`,
    '',
  ];
  stderrWrite(`${lines.join('\n')}\n`);
} finally {
  counting = false;
  process.stderr.write = stderrWrite;
  await runtime.close();
  await rm(dataDir, { recursive: true, force: true });
}
