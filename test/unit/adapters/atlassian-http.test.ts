import { describe, expect, it } from 'vitest';
import { jiraFailure, parseRetryAfter, signalFrom, transportSignal } from '#adapters/atlassian-http.ts';
import { JiraRejectedError, JiraTransientError, JiraUnauthorizedError } from '#domain/errors.ts';

const call = { method: 'POST' as const, url: 'http://jira/issue', what: 'POST /issue', creates: true };

describe('atlassian-http', () => {
  describe('parseRetryAfter', () => {
    it.each<[unknown, number | undefined]>([
      ['7', 7],
      ['2.5', 3],
      [['11'], 11],
      ['Wed, 21 Oct 2026 07:28:30 GMT', 30],
      ['Wed, 21 Oct 2026 07:27:00 GMT', 0],
      ['soon', undefined],
      [undefined, undefined],
    ])('reads %j as %s seconds', (header, expected) => {
      // Act
      const seconds = parseRetryAfter(header, Date.parse('2026-10-21T07:28:00Z'));

      // Assess
      expect(seconds).toBe(expected);
    });
  });

  describe('jiraFailure', () => {
    it('maps 401 to JiraUnauthorizedError with the gateway message', () => {
      // Act
      const error = jiraFailure(
        { status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' }, headers: {} },
        call,
      );

      // Assess
      expect(error).toBeInstanceOf(JiraUnauthorizedError);
      expect(error.message).toContain('scope does not match');
    });

    it.each([
      [429, false],
      [502, true],
      [503, true],
    ])('maps %s to JiraTransientError (may have created: %s)', (status, mayHaveCreated) => {
      // Act
      const error = jiraFailure({ status, body: {}, headers: { 'retry-after': '3' } }, call);

      // Assess
      expect(error).toBeInstanceOf(JiraTransientError);
      expect((error as JiraTransientError).retryAfterSeconds).toBe(3);
      expect((error as JiraTransientError).mayHaveCreated).toBe(mayHaveCreated);
    });

    it.each([400, 403, 404, 410, 422])('maps %s to JiraRejectedError with the ErrorCollection', (status) => {
      // Act
      const error = jiraFailure(
        { status, body: { errorMessages: ['nope'], errors: { summary: 'bad' } }, headers: {} },
        call,
      );

      // Assess
      expect(error).toBeInstanceOf(JiraRejectedError);
      expect(error).toMatchObject({ status, fieldErrors: { summary: 'bad' }, errorMessages: ['nope'] });
    });
  });

  it("reads Jira's rate-limit headers into a signal for the governor", () => {
    // Prepare
    const headers = {
      'retry-after': '3',
      'ratelimit-reason': 'jira-burst-based',
      'x-ratelimit-limit': '20',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-nearlimit': 'true',
    };
    // Act
    const signal = signalFrom({ status: 429, body: {}, headers });
    // Assess
    expect(signal).toEqual({
      status: 429,
      retryAfterSeconds: 3,
      reason: 'jira-burst-based',
      limit: 20,
      remaining: 0,
      nearLimit: true,
    });
  });

  it('takes Beta-Retry-After when Retry-After is absent', () => {
    // Act
    const signal = signalFrom({
      status: 429,
      body: {},
      headers: { 'beta-retry-after': '12', 'x-beta-ratelimit-reason': 'jira-quota-tenant-based' },
    });
    // Assess
    expect(signal).toEqual({ status: 429, retryAfterSeconds: 12, reason: 'jira-quota-tenant-based' });
  });

  it('tells a timeout from a network failure', () => {
    // Assess
    expect(transportSignal(new JiraTransientError('x', undefined, false, { cause: { code: 'ECONNABORTED' } }))).toEqual(
      { status: 'timeout' },
    );
    expect(transportSignal(new JiraTransientError('x', undefined, false, { cause: { code: 'ECONNRESET' } }))).toEqual({
      status: 'network',
    });
  });
});
