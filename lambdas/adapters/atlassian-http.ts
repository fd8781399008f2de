/**
 * HTTP plumbing shared by the Atlassian adapters: one axios instance per adapter that never throws
 * for HTTP statuses (we map them ourselves), and the mapping of transport failures and Jira error
 * bodies to the relay's error classes. Thrown errors carry only safe data (status, Jira's messages):
 * never axios' error object, whose `config` holds the Authorization header.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import * as z from 'zod/mini';
import type { JiraSignal } from '#domain/delivery/jira-governor.ts';
import { JiraRejectedError, JiraTransientError, JiraUnauthorizedError } from '#domain/errors.ts';

export const DEFAULT_TIMEOUT_MS = 8000;

export function createAtlassianHttp(timeoutMs: number = DEFAULT_TIMEOUT_MS): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    // Every status resolves: the adapters decide what a 401, 429 or 400 means.
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { Accept: 'application/json' },
  });
}

export interface HttpCall {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly accessToken?: string;
  readonly params?: Record<string, string | number>;
  readonly data?: unknown;
  /** For messages: e.g. `POST /issue`. Never contains tokens. */
  readonly what: string;
  /** True for POST /issue: a lost answer may hide a created issue. */
  readonly creates?: boolean;
  /** Extra request headers (e.g. Jira's `X-Atlassian-Token` for multipart uploads). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** Node error codes that prove the request never left this machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

export async function send(http: AxiosInstance, call: HttpCall): Promise<HttpAnswer> {
  let response: AxiosResponse<unknown>;
  try {
    response = await http.request<unknown>({
      method: call.method,
      url: call.url,
      ...(call.params ? { params: call.params } : {}),
      ...(call.data !== undefined ? { data: call.data } : {}),
      headers: {
        ...(call.accessToken ? { Authorization: `Bearer ${call.accessToken}` } : {}),
        // A multipart body brings its own type with the boundary, which axios writes.
        ...(call.data !== undefined && !(call.data instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
        ...call.headers,
      },
    });
  } catch (error) {
    throw transportError(error, call);
  }
  return { status: response.status, body: response.data, headers: response.headers as Record<string, unknown> };
}

function transportError(error: unknown, call: HttpCall): JiraTransientError {
  const code = axios.isAxiosError(error) ? (error.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const sent = !NOT_SENT.has(code);
  const message = timedOut ? `${call.what}: Jira did not answer in time` : `${call.what}: network error (${code})`;
  // Only the error code travels on: the axios error would drag the request config along.
  return new JiraTransientError(message, undefined, Boolean(call.creates) && sent, { cause: { code } });
}

/** What an answer says about Jira's health and limits (`X-RateLimit-*`, `RateLimit-Reason`, `Retry-After`). */
export function signalFrom(answer: HttpAnswer): JiraSignal {
  const { headers } = answer;
  const retryAfter = retryAfterOf(headers);
  const reason = firstString(headers['ratelimit-reason']) ?? firstString(headers['x-beta-ratelimit-reason']);
  const limit = numberHeader(headers['x-ratelimit-limit']);
  const remaining = numberHeader(headers['x-ratelimit-remaining']);
  const nearLimit = firstString(headers['x-ratelimit-nearlimit'])?.toLowerCase() === 'true';
  return {
    status: answer.status,
    ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(nearLimit ? { nearLimit } : {}),
  };
}

/** The signal of a request that got no answer (`send` threw a JiraTransientError caused by `{ code }`). */
export function transportSignal(error: unknown): JiraSignal {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : 'ERR_UNKNOWN';
  return { status: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'network' };
}

/** `Retry-After`, else the `Beta-Retry-After` Jira sends with its newer quota limits. */
export function retryAfterOf(
  headers: Readonly<Record<string, unknown>>,
  nowMs: number = Date.now(),
): number | undefined {
  return parseRetryAfter(headers['retry-after'], nowMs) ?? parseRetryAfter(headers['beta-retry-after'], nowMs);
}

function firstString(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

function numberHeader(value: unknown): number | undefined {
  const text = firstString(typeof value === 'number' ? String(value) : value);
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** `Retry-After` as seconds: either delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const raw = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

const errorCollectionSchema = z.object({
  errorMessages: z.optional(z.array(z.string())),
  errors: z.optional(z.record(z.string(), z.string())),
});

const gatewaySchema = z.object({ message: z.string() });

/** Jira's ErrorCollection from a body (missing parts are empty). */
export function readErrorCollection(body: unknown): { errorMessages: string[]; errors: Record<string, string> } {
  const parsed = errorCollectionSchema.safeParse(body);
  return parsed.success
    ? { errorMessages: parsed.data.errorMessages ?? [], errors: parsed.data.errors ?? {} }
    : { errorMessages: [], errors: {} };
}

function summarize(collection: { errorMessages: string[]; errors: Record<string, string> }): string {
  const parts = [
    ...collection.errorMessages,
    ...Object.entries(collection.errors).map(([field, message]) => `${field}: ${message}`),
  ];
  return parts.join('; ');
}

/** Maps a non-2xx Jira REST answer to the relay's errors. */
export function jiraFailure(answer: HttpAnswer, call: HttpCall): Error {
  const { status } = answer;
  if (status === 401) {
    const gateway = gatewaySchema.safeParse(answer.body);
    return new JiraUnauthorizedError(
      `${call.what}: Jira refused the access token (${gateway.success ? gateway.data.message : 'Unauthorized'})`,
    );
  }
  if (status === 429 || status >= 500) {
    const retryAfter = retryAfterOf(answer.headers);
    const reason =
      typeof answer.headers['ratelimit-reason'] === 'string' ? `, ${answer.headers['ratelimit-reason']}` : '';
    return new JiraTransientError(
      `${call.what}: Jira answered ${status}${reason}`,
      retryAfter,
      // A 5xx on create may come after the issue was written: search before creating again.
      Boolean(call.creates) && status >= 500,
      { cause: { status, body: readErrorCollection(answer.body) } },
    );
  }
  const collection = readErrorCollection(answer.body);
  const detail = summarize(collection);
  return new JiraRejectedError(
    `${call.what}: Jira refused the request (${status})${detail ? `: ${detail}` : ''}`,
    status,
    collection.errors,
    collection.errorMessages,
  );
}

/** Parses a 2xx body; a shape we do not understand is treated as a transient glitch, not as success. */
export function parseBody<T>(
  schema: z.ZodMiniType<T>,
  answer: HttpAnswer,
  call: Pick<HttpCall, 'what' | 'creates'>,
): T {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  throw new JiraTransientError(
    `${call.what}: unexpected response from Jira (${answer.status})`,
    undefined,
    Boolean(call.creates),
    {
      cause: { status: answer.status },
    },
  );
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
