import { describe, expect, it } from 'vitest';
import { makeWebhookEndpoint } from '#app/webhook-endpoint.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import { AuthenticationError } from '#domain/errors.ts';
import type { HttpEvent } from '#shared/http.ts';
import { RecordingMetrics, silentLog } from '#test-support/in-memory-ports.ts';

function event(body: string | undefined, headers: Record<string, string> = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'POST', path: '/webhook' }, domainName: 'x' } as HttpEvent['requestContext'],
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
  };
}

function endpoint(
  result: IngestResult = { kind: 'created', alertId: 'a1', issueKey: 'SEC-1', issueUrl: 'https://s/browse/SEC-1' },
) {
  const seen: string[] = [];
  const metrics = new RecordingMetrics();
  const handler = makeWebhookEndpoint({
    verifyToken: async (authorization) => {
      if (authorization !== 'Bearer good') throw new AuthenticationError('Invalid webhook token');
      return 't1';
    },
    ingest: async (raw) => {
      seen.push(raw);
      return result;
    },
    maxBodyBytes: 100,
    log: silentLog,
    metrics,
  });
  return { handler, seen, metrics };
}

describe('webhook-endpoint', () => {
  it('returns 401 AUTHENTICATION_FAILED when the bearer token is wrong, without reading the body', async () => {
    const { handler, seen } = endpoint();
    const response = await handler(event('{"audit_event":"x"}', { authorization: 'Bearer bad' }));
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: 'AUTHENTICATION_FAILED' });
    expect(seen).toHaveLength(0);
  });

  it('counts every refused token as a webhook auth failure, and nothing for an accepted one', async () => {
    // Prepare
    const { handler, metrics } = endpoint();

    // Act
    await handler(event('{"audit_event":"x"}', { authorization: 'Bearer bad' }));
    await handler(event('{"audit_event":"x"}'));
    await handler(event('{"audit_event":"x"}', { authorization: 'Bearer good' }));
    await handler(event('  ', { authorization: 'Bearer good' }));

    // Assess
    expect(metrics.counters()).toEqual({ WebhookAuthFailures: 2 });
  });

  it('returns 401 when the token is missing even if the body is too large', async () => {
    const { handler } = endpoint();
    const response = await handler(event('x'.repeat(500)));
    expect(response.statusCode).toBe(401);
  });

  it('returns 413 for an authenticated body over the size cap', async () => {
    const { handler } = endpoint();
    const response = await handler(event('x'.repeat(101), { authorization: 'Bearer good' }));
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: 'PAYLOAD_TOO_LARGE' });
  });

  it('returns 400 with a clear message for an empty body', async () => {
    const { handler } = endpoint();
    const response = await handler(event('  ', { authorization: 'Bearer good' }));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}').message).toMatch(/empty/);
  });

  it('returns 201 with the issue key for a created issue', async () => {
    const { handler, seen } = endpoint();
    const response = await handler(event('{"audit_event":"login"}', { authorization: 'Bearer good' }));
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body ?? '{}')).toEqual({
      issueKey: 'SEC-1',
      issueUrl: 'https://s/browse/SEC-1',
      alertId: 'a1',
    });
    expect(seen).toEqual(['{"audit_event":"login"}']);
  });

  it('returns 200 duplicate with the first result', async () => {
    const { handler } = endpoint({
      kind: 'duplicate',
      alertId: 'a1',
      status: 'delivered',
      issueKey: 'SEC-1',
      issueUrl: 'u',
    });
    const response = await handler(event('{}', { authorization: 'Bearer good' }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ duplicate: true, issueKey: 'SEC-1' });
  });

  it('returns 202 queued when delivery was deferred', async () => {
    const { handler } = endpoint({ kind: 'accepted', alertId: 'a1', status: 'queued' });
    const response = await handler(event('{}', { authorization: 'Bearer good' }));
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body ?? '{}')).toEqual({ status: 'queued', alertId: 'a1' });
  });

  it('decodes base64 bodies from API Gateway', async () => {
    const { handler, seen } = endpoint();
    const encoded = {
      ...event(Buffer.from('{"a":1}').toString('base64'), { authorization: 'Bearer good' }),
      isBase64Encoded: true,
    };
    await handler(encoded);
    expect(seen).toEqual(['{"a":1}']);
  });

  it('measures the cap on the bytes received, not on their base64 or on the decoded text', async () => {
    // Prepare: 100 bytes of invalid UTF-8 decode to 100 three-byte replacement characters; 101 bytes are over the cap.
    const { handler, seen } = endpoint();
    const base64 = (bytes: number) => ({
      ...event(Buffer.alloc(bytes, 0xff).toString('base64'), {
        authorization: 'Bearer good',
        'content-type': 'application/octet-stream',
      }),
      isBase64Encoded: true,
    });

    // Act
    const atCap = await handler(base64(100));
    const overCap = await handler(base64(101));

    // Assess
    expect(atCap.statusCode).toBe(201);
    expect(seen).toEqual(['\uFFFD'.repeat(100)]);
    expect(overCap.statusCode).toBe(413);
  });

  it('passes on a body that is only a byte-order mark and whitespace: it is not empty', async () => {
    // Prepare
    const { handler, seen } = endpoint();

    // Act
    const response = await handler(event('\uFEFF \n', { authorization: 'Bearer good' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(seen).toEqual(['\uFEFF \n']);
  });
});
