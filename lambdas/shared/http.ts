/** API Gateway HTTP API (payload v2) types and small response helpers shared by the HTTP entry points. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EventLog } from '#domain/delivery/deliver-alert.ts';
import { errorBody, failureAttributes, mapError } from './http-errors.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, extra: { headers?: Record<string, string>; cookies?: string[] } = {}): HttpResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...extra.headers },
    body: JSON.stringify(body),
    ...(extra.cookies ? { cookies: extra.cookies } : {}),
  };
}

export function noContent(cookies?: string[]): HttpResult {
  return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '', ...(cookies ? { cookies } : {}) };
}

export function redirect(location: string, cookies?: string[]): HttpResult {
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '', ...(cookies ? { cookies } : {}) };
}

/**
 * Answers `error` from the error table. A 5xx body hides the cause from the caller, so the cause
 * is logged here (allow-listed attributes only); a 4xx is the caller's to fix and is not logged.
 */
export function errorResult(error: unknown, log: EventLog, logMessage: string, attributes: Record<string, unknown> = {}): HttpResult {
  const { status } = mapError(error);
  if (status >= 500) log.error(logMessage, { ...attributes, ...failureAttributes(error) });
  return json(status, errorBody(error));
}

/** Header lookup that does not depend on the case API Gateway or a local server used. */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function bodyText(event: HttpEvent): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function bodyBytes(event: HttpEvent): number {
  if (event.body === undefined || event.body === null) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').byteLength : Buffer.byteLength(event.body, 'utf8');
}

export function cookie(event: HttpEvent, name: string): string | undefined {
  const all = event.cookies ?? (header(event, 'cookie')?.split(';') ?? []);
  for (const entry of all) {
    const index = entry.indexOf('=');
    if (index > 0 && entry.slice(0, index).trim() === name) return decodeURIComponent(entry.slice(index + 1).trim());
  }
  return undefined;
}
