import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoDbAlertLedger } from '#adapters/dynamodb-alert-ledger.ts';
import { createDocumentClient, createDynamoDbClient } from '#adapters/dynamodb-client.ts';
import { DynamoDbConfigStore } from '#adapters/dynamodb-config-store.ts';
import { DynamoDbLease } from '#adapters/dynamodb-lease.ts';
import { DynamoDbSessionStore } from '#adapters/dynamodb-session-store.ts';
import { DynamoDbStateStore } from '#adapters/dynamodb-state-store.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import { ConflictError } from '#domain/errors.ts';
import type { AdminSession, Clock } from '#domain/ports.ts';
import { type RelayConfig, ruleSettingsDefaults } from '#domain/relay-config.ts';
import { ensureTables, startDynalite } from '#local/dynalite-server.ts';
import { TABLE_NAMES, useDynaliteTables } from '#test-support/dynalite-tables.ts';

const names = TABLE_NAMES;

const tables = useDynaliteTables();

let sequence = 0;
function alert(overrides: Partial<AlertRecord> = {}): AlertRecord {
  sequence += 1;
  return {
    alertId: `alert-${String(sequence).padStart(4, '0')}-${Math.random().toString(36).slice(2)}`,
    status: 'queued',
    receivedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, sequence)).toISOString(),
    updatedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, sequence)).toISOString(),
    event: 'login_failure',
    category: 'security',
    alertName: 'Failed logins',
    parsed: true,
    rawBody: '{"audit_event":"login_failure"}',
    fieldPaths: ['audit_event'],
    attempts: 0,
    duplicates: 0,
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}

function config(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    version: 0,
    updatedAt: '2030-01-01T00:00:00.000Z',
    updatedBy: { accountId: 'acc-1', displayName: 'Ada Admin' },
    project: { id: '10000', key: 'SEC', name: 'Security', style: 'classic' },
    defaultIssueTypeId: '10001',
    summaryTemplate: '{alert_name}: {audit_event}',
    fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
    priorityMapping: { byEvent: { login_failure: '2' }, byCategory: {} },
    issueTypeMapping: { byEvent: {}, byCategory: {} },
    issueTypes: [{ id: '10001', name: 'Task', subtask: false, hierarchyLevel: 0 }],
    fieldMeta: {
      '10001': [
        {
          fieldId: 'customfield_10050',
          name: 'Source IP',
          required: false,
          hasDefaultValue: false,
          schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
        },
      ],
    },
    userDirectory: { 'ada@example.com': 'acc-1' },
    ...ruleSettingsDefaults(),
    ...overrides,
  };
}

