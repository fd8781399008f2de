import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '#domain/alert-record.ts';
import { observedEmails } from '#domain/configuration/observed-emails.ts';
import { MemoryLedger } from '#test-support/in-memory-ports.ts';

function stored(alertId: string, receivedAt: string, rawBody: string): AlertRecord {
  return {
    alertId,
    status: 'delivered',
    receivedAt,
    updatedAt: receivedAt,
    event: 'login_failure',
    parsed: true,
    rawBody,
    fieldPaths: [],
    attempts: 1,
    duplicates: 0,
    expiresAt: 0,
  };
}

describe('observed-emails', () => {
  it('collects the distinct e-mail addresses of recent alerts, lower-cased, newest alerts first', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    await ledger.record(
      stored('old', '2026-11-22T08:00:00.000Z', '{"username":"Jane.Roe@Example.com","note":"no address here"}'),
    );
    await ledger.record(
      stored('new', '2026-11-23T08:00:00.000Z', '{"username":"it.admin@example.com","to":"jane.roe@example.com"}'),
    );

    // Act
    const emails = await observedEmails(ledger);

    // Assess
    expect(emails).toEqual(['it.admin@example.com', 'jane.roe@example.com']);
  });

  it('keeps at most 50 addresses', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    const addresses = Array.from({ length: 60 }, (_, i) => `user${i}@example.com`);
    await ledger.record(stored('many', '2026-11-23T08:00:00.000Z', JSON.stringify({ recipients: addresses })));

    // Act
    const emails = await observedEmails(ledger);

    // Assess
    expect(emails).toEqual(addresses.slice(0, 50));
  });

  it('reads bodies one alert at a time from the ledger (lists carry none), and stops once 50 addresses are found', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    for (let i = 0; i < 100; i++) {
      const at = new Date(Date.UTC(2026, 10, 23, 8, 0, i)).toISOString();
      await ledger.record(
        stored(`a${i}`, at, JSON.stringify({ username: `user${i}@example.com`, manager: `boss${i}@example.com` })),
      );
    }

    // Act
    const emails = await observedEmails(ledger);

    // Assess: 25 alerts give 50 addresses; bodies are read ten at a time
    expect(emails).toHaveLength(50);
    expect(emails[0]).toBe('user99@example.com');
    expect(ledger.gets).toBe(30);
  });
});
