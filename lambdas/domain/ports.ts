/**
 * Ports: what the domain needs from the outside world. Adapters in `lambdas/adapters/` (AWS,
 * Atlassian) and `local/` (embedded stand-ins) implement them; handlers wire them together.
 * Over 350 lines on purpose: one file lists everything the domain asks of the outside world.
 */
import type { AlertRecord, AlertStatus } from './alert-record.ts';
import type { Reservation } from './delivery/rate-slots.ts';
import type { PageBudget } from './page-budget.ts';
import type { RelayConfig } from './relay-config.ts';

export interface Clock {
  now(): Date;
}

/** Business events counted per occurrence (CloudWatch unit Count). */
export type RelayCounter =
  | 'AlertsReceived'
  | 'AlertsDelivered'
  | 'AlertsDuplicate'
  | 'AlertsQueued'
  | 'AlertsParked'
  | 'AlertsFailed'
  | 'AlertsSuppressed'
  | 'AlertsGrouped'
  /** Past a rule's hourly cap: joined the rule's storm issue instead of opening one. */
  | 'StormAlerts'
  /** Comments (one Jira edit each) reporting a group's repeats. */
  | 'GroupComments'
  | 'WebhookAuthFailures';

/** Levels measured by the scheduled sweep; alarms watch them. */
export type RelayGauge = 'ParkedAlertsOverdue' | 'ConnectionReconnectRequired' | 'GrantDaysRemaining';

/** Elapsed times, in milliseconds. */
export type RelayDuration = 'TimeToTicket';

/**
 * Business metrics: what an operator's alarms and dashboard watch. CloudWatch embedded metric
 * format in AWS (written to the function's log, no API call), EMF lines to a file locally.
 */
export interface RelayMetrics {
  count(name: RelayCounter, n?: number): void;
  gauge(name: RelayGauge, value: number, unit: 'Count' | 'None'): void;
  duration(name: RelayDuration, ms: number): void;
}

/** One item per alert, keyed by the dedup key. The ledger is the source of truth for delivery. */
export interface AlertLedger {
  /** Conditional put: writes only if no record with this alertId exists, else returns the existing one. */
  record(record: AlertRecord): Promise<{ created: true } | { created: false; existing: AlertRecord }>;
  get(alertId: string): Promise<AlertRecord | undefined>;
  /** The records of these alerts, bodies included, in the given order (missing ones left out); a batch read per 100. */
  getMany(alertIds: readonly string[]): Promise<AlertRecord[]>;
  /**
   * Moves the record to `delivering` if its status is one of `from` (or it is `delivering` with an
   * expired claim), adding one attempt. Returns the claimed record, or undefined if another worker has it.
   */
  claim(
    alertId: string,
    from: readonly AlertStatus[],
    now: Date,
    claimSeconds: number,
  ): Promise<AlertRecord | undefined>;
  update(alertId: string, patch: AlertRecordPatch): Promise<void>;
  /**
   * Takes the pending attachment of a delivered alert for `claimSeconds`: succeeds only while
   * `attachmentPending` is set and no other worker's attachment claim is running, adding one
   * attachment attempt. Returns the claimed record, or undefined (nothing to attach, or another
   * worker has it).
   */
  claimAttachment(alertId: string, now: Date, claimSeconds: number): Promise<AlertRecord | undefined>;
  noteDuplicate(alertId: string, at: Date): Promise<void>;
  /**
   * Newest first, without bodies (read one with `get`). With `budget`, the page also ends before the
   * item that would take the sizes past `maxBytes` (always at least one item), and the cursor
   * resumes there.
   */
  listRecent(
    limit: number,
    cursor?: string,
    budget?: PageBudget<RecentAlert>,
  ): Promise<{ items: RecentAlert[]; cursor?: string }>;
  listByStatus(status: AlertStatus, limit: number): Promise<AlertListing[]>;
  /** Oldest first, a page at a time: releases drain a backlog in order of receipt. */
  pageByStatus(
    status: AlertStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: AlertListing[]; cursor?: string }>;
  /** Every alert received at or after `since`, only what the per-hour chart needs (no payloads). */
  listSince(since: Date): Promise<AlertSummary[]>;
  /** The rule and group attributes of these alerts (one batch read per 100), by alert id; absent when none. */
  routingOf(alertIds: readonly string[]): Promise<Map<string, AlertRouting>>;
  /**
   * Replaces the stored body with its redacted text and records the redacted paths. With
   * `keepOriginalUntil` (epoch seconds) the original is kept apart until then (`originalBody`).
   */
  redactBody(alertId: string, redacted: string, paths: readonly string[], keepOriginalUntil?: number): Promise<void>;
  /** The body as received of a redacted alert, while it is kept. */
  originalBody(alertId: string): Promise<string | undefined>;
}

