/**
 * The admin API's routes, declared once: the server's router is built from this table and the
 * admin site's client takes its methods and paths from it. Constant data and types only, so the
 * browser bundle gets a few strings and no server code. Shapes: `admin-api-types.ts`.
 *
 * Every route answers 403 FORBIDDEN unless the request came through the admin site's distribution
 * (origin-verify header). Every route with `needsSession` answers 401 UNAUTHENTICATED without a
 * live session cookie, or when the administrator's Jira ADMINISTER permission or Atlassian grant is
 * gone (re-checked at least every 15 minutes and before every mutation; the cookie is cleared), and
 * its mutations (POST/PUT/DELETE) answer 400 unless sent with `Content-Type: application/json`
 * (CSRF guard on top of the SameSite=Strict cookie). An unknown path answers 404 NOT_FOUND, a
 * known path with another method 405 METHOD_NOT_ALLOWED.
 */
import type {
  AssignableUserDto,
  ConfigDocumentDto,
  ConfigDto,
  ConfigInputDto,
  ConfigVersionDto,
  DeliveryDto,
  DeliveryStatus,
  EventDto,
  FieldDto,
  HourBucketDto,
  IssueTypeDto,
  KeeperFieldDto,
  PreviewDto,
  PreviewRequestDto,
  PriorityDto,
  ProjectDto,
  SecurityLevelDto,
  SessionDto,
  StatusDto,
  WebhookResultDto,
} from './admin-api-types.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface AdminRouteSpec {
  readonly method: HttpMethod;
  /** `{name}` stands for one path segment, handed to the handler URI-decoded. */
  readonly path: `/${string}`;
  readonly needsSession: boolean;
}

/**
 * Request body, query and response of each route. `request` is the JSON body of a mutation;
 * `query` the query string's parameters; `response` the JSON answered on success (`void` for 204
 * and for the 302 redirects of the sign-in flow).
 */
export interface AdminApiContract {
  signIn: { response: void };
  signInCallback: { query: { code?: string; state?: string; error?: string }; response: void };
  session: { response: SessionDto };
  logout: { response: void };
  signOutEverywhere: { response: { endedSessions: number } };
  status: { response: StatusDto };
  projects: { response: { projects: ProjectDto[] } };
  issueTypes: { response: { issueTypes: IssueTypeDto[] } };
  fields: { response: { fields: FieldDto[] } };
  priorities: { response: { priorities: PriorityDto[] } };
  assignableUsers: { query: { query?: string }; response: { users: AssignableUserDto[] } };
  securityLevels: { response: { levels: SecurityLevelDto[] } };
  config: { response: { config: ConfigDto | null } };
  saveConfig: { request: ConfigInputDto; response: { config: ConfigDto } };
  resetConfig: { request: { projectKey?: string }; response: { config: ConfigDto } };
  configHistory: { response: { versions: ConfigVersionDto[] } };
  previewConfig: { request: PreviewRequestDto; response: PreviewDto };
  exportConfig: { response: ConfigDocumentDto };
  importConfig: { request: { document: ConfigDocumentDto; expectedVersion: number }; response: { config: ConfigDto } };
  generateToken: { response: { token: string; createdAt: string } };
  revokeToken: { response: void };
  testAlert: { response: WebhookResultDto };
  /** Newest first; with `status`, only alerts in that status, oldest first (the longest-waiting on top). */
  deliveries: {
    query: { limit?: number; cursor?: string; status?: DeliveryStatus };
    response: { items: DeliveryDto[]; cursor?: string };
  };
  retryDelivery: { response: { status: 'queued' } };
  hourlyStats: { query: { days?: number }; response: { buckets: HourBucketDto[] } };
  events: { response: { events: EventDto[]; categories: string[] } };
  keeperFields: { response: { fields: KeeperFieldDto[] } };
}

export type AdminRouteName = keyof AdminApiContract;

