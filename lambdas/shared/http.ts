/** API Gateway HTTP API (payload v2) types and small response helpers shared by the HTTP entry points. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import { errorBody, failureAttributes, mapError } from './http-errors.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent) => Promise<HttpResult>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(
  statusCode: number,
  body: unknown,
  extra: { headers?: Record<string, string>; cookies?: string[] } = {},
): HttpResult {
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
  return {
    statusCode: 302,
    headers: { location, 'cache-control': 'no-store' },
    body: '',
    ...(cookies ? { cookies } : {}),
  };
}

/**
 * Answers `error` from the error table. A 5xx body hides the cause from the caller, so the cause
 * is logged here (allow-listed attributes only); a 4xx is the caller's to fix and is not logged.
 */
export function errorResult(
  error: unknown,
  log: EventLog,
  logMessage: string,
  attributes: Record<string, unknown> = {},
): HttpResult {
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

/** A request body as received: its size in bytes, and its text. */
export interface RequestBody {
  /** Bytes the client sent (what a size cap is about). */
  readonly bytes: number;
  /**
   * The bytes read as UTF-8. A byte-order mark is kept; bytes that are not UTF-8 read as U+FFFD,
   * one per invalid sequence.
   */
  readonly text: string;
}

/**
 * The body of an HTTP API event. API Gateway hands over a body that is not text (a binary media
 * type, or bytes that are not valid UTF-8) base64-encoded with `isBase64Encoded: true`: decoded
 * here, once, so the size is that of the bytes received and the text is never base64.
 */
export function requestBody(event: HttpEvent): RequestBody {
  if (event.body === undefined || event.body === null) return { bytes: 0, text: '' };
  if (!event.isBase64Encoded) return { bytes: Buffer.byteLength(event.body, 'utf8'), text: event.body };
  const bytes = Buffer.from(event.body, 'base64');
  return { bytes: bytes.byteLength, text: bytes.toString('utf8') };
}

export function bodyText(event: HttpEvent): string {
  return requestBody(event).text;
}

export function bodyBytes(event: HttpEvent): number {
  return requestBody(event).bytes;
}

export function cookie(event: HttpEvent, name: string): string | undefined {
  const all = event.cookies ?? header(event, 'cookie')?.split(';') ?? [];
  for (const entry of all) {
    const index = entry.indexOf('=');
    if (index > 0 && entry.slice(0, index).trim() === name) return decodeURIComponent(entry.slice(index + 1).trim());
  }
  return undefined;
}