/**
 * One group of alerts that share an issue (docs/rules-and-grouping.md): who opened it, its issue,
 * its occurrences and the ones not yet reported in a comment. The store's conditional writes make
 * the group's issue race-safe: concurrent alerts of one new group open it once.
 */
export interface GroupRecord {
  readonly groupId: string;
  readonly ruleId: string;
  readonly ruleName: string;
  /** Key path → value shared by the group's alerts. */
  readonly key: Readonly<Record<string, string>>;
  /** The alert that creates (created) the group's issue. */
  readonly openerAlertId: string;
  readonly issueKey?: string;
  /** The issue this group's issue follows up (linked once created), and why a new one was started. */
  readonly previousIssueKey?: string;
  readonly followUpReason?: FollowUpReason;
  /** Epoch ms of the opener's receipt and of the latest occurrence. */
  readonly openedAtMs: number;
  readonly lastSeenAtMs: number;
  readonly windowMinutes: number;
  readonly commentIntervalSeconds: number;
  readonly reopenWindowHours: number;
  /** Occurrences, the opener included. */
  readonly count: number;
  /** Occurrences the issue already shows (its opener and every comment so far). */
  readonly reported: number;
  /** Joined alerts not reported yet, in the order they joined (bounded; beyond it only `overflow` counts). */
  readonly pending: readonly string[];
  readonly overflow: number;
  /** Epoch ms a flush message is due (absent: none queued). */
  readonly flushDueAtMs?: number;
  readonly flushClaimUntilMs?: number;
  readonly lastFlushAtMs?: number;
  /** Consecutive failed flushes (the backoff's exponent). */
  readonly flushFailures?: number;
  /** Epoch ms of the latest occurrences, as many as the escalation threshold needs. */
  readonly recentTimesMs: readonly number[];
  readonly escalated?: boolean;
  /**
   * Epoch ms the answer to the group's last edit showed the issue open. The next comment within
   * about an interval needs no state read first: a steady stream costs one Jira call per interval.
   */
  readonly stateSeenAtMs?: number;
  /** A storm group: the rule's alerts past its hourly cap. */
  readonly storm?: boolean;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
}

/**
 * Why a group's repeat starts a new issue instead of adding to the old one: the old one was done as
 * "won't do", or done longer ago than the reopen window, or had no transition out of done; the
 * repeat came after the grouping window; the old issue is gone; its opener could not create it.
 */
export type FollowUpReason = 'wont-do' | 'reopen-window' | 'no-reopen' | 'window' | 'issue-gone' | 'opener-failed';

/** What a flush changes on its group once the comment is on the issue. */
export interface FlushResult {
  /** How many of `pending` (from the front) and of `overflow` the comment reported. */
  readonly reportedPending: number;
  readonly reportedOverflow: number;
  readonly atMs: number;
  readonly recentTimesMs: readonly number[];
  readonly escalated: boolean;
  /** When the issue was seen open at this flush; undefined when not known (the next flush reads it). */
  readonly stateSeenAtMs?: number;
}

