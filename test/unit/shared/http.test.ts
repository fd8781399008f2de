import { describe, expect, it } from 'vitest';
import { ConflictError, JiraTransientError } from '#domain/errors.ts';
import { cookie, errorResult, type HttpEvent, header } from '#shared/http.ts';
import { RecordingLog } from '#test-support/in-memory-ports.ts';

function event(headers: Record<string, string>, cookies?: string[]): HttpEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers,
    ...(cookies ? { cookies } : {}),
    requestContext: { http: { method: 'GET', path: '/' }, domainName: 'x' } as HttpEvent['requestContext'],
    isBase64Encoded: false,
  };
}

describe('http', () => {
  it("answers a 5xx from the error table and logs its cause with the caller's attributes", () => {
    // Prepare
    const log = new RecordingLog();

    // Act
    const result = errorResult(new Error('socket hang up'), log, 'Webhook failed', { alertId: 'a1' });

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'INTERNAL',
      message: 'Internal error; the cause has been logged',
    });
    expect(log.entries).toEqual([
      {
        level: 'error',
        message: 'Webhook failed',
        attributes: { alertId: 'a1', errorName: 'Error', errorMessage: 'socket hang up' },
      },
    ]);
  });

  it('logs a showable 5xx too', () => {
    // Prepare
    const log = new RecordingLog();

    // Act
    const result = errorResult(new JiraTransientError('Jira is not answering'), log, 'Admin API request failed');

    // Assess
    expect(result.statusCode).toBe(503);
    expect(log.entries.map((e) => e.attributes.errorName)).toEqual(['JiraTransientError']);
  });

  it('answers a 4xx with its message and logs nothing: the caller has to fix it', () => {
    // Prepare
    const log = new RecordingLog();

    // Act
    const result = errorResult(new ConflictError('Someone else saved first'), log, 'Admin API request failed');

    // Assess
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: 'CONFLICT', message: 'Someone else saved first' });
    expect(log.entries).toHaveLength(0);
  });

  it('finds a header whatever its case', () => {
    // Prepare
    const request = event({ 'Content-Type': 'application/json' });

    // Act
    const value = header(request, 'content-type');

    // Assess
    expect(value).toBe('application/json');
  });

  it("reads a cookie from API Gateway's cookies list or from the Cookie header, URI-decoded", () => {
    // Prepare
    const fromList = event({}, ['other=1', 'relay_session=abc%3D']);
    const fromHeader = event({ cookie: 'other=1; relay_session=def' });

    // Act
    const values = [
      cookie(fromList, 'relay_session'),
      cookie(fromHeader, 'relay_session'),
      cookie(fromHeader, 'missing'),
    ];

    // Assess
    expect(values).toEqual(['abc=', 'def', undefined]);
  });
});