describe('DynamoDbAlertLedger (dynalite)', () => {
  // Each test gets its own table so listings see only what the test wrote.
  async function freshLedger(): Promise<DynamoDbAlertLedger> {
    const tableName = `ledger-${Math.random().toString(36).slice(2)}`;
    await ensureTables(tables.raw, { configTable: names.configTable, ledgerTable: tableName });
    return new DynamoDbAlertLedger({ client: tables.client, tableName });
  }

  it('returns the existing record when the same alert is recorded twice', async () => {
    // Prepare
    const ledger = await freshLedger();
    const first = alert();
    await ledger.record(first);

    // Act
    const second = await ledger.record({ ...first, rawBody: 'a later copy', updatedAt: '2031-01-01T00:00:00.000Z' });

    // Assess
    expect(second).toEqual({ created: false, existing: first });
    expect(await ledger.get(first.alertId)).toEqual(first);
  });

  it('lets exactly one of several concurrent claims win', async () => {
    // Prepare
    const ledger = await freshLedger();
    const record = alert();
    await ledger.record(record);
    const now = new Date('2030-01-02T00:00:00.000Z');

    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ledger.claim(record.alertId, ['queued', 'retrying'], now, 60)),
    );

    // Assess
    const winners = results.filter((result) => result !== undefined);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toMatchObject({ status: 'delivering', attempts: 1, claimUntil: now.getTime() + 60_000 });
  });

  it('lets a worker take over a claim that has expired, but not a live one', async () => {
    // Prepare
    const ledger = await freshLedger();
    const record = alert();
    await ledger.record(record);
    const first = new Date('2030-01-02T00:00:00.000Z');
    await ledger.claim(record.alertId, ['queued'], first, 30);

    // Act
    const whileLive = await ledger.claim(record.alertId, ['queued'], new Date(first.getTime() + 29_000), 30);
    const afterExpiry = await ledger.claim(record.alertId, ['queued'], new Date(first.getTime() + 31_000), 30);

    // Assess
    expect(whileLive).toBeUndefined();
    expect(afterExpiry).toMatchObject({ status: 'delivering', attempts: 2 });
  });

  it('sets given attributes and removes those patched to undefined', async () => {
    // Prepare
    const ledger = await freshLedger();
    const record = alert({ status: 'retrying', nextAttemptAt: '2030-01-01T01:00:00.000Z', lastError: 'HTTP 503' });
    await ledger.record(record);

    // Act
    await ledger.update(record.alertId, {
      status: 'delivered',
      issueKey: 'SEC-1',
      droppedFields: [{ fieldId: 'customfield_1', reason: 'refused' }],
      nextAttemptAt: undefined,
      lastError: undefined,
    });

    // Assess
    const stored = await ledger.get(record.alertId);
    expect(stored).toMatchObject({
      status: 'delivered',
      issueKey: 'SEC-1',
      droppedFields: [{ fieldId: 'customfield_1', reason: 'refused' }],
    });
    expect(stored).not.toHaveProperty('nextAttemptAt');
    expect(stored).not.toHaveProperty('lastError');
  });

  it('counts duplicates', async () => {
    // Prepare
    const ledger = await freshLedger();
    const record = alert();
    await ledger.record(record);

    // Act
    await ledger.noteDuplicate(record.alertId, new Date('2030-01-03T00:00:00.000Z'));
    await ledger.noteDuplicate(record.alertId, new Date('2030-01-04T00:00:00.000Z'));

    // Assess
    expect(await ledger.get(record.alertId)).toMatchObject({
      duplicates: 2,
      lastDuplicateAt: '2030-01-04T00:00:00.000Z',
    });
  });

  it('pages through recent alerts newest first with a cursor', async () => {
    // Prepare
    const ledger = await freshLedger();
    const records = [alert(), alert(), alert(), alert(), alert()];
    for (const record of records) await ledger.record(record);
    const newestFirst = [...records].reverse().map((r) => r.alertId);

    // Act
    const first = await ledger.listRecent(2);
    const second = await ledger.listRecent(2, first.cursor);
    const third = await ledger.listRecent(2, second.cursor);

    // Assess
    expect(first.items.map((r) => r.alertId)).toEqual(newestFirst.slice(0, 2));
    expect(second.items.map((r) => r.alertId)).toEqual(newestFirst.slice(2, 4));
    expect(third.items.map((r) => r.alertId)).toEqual(newestFirst.slice(4));
    expect(typeof first.cursor).toBe('string');
    expect(third.cursor).toBeUndefined();
  });

  it('lists alerts from the indexes without their bodies, which only get reads', async () => {
    // Prepare
    const ledger = await freshLedger();
    const record = alert({ status: 'pending_configuration' });
    await ledger.record(record);

    // Act
    const recent = (await ledger.listRecent(10)).items.find((r) => r.alertId === record.alertId);
    const byStatus = (await ledger.listByStatus('pending_configuration', 10)).find((r) => r.alertId === record.alertId);
    const full = await ledger.get(record.alertId);

    // Assess
    expect(recent).toMatchObject({ alertId: record.alertId, event: record.event, fieldPaths: record.fieldPaths });
    expect(recent).not.toHaveProperty('rawBody');
    expect(byStatus).toMatchObject({
      alertId: record.alertId,
      status: 'pending_configuration',
      updatedAt: record.updatedAt,
    });
    expect(byStatus).not.toHaveProperty('rawBody');
    expect(byStatus).not.toHaveProperty('fieldPaths');
    expect(full?.rawBody).toBe(record.rawBody);
  });

  it('ends a page at a byte budget and resumes right after the last item it kept', async () => {
    // Prepare
    const ledger = await freshLedger();
    const records = [alert(), alert(), alert(), alert(), alert()];
    for (const record of records) await ledger.record(record);
    const newestFirst = [...records].reverse().map((r) => r.alertId);
    const budget = { maxBytes: 250, sizeOf: () => 100 };

    // Act
    const first = await ledger.listRecent(5, undefined, budget);
    const second = await ledger.listRecent(5, first.cursor, budget);
    const third = await ledger.listRecent(5, second.cursor, budget);

    // Assess
    expect(first.items.map((r) => r.alertId)).toEqual(newestFirst.slice(0, 2));
    expect(second.items.map((r) => r.alertId)).toEqual(newestFirst.slice(2, 4));
    expect(third.items.map((r) => r.alertId)).toEqual(newestFirst.slice(4));
    expect(third.cursor).toBeUndefined();
  });

  it('lists by status newest first', async () => {
    // Prepare
    const ledger = await freshLedger();
    const pendingOld = alert({ status: 'pending_configuration' });
    const delivered = alert({ status: 'delivered' });
    const pendingNew = alert({ status: 'pending_configuration' });
    for (const record of [pendingOld, delivered, pendingNew]) await ledger.record(record);

    // Act
    const pending = await ledger.listByStatus('pending_configuration', 10);

    // Assess
    expect(pending.map((r) => r.alertId)).toEqual([pendingNew.alertId, pendingOld.alertId]);
  });

  it('lists every alert received at or after a time', async () => {
    // Prepare
    const ledger = await freshLedger();
    const old = alert();
    const recent = [alert(), alert(), alert()];
    for (const record of [old, ...recent]) await ledger.record(record);
    const since = new Date(recent[0]?.receivedAt ?? '');

    // Act
    const items = await ledger.listSince(since);

    // Assess
    expect(items.map((r) => r.alertId).sort()).toEqual(recent.map((r) => r.alertId).sort());
  });
});

