/**
 * Named errors of the relay. Domain errors know nothing of HTTP: `lambdas/shared/http-errors.ts`
 * maps them to status codes and retry decisions in one table.
 */
export class RelayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayError';
  }
}

/** Bearer token missing, wrong, revoked, or no token configured yet. */
export class AuthenticationError extends RelayError {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** Input the caller must fix (empty body, bad admin request). `details` names what is wrong. */
export class ValidationError extends RelayError {
  constructor(
    message: string,
    readonly details: readonly ValidationProblem[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export interface ValidationProblem {
  /** Where the problem is, e.g. `fieldMappings.2.fieldId` or `customfield_10050`. */
  readonly path: string;
  readonly message: string;
  readonly fieldId?: string;
  readonly issueType?: string;
  readonly project?: string;
}

export class PayloadTooLargeError extends RelayError {
  constructor(readonly limitBytes: number) {
    super(`Alert body exceeds the ${limitBytes}-byte limit`);
    this.name = 'PayloadTooLargeError';
  }
}

export class NotFoundError extends RelayError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** Admin API caller has no session, or the session expired. */
export class UnauthenticatedError extends RelayError {
  constructor(message = 'Sign in with Atlassian first') {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

/**
 * The admin session ended before its time: the administrator lost Jira ADMINISTER, their Atlassian
 * grant was revoked, or someone signed every session out. Answered like no session at all.
 */
export class SessionEndedError extends UnauthenticatedError {
  constructor(
    message: string,
    readonly reason: 'not_admin' | 'grant_revoked' | 'connection_changed',
  ) {
    super(message);
    this.name = 'SessionEndedError';
  }
}

/**
 * An admin API request that did not come through the admin site's distribution (no or a wrong
 * origin-verify header), e.g. a direct call to the API's own endpoint.
 */
export class DirectAccessError extends RelayError {
  constructor(message = 'The admin API answers only through the admin site') {
    super(message);
    this.name = 'DirectAccessError';
  }
}

/** Signed in, but not a Jira administrator of the pinned site. */
export class AccessDeniedError extends RelayError {
  constructor(
    message: string,
    readonly reason: 'not_admin' | 'wrong_site' | 'oauth_failed',
  ) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

/** Optimistic-lock conflict: someone else saved first. */
export class ConflictError extends RelayError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Jira or the network failed in a way that may succeed later (network, timeout, 429, 5xx). */
export class JiraTransientError extends RelayError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    /** True when the request may have reached Jira (timeout after send, 5xx): search before re-creating. */
    readonly mayHaveCreated = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JiraTransientError';
  }
}

/** Jira refused the request for good (4xx other than 401/429). */
export class JiraRejectedError extends RelayError {
  constructor(
    message: string,
    readonly status: number,
    /** Jira's ErrorCollection: field id → message. */
    readonly fieldErrors: Readonly<Record<string, string>> = {},
    readonly errorMessages: readonly string[] = [],
  ) {
    super(message);
    this.name = 'JiraRejectedError';
  }
}

/** The access token was refused (401): refresh once and try again. */
export class JiraUnauthorizedError extends RelayError {
  constructor(message: string) {
    super(message);
    this.name = 'JiraUnauthorizedError';
  }
}

/** The Jira connection cannot be used until an administrator signs in again (invalid_grant). */
export class ReconnectRequiredError extends RelayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReconnectRequiredError';
  }
}

/** The relay is not connected to Jira or has no project / issue type yet. */
export class NotConfiguredError extends RelayError {
  constructor(message: string) {
    super(message);
    this.name = 'NotConfiguredError';
  }
}