export const adminRoutes = {
  /** 302 → Atlassian's authorize page; sets the state-binding cookie. */
  signIn: { method: 'GET', path: '/oauth/login', needsSession: false },
  /** 302 → `/` with a session cookie, or `/?signin=denied&reason=not_admin|wrong_site|oauth_failed`. */
  signInCallback: { method: 'GET', path: '/oauth/callback', needsSession: false },
  /** 401 when nobody is signed in (the site's sign-in screen asks this first). */
  session: { method: 'GET', path: '/api/session', needsSession: true },
  /** 204; clears the session cookie. */
  logout: { method: 'POST', path: '/api/logout', needsSession: true },
  /**
   * Ends every administrator's session, the caller's included (clears its cookie). All of them, not
   * only the caller's: every session has the same full control of the relay, and whoever notices a
   * stolen session cannot tell whose it is.
   */
  signOutEverywhere: { method: 'POST', path: '/api/sessions/revoke-all', needsSession: true },
  status: { method: 'GET', path: '/api/status', needsSession: true },
  projects: { method: 'GET', path: '/api/projects', needsSession: true },
  issueTypes: { method: 'GET', path: '/api/projects/{key}/issue-types', needsSession: true },
  fields: { method: 'GET', path: '/api/projects/{key}/issue-types/{id}/fields', needsSession: true },
  priorities: { method: 'GET', path: '/api/projects/{key}/priorities', needsSession: true },
  /**
   * Users Jira lets the relay assign issues to in the project whose name or e-mail matches `query`
   * (all of them when it is empty; at most 50). 400 VALIDATION_FAILED for a `query` over 100 characters.
   */
  assignableUsers: { method: 'GET', path: '/api/projects/{key}/assignable-users', needsSession: true },
  /** The levels of the project's issue security scheme; an empty list when it has none. */
  securityLevels: { method: 'GET', path: '/api/projects/{key}/security-levels', needsSession: true },
  config: { method: 'GET', path: '/api/config', needsSession: true },
  /** 400 VALIDATION_FAILED with `problems` when Jira would not accept the configuration; 409 CONFLICT on a stale `expectedVersion`. */
  saveConfig: { method: 'PUT', path: '/api/config', needsSession: true },
  /** Keeper's documented defaults for the given (or current) project. */
  resetConfig: { method: 'POST', path: '/api/config/reset', needsSession: true },
  configHistory: { method: 'GET', path: '/api/config/history', needsSession: true },
  /**
   * The draft evaluated over the alerts received in the last 24 h (at most the newest 1,000, test
   * alerts left out), next to today's configuration. Reads only: no Jira write, no ledger write. The
   * draft takes the saved configuration's Jira metadata; a project it does not cover (another target
   * project, a new routed project, an issue type whose screen was not loaded) is read from Jira with
   * list calls. 400 VALIDATION_FAILED when the draft is malformed or names a project Jira does not list.
   */
  previewConfig: { method: 'POST', path: '/api/config/preview', needsSession: true },
  /**
   * The saved configuration's choices as a versioned document, sent as a download
   * (`Content-Disposition: attachment; filename="keeper-jira-relay-config-v<version>.json"`).
   * 404 NOT_FOUND when nothing is saved yet.
   */
  exportConfig: { method: 'GET', path: '/api/config/export', needsSession: true },
  /**
   * Reads a document and saves its choices exactly like `PUT /api/config` (checked against live
   * Jira): 400 VALIDATION_FAILED with `problems` for a document of another format, a newer format
   * version, a schema problem or a configuration Jira would not accept; 409 CONFLICT on a stale
   * `expectedVersion`.
   */
  importConfig: { method: 'POST', path: '/api/config/import', needsSession: true },
  /** 201; generates or regenerates the webhook token, shown this once. */
  generateToken: { method: 'POST', path: '/api/token', needsSession: true },
  /** 204 */
  revokeToken: { method: 'DELETE', path: '/api/token', needsSession: true },
  /** 201 or 202: runs a test alert through the whole pipeline. */
  testAlert: { method: 'POST', path: '/api/test-alert', needsSession: true },
  deliveries: { method: 'GET', path: '/api/deliveries', needsSession: true },
  /** 202; only failed or parked alerts. */
  retryDelivery: { method: 'POST', path: '/api/deliveries/{alertId}/retry', needsSession: true },
  hourlyStats: { method: 'GET', path: '/api/stats/hourly', needsSession: true },
  events: { method: 'GET', path: '/api/events', needsSession: true },
  keeperFields: { method: 'GET', path: '/api/keeper-fields', needsSession: true },
} as const satisfies { readonly [N in AdminRouteName]: AdminRouteSpec };

export type AdminRoutes = typeof adminRoutes;

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;

/** The `{name}` segments of a path template, e.g. `{ key: string; id: string }`. */
export type PathParams<P extends string> = { readonly [K in ParamNames<P>]: string };

export type AdminRequest<N extends AdminRouteName> = AdminApiContract[N] extends { request: infer R } ? R : undefined;
export type AdminQuery<N extends AdminRouteName> = AdminApiContract[N] extends { query: infer Q } ? Q : undefined;
export type AdminResponse<N extends AdminRouteName> = AdminApiContract[N]['response'];
