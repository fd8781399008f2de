import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  AuthenticationError,
  ConflictError,
  JiraRejectedError,
  JiraTransientError,
  JiraUnauthorizedError,
  NotConfiguredError,
  NotFoundError,
  PayloadTooLargeError,
  ReconnectRequiredError,
  RelayError,
  UnauthenticatedError,
  ValidationError,
} from '#domain/errors.ts';
import { errorBody, failureAttributes, mapError } from '#shared/http-errors.ts';

const cases: [Error, number, string, boolean][] = [
  [new AuthenticationError('Invalid webhook token'), 401, 'AUTHENTICATION_FAILED', false],
  [new UnauthenticatedError(), 401, 'UNAUTHENTICATED', false],
  [new AccessDeniedError('Not a Jira administrator', 'not_admin'), 403, 'ACCESS_DENIED', false],
  [new ValidationError('The alert body is empty'), 400, 'VALIDATION_FAILED', false],
  [new PayloadTooLargeError(262_144), 413, 'PAYLOAD_TOO_LARGE', false],
  [new NotFoundError('No alert a1 in the ledger'), 404, 'NOT_FOUND', false],
  [new ConflictError('Someone else saved first'), 409, 'CONFLICT', false],
  [new NotConfiguredError('No project configured'), 409, 'NOT_CONFIGURED', false],
  [new ReconnectRequiredError('Reconnect to Jira'), 503, 'RECONNECT_REQUIRED', false],
  [new JiraTransientError('Jira answered 503'), 503, 'JIRA_UNAVAILABLE', true],
  [new JiraUnauthorizedError('Jira refused the access token'), 502, 'JIRA_UNAUTHORIZED', true],
  [new JiraRejectedError('Jira refused the issue', 400), 502, 'JIRA_REJECTED', false],
  [new RelayError('an unmapped relay error'), 500, 'INTERNAL', true],
  [new TypeError("Cannot read properties of undefined (reading 'x')"), 500, 'INTERNAL', true],
];

describe('http-errors', () => {
  it.each(cases)('maps %s to its status, code and retry decision', (error, status, code, retryable) => {
    // Prepare: the case row

    // Act
    const mapping = mapError(error);

    // Assess
    expect(mapping).toEqual({ status, code, retryable });
  });

  it.each(cases.filter(([, status]) => status < 500))('answers %s with its own message', (error, _status, code) => {
    // Prepare: the case row

    // Act
    const body = errorBody(error);

    // Assess
    expect(body).toEqual({ error: code, message: error.message });
  });

  it.each([
    new JiraUnauthorizedError('token abc123 refused'),
    new RelayError('table keeper-ledger missing'),
    new Error('connect ECONNREFUSED 10.0.0.7:443'),
  ])('answers the 5xx %s with a generic message that hides its cause', (error) => {
    // Prepare: the case row

    // Act
    const body = errorBody(error);

    // Assess
    expect(body.message).toBe('Internal error; the cause has been logged');
    expect(JSON.stringify(body)).not.toContain(error.message);
  });

  it.each([
    new ReconnectRequiredError('Reconnect to Jira'),
    new JiraTransientError('Jira is not answering'),
    new JiraRejectedError('Jira refused the issue', 400),
  ])('shows the message of %s, written for administrators, despite its 5xx', (error) => {
    // Prepare: the case row

    // Act
    const body = errorBody(error);

    // Assess
    expect(body.message).toBe(error.message);
  });

  it('answers a non-Error throw as INTERNAL with the generic message', () => {
    // Prepare
    const thrown: unknown = 'a string';

    // Act
    const body = errorBody(thrown);

    // Assess
    expect(body).toEqual({ error: 'INTERNAL', message: 'Internal error; the cause has been logged' });
  });

  it('lists the problems of a validation error, and only when there are some', () => {
    // Prepare
    const withProblems = new ValidationError('The configuration was not saved', [
      { path: 'projectKey', message: 'Choose a target project' },
    ]);

    // Act
    const bodies = [errorBody(withProblems), errorBody(new ValidationError('Bad request'))];

    // Assess
    expect(bodies[0]?.problems).toEqual([{ path: 'projectKey', message: 'Choose a target project' }]);
    expect(bodies[1]).not.toHaveProperty('problems');
  });

  it('describes a failure for the log by class name and message only', () => {
    // Prepare: an error that carries a secret on a property, as an axios error carries its request config
    const error = Object.assign(new Error('Request failed with status code 500'), {
      config: { headers: { Authorization: 'Bearer secret' } },
    });

    // Act
    const attributes = [
      failureAttributes(new JiraTransientError('Jira answered 503')),
      failureAttributes(error),
      failureAttributes(42),
    ];

    // Assess
    expect(attributes).toEqual([
      { errorName: 'JiraTransientError', errorMessage: 'Jira answered 503' },
      { errorName: 'Error', errorMessage: 'Request failed with status code 500' },
      { errorName: 'number', errorMessage: '' },
    ]);
    expect(JSON.stringify(attributes)).not.toContain('secret');
  });
});
