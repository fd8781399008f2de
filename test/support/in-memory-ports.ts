/**
 * In-memory implementations of the domain ports for unit tests (no module mocking needed).
 * They honour the same conditions as the DynamoDB adapters (conditional record, claim, lease).
 */
import type { AlertRecord, AlertStatus } from '#domain/alert-record.ts';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import type { IngestDeps } from '#domain/delivery/ingest-alert.ts';
import { DEFAULT_GOVERNOR_SETTINGS, JiraGovernor } from '#domain/delivery/jira-governor.ts';
import { type BucketState, holdBucket, reserveSlots } from '#domain/delivery/rate-slots.ts';
import { ConflictError, NotFoundError } from '#domain/errors.ts';
import { countWithinBudget, type PageBudget } from '#domain/page-budget.ts';
import type {
  AdfDocument,
  AdminSession,
  AlertLedger,
  AlertListing,
  AlertRecordPatch,
  AlertRouting,
  Clock,
  ConfigStore,
  CreatedIssue,
  FlushResult,
  FollowUpReason,
  GroupRecord,
  GroupStore,
  IssueState,
  IssueTracker,
  IssueTransition,
  JiraFieldMeta,
  JiraIssueType,
  JiraProject,
  JiraUser,
  Lease,
  RateBucket,
  RecentAlert,
  RelayCounter,
  RelayDuration,
  RelayGauge,
  RelayMetrics,
  RetryMessage,
  RetryQueue,
  SecretName,
  SecretStore,
  SecurityLevel,
  SessionCredentials,
  SessionStore,
  StateStore,
} from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { liveSpanMs } from '#domain/routing/group-key.ts';
import { secConfig } from './jira-fixtures.ts';

export class ManualClock implements Clock {
  constructor(private millis = Date.parse('2026-11-23T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.millis);
  }
  advance(ms: number): void {
    this.millis += ms;
  }
}

/** What the ledger's indexes hold: the record without its body and claim bookkeeping, as the DynamoDB ledger lists it. */
export function listing(record: AlertRecord): AlertListing {
  const {
    rawBody: _body,
    fieldPaths: _paths,
    claimUntil: _claim,
    priorClaimUntil: _prior,
    mayHaveCreated: _may,
    lastSentAt: _sent,
    expiresAt: _ttl,
    // Read with `routingOf`, as the DynamoDB ledger's indexes do not hold them either.
    ruleId: _rule,
    ruleName: _ruleName,
    groupId: _group,
    groupRole: _role,
    escalated: _escalated,
    redactedPaths: _redacted,
    ...rest
  } = structuredClone(record);
  return rest;
}

export class MemoryLedger implements AlertLedger {
  readonly items = new Map<string, AlertRecord>();
  /** Write calls by method, to check how many round trips a path costs. */
  readonly writes = { record: 0, claim: 0, update: 0 };
  attachmentClaims = 0;