/** Groups, storm counters and open counter-event issues (DynamoDB config table in AWS and locally). */
export interface GroupStore {
  get(groupId: string): Promise<GroupRecord | undefined>;
  /**
   * Opens `group` unless a live group (its window not over at `group.openedAtMs`) holds the id;
   * a group whose window is over is replaced, and returned as `replaced`.
   */
  open(group: GroupRecord): Promise<{ opened: true; replaced?: GroupRecord } | { opened: false; current: GroupRecord }>;
  /**
   * Adds `alertId` as an occurrence at `atMs` if the group is live then. `maxPending` bounds the
   * list; past it the occurrence is only counted. `already` when the alert is its opener or pending.
   * A group is live while its window runs (from its latest occurrence) or occurrences wait to be reported.
   */
  join(
    groupId: string,
    alertId: string,
    atMs: number,
    options: {
      readonly maxPending: number;
      /** TTL after this occurrence, epoch seconds. */
      readonly expiresAt: number;
    },
  ): Promise<{ kind: 'joined'; group: GroupRecord } | { kind: 'already' | 'missing' | 'expired'; group?: GroupRecord }>;
  /** Records the opener's issue (only while `openerAlertId` still opens the group); the group as it is then. */
  setIssue(groupId: string, openerAlertId: string, issueKey: string): Promise<GroupRecord | undefined>;
  /**
   * Marks a flush due at `dueAtMs` unless one is already due (a due time older than `staleBeforeMs`
   * counts as lost). True when the caller must queue the flush message.
   */
  scheduleFlush(groupId: string, dueAtMs: number, staleBeforeMs: number): Promise<boolean>;
  /** Takes the group's flush for `seconds`; undefined when another worker holds it. */
  claimFlush(groupId: string, nowMs: number, seconds: number): Promise<GroupRecord | undefined>;
  /** Ends a flush that reported occurrences: removes them from the group, releases the claim and the due time. */
  finishFlush(groupId: string, result: FlushResult): Promise<void>;
  /** Ends a flush that could not report (Jira unavailable): releases the claim and the due time. */
  abandonFlush(groupId: string, failures: number): Promise<void>;
  /**
   * Starts a follow-up issue for the group: `openerAlertId` (the first pending alert) becomes the
   * opener of a new issue that follows `previousIssueKey`; the other pending alerts stay pending.
   */
  followUp(
    groupId: string,
    change: {
      /** The issue being followed up; undefined when the opener never created one. */
      readonly expectedIssueKey: string | undefined;
      readonly openerAlertId: string;
      readonly atMs: number;
      readonly reportedBefore: number;
      readonly reason: FollowUpReason;
    },
  ): Promise<boolean>;
  /** Counts one new issue of `ruleId` in `hour`; false (nothing counted) once `cap` issues were opened. */
  countNewIssue(ruleId: string, hour: string, cap: number, expiresAt: number): Promise<boolean>;
  /** The open issue of a counter-event opener (see `routing/group-key.ts`, `counterpartId`). */
  putCounterpart(id: string, issueKey: string, expiresAt: number): Promise<void>;
  getCounterpart(id: string): Promise<string | undefined>;
  deleteCounterpart(id: string, issueKey: string): Promise<void>;
}

export type AlertSummary = Pick<AlertRecord, 'alertId' | 'receivedAt' | 'status' | 'priority'>;

/**
 * An alert as the ledger's indexes hold it: what the admin views and the background tasks read
 * from lists, without the raw body (read one with `get`) or the delivery's claim bookkeeping, so an
 * index entry stays small (one write unit) and a page of listings stays far below a response limit.
 */
export type AlertListing = Pick<
  AlertRecord,
  | 'alertId'
  | 'status'
  | 'receivedAt'
  | 'updatedAt'
  | 'event'
  | 'category'
  | 'alertName'
  | 'parsed'
  | 'attempts'
  | 'nextAttemptAt'
  | 'issueKey'
  | 'issueUrl'
  | 'issueType'
  | 'priority'
  | 'deliveredAt'
  | 'lastError'
  | 'droppedFields'
  | 'duplicates'
  | 'lastDuplicateAt'
  | 'test'
>;

/**
 * How the rules handled an alert, as the Deliveries view shows it. Not in the ledger's indexes (so
 * adding it changed no index: an index's projection cannot change in place on a deployed table);
 * read for a page of listings with `routingOf`.
 */
