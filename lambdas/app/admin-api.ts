/**
 * The admin API behind the hosted admin site: `/oauth/*` (sign-in = connect) and `/api/*`
 * (session-protected JSON). Routes and shapes: `lambdas/shared/admin-api-types.ts`.
 */
import { completeSignIn, currentSession, startSignIn, type SignInDeps } from '#domain/access/admin-sign-in.ts';
import type { AlertRecord } from '#domain/alert-record.ts';
import { describeConfigChange } from '#domain/configuration/describe-config-change.ts';
import { prioritiesOnScreens, resetConfiguration, saveConfiguration, type ConfigInput } from '#domain/configuration/configure-relay.ts';
import { jiraFieldKind } from '#domain/ticket/field-values.ts';
import type { EventLog } from '#domain/delivery/deliver-alert.ts';
import { releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { AccessDeniedError, NotFoundError, UnauthenticatedError, ValidationError } from '#domain/errors.ts';
import { eventCatalog } from '#domain/alert/event-catalog.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import { DOCUMENTED_KEEPER_FIELDS, buildTestAlert } from '#domain/alert/keeper-fields.ts';
import type {
  AdminSession,
  AlertLedger,
  AlertSummary,
  Clock,
  ConfigStore,
  IssueTracker,
  JiraFieldMeta,
  JiraIdentity,
  OAuthClient,
  RetryQueue,
  SecretStore,
  SessionStore,
} from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import type { WebhookTokenAdmin } from '#domain/access/webhook-token.ts';
import type {
  ConfigDto,
  DeliveryDto,
  FieldDto,
  HourBucketDto,
  KeeperFieldDto,
  StatusDto,
  WebhookResultDto,
} from '#shared/admin-api-types.ts';
import { bodyText, cookie, errorResult, header, json, noContent, redirect, type HttpEvent, type HttpHandler, type HttpResult } from '#shared/http.ts';
import { mapError } from '#shared/http-errors.ts';
import { en } from 'zod/locales';
import * as z from 'zod/mini';

const SESSION_COOKIE = 'relay_session';
const BINDING_COOKIE = 'relay_oauth';

export interface AdminApiDeps {
  readonly oauthFor: (redirectUri: string) => OAuthClient;
  readonly identity: JiraIdentity;
  readonly sessions: SessionStore;
  readonly secrets: SecretStore;
  readonly configs: ConfigStore;
  readonly ledger: AlertLedger;
  readonly queue: RetryQueue;
  readonly tracker: IssueTracker;
  readonly tokens: WebhookTokenAdmin;
  readonly ingest: (rawBody: string, options: { test?: boolean }) => Promise<IngestResult>;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly siteUrl: string;
  readonly sessionHours: number;
  /** Fixed public origin (local runtime, custom domain); otherwise derived from the request. */
  readonly publicBaseUrl?: string;
  readonly webhookUrl?: string;
}

interface RequestContext {
  readonly event: HttpEvent;
  readonly params: Record<string, string>;
  readonly baseUrl: string;
  readonly session?: AdminSession;
}

type Route = {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly auth: boolean;
  readonly run: (ctx: RequestContext) => Promise<HttpResult>;
};

const configInputSchema = z.object({
  expectedVersion: z.number().check(z.int(), z.nonnegative()),
  projectKey: z.string().check(z.minLength(1, 'Choose a target project')),
  defaultIssueTypeId: z.string().check(z.minLength(1, 'Choose a default issue type')),
  summaryTemplate: z.optional(z.string().check(z.maxLength(500))),
  parentIssueKey: z.optional(z.string()),
  fieldMappings: z.optional(
    z.array(
      z.object({
        fieldId: z.string().check(z.minLength(1)),
        source: z.optional(z.string().check(z.minLength(1))),
        constant: z.optional(z.string()),
      }),
    ),
  ),
  priorityMapping: z.optional(
    z.object({ byEvent: z.record(z.string(), z.string()), byCategory: z.record(z.string(), z.string()), defaultPriorityId: z.optional(z.string()) }),
  ),
  issueTypeMapping: z.optional(z.object({ byEvent: z.record(z.string(), z.string()), byCategory: z.record(z.string(), z.string()) })),
});

// zod/mini ships no locale: without English every default problem reads "Invalid input".
const englishErrors = en().localeError;

function parseJsonBody<T>(event: HttpEvent, schema: z.ZodMiniType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(bodyText(event) || '{}');
  } catch {
    throw new ValidationError('The request body is not valid JSON');
  }
  const result = schema.safeParse(value, { error: englishErrors });
  if (!result.success) {
    throw new ValidationError(
      'The request is incomplete or malformed',
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data;
}

function requestBaseUrl(deps: AdminApiDeps, event: HttpEvent): string {
  if (deps.publicBaseUrl) return deps.publicBaseUrl.replace(/\/+$/, '');
  // CloudFront copies the viewer's Host into x-forwarded-host (lib/constructs/admin-site.ts).
  const host = header(event, 'x-forwarded-host') ?? event.requestContext.domainName;
  return `https://${host}`;
}

function webhookUrl(deps: AdminApiDeps, event: HttpEvent): string {
  return deps.webhookUrl ?? `https://${event.requestContext.domainName}/webhook`;
}

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The state-binding cookie must survive the cross-site redirect back from Atlassian, hence Lax. */
function bindingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${BINDING_COOKIE}=${value}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function toConfigDto(config: RelayConfig): ConfigDto {
  return {
    version: config.version,
    updatedAt: config.updatedAt,
    updatedBy: config.updatedBy,
    project: config.project,
    projectKey: config.project.key,
    defaultIssueTypeId: config.defaultIssueTypeId,
    summaryTemplate: config.summaryTemplate,
    ...(config.parentIssueKey ? { parentIssueKey: config.parentIssueKey } : {}),
    fieldMappings: config.fieldMappings,
    priorityMapping: config.priorityMapping,
    issueTypeMapping: config.issueTypeMapping,
    issueTypes: config.issueTypes,
    priorities: prioritiesOnScreens(Object.values(config.fieldMeta)),
  };
}

export function toFieldDto(meta: JiraFieldMeta): FieldDto {
  const kind = jiraFieldKind(meta);
  return {
    id: meta.fieldId,
    name: meta.name,
    type: kind,
    required: meta.required,
    hasDefaultValue: meta.hasDefaultValue,
    ...(meta.allowedValues
      ? { allowedValues: meta.allowedValues.map((v) => ({ id: v.id, label: v.value ?? v.name ?? v.id })) }
      : {}),
    mappable: kind !== 'other',
  };
}

export function toDeliveryDto(record: AlertRecord): DeliveryDto {
  return {
    alertId: record.alertId,
    receivedAt: record.receivedAt,
    event: record.event,
    ...(record.category ? { category: record.category } : {}),
    ...(record.alertName ? { alertName: record.alertName } : {}),
    status: record.status,
    attempts: record.attempts,
    ...(record.issueKey ? { issueKey: record.issueKey } : {}),
    ...(record.issueUrl ? { issueUrl: record.issueUrl } : {}),
    ...(record.priority ? { priority: record.priority } : {}),
    ...(record.lastError && record.status !== 'delivered' ? { lastError: record.lastError } : {}),
    ...(record.droppedFields && record.droppedFields.length > 0 ? { droppedFields: [...record.droppedFields] } : {}),
    duplicates: record.duplicates,
    ...(record.lastDuplicateAt ? { lastDuplicateAt: record.lastDuplicateAt } : {}),
    test: record.test === true,
    parsed: record.parsed,
  };
}

/** Alerts per UTC hour and priority since `days` ago, oldest first, including empty hours. */
export function hourlyBuckets(records: readonly AlertSummary[], now: Date, days: number): HourBucketDto[] {
  const hourMs = 3_600_000;
  const end = Math.floor(now.getTime() / hourMs) * hourMs;
  const start = end - (days * 24 - 1) * hourMs;
  const buckets = new Map<number, Record<string, number>>();
  for (let t = start; t <= end; t += hourMs) buckets.set(t, {});
  for (const record of records) {
    const hour = Math.floor(Date.parse(record.receivedAt) / hourMs) * hourMs;
    const bucket = buckets.get(hour);
    if (!bucket) continue;
    const priority = record.priority ?? 'None';
    bucket[priority] = (bucket[priority] ?? 0) + 1;
  }
  return [...buckets].map(([hour, byPriority]) => ({ hour: new Date(hour).toISOString(), byPriority }));
}

export function makeAdminApi(deps: AdminApiDeps): HttpHandler {
  const signInDeps = (baseUrl: string): SignInDeps => ({
    oauth: deps.oauthFor(`${baseUrl}/oauth/callback`),
    identity: deps.identity,
    sessions: deps.sessions,
    secrets: deps.secrets,
    clock: deps.clock,
    siteUrl: deps.siteUrl,
    sessionHours: deps.sessionHours,
    onConnected: async () => {
      await releasePendingAlerts(deps);
    },
  });
  const configureDeps = { tracker: deps.tracker, configs: deps.configs, ledger: deps.ledger, queue: deps.queue, clock: deps.clock };

  const routes: Route[] = [];
  const route = (method: string, path: string, auth: boolean, run: Route['run']) => {
    const names: string[] = [];
    const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    routes.push({ method, pattern, names, auth, run });
  };

  route('GET', '/oauth/login', false, async ({ baseUrl }) => {
    const { location, browserBinding } = await startSignIn(signInDeps(baseUrl));
    return redirect(location, [bindingCookie(browserBinding, 600, baseUrl.startsWith('https:'))]);
  });

  route('GET', '/oauth/callback', false, async ({ event, baseUrl }) => {
    const secure = baseUrl.startsWith('https:');
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const clearBinding = bindingCookie('', 0, secure);
    try {
      const { session } = await completeSignIn(signInDeps(baseUrl), {
        ...(query.get('code') ? { code: query.get('code') ?? '' } : {}),
        ...(query.get('state') ? { state: query.get('state') ?? '' } : {}),
        ...(query.get('error') ? { error: query.get('error') ?? '' } : {}),
        ...(cookie(event, BINDING_COOKIE) ? { browserBinding: cookie(event, BINDING_COOKIE) ?? '' } : {}),
      });
      deps.log.info('Administrator signed in', { accountId: session.accountId });
      return redirect(`${baseUrl}/`, [clearBinding, sessionCookie(session.id, deps.sessionHours * 3600, secure)]);
    } catch (error) {
      const reason = error instanceof AccessDeniedError ? error.reason : 'oauth_failed';
      deps.log.warn('Sign-in refused', { reason, errorName: error instanceof Error ? error.name : typeof error });
      return redirect(`${baseUrl}/?signin=denied&reason=${reason}`, [clearBinding]);
    }
  });

  route('GET', '/api/session', true, async ({ session }) => {
    const s = session as AdminSession;
    return json(200, {
      user: { accountId: s.accountId, displayName: s.displayName, ...(s.email ? { email: s.email } : {}) },
      site: { url: deps.siteUrl },
      expiresAt: new Date(s.expiresAt * 1000).toISOString(),
    });
  });

  route('POST', '/api/logout', true, async ({ session, baseUrl }) => {
    if (session) await deps.sessions.delete(session.id);
    return noContent([sessionCookie('', 0, baseUrl.startsWith('https:'))]);
  });

  route('GET', '/api/status', true, async ({ event }) => {
    const [connection, config, token, pending] = await Promise.all([
      readConnection(deps.secrets),
      deps.configs.get(),
      deps.tokens.meta(),
      deps.ledger.listByStatus('pending_configuration', 100),
    ]);
    const status: StatusDto = {
      connection: connection
        ? {
            state: connection.state,
            siteUrl: connection.siteUrl,
            connectedBy: connection.connectedBy,
            connectedAt: connection.connectedAt,
            ...(connection.lastRefreshAt ? { lastRefreshAt: connection.lastRefreshAt } : {}),
            ...(connection.message ? { message: connection.message } : {}),
          }
        : { state: 'not_connected', siteUrl: deps.siteUrl },
      configured: config !== undefined,
      token: token
        ? { state: 'enabled', createdAt: token.createdAt, ...(token.lastUsedAt ? { lastUsedAt: token.lastUsedAt } : {}) }
        : { state: 'not_configured' },
      webhookUrl: webhookUrl(deps, event),
      pendingAlerts: pending.length,
    };
    return json(200, status);
  });

  route('GET', '/api/projects', true, async () => json(200, { projects: await deps.tracker.listProjects() }));

  route('GET', '/api/projects/{key}/issue-types', true, async ({ params }) =>
    json(200, { issueTypes: await deps.tracker.listIssueTypes(params.key ?? '') }),
  );

  route('GET', '/api/projects/{key}/issue-types/{id}/fields', true, async ({ params }) => {
    const fields = await deps.tracker.listCreateFields(params.key ?? '', params.id ?? '');
    return json(200, { fields: fields.map(toFieldDto) });
  });

  route('GET', '/api/projects/{key}/priorities', true, async ({ params }) => {
    const key = params.key ?? '';
    const types = (await deps.tracker.listIssueTypes(key)).filter((t) => !t.subtask);
    const metas = await Promise.all(types.map((t) => deps.tracker.listCreateFields(key, t.id)));
    return json(200, { priorities: prioritiesOnScreens(metas) });
  });

  route('GET', '/api/config', true, async () => {
    const config = await deps.configs.get();
    return json(200, { config: config ? toConfigDto(config) : null });
  });

  route('PUT', '/api/config', true, async ({ event, session }) => {
    const input = parseJsonBody(event, configInputSchema) as ConfigInput;
    const saved = await saveConfiguration(configureDeps, input, actorOf(session), () => observedEmails(deps.ledger));
    deps.log.info('Configuration saved', { version: saved.version, project: saved.project.key });
    return json(200, { config: toConfigDto(saved) });
  });

  route('POST', '/api/config/reset', true, async ({ event, session }) => {
    const body = parseJsonBody(event, z.object({ projectKey: z.optional(z.string()) }));
    const current = await deps.configs.get();
    const projectKey = body.projectKey ?? current?.project.key;
    if (!projectKey) throw new ValidationError('Choose a target project first', [{ path: 'projectKey', message: 'Choose a target project' }]);
    const saved = await resetConfiguration(configureDeps, { expectedVersion: current?.version ?? 0, projectKey }, actorOf(session));
    return json(200, { config: toConfigDto(saved) });
  });

  route('GET', '/api/config/history', true, async () => {
    // Newest first; each version is described against the one saved before it.
    const versions = await deps.configs.history(51);
    return json(200, {
      versions: versions.slice(0, 50).map((c, i) => ({
        version: c.version,
        updatedAt: c.updatedAt,
        updatedBy: c.updatedBy,
        summary: describeConfigChange(versions[i + 1], c),
      })),
    });
  });

  route('POST', '/api/token', true, async () => json(201, await deps.tokens.generate()));

  route('DELETE', '/api/token', true, async () => {
    await deps.tokens.revoke();
    return noContent();
  });

  route('POST', '/api/test-alert', true, async () => {
    const result = await deps.ingest(JSON.stringify(buildTestAlert(deps.clock.now())), { test: true });
    const dto: WebhookResultDto =
      result.kind === 'created'
        ? { alertId: result.alertId, issueKey: result.issueKey, issueUrl: result.issueUrl }
        : result.kind === 'accepted'
          ? { alertId: result.alertId, status: result.status, ...(result.error ? { error: result.error } : {}) }
          : { alertId: result.alertId, duplicate: true, status: result.status, ...(result.issueKey ? { issueKey: result.issueKey, issueUrl: result.issueUrl ?? '' } : {}) };
    return json(result.kind === 'created' ? 201 : 202, dto);
  });

  route('GET', '/api/deliveries', true, async ({ event }) => {
    const query = new URLSearchParams(event.rawQueryString ?? '');
    const limit = Math.min(200, Math.max(1, Number(query.get('limit') ?? 50) || 50));
    const page = await deps.ledger.listRecent(limit, query.get('cursor') ?? undefined);
    return json(200, { items: page.items.map(toDeliveryDto), ...(page.cursor ? { cursor: page.cursor } : {}) });
  });

  route('POST', '/api/deliveries/{alertId}/retry', true, async ({ params }) => {
    const alertId = params.alertId ?? '';
    const record = await deps.ledger.get(alertId);
    if (!record) throw new NotFoundError(`No alert ${alertId} in the ledger`);
    if (record.status !== 'failed' && record.status !== 'pending_configuration') {
      throw new ValidationError(`Only failed or pending alerts can be retried; this one is ${record.status}`);
    }
    await deps.ledger.update(alertId, { status: 'queued', updatedAt: deps.clock.now().toISOString(), lastError: undefined });
    await deps.queue.enqueue({ alertId }, 0);
    return json(202, { status: 'queued' });
  });

  route('GET', '/api/stats/hourly', true, async ({ event }) => {
    const days = Math.min(14, Math.max(1, Number(new URLSearchParams(event.rawQueryString ?? '').get('days') ?? 3) || 3));
    const now = deps.clock.now();
    const records = await deps.ledger.listSince(new Date(now.getTime() - days * 86_400_000));
    return json(200, { buckets: hourlyBuckets(records, now, days) });
  });

  route('GET', '/api/events', true, async () =>
    json(200, { events: eventCatalog.events, categories: eventCatalog.categories }),
  );

  route('GET', '/api/keeper-fields', true, async () => {
    const recent = await deps.ledger.listRecent(200);
    const received = new Set(recent.items.flatMap((r) => r.fieldPaths));
    const documented = new Set<string>(DOCUMENTED_KEEPER_FIELDS);
    const fields: KeeperFieldDto[] = [...new Set([...documented, ...received])].sort().map((path) => ({
      path,
      origin: documented.has(path) && received.has(path) ? 'both' : documented.has(path) ? 'documented' : 'received',
    }));
    return json(200, { fields });
  });

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    try {
      const baseUrl = requestBaseUrl(deps, event);
      const candidates = routes.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw new NotFoundError(`No route ${path}`);
      const match = candidates.find((r) => r.method === method);
      if (!match) return json(405, { error: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}` });
      const values = match.pattern.exec(path)?.slice(1) ?? [];
      const params = Object.fromEntries(match.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
      let session: AdminSession | undefined;
      if (match.auth) {
        session = await currentSession(deps, cookie(event, SESSION_COOKIE));
        if (!session) throw new UnauthenticatedError();
        // CSRF guard on top of SameSite=Strict: cross-site forms cannot send application/json without a preflight.
        if (method !== 'GET' && !(header(event, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
          throw new ValidationError('Send mutations with Content-Type: application/json');
        }
      }
      return await match.run({ event, params, baseUrl, ...(session ? { session } : {}) });
    } catch (error) {
      if (mapError(error).status >= 500) {
        deps.log.error('Admin API request failed', { path, method, errorName: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : '' });
      }
      return errorResult(error);
    }
  };
}

function actorOf(session: AdminSession | undefined) {
  return { accountId: session?.accountId ?? 'unknown', displayName: session?.displayName ?? 'unknown' };
}

/** E-mail-looking values of recent alerts, so user-field mappings can be resolved at save time. */
async function observedEmails(ledger: AlertLedger): Promise<string[]> {
  const recent = await ledger.listRecent(200);
  const emails = new Set<string>();
  for (const record of recent.items) {
    // Bounded repeats (RFC 5321 lengths): an unbounded `+` before `@` is quadratic on long runs of letters and blocked saves for seconds.
    for (const match of record.rawBody.matchAll(/[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g)) emails.add(match[0].toLowerCase());
  }
  return [...emails].slice(0, 50);
}
