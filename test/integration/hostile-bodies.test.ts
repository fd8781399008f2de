/**
 * Any authenticated body becomes exactly one ticket, and the ticket keeps the body as received:
 * hostile bodies POSTed to the local runtime as Keeper would send them (bytes and media type), the
 * issues checked in the Jira stand-in, the attached file read back byte for byte.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import { adfText, BODY_CAP_BYTES, codeBlocks, hostileBodies } from '#test-support/alert-bodies.ts';
import { AdminClient, eventually, signIn } from '#test-support/relay-client.ts';

interface StandInIssue {
  key: string;
  fields: Record<string, unknown> & { summary: string; labels: string[]; description: unknown };
}

let runtime: LocalRuntime;
let dataDir: string;
let token: string;

async function issues(): Promise<StandInIssue[]> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in/issues`);
  return ((await response.json()) as { issues: StandInIssue[] }).issues;
}

async function post(bytes: Buffer, contentType: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${runtime.url}/webhook`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Reads Jira with the relay's own connection: the issue's attachments and their bytes. */
async function attachmentsOf(issueKey: string): Promise<{ filename: string; bytes: Buffer }[]> {
  const cloudId = (await readConnection(runtime.adapters.secrets))?.cloudId ?? '';
  const accessToken = await runtime.core.tokens.accessToken();
  const listed = await runtime.core.tracker.listAttachments(issueKey);
  return Promise.all(
    listed.map(async (a) => {
      const url = `${runtime.jiraUrl}/ex/jira/${cloudId}/rest/api/3/attachment/content/${a.id}?redirect=false`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } });
      return { filename: a.filename, bytes: Buffer.from(await response.arrayBuffer()) };
    }),
  );
}

const labelOf = (alertId: unknown) => `keeper-alert-${String(alertId).slice(0, 16)}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-hostile-'));
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    settings: { TOKEN_CACHE_SECONDS: 1 },
  });
  const session = (await signIn(runtime.url, 'alice.admin@example.com')).session ?? '';
  const admin = new AdminClient(runtime.url, session);
  const types = await admin.call<{ issueTypes: { id: string; name: string }[] }>(
    'GET',
    '/api/projects/SEC/issue-types',
  );
  const task = types.body.issueTypes.find((t) => t.name === 'Task');
  const saved = await admin.call('PUT', '/api/config', {
    expectedVersion: 0,
    projectKey: 'SEC',
    defaultIssueTypeId: task?.id,
  });
  if (saved.status !== 200) throw new Error(`configuration not saved: ${JSON.stringify(saved.body)}`);
  token = (await admin.call<{ token: string }>('POST', '/api/token')).body.token;
  // The new token is accepted once the instance has re-read the hashes.
  await eventually(
    async () => ((await post(Buffer.from('{"warm":"up"}'), 'application/json')).status === 401 ? undefined : true),
    5_000,
  );
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('hostile bodies (local runtime + Jira stand-in)', () => {
  it.each(hostileBodies().map((b) => [b.name, b] as const))(
    'answers 2xx and creates exactly one issue for %s',
    async (_name, hostile) => {
      // Prepare
      expect(hostile.bytes.byteLength).toBeLessThanOrEqual(BODY_CAP_BYTES);

      // Act
      const response = await post(hostile.bytes, hostile.contentType);
      const again = await post(hostile.bytes, hostile.contentType);

      // Assess
      expect(response.status).toBe(201);
      expect(again.status).toBe(200);
      const label = labelOf(response.body.alertId);
      const tickets = (await issues()).filter((i) => i.fields.labels.includes(label));
      expect(tickets.map((i) => i.key)).toEqual([response.body.issueKey]);
      const [ticket] = tickets;
      expect(ticket?.fields.summary.length).toBeGreaterThan(0);
      expect(codeBlocks(ticket?.fields.description).join('').length).toBeGreaterThan(0);
    },
  );

  it('keeps a 40 KB non-ASCII alert as received: the raw block is its text cut to fit, and the whole body is attached', async () => {
    // Prepare: German, Cyrillic and emoji text with quotes and line breaks, as Keeper's template wrote it.
    const fields = Array.from(
      { length: 480 },
      (_, i) => `  "notiz_${i}": "Zugriff auf „Tresor ${i}“ – überprüfen\\n\\"Доступ\\" 🔐"`,
    );
    const text = `{\n  "alert_name": "Geteilter Datensatz",\n  "audit_event": "record_share_outside_user",\n${fields.join(',\n')}\n}\n`;
    const bytes = Buffer.from(text, 'utf8');

    // Act
    const response = await post(bytes, 'application/json; charset=utf-8');
    const key = String(response.body.issueKey);
    const attached = await eventually(async () => {
      const files = await attachmentsOf(key);
      return files.length > 0 ? files : undefined;
    }, 10_000);

    // Assess
    expect(bytes.byteLength).toBeGreaterThan(40_000);
    expect(response.status).toBe(201);
    const issue = (await issues()).find((i) => i.key === key);
    const [raw] = codeBlocks(issue?.fields.description);
    expect(raw?.length).toBeGreaterThan(1_000);
    expect(text.startsWith(raw ?? '\u0000')).toBe(true);
    const filename = `${labelOf(response.body.alertId)}.json`;
    const omitted = [...text.slice(raw?.length ?? 0)].length;
    expect(adfText(issue?.fields.description)).toContain(
      `… ${omitted} more characters of the received body are in the attached file ${filename}`,
    );
    expect(attached.map((a) => a.filename)).toEqual([filename]);
    expect(attached[0]?.bytes.equals(bytes)).toBe(true);
  });
});