export type AlertRouting = Pick<
  AlertRecord,
  'ruleId' | 'ruleName' | 'groupId' | 'groupRole' | 'escalated' | 'redactedPaths'
>;

/** Bounds a page by the bytes its items take in a response, as `sizeOf` measures them. */

/** A listing of the newest alerts, with the payload's field paths for the mapping view. */
export type RecentAlert = AlertListing & Pick<AlertRecord, 'fieldPaths'>;

export type AlertRecordPatch = Partial<
  Pick<
    AlertRecord,
    | 'status'
    | 'updatedAt'
    | 'nextAttemptAt'
    | 'issueKey'
    | 'issueUrl'
    | 'issueType'
    | 'priority'
    | 'lastError'
    | 'droppedFields'
    | 'mayHaveCreated'
    | 'lastSentAt'
    | 'claimUntil'
    | 'deliveredAt'
    | 'attachmentPending'
    | 'attachmentClaimUntil'
    | 'attachmentAttempts'
    | 'attachedAt'
    | 'ruleId'
    | 'ruleName'
    | 'groupId'
    | 'groupRole'
    | 'escalated'
    | 'redactedPaths'
  >
>;

/** Current relay configuration (versioned) and its history. */
export interface ConfigStore {
  get(): Promise<RelayConfig | undefined>;
  /** Saves `config` as version `expectedVersion + 1`; throws ConflictError if someone saved in between. */
  save(config: RelayConfig, expectedVersion: number): Promise<RelayConfig>;
  history(limit: number): Promise<RelayConfig[]>;
}

export interface Actor {
  readonly accountId: string;
  readonly displayName: string;
}

/** Small named records of the control plane: webhook-token metadata, connection status. */
export interface StateStore {
  getItem<T>(name: string): Promise<T | undefined>;
  putItem<T>(name: string, value: T): Promise<void>;
  /** Sets only the given attributes; cheap enough for "last used" stamps. */
  patchItem(name: string, patch: Record<string, unknown>): Promise<void>;
}

/** The signed-in administrator's own Atlassian tokens, used only to re-check their rights. */
export interface AdminTokens {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly accessTokenExpiresAt: number;
  /** Rotating: every refresh hands back the next one, which must replace it. */
  readonly refreshToken?: string;
}

/**
 * Whose token re-checks the session's rights. `own`: the tokens of this sign-in. `connection`: this
 * sign-in connected the relay, so its tokens became the relay's connection; a rotating refresh
 * token must have one holder (a superseded one reused after 10 minutes revokes the whole grant),
 * so the session borrows the connection's token instead of keeping a copy.
 */
export type SessionCredentials =
  | { readonly kind: 'own'; readonly tokens: AdminTokens }
  | { readonly kind: 'connection' };

export interface AdminSession {
  /** The cookie's value. Stores keep only its SHA-256. */
  readonly id: string;
  readonly accountId: string;
  readonly displayName: string;
  readonly email?: string;
  readonly createdAt: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** The Jira site the administrator's rights are checked on. */
  readonly cloudId: string;
  /** Epoch ms of the last check that found Jira ADMINISTER. */
  readonly rightsCheckedAt: number;
  readonly credentials: SessionCredentials;
}

export interface SessionStore {
  put(session: AdminSession): Promise<void>;
  get(id: string): Promise<AdminSession | undefined>;
  /** Records a re-check (and rotated tokens). False when the session no longer exists. */
  update(
    id: string,
    patch: { readonly rightsCheckedAt: number; readonly credentials: SessionCredentials },
  ): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Ends every session ("sign out everywhere"); returns how many there were. */
  deleteAll(): Promise<number>;
  /** One-time OAuth `state` values, bound to the browser by a cookie. */
  putOAuthState(state: string, data: { browserBinding: string; expiresAt: number }): Promise<void>;
  /** Returns and deletes the state (single use). */
  takeOAuthState(state: string): Promise<{ browserBinding: string; expiresAt: number } | undefined>;
}

