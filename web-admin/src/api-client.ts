/**
 * Typed client for the admin API (`/api/*`, same origin, session cookie). Methods, paths and
 * shapes come from the route table the server is built from (`#shared/admin-api-routes.ts`, types
 * and constant data only); this module turns error bodies into `ApiError`s with words an
 * administrator understands.
 */
import {
  type AdminQuery,
  type AdminRequest,
  type AdminResponse,
  type AdminRouteName,
  adminRoutes,
  type PathParams,
} from '#shared/admin-api-routes.ts';
import type { DeliveryStatus, ErrorDto, SessionDto, ValidationProblemDto } from '#shared/admin-api-types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: readonly ValidationProblemDto[];

  constructor(status: number, code: string, message: string, problems: readonly ValidationProblemDto[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problems = problems;
  }
}

/**
 * True when the relay itself did not answer: no response at all, or a gateway / CDN error page
 * instead of the relay's JSON (502, 503 or 504 without an error code of the relay's own).
 */
export function isRelayUnreachable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.code === 'NETWORK' || /^HTTP_50[234]$/.test(error.code);
}

const UNREACHABLE =
  'The relay did not answer. It may be stopped or restarting, or your network may be down. Try again in a moment.';

/** Plain-words message for an API error code; the server's own message is used when it is specific. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return UNREACHABLE;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Sign in again to continue.';
    case 'ACCESS_DENIED':
      return 'Only Jira administrators can change the relay. Sign in with an administrator account.';
    case 'RECONNECT_REQUIRED':
      return 'The Jira connection expired. Reconnect to Jira to continue.';
    case 'JIRA_UNAVAILABLE':
      return 'Jira is not answering right now. Try again in a moment.';
    case 'CONFLICT':
      return 'Someone else saved the configuration after you opened it. Reload to see their changes, then make yours again.';
    case 'VALIDATION_FAILED':
      return error.problems.length > 0
        ? `Jira would not accept this configuration (${error.problems.length} ${error.problems.length === 1 ? 'problem' : 'problems'}).`
        : error.message || 'Jira would not accept this configuration.';
    case 'NOT_FOUND':
      return error.message || 'That item no longer exists. Refresh the page.';
    case 'NETWORK':
      return UNREACHABLE;
    default:
      if (isRelayUnreachable(error)) return UNREACHABLE;
      return error.status >= 500
        ? 'Something went wrong on the relay. Try again; if it keeps happening, check the relay logs.'
        : error.message || `The request failed (${error.status}).`;
  }
}

function isErrorDto(value: unknown): value is ErrorDto {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

/** Called for every 401 so the app can go back to the sign-in screen. */
let onUnauthenticated: (() => void) | undefined;
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Called when the API says the Jira connection needs a new consent, so the panel can offer Reconnect. */
let onReconnectRequired: (() => void) | undefined;
export function setReconnectRequiredHandler(handler: () => void): void {
  onReconnectRequired = handler;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: { quiet401?: boolean } = {},
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (method !== 'GET') {
    // The API refuses mutations without this header (CSRF guard together with SameSite=Strict).
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = body === undefined ? '{}' : JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const dto = isErrorDto(parsed) ? parsed : undefined;
    const code = dto?.error ?? (response.status === 401 ? 'UNAUTHENTICATED' : `HTTP_${response.status}`);
    const error = new ApiError(response.status, code, dto?.message ?? response.statusText, dto?.problems ?? []);
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
    if (code === 'RECONNECT_REQUIRED') onReconnectRequired?.();
    throw error;
  }
  return parsed as T;
}

type RoutePath<N extends AdminRouteName> = (typeof adminRoutes)[N]['path'];

/** Path parameters, body and query of a call, each required only where the route has them. */
type CallInput<N extends AdminRouteName> = (keyof PathParams<RoutePath<N>> extends never
  ? { params?: undefined }
  : { params: PathParams<RoutePath<N>> }) & {
  body?: AdminRequest<N>;
  query?: AdminQuery<N>;
  quiet401?: boolean;
};

/** Fills the `{name}` segments of a route's path (URI-encoded) and appends the query's defined values. */
function urlOf(
  template: string,
  params: Readonly<Record<string, string>> = {},
  query: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The input may be left out only where nothing in it is required (no path parameters). */
function call<N extends AdminRouteName>(
  name: N,
  ...[input = {} as CallInput<N>]: {} extends CallInput<N> ? [CallInput<N>?] : [CallInput<N>]
): Promise<AdminResponse<N>> {
  const { method, path } = adminRoutes[name];
  const url = urlOf(path, input.params, input.query as Record<string, string | number | undefined> | undefined);
  return request<AdminResponse<N>>(method, url, input.body, input.quiet401 ? { quiet401: true } : {});
}

export const api = {
  /** Resolves `null` when nobody is signed in. */
  async session(): Promise<SessionDto | null> {
    try {
      return await call('session', { quiet401: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  logout: () => call('logout'),
  status: () => call('status'),
  projects: () => call('projects'),
  issueTypes: (projectKey: string) => call('issueTypes', { params: { key: projectKey } }),
  fields: (projectKey: string, issueTypeId: string) => call('fields', { params: { key: projectKey, id: issueTypeId } }),
  priorities: (projectKey: string) => call('priorities', { params: { key: projectKey } }),
  assignableUsers: (projectKey: string, query: string) =>
    call('assignableUsers', { params: { key: projectKey }, query: { query } }),
  securityLevels: (projectKey: string) => call('securityLevels', { params: { key: projectKey } }),
  config: () => call('config'),
  saveConfig: (input: AdminRequest<'saveConfig'>) => call('saveConfig', { body: input }),
  resetConfig: () => call('resetConfig'),
  configHistory: () => call('configHistory'),
  previewConfig: (input: AdminRequest<'previewConfig'>) => call('previewConfig', { body: input }),
  exportConfig: () => call('exportConfig'),
  importConfig: (input: AdminRequest<'importConfig'>) => call('importConfig', { body: input }),
  generateToken: () => call('generateToken'),
  revokeToken: () => call('revokeToken'),
  testAlert: () => call('testAlert'),
  deliveries: (options: { cursor?: string; status?: DeliveryStatus } = {}) =>
    call('deliveries', { query: { limit: 50, ...options } }),
  retryDelivery: (alertId: string) => call('retryDelivery', { params: { alertId } }),
  hourlyStats: (days: number) => call('hourlyStats', { query: { days } }),
  events: () => call('events'),
  keeperFields: () => call('keeperFields'),
};

export interface SiteSettings {
  webhookUrl?: string;
  siteUrl?: string;
}

/** `/config.json` is written at deploy time; a missing or broken file just means "no hints". */
export async function loadSiteSettings(): Promise<SiteSettings> {
  try {
    const response = await fetch('/config.json', { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return {};
    const value: unknown = await response.json();
    if (typeof value !== 'object' || value === null) return {};
    const record = value as Record<string, unknown>;
    const settings: SiteSettings = {};
    if (typeof record.webhookUrl === 'string') settings.webhookUrl = record.webhookUrl;
    if (typeof record.siteUrl === 'string') settings.siteUrl = record.siteUrl;
    return settings;
  } catch {
    return {};
  }
}