  async record(record: AlertRecord) {
    this.writes.record++;
    const existing = this.items.get(record.alertId);
    if (existing) return { created: false as const, existing: structuredClone(existing) };
    this.items.set(record.alertId, structuredClone(record));
    return { created: true as const };
  }
  async getMany(alertIds: readonly string[]) {
    this.gets += alertIds.length;
    return alertIds.flatMap((id) => {
      const item = this.items.get(id);
      return item ? [structuredClone(item)] : [];
    });
  }
  async routingOf(alertIds: readonly string[]) {
    const found = new Map<string, AlertRouting>();
    for (const id of alertIds) {
      const item = this.items.get(id);
      if (!item) continue;
      const { ruleId, ruleName, groupId, groupRole, escalated, redactedPaths } = structuredClone(item);
      const routing = Object.fromEntries(
        Object.entries({ ruleId, ruleName, groupId, groupRole, escalated, redactedPaths }).filter(
          ([, v]) => v !== undefined,
        ),
      ) as AlertRouting;
      if (Object.keys(routing).length > 0) found.set(id, routing);
    }
    return found;
  }
  readonly originals = new Map<string, { body: string; until: number }>();
  async redactBody(alertId: string, redacted: string, paths: readonly string[], keepOriginalUntil?: number) {
    const item = this.items.get(alertId);
    if (!item) throw new NotFoundError(`No alert with id ${alertId}`);
    if (keepOriginalUntil !== undefined && !this.originals.has(alertId))
      this.originals.set(alertId, { body: item.rawBody, until: keepOriginalUntil });
    this.items.set(alertId, { ...item, rawBody: redacted, redactedPaths: [...paths] });
  }
  async originalBody(alertId: string) {
    return this.originals.get(alertId)?.body;
  }
  /** Bodies read, to check who reads them. */
  gets = 0;
  async get(alertId: string) {
    this.gets++;
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
  async claimAttachment(alertId: string, now: Date, claimSeconds: number) {
    this.attachmentClaims++;
    const item = this.items.get(alertId);
    if (!item || item.attachmentPending !== true || (item.attachmentClaimUntil ?? 0) >= now.getTime()) return undefined;
    item.attachmentClaimUntil = now.getTime() + claimSeconds * 1000;
    item.attachmentAttempts = (item.attachmentAttempts ?? 0) + 1;
    return structuredClone(item);
  }
  async noteDuplicate(alertId: string, at: Date) {
    const item = this.items.get(alertId);
    if (item) {
      item.duplicates += 1;
      item.lastDuplicateAt = at.toISOString();
    }
  }
  async listRecent(limit: number, cursor?: string, budget?: PageBudget<RecentAlert>) {
    // Newest first, the cursor being the last key seen (as with DynamoDB's LastEvaluatedKey).
    const key = (r: AlertRecord) => `${r.receivedAt}|${r.alertId}`;
    const all = [...this.items.values()]
      .filter((i) => cursor === undefined || key(i) < cursor)
      .sort((a, b) => key(b).localeCompare(key(a)));
    const page: RecentAlert[] = all.slice(0, limit).map((i) => ({ ...listing(i), fieldPaths: [...i.fieldPaths] }));
    const items = budget ? page.slice(0, countWithinBudget(page, budget)) : page;
    const last = items[items.length - 1];
    return all.length > items.length && last ? { items, cursor: `${last.receivedAt}|${last.alertId}` } : { items };
  }
  async listByStatus(status: AlertStatus, limit: number) {
    return [...this.items.values()]
      .filter((i) => i.status === status)
      .slice(0, limit)
      .map(listing);
  }
  async pageByStatus(status: AlertStatus, limit: number, cursor?: string) {
    // Like DynamoDB's LastEvaluatedKey: the cursor is the last key seen, so items that change status
    // between pages do not shift the next one.
    const key = (r: AlertRecord) => `${r.receivedAt}|${r.alertId}`;
    const all = [...this.items.values()]
      .filter((i) => i.status === status && (cursor === undefined || key(i) > cursor))
      .sort((a, b) => key(a).localeCompare(key(b)));
    const items = all.slice(0, limit).map(listing);
    const last = items[items.length - 1];
    return all.length > limit && last ? { items, cursor: `${last.receivedAt}|${last.alertId}` } : { items };
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

/** Every metric value, to check what each outcome counts. */
export class RecordingMetrics implements RelayMetrics {
  readonly entries: { name: RelayCounter | RelayGauge | RelayDuration; value: number; unit: string }[] = [];
  count(name: RelayCounter, n = 1) {
    this.entries.push({ name, value: n, unit: 'Count' });
  }
  gauge(name: RelayGauge, value: number, unit: 'Count' | 'None') {
    this.entries.push({ name, value, unit });
  }
  duration(name: RelayDuration, ms: number) {
    this.entries.push({ name, value: ms, unit: 'Milliseconds' });
  }
  /** Sum of a counter's values (0 when never counted). */
  total(name: RelayCounter): number {
    return this.entries.filter((e) => e.name === name).reduce((sum, e) => sum + e.value, 0);
  }
  /** Every counter with a non-zero total, e.g. `{ AlertsReceived: 1, AlertsDelivered: 1 }`. */
  counters(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const e of this.entries)
      if (e.unit === 'Count' && !isGauge(e.name)) totals[e.name] = (totals[e.name] ?? 0) + e.value;
    return totals;
  }
  /** The last value of a gauge or duration. */
  last(name: RelayGauge | RelayDuration): number | undefined {
    return this.entries.findLast((e) => e.name === name)?.value;
  }
}

const GAUGES: readonly string[] = [
  'ParkedAlertsOverdue',
  'ConnectionReconnectRequired',
  'GrantDaysRemaining',
] satisfies RelayGauge[];
const isGauge = (name: string) => GAUGES.includes(name);

export const noMetrics: RelayMetrics = { count: () => undefined, gauge: () => undefined, duration: () => undefined };

/** Jira's create call from a script: each entry is an error to throw or a key to return; then SEC-1, SEC-2, ... */
/**
 * Jira's create call from a script: each entry is an error to throw or a key to return; then SEC-1, SEC-2, ...
 * Attachments are kept per issue; `attachmentScript` answers uploads the same way (an error to throw, or
 * `'ok'`), and an error named with `lost:` is thrown after the file was kept (the answer lost on the way).
 */
export class ScriptedTracker implements IssueTracker {
  readonly created: Record<string, unknown>[] = [];
  readonly attachments = new Map<
    string,
    { id: string; filename: string; size: number; content: Uint8Array; mimeType: string }[]
  >();
  readonly attachmentScript: (Error | 'ok')[] = [];
  readonly calls: string[] = [];
  constructor(private readonly script: (Error | string)[] = []) {}
  async addAttachment(issueKey: string, filename: string, content: string | Uint8Array, mimeType: string) {
    this.calls.push(`attach ${issueKey}`);
    const next = this.attachmentScript.shift() ?? 'ok';
    if (next instanceof Error && !next.message.startsWith('lost:')) throw next;
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const list = this.attachments.get(issueKey) ?? [];
    const attachment = { id: String(list.length + 1), filename, size: bytes.byteLength, content: bytes, mimeType };
    this.attachments.set(issueKey, [...list, attachment]);
    if (next instanceof Error) throw next;
    return { id: attachment.id, filename, size: attachment.size };
  }
  async listAttachments(issueKey: string) {
    this.calls.push(`list ${issueKey}`);
    return (this.attachments.get(issueKey) ?? []).map(({ id, filename, size }) => ({ id, filename, size }));
  }
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
  // Issue life after creation: a three-status workflow (To Do → In Progress → Done), as the stand-in seeds.
  readonly states = new Map<string, IssueState>();
  readonly edits: { issueKey: string; fields?: Record<string, unknown>; comment?: AdfDocument }[] = [];
  readonly transitions: { issueKey: string; transitionId: string; comment?: AdfDocument }[] = [];
  readonly links: { typeName: string; inwardKey: string; outwardKey: string }[] = [];
  assignable: JiraUser[] = [];
  securityLevels: SecurityLevel[] = [];
  async getIssueState(issueKey: string): Promise<IssueState | undefined> {
    this.calls.push(`state ${issueKey}`);
    return this.states.get(issueKey) ?? { key: issueKey, statusName: 'To Do', statusCategory: 'new' };
  }
  async editIssue(issueKey: string, edit: { fields?: Record<string, unknown>; comment?: AdfDocument }) {
    this.calls.push(`edit ${issueKey}`);
    this.edits.push({ issueKey, ...edit });
    return this.states.get(issueKey) ?? { key: issueKey, statusName: 'To Do', statusCategory: 'new' as const };
  }
  async listTransitions(issueKey: string): Promise<IssueTransition[]> {
    this.calls.push(`transitions ${issueKey}`);
    const current = (await this.getIssueState(issueKey))?.statusName;
    return MEMORY_WORKFLOW.filter((t) => t.toStatusName !== current);
  }
  async transitionIssue(issueKey: string, transitionId: string, comment?: AdfDocument) {
    this.calls.push(`transition ${issueKey} ${transitionId}`);
    const to = MEMORY_WORKFLOW.find((t) => t.id === transitionId);
    if (to === undefined) throw new Error(`no transition ${transitionId}`);
    this.transitions.push({ issueKey, transitionId, ...(comment ? { comment } : {}) });
    this.states.set(issueKey, {
      key: issueKey,
      statusName: to.toStatusName,
      statusCategory: to.toStatusCategory,
      ...(to.toStatusCategory === 'done' ? { resolution: 'Done', resolutionDate: new Date().toISOString() } : {}),
    });
  }
  async linkIssues(typeName: string, inwardKey: string, outwardKey: string) {
    this.calls.push(`link ${inwardKey} ${outwardKey}`);
    this.links.push({ typeName, inwardKey, outwardKey });
  }
  async findAssignableUsers(_projectKey: string, query: { accountId?: string; query?: string }) {
    return this.assignable.filter((u) => query.accountId === undefined || u.accountId === query.accountId);
  }
  async listSecurityLevels(_projectKey: string) {
    return this.securityLevels;
  }
}

/** The workflow of the in-memory tracker: any status to any other. */
export const MEMORY_WORKFLOW: readonly IssueTransition[] = [
  { id: '11', name: 'To Do', toStatusName: 'To Do', toStatusCategory: 'new' },
  { id: '21', name: 'In Progress', toStatusName: 'In Progress', toStatusCategory: 'indeterminate' },
  { id: '31', name: 'Done', toStatusName: 'Done', toStatusCategory: 'done' },
];

export class MemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, AdminSession>();
  readonly states = new Map<string, { browserBinding: string; expiresAt: number }>();
  async put(session: AdminSession) {
    this.sessions.set(session.id, session);
  }
  async get(id: string) {
    return this.sessions.get(id);
  }
  async update(id: string, patch: { rightsCheckedAt: number; credentials: SessionCredentials }) {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.set(id, { ...session, ...patch });
    return true;
  }
  async delete(id: string) {
    this.sessions.delete(id);
  }
  async deleteAll() {
    const count = this.sessions.size;
    this.sessions.clear();
    return count;
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
    if ((this.versions[0]?.version ?? 0) !== expectedVersion)
      throw new ConflictError('Someone else saved the configuration first');
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

/**
 * Ingest and delivery dependencies on in-memory ports with a manual clock: the setup every
 * delivery test shares. Overrides replace single ports (a scripted tracker, a failing ledger, a
 * recording log).
 */
export function memoryDelivery(
  overrides: Partial<Omit<IngestDeps, 'config'>> & { config?: RelayConfig | undefined } = {},
) {
  const clock = overrides.clock instanceof ManualClock ? overrides.clock : new ManualClock();
  const ledger = overrides.ledger instanceof MemoryLedger ? overrides.ledger : new MemoryLedger();
  const queue = overrides.queue instanceof RecordingQueue ? overrides.queue : new RecordingQueue();
  const metrics = overrides.metrics instanceof RecordingMetrics ? overrides.metrics : new RecordingMetrics();
  const config = 'config' in overrides ? overrides.config : secConfig();
  const deps: IngestDeps = {
    tracker: new ScriptedTracker(),
    siteUrl: 'https://acme.atlassian.net',
    retryBudgetSeconds: 72 * 3600,
    governor: memoryGovernor(clock),
    random: () => 0.5,
    log: silentLog,
    ledgerTtlDays: 90,
    groups: new MemoryGroupStore(),
    ...overrides,
    ledger,
    queue,
    clock,
    metrics,
    config: async () => config,
  };
  return { deps, ledger, queue, clock, metrics };
}

/** Groups in memory with the same conditions as the DynamoDB store (`dynamodb-group-store.ts`). */
export class MemoryGroupStore implements GroupStore {
  readonly groups = new Map<string, GroupRecord>();
  readonly storms = new Map<string, number>();
  readonly counterparts = new Map<string, string>();
  writes = 0;
  async get(groupId: string) {
    const group = this.groups.get(groupId);
    return group ? structuredClone(group) : undefined;
  }
  #live(group: GroupRecord, atMs: number) {
    return group.lastSeenAtMs + liveSpanMs(group) >= atMs || group.pending.length > 0 || group.overflow > 0;
  }
  async open(group: GroupRecord) {
    this.writes++;
    const current = this.groups.get(group.groupId);
    if (current && this.#live(current, group.openedAtMs))
      return { opened: false as const, current: structuredClone(current) };
    this.groups.set(group.groupId, structuredClone(group));
    return current ? { opened: true as const, replaced: structuredClone(current) } : { opened: true as const };
  }
  async join(groupId: string, alertId: string, atMs: number, options: { maxPending: number; expiresAt: number }) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group) return { kind: 'missing' as const };
    if (group.openerAlertId === alertId || group.pending.includes(alertId))
      return { kind: 'already' as const, group: structuredClone(group) };
    if (!this.#live(group, atMs)) return { kind: 'expired' as const, group: structuredClone(group) };
    const full = group.pending.length >= options.maxPending;
    const next: GroupRecord = {
      ...group,
      lastSeenAtMs: atMs,
      expiresAt: options.expiresAt,
      count: group.count + 1,
      pending: full ? group.pending : [...group.pending, alertId],
      overflow: group.overflow + (full ? 1 : 0),
    };
    this.groups.set(groupId, next);
    return { kind: 'joined' as const, group: structuredClone(next) };
  }
  async setIssue(groupId: string, openerAlertId: string, issueKey: string) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (group?.openerAlertId !== openerAlertId) return undefined;
    const next = { ...group, issueKey };
    this.groups.set(groupId, next);
    return structuredClone(next);
  }
  async scheduleFlush(groupId: string, dueAtMs: number, staleBeforeMs: number) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group || (group.flushDueAtMs !== undefined && group.flushDueAtMs >= staleBeforeMs)) return false;
    this.groups.set(groupId, { ...group, flushDueAtMs: dueAtMs });
    return true;
  }
  async claimFlush(groupId: string, nowMs: number, seconds: number) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group || (group.flushClaimUntilMs !== undefined && group.flushClaimUntilMs >= nowMs)) return undefined;
    const next = { ...group, flushClaimUntilMs: nowMs + seconds * 1000 };
    this.groups.set(groupId, next);
    return structuredClone(next);
  }
  async finishFlush(groupId: string, result: FlushResult) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group) return;
    const { flushClaimUntilMs: _c, flushDueAtMs: _d, flushFailures: _f, stateSeenAtMs: _s, ...rest } = group;
    this.groups.set(groupId, {
      ...rest,
      ...(result.stateSeenAtMs === undefined ? {} : { stateSeenAtMs: result.stateSeenAtMs }),
      pending: group.pending.slice(result.reportedPending),
      overflow: group.overflow - result.reportedOverflow,
      reported: group.reported + result.reportedPending + result.reportedOverflow,
      lastFlushAtMs: result.atMs,
      recentTimesMs: [...result.recentTimesMs],
      escalated: result.escalated,
    });
  }
  async abandonFlush(groupId: string, failures: number) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group) return;
    const { flushClaimUntilMs: _c, flushDueAtMs: _d, ...rest } = group;
    this.groups.set(groupId, { ...rest, flushFailures: failures });
  }
  async followUp(
    groupId: string,
    change: {
      expectedIssueKey: string | undefined;
      openerAlertId: string;
      atMs: number;
      reportedBefore: number;
      reason: FollowUpReason;
    },
  ) {
    this.writes++;
    const group = this.groups.get(groupId);
    if (!group || group.issueKey !== change.expectedIssueKey || group.pending[0] !== change.openerAlertId) return false;
    const { issueKey, flushClaimUntilMs: _c, flushDueAtMs: _d, flushFailures: _f, stateSeenAtMs: _s, ...rest } = group;
    this.groups.set(groupId, {
      ...rest,
      ...(issueKey ? { previousIssueKey: issueKey } : {}),
      followUpReason: change.reason,
      openerAlertId: change.openerAlertId,
      openedAtMs: change.atMs,
      count: group.count - change.reportedBefore,
      reported: 1,
      escalated: false,
      pending: group.pending.slice(1),
    });
    return true;
  }
  async countNewIssue(ruleId: string, hour: string, cap: number, _expiresAt: number) {
    this.writes++;
    const key = `${ruleId}#${hour}`;
    const created = this.storms.get(key) ?? 0;
    if (created >= cap) return false;
    this.storms.set(key, created + 1);
    return true;
  }
  async putCounterpart(id: string, issueKey: string) {
    this.writes++;
    this.counterparts.set(id, issueKey);
  }
  async getCounterpart(id: string) {
    return this.counterparts.get(id);
  }
  async deleteCounterpart(id: string, issueKey: string) {
    this.writes++;
    if (this.counterparts.get(id) === issueKey) this.counterparts.delete(id);
  }
}
