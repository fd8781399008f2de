/**
 * The one table from error class to HTTP status, public error code and retry decision.
 * Status < 500 returns the error's own message (written for the caller); ≥ 500 returns a generic
 * message and the cause is logged (`errorResult` in `http.ts`).
 */
import {
  AccessDeniedError,
  AuthenticationError,
  ConflictError,
  DirectAccessError,
  JiraRejectedError,
  JiraTransientError,
  JiraUnauthorizedError,
  NotConfiguredError,
  NotFoundError,
  PayloadTooLargeError,
  ReconnectRequiredError,
  UnauthenticatedError,
  ValidationError,
  type ValidationProblem,
} from '#domain/errors.ts';

export interface HttpErrorMapping {
  readonly status: number;
  readonly code: string;
  /** Whether the same request may succeed later. */
  readonly retryable: boolean;
}

type ErrorClass = abstract new (...args: never[]) => Error;

const TABLE: ReadonlyArray<readonly [ErrorClass, HttpErrorMapping]> = [
  [AuthenticationError, { status: 401, code: 'AUTHENTICATION_FAILED', retryable: false }],
  [UnauthenticatedError, { status: 401, code: 'UNAUTHENTICATED', retryable: false }],
  [AccessDeniedError, { status: 403, code: 'ACCESS_DENIED', retryable: false }],
  [DirectAccessError, { status: 403, code: 'FORBIDDEN', retryable: false }],
  [ValidationError, { status: 400, code: 'VALIDATION_FAILED', retryable: false }],
  [PayloadTooLargeError, { status: 413, code: 'PAYLOAD_TOO_LARGE', retryable: false }],
  [NotFoundError, { status: 404, code: 'NOT_FOUND', retryable: false }],
  [ConflictError, { status: 409, code: 'CONFLICT', retryable: false }],
  [NotConfiguredError, { status: 409, code: 'NOT_CONFIGURED', retryable: false }],
  [ReconnectRequiredError, { status: 503, code: 'RECONNECT_REQUIRED', retryable: false }],
  [JiraTransientError, { status: 503, code: 'JIRA_UNAVAILABLE', retryable: true }],
  [JiraUnauthorizedError, { status: 502, code: 'JIRA_UNAUTHORIZED', retryable: true }],
  [JiraRejectedError, { status: 502, code: 'JIRA_REJECTED', retryable: false }],
];

const INTERNAL: HttpErrorMapping = { status: 500, code: 'INTERNAL', retryable: true };

export function mapError(error: unknown): HttpErrorMapping {
  for (const [type, mapping] of TABLE) if (error instanceof type) return mapping;
  return INTERNAL;
}

/** Messages of these classes are written for administrators and safe to show even with a 5xx. */
const SHOWABLE_5XX: readonly ErrorClass[] = [ReconnectRequiredError, JiraTransientError, JiraRejectedError];

export function errorBody(error: unknown): { error: string; message: string; problems?: readonly ValidationProblem[] } {
  const mapping = mapError(error);
  const showable = mapping.status < 500 || SHOWABLE_5XX.some((type) => error instanceof type);
  const message = showable && error instanceof Error ? error.message : 'Internal error; the cause has been logged';
  return {
    error: mapping.code,
    message,
    ...(error instanceof ValidationError && error.details.length > 0 ? { problems: error.details } : {}),
  };
}

/**
 * What a log line may say about a failure: the error's class name and message, never the error
 * object itself (an axios error's config carries the Authorization header). `errorMessage`, not
 * `message`: the logger owns `message` (the line's own text) and drops an attribute of that name.
 */
export function failureAttributes(error: unknown): { errorName: string; errorMessage: string } {
  return {
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : '',
  };
}