describe('DynamoDbConfigStore (dynalite)', () => {
  function freshStore(): DynamoDbConfigStore {
    // Wired as the local runtime wires it: dynalite has no TransactWriteItems, so the store falls back.
    return new DynamoDbConfigStore({ client: tables.client, tableName: names.configTable });
  }

  it('saves versions, refuses a stale save, lists history newest first and resets', async () => {
    // Prepare
    const store = freshStore();

    // Act
    const v1 = await store.save(config({ summaryTemplate: 'first' }), 0);
    const v2 = await store.save(config({ summaryTemplate: 'second' }), 1);
    const stale = store.save(config({ summaryTemplate: 'stale' }), 1);
    const staleFirst = store.save(config({ summaryTemplate: 'also stale' }), 0);

    // Assess
    expect(v1.version).toBe(1);
    expect(v2.version).toBe(2);
    await expect(stale).rejects.toThrow(ConflictError);
    await expect(stale).rejects.toThrow(
      'The configuration was changed by someone else (version 2); reload and try again',
    );
    await expect(staleFirst).rejects.toThrow(ConflictError);
    expect(await store.get()).toEqual(v2);
    expect((await store.history(10)).map((c) => c.summaryTemplate)).toEqual(['second', 'first']);
  });
});

describe('DynamoDbSessionStore (dynalite)', () => {
  const at = new Date('2030-01-01T12:00:00.000Z');
  const clock: Clock = { now: () => at };
  const nowSeconds = at.getTime() / 1000;

  it('returns a live session and treats an expired one as absent', async () => {
    // Prepare
    const store = new DynamoDbSessionStore({ client: tables.client, tableName: names.configTable, clock });
    const live: AdminSession = {
      id: 'live',
      accountId: 'acc-1',
      displayName: 'Ada',
      createdAt: at.toISOString(),
      expiresAt: nowSeconds + 60,
      cloudId: 'cloud-1',
      rightsCheckedAt: at.getTime(),
      credentials: {
        kind: 'own',
        tokens: { accessToken: 'at-1', accessTokenExpiresAt: at.getTime() + 3_600_000, refreshToken: 'rt-1' },
      },
    };
    await store.put(live);
    await store.put({ ...live, id: 'expired', expiresAt: nowSeconds - 1 });

    // Act
    const found = await store.get('live');
    const expired = await store.get('expired');

    // Assess
    expect(found).toEqual(live);
    expect(expired).toBeUndefined();
  });

  it('forgets a deleted session', async () => {
    // Prepare
    const store = new DynamoDbSessionStore({ client: tables.client, tableName: names.configTable, clock });
    await store.put({
      id: 'gone',
      accountId: 'acc-1',
      displayName: 'Ada',
      createdAt: at.toISOString(),
      expiresAt: nowSeconds + 60,
      cloudId: 'cloud-1',
      rightsCheckedAt: at.getTime(),
      credentials: { kind: 'connection' },
    });

    // Act
    await store.delete('gone');

    // Assess
    expect(await store.get('gone')).toBeUndefined();
  });

  it('records a re-check with rotated tokens, and signs every session out at once', async () => {
    // Prepare
    const store = new DynamoDbSessionStore({ client: tables.client, tableName: names.configTable, clock });
    const base: AdminSession = {
      id: 'one',
      accountId: 'acc-1',
      displayName: 'Ada',
      createdAt: at.toISOString(),
      expiresAt: nowSeconds + 60,
      cloudId: 'cloud-1',
      rightsCheckedAt: 0,
      credentials: { kind: 'connection' },
    };
    await store.put(base);
    await store.put({ ...base, id: 'two', accountId: 'acc-2' });
    const rotated = {
      kind: 'own' as const,
      tokens: { accessToken: 'at-2', accessTokenExpiresAt: 5, refreshToken: 'rt-2' },
    };

    // Act
    const updated = await store.update('one', { rightsCheckedAt: 99, credentials: rotated });
    const afterUpdate = await store.get('one');
    const ended = await store.deleteAll();
    const updateAfterEnd = await store.update('two', { rightsCheckedAt: 100, credentials: rotated });

    // Assess
    expect(updated).toBe(true);
    expect(afterUpdate).toEqual({ ...base, rightsCheckedAt: 99, credentials: rotated });
    expect(ended).toBeGreaterThanOrEqual(2);
    expect(await store.get('one')).toBeUndefined();
    expect(await store.get('two')).toBeUndefined();
    expect(updateAfterEnd).toBe(false);
  });

  it('hands out an OAuth state once, and never when expired', async () => {
    // Prepare
    const store = new DynamoDbSessionStore({ client: tables.client, tableName: names.configTable, clock });
    await store.putOAuthState('s-1', { browserBinding: 'b-1', expiresAt: nowSeconds + 300 });
    await store.putOAuthState('s-old', { browserBinding: 'b-2', expiresAt: nowSeconds - 1 });

    // Act
    const [first, second] = await Promise.all([store.takeOAuthState('s-1'), store.takeOAuthState('s-1')]);
    const expired = await store.takeOAuthState('s-old');

    // Assess
    expect([first, second].filter((taken) => taken !== undefined)).toEqual([
      { browserBinding: 'b-1', expiresAt: nowSeconds + 300 },
    ]);
    expect(expired).toBeUndefined();
  });
});

