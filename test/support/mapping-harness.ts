/**
 * A running local relay with a signed-in Jira administrator and a webhook token, for the mapping
 * integration tests: configure through the admin API, POST alerts as Keeper does, read what the
 * Jira stand-in stored. One harness per test file (started in beforeAll).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import type { ConfigDto, ConfigInputDto, DeliveryDto, ErrorDto } from '#shared/admin-api-types.ts';
import { AdminClient, eventually, postAlert, signIn } from './relay-client.ts';

export { adfText, codeBlocks, isAdfDoc, uniqueAlert } from './alert-bodies.ts';

export const SAMPLES_DIR = join(import.meta.dirname, '..', 'fixtures', 'keeper-sample-alerts');

/** Seeded stand-in ids (local/jira-stand-in/README.md). */
export const SEC = { task: '10001', epic: '10002', subtask: '10003', bug: '10004', incident: '10005' } as const;
export const OPS = { task: '10010', incident: '10011', subtask: '10012' } as const;
export const PRIORITY = { highest: '1', high: '2', medium: '3', low: '4', lowest: '5' } as const;
export const ACCOUNT = {
  alice: '712020:a11ce000-0000-4000-8000-000000000001',
  pat: '712020:9a7a0000-0000-4000-8000-000000000002',
  rita: '712020:417a0000-0000-4000-8000-000000000003',
  harper: '712020:41dde000-0000-4000-8000-000000000004',
} as const;

export interface StandInIssue {
  key: string;
  issueTypeId: string;
  fields: Record<string, unknown> & {
    summary: string;
    labels: string[];
    description: unknown;
    issuetype?: { id?: string; name?: string };
    project?: { key?: string };
    priority?: { id?: string; name?: string };
  };
}

export type ConfigDraft = Omit<ConfigInputDto, 'expectedVersion'>;
export type SaveResult = { status: number; body: { config: ConfigDto } & Partial<ErrorDto> };

export class MappingHarness {
  private constructor(
    readonly runtime: LocalRuntime,
    readonly admin: AdminClient,
    readonly token: string,
    private readonly dataDir: string,
  ) {}

  /** Starts the relay and the Jira stand-in on loopback, signs Alice in, generates the webhook token. */
  static async start(prefix: string): Promise<MappingHarness> {
    const dataDir = await mkdtemp(join(tmpdir(), prefix));
    const runtime = await startLocalRuntime({
      port: 0,
      jiraPort: 0,
      dataDir,
      quiet: true,
      settings: { TOKEN_CACHE_SECONDS: 1, CONFIG_CACHE_SECONDS: 0, JIRA_TIMEOUT_MS: 1_500 },
    });
    const outcome = await signIn(runtime.url, 'alice.admin@example.com');
    if (!outcome.session) throw new Error(`Alice could not sign in: ${outcome.deniedReason ?? 'no session'}`);
    const admin = new AdminClient(runtime.url, outcome.session);
    const generated = await admin.call<{ token: string }>('POST', '/api/token');
    const token = generated.body.token;
    // An empty body is refused after authentication (400), so it proves the token is known without recording an alert.
    await eventually(async () => ((await postAlert(runtime.url, '', token)).status === 400 ? true : undefined), 5_000);
    return new MappingHarness(runtime, admin, token, dataDir);
  }

  async close(): Promise<void> {
    await this.runtime.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** A `/_stand-in/...` control call (no auth, loopback test tool). */
  async standIn<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.runtime.jiraUrl}/_stand-in${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await response.json()) as T;
  }

  async issues(): Promise<StandInIssue[]> {
    return (await this.standIn<{ issues: StandInIssue[] }>('GET', '/issues')).issues;
  }

  async issue(key: unknown): Promise<StandInIssue> {
    const found = (await this.issues()).find((i) => i.key === String(key));
    if (!found) throw new Error(`The stand-in has no issue ${String(key)}`);
    return found;
  }

  async delivery(alertId: unknown): Promise<DeliveryDto | undefined> {
    const { body } = await this.admin.call<{ items: DeliveryDto[] }>('GET', '/api/deliveries?limit=200');
    return body.items.find((i) => i.alertId === String(alertId));
  }

  async configVersion(): Promise<number> {
    const { body } = await this.admin.call<{ config: ConfigDto | null }>('GET', '/api/config');
    return body.config?.version ?? 0;
  }

  /** PUT /api/config starting from the current version. */
  async save(draft: ConfigDraft): Promise<SaveResult> {
    return this.admin.call('PUT', '/api/config', { expectedVersion: await this.configVersion(), ...draft });
  }

  /** Like `save`, but fails the test with Jira's problems when the save is refused. */
  async mustSave(draft: ConfigDraft): Promise<ConfigDto> {
    const saved = await this.save(draft);
    if (saved.status !== 200)
      throw new Error(`Configuration refused (${saved.status}): ${JSON.stringify(saved.body.problems ?? saved.body)}`);
    return saved.body.config;
  }

  /** POST /webhook with the generated token. */
  post(body: string | Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    return postAlert(this.runtime.url, typeof body === 'string' ? body : JSON.stringify(body), this.token);
  }

  /** POSTs `body`, expects a created issue and returns it with the delivery record. */
  async deliver(
    body: string | Record<string, unknown>,
  ): Promise<{ issue: StandInIssue; record: DeliveryDto; alertId: string }> {
    const response = await this.post(body);
    if (response.status !== 201)
      throw new Error(`Expected 201, got ${response.status}: ${JSON.stringify(response.body)}`);
    const alertId = String(response.body.alertId);
    const record = await this.delivery(alertId);
    if (!record) throw new Error(`No delivery record for ${alertId}`);
    return { issue: await this.issue(response.body.issueKey), record, alertId };
  }
}
