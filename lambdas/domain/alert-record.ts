/** What the ledger keeps about one alert. */
export type AlertStatus =
  | 'delivering'
  | 'delivered'
  | 'queued'
  | 'retrying'
  | 'failed'
  | 'pending_configuration'
  /** A rule said no ticket: recorded, never sent to Jira. */
  | 'suppressed'
  /** Joined the open issue of its group: counted there and summarised in the group's next comment. */
  | 'grouped';

/** How an alert took part in grouping. */
export type GroupRole =
  /** Opened its group's issue. */
  | 'opened'
  /** Joined an open group's issue as a repeat. */
  | 'joined'
  /** Past its rule's storm cap: joined the rule's storm issue for the hour. */
  | 'storm'
  /** Closed the issue its counter-event opened. */
  | 'closed';

/** Statuses from which a delivery attempt may start. */
export const DELIVERABLE_STATUSES: readonly AlertStatus[] = ['queued', 'retrying', 'pending_configuration'];

export interface DroppedField {
  readonly fieldId: string;
  readonly fieldName?: string;
  readonly reason: string;
}

export interface AlertRecord {
  /** Dedup key: SHA-256 hex of the canonical body. */
  readonly alertId: string;
  status: AlertStatus;
  readonly receivedAt: string;
  updatedAt: string;
  /** `audit_event`, or `unknown` for a body without one. */
  readonly event: string;
  readonly category?: string;
  readonly alertName?: string;
  /** False when the body was not a JSON object (ticketed as unparsed). */
  readonly parsed: boolean;
  /** The complete body as received (UTF-8). */
  readonly rawBody: string;
  /** Payload field paths seen in this alert, for the mapping UI. */
  readonly fieldPaths: readonly string[];
  attempts: number;
  /**
   * Transient failures so far (5xx, network, timeout): the retry backoff's exponent. Attempts that
   * waited for pacing, a Retry-After or an open breaker are not failures and do not lengthen it.
   */
  failures?: number;
  nextAttemptAt?: string;
  /** Epoch ms until which a worker owns a `delivering` record. */
  claimUntil?: number;
  issueKey?: string;
  issueUrl?: string;
  issueType?: string;
  priority?: string;
  deliveredAt?: string;
  lastError?: string;
  droppedFields?: readonly DroppedField[];
  /** A previous attempt may have created the issue (timeout / 5xx): look it up before creating. */
  mayHaveCreated?: boolean;
  /** Epoch ms of the last create that may have reached Jira: a search only sees it some seconds later. */
  lastSentAt?: number;
  /** Epoch ms: the claim this attempt took over (0 = none); a worker that died holding it may have created the issue. */
  priorClaimUntil?: number;
  /**
   * The ticket could not show the whole body: it must be attached to the issue as a file. Set
   * together with `delivered`; cleared when the file is on the issue or attaching it was given up.
   */
  attachmentPending?: boolean;
  /** Epoch ms until which a worker owns the pending attachment. */
  attachmentClaimUntil?: number;
  /** Attachment attempts so far (backoff between them). */
  attachmentAttempts?: number;
  /** ISO time the complete body was attached to the issue. */
  attachedAt?: string;
  duplicates: number;
  lastDuplicateAt?: string;
  /** The rule that matched (id and name at the time), when one did. */
  ruleId?: string;
  ruleName?: string;
  /** The group the alert belongs to (see `routing/group-key.ts`), when its rule groups. */
  groupId?: string;
  groupRole?: GroupRole;
  /** The group's issue priority was raised because of this alert's group reaching its threshold. */
  escalated?: boolean;
  /** Payload paths the ticket shows as `[redacted]`. */
  redactedPaths?: readonly string[];
  /** Sent by "Test Web Trigger". */
  readonly test?: boolean;
  /** TTL, epoch seconds. */
  readonly expiresAt: number;
}