/** A named mutual-exclusion lease across instances (conditional write with expiry). */
export interface Lease {
  acquire(name: string, owner: string, ttlSeconds: number, now: Date): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

/** `origin-verify`: the value the admin site's distribution sends in `x-relay-origin-verify`. */
export type SecretName = 'webhook-tokens' | 'jira-connection' | 'oauth-client-secret' | 'origin-verify';

/** Secrets Manager in AWS, a file locally. Values are strings (JSON where structured). */
export interface SecretStore {
  get(name: SecretName): Promise<string | undefined>;
  put(name: SecretName, value: string): Promise<void>;
}

/** A delivery of one alert, or a background task (release a backlog, report a group's new occurrences). */
export type RetryMessage = { readonly alertId: string } | ReleaseTask | FlushGroupTask;

/** Report a group's pending occurrences on its issue (one comment per interval). */
export interface FlushGroupTask {
  readonly task: 'flush-group';
  readonly groupId: string;
}

/** Re-queue the alerts of one status, a page at a time, oldest first (after a save, a sign-in, Jira's recovery). */
export interface ReleaseTask {
  readonly task: 'release';
  readonly status: 'pending_configuration' | 'retrying' | 'queued';
  readonly cursor?: string;
}

/** SQS in AWS, an in-process timer queue locally. Consumers call the deliver use case. */
export interface RetryQueue {
  /** `delaySeconds` is capped by the adapter at what the queue supports (SQS: 900). */
  enqueue(message: RetryMessage, delaySeconds: number): Promise<void>;
  /** After the last attempt: park the message for an operator (DLQ + alarm). */
  deadLetter(message: { readonly alertId: string }, reason: string): Promise<void>;
}

/** Tokens answered by the Atlassian token endpoint. */
export interface OAuthTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresInSeconds: number;
  readonly scope: string;
}

