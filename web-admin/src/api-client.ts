/**
 * Typed client for the admin API (`/api/*`, same origin, session cookie). The only place that
 * knows URLs and turns error bodies into `ApiError`s with words an administrator understands.
 */
import type {
  ConfigDto,
  ConfigInputDto,
  ConfigVersionDto,
  DeliveryDto,
  ErrorDto,
  EventDto,
  FieldDto,
  HourBucketDto,
  IssueTypeDto,
  KeeperFieldDto,
  PriorityDto,
  ProjectDto,
  SessionDto,
  StatusDto,
  ValidationProblemDto,
  WebhookResultDto,
} from '#shared/admin-api-types.ts';

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

/** Plain-words message for an API error code; the server's own message is used when it is specific. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return 'The relay could not be reached. Check your network connection and try again.';
  }
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
      return 'The relay could not be reached. Check your network connection and try again.';
    default:
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

async function request<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
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

const enc = encodeURIComponent;

export const api = {
  /** Resolves `null` when nobody is signed in. */
  async session(): Promise<SessionDto | null> {
    try {
      return await request<SessionDto>('GET', '/api/session', undefined, { quiet401: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  logout: () => request<void>('POST', '/api/logout'),
  status: () => request<StatusDto>('GET', '/api/status'),
  projects: () => request<{ projects: ProjectDto[] }>('GET', '/api/projects'),
  issueTypes: (projectKey: string) =>
    request<{ issueTypes: IssueTypeDto[] }>('GET', `/api/projects/${enc(projectKey)}/issue-types`),
  fields: (projectKey: string, issueTypeId: string) =>
    request<{ fields: FieldDto[] }>('GET', `/api/projects/${enc(projectKey)}/issue-types/${enc(issueTypeId)}/fields`),
  priorities: (projectKey: string) =>
    request<{ priorities: PriorityDto[] }>('GET', `/api/projects/${enc(projectKey)}/priorities`),
  config: () => request<{ config: ConfigDto | null }>('GET', '/api/config'),
  saveConfig: (input: ConfigInputDto) => request<{ config: ConfigDto }>('PUT', '/api/config', input),
  resetConfig: () => request<{ config: ConfigDto }>('POST', '/api/config/reset'),
  configHistory: () => request<{ versions: ConfigVersionDto[] }>('GET', '/api/config/history'),
  generateToken: () => request<{ token: string; createdAt: string }>('POST', '/api/token'),
  revokeToken: () => request<void>('DELETE', '/api/token'),
  testAlert: () => request<WebhookResultDto>('POST', '/api/test-alert'),
  deliveries: (cursor?: string) =>
    request<{ items: DeliveryDto[]; cursor?: string }>(
      'GET',
      `/api/deliveries?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    ),
  retryDelivery: (alertId: string) => request<{ status: string }>('POST', `/api/deliveries/${enc(alertId)}/retry`),
  hourlyStats: (days: number) => request<{ buckets: HourBucketDto[] }>('GET', `/api/stats/hourly?days=${days}`),
  events: () => request<{ events: EventDto[]; categories: string[] }>('GET', '/api/events'),
  keeperFields: () => request<{ fields: KeeperFieldDto[] }>('GET', '/api/keeper-fields'),
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
