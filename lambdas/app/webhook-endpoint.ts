/**
 * `POST /webhook`: Keeper's alert recipient. Authenticate first (before the body is looked at),
 * enforce the size cap, then record and deliver. Responses follow rule 7 of docs/webhook-and-delivery.md.
 */

import { isBlankBody } from '#domain/alert/keeper-alert.ts';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import { AuthenticationError, PayloadTooLargeError, ValidationError } from '#domain/errors.ts';
import type { RelayMetrics } from '#domain/ports.ts';
import { errorResult, type HttpHandler, header, json, requestBody } from '#shared/http.ts';

export interface WebhookEndpointDeps {
  readonly verifyToken: (authorization: string | undefined) => Promise<string>;
  readonly ingest: (rawBody: string) => Promise<IngestResult>;
  readonly maxBodyBytes: number;
  readonly log: EventLog;
  /** Counts refused tokens: a spike means Keeper still sends a revoked token (or someone guesses). */
  readonly metrics: Pick<RelayMetrics, 'count'>;
}

export function makeWebhookEndpoint(deps: WebhookEndpointDeps): HttpHandler {
  return async (event) => {
    try {
      await deps.verifyToken(header(event, 'authorization'));
      const declared = Number(header(event, 'content-length') ?? '0');
      // The cap is on the bytes received (decoded when API Gateway passed them base64-encoded).
      const body = requestBody(event);
      if (declared > deps.maxBodyBytes || body.bytes > deps.maxBodyBytes)
        throw new PayloadTooLargeError(deps.maxBodyBytes);
      if (isBlankBody(body.text))
        throw new ValidationError('The alert body is empty: Keeper must send the alert as the request body');
      return toResponse(await deps.ingest(body.text));
    } catch (error) {
      if (error instanceof AuthenticationError) deps.metrics.count('WebhookAuthFailures');
      return errorResult(error, deps.log, 'Webhook failed');
    }
  };
}

function toResponse(result: IngestResult) {
  switch (result.kind) {
    case 'created':
      return json(201, { issueKey: result.issueKey, issueUrl: result.issueUrl, alertId: result.alertId });
    case 'accepted':
      return json(202, {
        status: result.status,
        alertId: result.alertId,
        ...(result.error ? { error: result.error } : {}),
      });
    case 'handled':
      return json(200, {
        status: result.status,
        alertId: result.alertId,
        ...(result.issueKey ? { issueKey: result.issueKey, issueUrl: result.issueUrl } : {}),
      });
    case 'duplicate':
      return json(200, {
        duplicate: true,
        alertId: result.alertId,
        status: result.status,
        ...(result.issueKey ? { issueKey: result.issueKey, issueUrl: result.issueUrl } : {}),
      });
  }
}
