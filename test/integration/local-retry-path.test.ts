/**
 * The local runtime's retry path is the deliver Lambda's: messages on the in-process queue reach
 * the same retry consumer (batch item failures, redrive to the dead letters), and the stalled-alert
 * sweep runs on a schedule through the same entry.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '#domain/alert-record.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import { uniqueAlert } from '#test-support/alert-bodies.ts';
import { eventually } from '#test-support/relay-client.ts';

let runtime: LocalRuntime;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-retry-path-'));
  runtime = await startLocalRuntime({
    port: 0,
    jiraPort: 0,
    dataDir,
    quiet: true,
    retryQueue: { sweepIntervalMs: 200, visibilityTimeoutSeconds: 0.2 },
  });
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local runtime retry path', () => {
  it('fails a malformed queued message in the retry consumer until the redrive dead-letters it', async () => {
    // Act
    runtime.queue.send('{"alert":"no id here"}');

    // Assess: only the consumer's batch item failures make the queue receive a message again
    const deadLetter = await eventually(
      async () => runtime.queue.deadLetters.find((d) => d.body === '{"alert":"no id here"}'),
      10_000,
      100,
    );
    expect(deadLetter.reason).toBe('received 5 times');
  });

  it('re-queues an alert left delivering by a crashed attempt through the scheduled sweep', async () => {
    // Prepare: the record a worker that died mid-attempt leaves behind, written after start-up
    // so only the sweep can find it
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const stalled: AlertRecord = {
      alertId: `stalled-${Date.now()}`,
      status: 'delivering',
      receivedAt: tenMinutesAgo.toISOString(),
      updatedAt: tenMinutesAgo.toISOString(),
      claimUntil: tenMinutesAgo.getTime() + 60_000,
      event: 'login_failure',
      parsed: true,
      rawBody: JSON.stringify(uniqueAlert()),
      fieldPaths: [],
      attempts: 1,
      duplicates: 0,
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    };

    // Act
    await runtime.adapters.ledger.record(stalled);

    // Assess: the relay has no configuration yet, so the re-queued delivery parks the alert
    const after = await eventually(async () => {
      const current = await runtime.adapters.ledger.get(stalled.alertId);
      return current?.status === 'delivering' ? undefined : current;
    }, 10_000);
    expect(after.status).toBe('pending_configuration');
  });
});