describe('DynamoDbLease (dynalite)', () => {
  it('excludes others while held, frees on expiry and ignores release by a non-owner', async () => {
    // Prepare
    const lease = new DynamoDbLease({ client: tables.client, tableName: names.configTable });
    const now = new Date('2030-01-01T00:00:00.000Z');
    const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

    // Act
    const contenders = await Promise.all(['a', 'b', 'c'].map((owner) => lease.acquire('refresh', owner, 30, now)));
    const winner = ['a', 'b', 'c'][contenders.indexOf(true)] ?? '';
    const loser = winner === 'a' ? 'b' : 'a';
    await lease.release('refresh', loser);
    const loserWhileHeld = await lease.acquire('refresh', loser, 30, later(10));
    const ownerRenews = await lease.acquire('refresh', winner, 30, later(10));
    const loserAfterExpiry = await lease.acquire('refresh', loser, 30, later(41));
    await lease.release('refresh', loser);
    const winnerAfterRelease = await lease.acquire('refresh', winner, 30, later(42));

    // Assess
    expect(contenders.filter(Boolean)).toHaveLength(1);
    expect(loserWhileHeld).toBe(false);
    expect(ownerRenews).toBe(true);
    expect(loserAfterExpiry).toBe(true);
    expect(winnerAfterRelease).toBe(true);
  });
});

