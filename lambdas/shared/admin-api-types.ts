/**
 * The admin API's shapes (JSON over `/api/*`, same origin as the admin site, session cookie).
 * Type-only module: the admin-api handler produces these shapes and `web-admin/` consumes them.
 * Which route takes and answers which shape: `admin-api-routes.ts`.
 *
 * Errors: `{ error: string, message: string, problems?: ValidationProblemDto[] }` with 400
 * (VALIDATION_FAILED), 401 (UNAUTHENTICATED), 403 (ACCESS_DENIED), 404 (NOT_FOUND), 405
 * (METHOD_NOT_ALLOWED), 409 (CONFLICT), 502/503 (JIRA_UNAVAILABLE, RECONNECT_REQUIRED), 500 (INTERNAL).
 */

import type { AlertStatus, GroupRole } from '#domain/alert-record.ts';
import type { CounterEvent, Rule } from '#domain/relay-config.ts';

export interface ErrorDto {
  error: string;
  message: string;
  problems?: ValidationProblemDto[];
}

export interface ValidationProblemDto {
  path: string;
  message: string;
  fieldId?: string;
  issueType?: string;
  project?: string;
}

export interface SessionDto {
  user: { accountId: string; displayName: string; email?: string };
  site: { url: string };
  expiresAt: string;
}

export type ConnectionState = 'connected' | 'reconnect_required' | 'not_connected';

/**
 * What the relay last saw from Jira: `degraded` when its circuit breaker is open or the latest
 * delivery attempts failed with no success since; `reason` is the relay's own text (the admin site
 * explains it), `since` when it started.
 */
export interface JiraHealthDto {
  state: ConnectionState | 'degraded';
  reason?: string;
  since?: string;
  /** When the relay asks Jira again (open circuit breaker). */
  nextCheckAt?: string;
  /** The newest alert Jira took. */
  lastDeliveredAt?: string;
}

/** Alerts not (yet) in Jira, by what happens to them next. Each count stops at `limit`. */
export interface AlertCountsDto {
  /** Waiting for their first or next attempt, or being delivered now. */
  queued: number;
  /** Jira failed them; the relay retries on its own. */
  retrying: number;
  /** Waiting for a configuration or a reconnect (`pending_configuration`). */
  parked: number;
  /** Given up on; an admin can retry them from Deliveries. */
  failed: number;
  limit: number;
}

export interface StatusDto {
  connection: {
    state: ConnectionState;
    siteUrl: string;
    connectedBy?: { accountId: string; displayName: string };
    connectedAt?: string;
    lastRefreshAt?: string;
    message?: string;
    /**
     * When Atlassian's 365-day limit on the consent ends (connected only): an administrator must
     * sign in again before then. The site asks for it from 30 days before.
     */
    grantExpiresAt?: string;
    /** Whole days until `grantExpiresAt`. */
    grantDaysRemaining?: number;
  };
  configured: boolean;
  token: { state: 'not_configured' | 'enabled'; createdAt?: string; lastUsedAt?: string };
  webhookUrl: string;
  jira: JiraHealthDto;
  alerts: AlertCountsDto;
}

export interface ProjectDto {
  id: string;
  key: string;
  name: string;
  style: 'classic' | 'next-gen';
}

