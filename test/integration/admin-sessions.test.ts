/**
 * Admin sessions end to end (local runtime + Jira stand-in): one way in through the gateway, and
 * sessions that end as soon as the administrator's rights or grant are gone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import { signIn } from '#test-support/relay-client.ts';

const ALICE = { email: 'alice.admin@example.com', accountId: '712020:a11ce000-0000-4000-8000-000000000001' };

let runtime: LocalRuntime;
let dataDir: string;

async function standIn(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

async function as(
  session: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${runtime.url}${path}`, {
    method,
    headers: { cookie: `relay_session=${session}`, 'content-type': 'application/json', ...headers },
    ...(method === 'GET' ? {} : { body: '{}' }),
  });
}

/** Two sessions of Alice: the first sign-in connects the relay (and borrows the connection), the second keeps its own tokens. */
async function twoSessions(): Promise<{ connecting: string; own: string }> {
  const connecting = (await signIn(runtime.url, ALICE.email)).session;
  const own = (await signIn(runtime.url, ALICE.email)).session;
  if (!connecting || !own) throw new Error('sign-in failed');
  return { connecting, own };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-sessions-'));
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    settings: { JIRA_TIMEOUT_MS: 1_500 },
  });
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('admin sessions (local runtime + Jira stand-in)', () => {
  // Runs first: the first sign-in of the run connects the relay, so one session borrows the connection.
  it('ends both kinds of session at the next change once the grant is revoked', async () => {
    // Prepare
    const { connecting, own } = await twoSessions();
    await standIn('/tokens/revoke', { accountId: ALICE.accountId });

    // Act
    const ownChange = await as(own, 'DELETE', '/api/token');
    const connectingChange = await as(connecting, 'DELETE', '/api/token');
    const ownAfter = await as(own, 'GET', '/api/session');

    // Assess
    expect(ownChange.status).toBe(401);
    expect(await ownChange.json()).toMatchObject({
      error: 'UNAUTHENTICATED',
      message: expect.stringContaining('revoked'),
    });
    expect(ownChange.headers.getSetCookie()).toContainEqual(expect.stringMatching(/^relay_session=; .*Max-Age=0/));
    expect(connectingChange.status).toBe(401);
    expect(ownAfter.status).toBe(401);
  });

  it('ends the session at the next change once the administrator loses ADMINISTER; reads within 15 minutes rely on the last check', async () => {
    // Prepare: signing in again reconnects the relay the revoked grant broke
    const { connecting, own } = await twoSessions();
    await standIn('/permissions/revoke', { accountId: ALICE.accountId, permission: 'ADMINISTER' });

    // Act
    const read = await as(own, 'GET', '/api/session');
    const change = await as(own, 'DELETE', '/api/token');
    const readAfter = await as(own, 'GET', '/api/session');
    const connectingChange = await as(connecting, 'DELETE', '/api/token');

    // Assess
    expect(read.status).toBe(200);
    expect(change.status).toBe(401);
    expect(await change.json()).toMatchObject({ message: 'You are no longer a Jira administrator of this site' });
    expect(readAfter.status).toBe(401);
    expect(connectingChange.status).toBe(401);
  });

  it('answers through the gateway, which sets the origin header itself, whatever the client sent', async () => {
    // Prepare: Alice is an administrator again
    await standIn('/reset', {});
    const own = (await signIn(runtime.url, ALICE.email)).session ?? '';

    // Act
    const plain = await as(own, 'GET', '/api/session');
    const forged = await as(own, 'GET', '/api/session', { 'x-relay-origin-verify': 'forged' });

    // Assess
    expect(plain.status).toBe(200);
    expect(forged.status).toBe(200);
  });
});
