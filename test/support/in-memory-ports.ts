/**
 * In-memory implementations of the domain ports for unit tests (no module mocking needed).
 * They honour the same conditions as the DynamoDB adapters (conditional record, claim, lease).
 */
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { EventLog } from '#domain/delivery/deliver-alert.ts';
import { DEFAULT_GOVERNOR_SETTINGS, JiraGovernor } from '#domain/delivery/jira-governor.ts';
import { type BucketState, holdBucket, reserveSlots } from '#domain/delivery/rate-slots.ts';
import { ConflictError } from '#domain/errors.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import type {
  AdminSession,
  AlertLedger,
  AlertRecordPatch,
  Clock,
  ConfigStore,
  CreatedIssue,
  IssueTracker,
  JiraFieldMeta,
  JiraIssueType,
  JiraProject,
  JiraUser,
  Lease,
  RateBucket,
  RetryMessage,
  RetryQueue,
  SecretName,
  SecretStore,
  SessionStore,
  StateStore,
} from '#domain/ports.ts';

export class ManualClock implements Clock {
  constructor(private millis = Date.parse('2026-11-23T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.millis);
  }
  advance(ms: number): void {
    this.millis += ms;
  }
}

export class MemoryLedger implements AlertLedger {
  readonly items = new Map<string, AlertRecord>();
  /** Write calls by method, to check how many round trips a path costs. */
  readonly writes = { record: 0, claim: 0, update: 0 };

  async record(record: AlertRecord) {
    this.writes.record++;
    const existing = this.items.get(record.alertId);
    if (existing) return { created: false as const, existing: structuredClone(existing) };
    this.items.set(record.alertId, structuredClone(record));
    return { created: true as const };
  }
  async get(alertId: string) {
    const item = this.items.get(alertId);
    return item ? structuredClone(item) : undefined;
  }
  async claim(alertId: string, from: readonly AlertStatus[], now: Date, claimSeconds: number) {
    this.writes.claim++;
    const item = this.items.get(alertId);
    if (!item) return undefined;
    const expired = item.status === 'delivering' && (item.claimUntil ?? 0) < now.getTime();
    if (!from.includes(item.status) && !expired) return undefined;
    item.priorClaimUntil = item.claimUntil ?? 0;
    item.status = 'delivering';
    item.claimUntil = now.getTime() + claimSeconds * 1000;
    item.attempts += 1;
    return structuredClone(item);
  }
  async update(alertId: string, patch: AlertRecordPatch) {
    this.writes.update++;
    const item = this.items.get(alertId);
    if (!item) throw new Error(`no ${alertId}`);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete (item as unknown as Record<string, unknown>)[key];
      else (item as unknown as Record<string, unknown>)[key] = value;
    }
  }
  async noteDuplicate(alertId: string, at: Date) {
    const item = this.items.get(alertId);
    if (item) {
      item.duplicates += 1;
      item.lastDuplicateAt = at.toISOString();
    }
  }
  async listRecent(limit: number) {
    return { items: [...this.items.values()].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit) };
  }
  async listByStatus(status: AlertStatus, limit: number) {
    return [...this.items.values()].filter((i) => i.status === status).slice(0, limit);
  }
  async pageByStatus(status: AlertStatus, limit: number, cursor?: string) {
    // Like DynamoDB's LastEvaluatedKey: the cursor is the last key seen, so items that change status
    // between pages do not shift the next one.
    const key = (r: AlertRecord) => `${r.receivedAt}|${r.alertId}`;
    const all = [...this.items.values()]
      .filter((i) => i.status === status && (cursor === undefined || key(i) > cursor))
      .sort((a, b) => key(a).localeCompare(key(b)));
    const items = all.slice(0, limit).map((i) => structuredClone(i));
    const last = items[items.length - 1];
    return all.length > limit && last ? { items, cursor: key(last) } : { items };
  }
  async listSince(since: Date) {
    return [...this.items.values()].filter((i) => i.receivedAt >= since.toISOString());
  }
}

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<SecretName, string>();
  gets = 0;
  async get(name: SecretName) {
    this.gets++;
    return this.values.get(name);
  }
  async put(name: SecretName, value: string) {
    this.values.set(name, value);
  }
}

export class MemoryStateStore implements StateStore {
  readonly items = new Map<string, Record<string, unknown>>();
  async getItem<T>(name: string) {
    return this.items.get(name) as T | undefined;
  }
  async putItem<T>(name: string, value: T) {
    this.items.set(name, { ...(value as Record<string, unknown>) });
  }
  async patchItem(name: string, patch: Record<string, unknown>) {
    this.items.set(name, { ...this.items.get(name), ...patch });
  }
}

export class MemoryLease implements Lease {
  private readonly holders = new Map<string, { owner: string; until: number }>();
  async acquire(name: string, owner: string, ttlSeconds: number, now: Date) {
    const current = this.holders.get(name);
    if (current && current.owner !== owner && current.until > now.getTime()) return false;
    this.holders.set(name, { owner, until: now.getTime() + ttlSeconds * 1000 });
    return true;
  }
  async release(name: string, owner: string) {
    if (this.holders.get(name)?.owner === owner) this.holders.delete(name);
  }
}