export interface IssueTypeDto {
  id: string;
  name: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface FieldDto {
  id: string;
  name: string;
  /** Human type: text, paragraph, select, multi-select, checkboxes, radio, number, date, date-time, url, labels, user, multi-user, priority, other. */
  type: string;
  required: boolean;
  hasDefaultValue: boolean;
  allowedValues?: { id: string; label: string }[];
  /** False when the relay cannot fill this field type. */
  mappable: boolean;
}

export interface PriorityDto {
  id: string;
  name: string;
}

/** A user Jira lets the relay assign issues to in a project (a rule's assignee). */
export interface AssignableUserDto {
  accountId: string;
  displayName: string;
  /** Absent when the user keeps it hidden. */
  emailAddress?: string;
}

/** An issue security level of a project's security scheme (a rule's security level). */
export interface SecurityLevelDto {
  id: string;
  name: string;
}

export interface FieldMappingDto {
  fieldId: string;
  source?: string;
  constant?: string;
}

export interface ConfigInputDto {
  /** Version the edit started from (optimistic locking); 0 for a first save. */
  expectedVersion: number;
  projectKey: string;
  defaultIssueTypeId: string;
  summaryTemplate?: string;
  parentIssueKey?: string;
  fieldMappings?: FieldMappingDto[];
  priorityMapping?: { byEvent: Record<string, string>; byCategory: Record<string, string>; defaultPriorityId?: string };
  issueTypeMapping?: { byEvent: Record<string, string>; byCategory: Record<string, string> };
  /** Ordered rules (first match wins); see `RuleDto`. */
  rules?: RuleDto[];
  counterEvents?: CounterEventDto[];
  wontDoResolutions?: string[];
  groupFields?: { occurrencesFieldId?: string; lastSeenFieldId?: string };
  redactionRetentionDays?: number;
  /**
   * The section being saved on its own: only its rules, and what they depend on, are validated,
   * so a problem in another saved section does not block it. Absent: the whole configuration.
   */
  section?: 'fieldMappings' | 'priorityMapping' | 'issueTypeMapping' | 'rules';
}

/** A rule as saved (`relay-config.ts`, `ruleSchema`): condition, actions, grouping, escalation, storm cap. */
export type RuleDto = Rule;
export type CounterEventDto = CounterEvent;

/** `POST /api/config/preview`: a draft evaluated against recently received alerts, with no Jira call. */
export interface PreviewRequestDto {
  draft: Omit<ConfigInputDto, 'expectedVersion' | 'section'>;
}

/** What one received alert would become. */
export interface PreviewOutcomeDto {
  outcome: 'new-issue' | 'comment' | 'suppressed' | 'storm' | 'close-issue';
  projectKey: string;
  issueTypeName?: string;
  priorityName?: string;
  assigneeAccountId?: string;
  rule?: { id: string; name: string };
  /** Group id and its first alert's id (the alert whose issue it joins). */
  group?: { id: string; openedBy: string };
  redactedPaths: string[];
  escalated: boolean;
}

export interface PreviewRowDto {
  alertId: string;
  receivedAt: string;
  event: string;
  username?: string;
  draft: PreviewOutcomeDto;
  current: PreviewOutcomeDto | null;
  /** The draft does something else with this alert than today's configuration. */
  changed: boolean;
}

export interface PreviewTotalsDto {
  /** New Jira issues (storm issues included). */
  tickets: number;
  /** Comments the groups would get (one per comment interval, not per alert). */
  comments: number;
  grouped: number;
  suppressed: number;
  escalated: number;
  storm: number;
  closed: number;
}

export interface PreviewDto {
  /** Alerts evaluated: received in the last 24 h, at most 1,000, oldest first. */
  alerts: number;
  from?: string;
  to?: string;
  draft: PreviewTotalsDto;
  /** Null when no configuration is saved yet. */
  current: PreviewTotalsDto | null;
  rows: PreviewRowDto[];
}

/** `GET /api/config/export` answers it; `POST /api/config/import` takes it. */
export interface ConfigDocumentDto {
  format: 'keeper-jira-relay/config';
  /** Version of the document's shape; an import refuses a newer one it does not know. */
  formatVersion: 1;
  exportedAt: string;
  /** Where it came from (site URL and configuration version), for the reader. */
  source: { site: string; configVersion: number };
  config: Omit<ConfigInputDto, 'expectedVersion' | 'section'>;
}

export interface ConfigDto extends Required<Omit<ConfigInputDto, 'expectedVersion' | 'parentIssueKey' | 'section'>> {
  version: number;
  updatedAt: string;
  updatedBy: { accountId: string; displayName: string };
  project: ProjectDto;
  parentIssueKey?: string;
  issueTypes: IssueTypeDto[];
  priorities: PriorityDto[];
  /** The create screen of every issue type the saved mapping can choose, by issue type id (as saved). */
  fieldMeta: Record<string, FieldDto[]>;
}

export interface ConfigVersionDto {
  version: number;
  updatedAt: string;
  updatedBy: { accountId: string; displayName: string };
  summary: string;
}

export interface WebhookResultDto {
  alertId: string;
  issueKey?: string;
  issueUrl?: string;
  status?: 'queued' | 'pending_configuration' | 'failed' | 'resolved' | DeliveryStatus;
  duplicate?: boolean;
  /** Why a delivery failed for good (the alert is kept and can be retried from Deliveries). */
  error?: string;
}

export type DeliveryStatus = AlertStatus;

export interface DeliveryDto {
  alertId: string;
  receivedAt: string;
  event: string;
  category?: string;
  alertName?: string;
  status: DeliveryStatus;
  attempts: number;
  /** Last change of status (delivery, retry, failure). */
  updatedAt: string;
  /** When the relay tries again (queued and retrying alerts). */
  nextAttemptAt?: string;
  deliveredAt?: string;
  issueKey?: string;
  issueUrl?: string;
  issueType?: string;
  priority?: string;
  lastError?: string;
  droppedFields?: { fieldId: string; fieldName?: string; reason: string }[];
  duplicates: number;
  lastDuplicateAt?: string;
  test: boolean;
  parsed: boolean;
  /** The rule that matched, when one did. */
  rule?: { id: string; name: string };
  /** The group the alert belongs to and how it took part (opened, joined, storm, closed). */
  group?: { id: string; role: GroupRole };
  escalated?: boolean;
  redactedPaths?: string[];
}

export interface HourBucketDto {
  /** ISO hour start, UTC. */
  hour: string;
  /** Priority name (or "None") → count. */
  byPriority: Record<string, number>;
}

export interface EventDto {
  event: string;
  title: string;
  category: string;
}

export interface KeeperFieldDto {
  /** Dot path into the payload, e.g. `remote_address` or `event.record_uid`. */
  path: string;
  /** Where it is known from: Keeper's documentation or alerts received. */
  origin: 'documented' | 'received' | 'both';
}