export interface AccessibleResource {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

/** Atlassian's OAuth 2.0 (3LO) authorization server. */
export interface OAuthClient {
  authorizeUrl(state: string): string;
  exchangeCode(code: string): Promise<OAuthTokens>;
  /** Throws ReconnectRequiredError on `invalid_grant` / `unauthorized_client`. */
  refresh(refreshToken: string): Promise<OAuthTokens>;
  accessibleResources(accessToken: string): Promise<AccessibleResource[]>;
}

export interface JiraUser {
  readonly accountId: string;
  readonly displayName: string;
  readonly emailAddress?: string;
  readonly active?: boolean;
}

export interface JiraProject {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  /** `classic` = company-managed, `next-gen` = team-managed. */
  readonly style: 'classic' | 'next-gen';
}

export interface JiraIssueType {
  readonly id: string;
  readonly name: string;
  readonly subtask: boolean;
  readonly hierarchyLevel: number;
}

export interface JiraAllowedValue {
  readonly id: string;
  readonly value?: string;
  readonly name?: string;
}

/** One field from createmeta: what the create screen of a project + issue type accepts. */
export interface JiraFieldMeta {
  readonly fieldId: string;
  readonly name: string;
  readonly required: boolean;
  readonly hasDefaultValue: boolean;
  readonly schema: {
    readonly type: string;
    readonly items?: string;
    readonly system?: string;
    readonly custom?: string;
  };
  readonly allowedValues?: readonly JiraAllowedValue[];
}

export interface CreatedIssue {
  readonly id: string;
  readonly key: string;
}

/** A file on an issue, as Jira lists it. */
export interface IssueAttachment {
  readonly id: string;
  readonly filename: string;
  /** Bytes. */
  readonly size: number;
}

/** An ADF document (`{version: 1, type: 'doc', content}`), as comments and descriptions take it. */
export interface AdfDocument {
  readonly version: 1;
  readonly type: 'doc';
  readonly content: readonly unknown[];
}

/** Jira's status categories: `new` (To Do), `indeterminate` (In Progress), `done`. */
export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface IssueState {
  readonly key: string;
  readonly statusName: string;
  readonly statusCategory: StatusCategory;
  /** Resolution name (e.g. `Done`, `Won't Do`) when resolved. */
  readonly resolution?: string;
  /** ISO time the issue was resolved. */
  readonly resolutionDate?: string;
}

export interface IssueTransition {
  readonly id: string;
  readonly name: string;
  readonly toStatusName: string;
  readonly toStatusCategory: StatusCategory;
}

export interface SecurityLevel {
  readonly id: string;
  readonly name: string;
}

/** Jira Cloud calls made with the relay's connection (the access token comes from a provider). */
export interface IssueTracker {
  createIssue(fields: Record<string, unknown>): Promise<CreatedIssue>;
  /** Finds an issue carrying `label` in `projectKey` (used only after an uncertain create). */
  findIssueByLabel(projectKey: string, label: string): Promise<CreatedIssue | undefined>;
  /**
   * Attaches one file to the issue (a string is sent as its UTF-8 bytes). Throws like a create
   * does; an answer that attached nothing is a refusal, never a success.
   */
  addAttachment(
    issueKey: string,
    filename: string,
    content: string | Uint8Array,
    mimeType: string,
  ): Promise<IssueAttachment>;
  /** The issue's attachments: whether an earlier upload whose answer was lost arrived after all. */
  listAttachments(issueKey: string): Promise<IssueAttachment[]>;
  /** Status and resolution of an issue (undefined when it no longer exists or is not visible). */
  getIssueState(issueKey: string): Promise<IssueState | undefined>;
  /**
   * One edit of an existing issue (`PUT /issue/{key}?returnIssue=true`): `fields` set, and `comment`
   * added in the same call (`update.comment[].add`). Counts as one write against Jira's per-issue
   * limits. Answers the issue's state after the edit when Jira returns it (undefined otherwise).
   */
  editIssue(
    issueKey: string,
    edit: { fields?: Record<string, unknown>; comment?: AdfDocument },
  ): Promise<IssueState | undefined>;
  /** The transitions the relay's account may take on the issue now (discovered, never hard-coded). */
  listTransitions(issueKey: string): Promise<IssueTransition[]>;
  /** Takes a transition, adding `comment` in the same call. */
  transitionIssue(issueKey: string, transitionId: string, comment?: AdfDocument): Promise<void>;
  /** Links two issues with the link type named `typeName` (e.g. `Relates`): `outwardKey` relates to `inwardKey`. */
  linkIssues(typeName: string, inwardKey: string, outwardKey: string): Promise<void>;
  /** Users who may be assigned issues in the project; with `accountId`, that user or nobody. */
  findAssignableUsers(projectKey: string, query: { accountId?: string; query?: string }): Promise<JiraUser[]>;
  /** The issue security levels of the project's security scheme (empty when it has none). */
  listSecurityLevels(projectKey: string): Promise<SecurityLevel[]>;
  listProjects(): Promise<JiraProject[]>;
  listIssueTypes(projectKey: string): Promise<JiraIssueType[]>;
  /** Every page of createmeta for one project + issue type. */
  listCreateFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]>;
  searchUsers(query: string): Promise<JiraUser[]>;
  /** The user with this account id, for users whose e-mail Jira keeps hidden. */
  findUserByAccountId(accountId: string): Promise<JiraUser | undefined>;
}

/** Calls made with the signing-in user's own token, to decide whether they may administer the relay. */
export interface JiraIdentity {
  myself(accessToken: string, cloudId: string): Promise<JiraUser>;
  hasAdminister(accessToken: string, cloudId: string): Promise<boolean>;
}

/**
 * A request-rate bucket shared by every instance (DynamoDB in AWS and in the local runtime), used
 * only while Jira's limit is near: far from it, nobody calls it.
 */
export interface RateBucket {
  /**
   * Reserves one slot per waiting request, if it starts within that request's wait, in one write
   * (see `reserveSlots` in `delivery/rate-slots.ts`). Answers in the order of `maxWaitsMs`.
   */
  reserve(nowMs: number, ratePerSecond: number, burst: number, maxWaitsMs: readonly number[]): Promise<Reservation[]>;
  /** Nobody may send before `untilMs` (Jira's Retry-After). */
  holdUntil(untilMs: number): Promise<void>;
}