describe('DynamoDbStateStore (dynalite)', () => {
  it('patches single attributes of a stored value and creates the item on a first patch', async () => {
    // Prepare
    const state = new DynamoDbStateStore({ client: tables.client, tableName: names.configTable });
    await state.putItem('webhook-token', { id: 't-1', createdAt: '2030-01-01T00:00:00.000Z' });

    // Act
    await state.patchItem('webhook-token', { lastUsedAt: '2030-01-02T00:00:00.000Z' });
    await state.patchItem('connection', { lastRefreshAt: '2030-01-03T00:00:00.000Z' });
    await state.patchItem('webhook-token', { createdAt: undefined });

    // Assess
    expect(await state.getItem('webhook-token')).toEqual({ id: 't-1', lastUsedAt: '2030-01-02T00:00:00.000Z' });
    expect(await state.getItem('connection')).toEqual({ lastRefreshAt: '2030-01-03T00:00:00.000Z' });
    expect(await state.getItem('missing')).toBeUndefined();
  });
});

describe('startDynalite', () => {
  it('keeps data in the data folder across restarts', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'relay-dynalite-'));
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const writeServer = await startDynalite({ dataDir });
    const writeClient = createDynamoDbClient({ endpoint: writeServer.endpoint, region: 'us-east-1', credentials });
    await ensureTables(writeClient, names);
    await new DynamoDbStateStore({
      client: createDocumentClient({ client: writeClient }),
      tableName: names.configTable,
    }).putItem('kept', { n: 1 });
    writeClient.destroy();
    await writeServer.close();

    // Act
    const readServer = await startDynalite({ dataDir });
    const readClient = createDynamoDbClient({ endpoint: readServer.endpoint, region: 'us-east-1', credentials });
    await ensureTables(readClient, names);
    const kept = await new DynamoDbStateStore({
      client: createDocumentClient({ client: readClient }),
      tableName: names.configTable,
    }).getItem('kept');
    readClient.destroy();
    await readServer.close();
    await rm(dataDir, { recursive: true, force: true });

    // Assess
    expect(kept).toEqual({ n: 1 });
    expect(readServer.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('ledger items at the webhook size cap', () => {
  const CAP = 256 * 1024;
  const ingestDeps = (ledger: DynamoDbAlertLedger) => ({
    ledger,
    config: async () => undefined,
    tracker: {} as never,
    // Never consulted either: no rule can match without a configuration.
    groups: {} as never,
    queue: { enqueue: async () => undefined, deadLetter: async () => undefined },
    clock: { now: () => new Date() },
    siteUrl: 'http://127.0.0.1',
    retryBudgetSeconds: 72 * 3600,
    // Never consulted: without a configuration the alert is parked before any Jira call.
    governor: {} as never,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: { count: () => undefined, gauge: () => undefined, duration: () => undefined },
    ledgerTtlDays: 90,
  });
  // Worst cases for the item: huge copied fields (event, alert name), a huge key (field paths),
  // and text whose characters take three bytes each (what invalid UTF-8 decodes to).
  const randomText = (length: number) =>
    Array.from({ length }, () => String.fromCharCode(0x23 + Math.floor(Math.random() * 0x50)))
      .join('')
      .replaceAll('\\', '/');
  const fill = (make: (length: number) => string) => {
    const json = JSON.stringify({
      audit_event: randomText(120_000),
      alert_name: randomText(110_000),
      [randomText(20_000)]: 1,
      x: '',
    });
    return `${json.slice(0, -2)}${make(CAP - Buffer.byteLength(json))}"}`;
  };
  const bodies = {
    'huge copied fields and keys': fill((n) => 'a'.repeat(n)),
    'random characters (incompressible)': fill(randomText),
    'replacement characters': '\uFFFD'.repeat(Math.floor(CAP / 3)),
    'random 2-byte characters': Array.from({ length: CAP / 2 - 8 }, () =>
      String.fromCharCode(0x80 + Math.floor(Math.random() * 0x700)),
    ).join(''),
  };

  for (const [name, body] of Object.entries(bodies)) {
    it(`records a body at the cap of ${name} in one item under DynamoDB's 400 KB`, async () => {
      // Prepare
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(CAP * 3);
      const ledger = new DynamoDbAlertLedger({ client: tables.client, tableName: names.ledgerTable });
      const { ingestAlert } = await import('#domain/delivery/ingest-alert.ts');
      // Act
      const result = await ingestAlert(ingestDeps(ledger), body);
      // Assess
      const stored = await ledger.get(result.alertId);
      expect(stored?.rawBody).toBe(body);
    });
  }
});