export class RecordingQueue implements RetryQueue {
  readonly enqueued: { message: RetryMessage; delaySeconds: number }[] = [];
  readonly deadLettered: { message: RetryMessage; reason: string }[] = [];
  async enqueue(message: RetryMessage, delaySeconds: number) {
    this.enqueued.push({ message, delaySeconds });
  }
  async deadLetter(message: RetryMessage, reason: string) {
    this.deadLettered.push({ message, reason });
  }
}

export const silentLog: EventLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Every log call, to check what a failure says (and what it must not). */
export class RecordingLog implements EventLog {
  readonly entries: { level: 'info' | 'warn' | 'error'; message: string; attributes: Record<string, unknown> }[] = [];
  info(message: string, attributes: Record<string, unknown> = {}) {
    this.entries.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown> = {}) {
    this.entries.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown> = {}) {
    this.entries.push({ level: 'error', message, attributes });
  }
}

/** Jira's create call from a script: each entry is an error to throw or a key to return; then SEC-1, SEC-2, ... */
export class ScriptedTracker implements IssueTracker {
  readonly created: Record<string, unknown>[] = [];
  constructor(private readonly script: (Error | string)[] = []) {}
  async createIssue(fields: Record<string, unknown>): Promise<CreatedIssue> {
    const next = this.script.shift() ?? `SEC-${this.created.length + 1}`;
    if (next instanceof Error) throw next;
    this.created.push(fields);
    return { id: String(this.created.length), key: next };
  }
  async findIssueByLabel(_projectKey: string, _label: string): Promise<CreatedIssue | undefined> {
    return undefined;
  }
  async listProjects(): Promise<JiraProject[]> {
    return [];
  }
  async listIssueTypes(_projectKey: string): Promise<JiraIssueType[]> {
    return [];
  }
  async listCreateFields(_projectKey: string, _issueTypeId: string): Promise<JiraFieldMeta[]> {
    return [];
  }
  async searchUsers(_query: string): Promise<JiraUser[]> {
    return [];
  }
  async findUserByAccountId(_accountId: string): Promise<JiraUser | undefined> {
    return undefined;
  }
}

export class MemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, AdminSession>();
  readonly states = new Map<string, { browserBinding: string; expiresAt: number }>();
  async put(session: AdminSession) {
    this.sessions.set(session.id, session);
  }
  async get(id: string) {
    return this.sessions.get(id);
  }
  async delete(id: string) {
    this.sessions.delete(id);
  }
  async putOAuthState(state: string, data: { browserBinding: string; expiresAt: number }) {
    this.states.set(state, data);
  }
  async takeOAuthState(state: string) {
    const data = this.states.get(state);
    this.states.delete(state);
    return data;
  }
}

/** Versions newest first, with the same optimistic lock as the DynamoDB store. */
export class MemoryConfigStore implements ConfigStore {
  readonly versions: RelayConfig[] = [];
  async get() {
    return this.versions[0];
  }
  async save(config: RelayConfig, expectedVersion: number) {
    if ((this.versions[0]?.version ?? 0) !== expectedVersion) throw new ConflictError('Someone else saved the configuration first');
    const saved = { ...config, version: expectedVersion + 1 };
    this.versions.unshift(saved);
    return saved;
  }
  async history(limit: number) {
    return this.versions.slice(0, limit);
  }
}

/** The shared rate bucket in memory, with the same GCRA steps as the DynamoDB adapter. */
export class MemoryRateBucket implements RateBucket {
  state: BucketState | undefined;
  reservations = 0;
  /** Bucket writes (one per call that reserved anything). */
  writes = 0;
  async reserve(nowMs: number, ratePerSecond: number, burst: number, maxWaitsMs: readonly number[]) {
    const { reservations, next } = reserveSlots(this.state, nowMs, ratePerSecond, burst, maxWaitsMs);
    if (next) {
      this.state = next;
      this.writes += 1;
      this.reservations += reservations.filter((r) => 'at' in r).length;
    }
    return reservations;
  }
  async holdUntil(untilMs: number) {
    this.state = holdBucket(this.state, untilMs);
  }
}

/** A governor on in-memory shared state whose waits advance the manual clock (exact and instant). */
export function memoryGovernor(clock: ManualClock, onRecovered?: () => Promise<void>): JiraGovernor {
  return new JiraGovernor({
    bucket: new MemoryRateBucket(),
    state: new MemoryStateStore(),
    lease: new MemoryLease(),
    clock,
    sleep: async (ms) => clock.advance(ms),
    instanceId: 'test',
    settings: DEFAULT_GOVERNOR_SETTINGS,
    ...(onRecovered ? { onRecovered } : {}),
  });
}
