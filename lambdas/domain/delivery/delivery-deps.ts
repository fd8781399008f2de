/**
 * What a delivery attempt needs and answers, shared by the attempt (`deliver-alert.ts`), its
 * attachment step and ingest: the ports, the retry budget, the governor, and the outcomes.
 */
import type { AlertStatus } from '#domain/alert-record.ts';
import type { AlertLedger, Clock, GroupStore, IssueTracker, RelayMetrics, RetryQueue } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import type { JiraGovernor } from './jira-governor.ts';

/** Seconds a worker owns a claimed alert; longer than a paced wait, a search and a create with their timeouts. */
export const CLAIM_SECONDS = 60;
/**
 * When the message that finishes an attachment left pending by a crashed worker comes back:
 * well after any live attempt (claim plus upload) has ended.
 */
export const ATTACHMENT_BACKSTOP_SECONDS = 300;
/**
 * Jira's search index lags behind creates: a "not found" for the per-alert label is trusted only
 * once the create that may have reached Jira is at least this old.
 */
export const SEARCH_LAG_MS = 30_000;

export interface DeliveryDeps {
  readonly ledger: AlertLedger;
  /** Groups, storm counts and counter-event openers (rules that group or cap). */
  readonly groups: GroupStore;
  readonly config: () => Promise<RelayConfig | undefined>;
  readonly tracker: IssueTracker;
  readonly queue: RetryQueue;
  readonly clock: Clock;
  /** Base of human issue links: `${siteUrl}/browse/KEY`. */
  readonly siteUrl: string;
  /** Transient failures are retried until this long after the alert was received. */
  readonly retryBudgetSeconds: number;
  /** Decides whether and when Jira may be called (pacing, Retry-After, circuit breaker). */
  readonly governor: JiraGovernor;
  /** Jitter source; Math.random unless a test fixes it. */
  readonly random?: () => number;
  readonly log: EventLog;
  /** One count per outcome of an attempt (an alert handed back several times counts several times). */
  readonly metrics: RelayMetrics;
  /** CLAIM_SECONDS unless a test shortens it (a crash test cannot wait a minute per takeover). */
  readonly claimSeconds?: number;
  /** SEARCH_LAG_MS unless a test shortens it (the Jira stand-in's search has no lag). */
  readonly searchLagMs?: number;
}

export interface AttemptOptions {
  /** How long this attempt may wait for a slot before handing the alert back to the queue. */
  readonly maxWaitMs: number;
}

/** Structured log sink (Powertools Logger fits). Callers pass an allow-list of attributes only. */
export interface EventLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; alertId: string; issueKey: string; issueUrl: string }
  | { kind: 'queued'; alertId: string; retryAfterSeconds: number }
  | { kind: 'pending_configuration'; alertId: string }
  | { kind: 'failed'; alertId: string; error: string }
  /** Joined its group's issue; the group's next comment reports it. */
  | { kind: 'grouped'; alertId: string; groupId: string; issueKey?: string; issueUrl?: string }
  /** A rule said no ticket. */
  | { kind: 'suppressed'; alertId: string }
  /** A counter-event: closed the issue its opener created. */
  | { kind: 'resolved'; alertId: string; issueKey: string; issueUrl: string }
  /** Another worker holds the alert right now. */
  | { kind: 'busy'; alertId: string; status: AlertStatus };
