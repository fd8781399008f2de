/**
 * Crash safety (docs/webhook-and-delivery.md, "Delivery guarantees"): the relay runs as a child
 * process and is killed with SIGKILL while creates are on their way to a slow Jira, then started
 * again on the same data folder. Jira (the stand-in) lives in the test process, so its issues are
 * counted independently of the relay. Every alert must end with exactly one issue.
 *
 * The claim and the search-lag wait are shortened through the runtime options (5 s and 1 s instead
 * of 60 s and 30 s): the stand-in's search sees a new issue at once, and the test stays short.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JiraStandIn, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import { STAND_IN_CLIENT } from '#local/runtime.ts';
import type { DeliveryDto } from '#shared/admin-api-types.ts';
import { benchAlert, configureRelay, issuesByLabel, labelOf } from '#test-support/configured-relay.ts';
import { AdminClient, eventually, postAlert } from '#test-support/relay-client.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ALERTS = 400;
const SENDERS = 16;
const CLAIM_SECONDS = 5;
const SEARCH_LAG_MS = 1000;

interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
}

let jira: JiraStandIn;
let dataDir: string;
let relay: RelayProcess | undefined;

/** Starts the relay on `dataDir` in its own process and waits until it listens. */
async function startRelay(): Promise<RelayProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join('test', 'support', 'relay-process.ts'),
      JSON.stringify({ dataDir, claimSeconds: CLAIM_SECONDS, searchLagMs: SEARCH_LAG_MS }),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ATLASSIAN_CLIENT_ID: STAND_IN_CLIENT.clientId,
        ATLASSIAN_CLIENT_SECRET: STAND_IN_CLIENT.clientSecret,
        JIRA_SITE_URL: jira.url,
        ATLASSIAN_AUTH_URL: jira.url,
        ATLASSIAN_API_URL: jira.url,
      },
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`relay exited with ${code} before listening`)));
    lines.once('line', (line) => done((JSON.parse(line) as { url: string }).url));
  });
  return { child, url };
}

async function kill(process: RelayProcess): Promise<void> {
  const exited = new Promise((done) => process.child.once('exit', done));
  process.child.kill('SIGKILL');
  await exited;
}

/** Every alert the ledger holds, through the admin API. */
async function ledger(session: string): Promise<DeliveryDto[]> {
  const admin = new AdminClient(relay?.url ?? '', session);
  const items: DeliveryDto[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.call<{ items: DeliveryDto[]; cursor?: string }>(
      'GET',
      `/api/deliveries?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`deliveries answered ${page.status}`);
    items.push(...page.body.items);
    cursor = page.body.cursor;
  } while (cursor);
  return items;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-crash-'));
  jira = await startJiraStandIn({ port: 0, ...STAND_IN_CLIENT });
});

afterAll(async () => {
  if (relay) await kill(relay);
  await jira?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('delivery across crashes', () => {
  it('delivers every alert exactly once when the relay is killed mid-delivery and restarted', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a configured relay and a slow Jira, so creates are in flight when the kills come
    relay = await startRelay();
    const { session, token } = await configureRelay(relay.url);
    await sleep(1100);
    await fetch(`${jira.url}/_stand-in/latency`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meanMs: 400, jitterMs: 200 }),
    });
    const bodies = Array.from({ length: ALERTS }, (_, i) => benchAlert(`crash-${Date.now()}`, i));
    const labels = bodies.map(labelOf);

    // Act: Keeper's side sends every alert and sends it again until the relay answers 2xx
    let next = 0;
    const sending = Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] ?? '';
          for (;;) {
            const status = await postAlert(relay?.url ?? '', body, token).then(
              (answer) => answer.status,
              () => 0,
            );
            if (status >= 200 && status < 300) break;
            await sleep(100);
          }
        }
      }),
    );
    // Kill 1: right after creates left (Jira has received more creates than it has finished)
    const firstAfter = 40 + Math.floor(Math.random() * 80);
    await eventually(
      async () => {
        const received = jira.requestCounts()['POST /issue'] ?? 0;
        return received >= firstAfter && received > jira.issues().length ? true : undefined;
      },
      60_000,
      5,
    );
    const inFlightAtFirstKill = (jira.requestCounts()['POST /issue'] ?? 0) - jira.issues().length;
    await kill(relay);
    relay = await startRelay();
    // Kill 2: at a random moment while alerts still arrive and the first kill's are recovered
    await sleep(1000 + Math.random() * 3000);
    await kill(relay);
    relay = await startRelay();
    await sending;

    // Assess: the ledger says delivered for every alert, and Jira holds one issue per alert
    const delivered = await eventually(
      async () => {
        const items = (await ledger(session)).filter((d) => !d.test);
        return items.length === ALERTS && items.every((d) => d.status === 'delivered') ? items : undefined;
      },
      60_000,
      500,
    );
    const byLabel = issuesByLabel(jira.issues());
    const lost = labels.filter((l) => (byLabel.get(l)?.length ?? 0) === 0);
    const duplicated = labels.filter((l) => (byLabel.get(l)?.length ?? 0) > 1);
    expect(inFlightAtFirstKill).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(jira.issues()).toHaveLength(ALERTS);
    const keysInJira = new Set(jira.issues().map((i) => i.key));
    expect(delivered.filter((d) => !d.issueKey || !keysInJira.has(d.issueKey))).toEqual([]);
  });
});
