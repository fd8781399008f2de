import { describe, expect, it } from 'vitest';
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import { replayAlert } from '#domain/delivery/replay-alert.ts';
import { NotFoundError, ValidationError } from '#domain/errors.ts';
import { ManualClock, MemoryLedger, RecordingQueue } from '#test-support/in-memory-ports.ts';

function stored(alertId: string, status: AlertStatus, lastError?: string): AlertRecord {
  return {
    alertId,
    status,
    receivedAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    event: 'login_failure',
    parsed: true,
    rawBody: '{}',
    fieldPaths: [],
    attempts: 3,
    duplicates: 0,
    expiresAt: 0,
    ...(lastError ? { lastError } : {}),
  };
}

function setup() {
  return {
    ledger: new MemoryLedger(),
    queue: new RecordingQueue(),
    clock: new ManualClock(Date.parse('2026-11-23T12:00:00.000Z')),
  };
}

describe('replay-alert', () => {
  it.each(['failed', 'pending_configuration'] as const)(
    'queues a %s alert for an immediate attempt and clears its last error',
    async (status) => {
      // Prepare
      const deps = setup();
      await deps.ledger.record(stored('a1', status, 'Jira refused the issue (HTTP 400)'));

      // Act
      const result = await replayAlert(deps, 'a1');

      // Assess
      expect(result).toEqual({ status: 'queued' });
      expect(deps.queue.enqueued).toEqual([{ message: { alertId: 'a1' }, delaySeconds: 0 }]);
      const record = deps.ledger.items.get('a1');
      expect(record).toMatchObject({ status: 'queued', updatedAt: '2026-11-23T12:00:00.000Z', attempts: 3 });
      expect(record).not.toHaveProperty('lastError');
    },
  );

  it.each(['delivered', 'queued', 'delivering', 'retrying'] as const)(
    'refuses a %s alert and changes nothing',
    async (status) => {
      // Prepare
      const deps = setup();
      await deps.ledger.record(stored('a1', status));

      // Act
      const attempt = replayAlert(deps, 'a1');

      // Assess
      await expect(attempt).rejects.toThrow(
        new ValidationError(`Only failed or pending alerts can be retried; this one is ${status}`),
      );
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      expect(deps.queue.enqueued).toHaveLength(0);
      expect(deps.ledger.items.get('a1')?.status).toBe(status);
    },
  );

  it('throws NotFoundError for an alert the ledger does not have', async () => {
    // Prepare
    const deps = setup();

    // Act
    const attempt = replayAlert(deps, 'missing');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(deps.queue.enqueued).toHaveLength(0);
  });
});
