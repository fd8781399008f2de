/**
 * Jira Cloud + Atlassian OAuth stand-in: one node:http server that plays auth.atlassian.com,
 * api.atlassian.com (gateway + Jira REST v3) and the Jira site's browser pages, on loopback.
 * Used by `npm start` and by the integration tests. Behaviour and seed: README.md beside this file.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { INVALID_JSON, type RouteContext } from './api-context.ts';
import {
  DEFAULT_UPLOAD_LIMIT,
  isMultipart,
  MULTIPART_OVERHEAD_BYTES,
  type MultipartBody,
  parseMultipart,
} from './attachments.ts';
import {
  FaultMix,
  type FaultMixConfig,
  faultMixSchema,
  Latency,
  type LatencyConfig,
  latencySchema,
  type Outage,
  outageSchema,
} from './conditions.ts';
import {
  type ApiResult,
  errorCollection,
  parseBodyParams,
  parseJson,
  readBody,
  readBodyBytes,
  sendHtml,
  sendJson,
  sendRaw,
} from './http.ts';
import { OAuthServer, tokenFingerprint } from './oauth.ts';
import { indexPage, issuePage, type LinkLine, page } from './pages.ts';
import { type RateLimitConfig, RateLimiter, rateLimitedResult, rateLimitSchema } from './rate-limits.ts';
import type { Links } from './representations.ts';
import { matchRoute } from './rest-api.ts';
import { CLOUD_ID, ISSUE_LINK_TYPES, PROJECTS, SITE_NAME } from './seed.ts';
import { type FaultRule, matchesFaultPath, StandInState, type StoredIssue } from './state.ts';
import { CallStats, type StatsSnapshot } from './stats.ts';
import { findResolution, findStatus, moveIssue } from './workflow.ts';

export { CLOUD_ID, FIELDS, ISSUE_TYPES, PRIORITIES, PROJECTS, USERS } from './seed.ts';
export type { StatsSnapshot, StoredIssue };
export { tokenFingerprint };
/** Bodies of the condition control endpoints (and the matching start options). */
export type RateLimitSettings = z.input<typeof rateLimitSchema>;
export type LatencySettings = z.input<typeof latencySchema>;
export type FaultMixSettings = z.input<typeof faultMixSchema>;
export type OutageSettings = z.input<typeof outageSchema>;

export interface JiraStandInOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  readonly clientId: string;
  readonly clientSecret: string;
  /** When given, /authorize and /oauth/token refuse any other redirect_uri. */
  readonly redirectUris?: readonly string[];
  /** JSON file that keeps issues, grants and screens across restarts. */
  readonly dataFile?: string;
  /** Epoch milliseconds; the control endpoint `POST /_stand-in/clock` adds to it. */
  readonly now?: () => number;
  /** Jira's rate limits (`PUT /_stand-in/rate-limit` body); none when absent. */
  readonly rateLimit?: RateLimitSettings;
  /** Latency added to every api.atlassian.com call (`PUT /_stand-in/latency` body); none when absent. */
  readonly latency?: LatencySettings;
  /** Random 429 / 5xx / lost answers (`PUT /_stand-in/fault-mix` body); none when absent. */
  readonly faultMix?: FaultMixSettings;
  /** Largest attachment accepted, in bytes (default 10 MB). */
  readonly attachmentUploadLimit?: number;
}

export interface JiraStandIn {
  /** `http://127.0.0.1:PORT`: use it as ATLASSIAN_AUTH_URL, ATLASSIAN_API_URL and JIRA_SITE_URL. */
  readonly url: string;
  readonly cloudId: string;
  /** Issues created so far, with their stored fields (same data as GET /_stand-in/issues). */
  issues(): readonly StoredIssue[];
  /** Jira calls counted per `METHOD /route` since the last reset (same as GET /_stand-in/requests). */
  requestCounts(): Readonly<Record<string, number>>;
  /** Outcomes of the API calls per route and status (same as GET /_stand-in/stats). */
  stats(): StatsSnapshot;
  close(): Promise<void>;
}

const REST_PREFIX = '/rest/api/3';
const GATEWAY_UNAUTHORIZED = { code: 401, message: 'Unauthorized' };
const SCOPE_MISMATCH = { code: 401, message: 'Unauthorized; scope does not match' };

const faultSchema = z.object({
  /** Omitted: every API call matches. */
  path: z.string().min(1).default('*'),
  status: z.number().int().min(400).max(599).optional(),
  mode: z.enum(['status', 'timeout', 'reset']).optional(),
  count: z.number().int().positive().default(1),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  rateLimitReason: z.string().optional(),
  processRequest: z.boolean().default(false),
});
/** Moves the clock by `advanceSeconds`, or sets it to `now` (ISO 8601). */
const clockSchema = z.union([
  z.object({ advanceSeconds: z.number() }),
  z.object({ now: z.iso.datetime({ offset: true }) }),
]);
/** An analyst moves an issue to a status of its workflow (any status, like an administrator could). */
const issueStatusSchema = z.object({ status: z.string().min(1), resolution: z.string().min(1).optional() });
const screenSchema = z.object({
  project: z.string(),
  issueType: z.string(),
  removeFields: z.array(z.string()).default([]),
  addFields: z
    .array(z.union([z.string(), z.object({ fieldId: z.string(), required: z.boolean().default(false) })]))
    .default([]),
});
const revokeSchema = z.object({ accountId: z.string().optional() });
const revokePermissionSchema = z.object({
  accountId: z.string(),
  permission: z.enum(['ADMINISTER', 'SYSTEM_ADMIN', 'USER_PICKER', 'CREATE_SHARED_OBJECTS']),
});
const attachmentSettingsSchema = z.object({ uploadLimit: z.number().int().positive() });

/** auth.atlassian.com, the gateway's own routes (accessible-resources), or Jira REST behind the gateway. */
type CallKind = 'auth' | 'gateway' | 'jira';

function faultResult(
  fault: Pick<FaultRule, 'status' | 'retryAfterSeconds' | 'rateLimitReason'>,
  state: StandInState,
  isGateway: boolean,
): ApiResult {
  const status = fault.status ?? 503;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  if (status === 429) {
    return rateLimitedResult(state.now(), fault.rateLimitReason ?? 'jira-burst-based', fault.retryAfterSeconds ?? 5, {
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
    });
  }
  if (status === 401)
    return { status, headers, body: isGateway ? GATEWAY_UNAUTHORIZED : errorCollection(['Unauthorized']) };
  if (status >= 500)
    return {
      status,
      headers,
      body: errorCollection([status === 503 ? 'Service Unavailable' : 'Internal server error']),
    };
  return { status, headers, body: errorCollection([`Fault injected by the Jira stand-in (${status}).`]) };
}

/** Starts the stand-in on loopback. Close it in afterAll / on shutdown. */
export async function startJiraStandIn(options: JiraStandInOptions): Promise<JiraStandIn> {
  const host = options.host ?? '127.0.0.1';
  const state = new StandInState(options.now ?? Date.now, options.dataFile);
  // Parsed once: a wrong start option fails at start, not on the first call.
  const initial = {
    rateLimit: options.rateLimit === undefined ? undefined : rateLimitSchema.parse(options.rateLimit),
    latency: options.latency === undefined ? undefined : latencySchema.parse(options.latency),
    faultMix: options.faultMix === undefined ? undefined : faultMixSchema.parse(options.faultMix),
    uploadLimit: options.attachmentUploadLimit ?? DEFAULT_UPLOAD_LIMIT,
  };
  const limiter = new RateLimiter(initial.rateLimit);
  const latency = new Latency(initial.latency);
  const faultMix = new FaultMix(initial.faultMix);
  const stats = new CallStats(state.now());
  let outage: Outage | undefined;
  let uploadLimit = initial.uploadLimit;
  /** Calls left hanging by a `timeout` outage: dropped when the outage ends. */
  const hangingInOutage = new Set<ServerResponse>();
  let baseUrl = '';
  const oauth = new OAuthServer(state, options, () => baseUrl);
  const links = (): Links => ({ api: `${baseUrl}/ex/jira/${CLOUD_ID}${REST_PREFIX}`, site: baseUrl });
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const write = (res: ServerResponse, result: ApiResult, extra: Record<string, string> = {}): void => {
    const headers = { ...extra, ...(result.headers ?? {}) };
    if (result.body === undefined && result.contentType === undefined) {
      // 204 (edit, transition) has no body at all; 201 of POST /issueLink is an empty JSON answer.
      sendRaw(res, result.status, result.status === 204 ? '' : 'application/json;charset=UTF-8', '', headers);
      return;
    }
    if (result.contentType === undefined) {
      sendJson(res, result.status, result.body, headers);
      return;
    }
    const body = Buffer.isBuffer(result.body) ? result.body : String(result.body ?? '');
    sendRaw(res, result.status, result.contentType, body, headers);
  };

  /** Leaves the client hanging: its timeout fires. close() (or the end of the outage) destroys what is left. */
  const hang = (res: ServerResponse, set: Set<ServerResponse>): void => {
    set.add(res);
    res.on('close', () => set.delete(res));
  };

  /** Answers with the injected failure, or leaves the client hanging / drops the connection; returns the outcome. */
  const applyFault = (req: IncomingMessage, res: ServerResponse, fault: FaultRule, isGateway: boolean): string => {
    if (fault.mode === 'reset') {
      req.socket.destroy();
      return 'reset';
    }
    if (fault.mode === 'timeout') {
      hang(res, hanging);
      return 'timeout';
    }
    const result = faultResult(fault, state, isGateway);
    write(res, result);
    return String(result.status);
  };

  const outageJson = (o: Outage | undefined): Record<string, unknown> | null =>
    o
      ? {
          mode: o.mode,
          ...(o.retryAfterSeconds !== undefined ? { retryAfterSeconds: o.retryAfterSeconds } : {}),
          since: new Date(o.since).toISOString(),
          calls: o.calls,
        }
      : null;

  /** Puts every condition back as the stand-in was started (no outage, counters from zero). */
  const restoreConditions = (): void => {
    limiter.configure(initial.rateLimit);
    latency.configure(initial.latency);
    faultMix.configure(initial.faultMix);
    uploadLimit = initial.uploadLimit;
    endOutage();
    stats.reset(state.now());
  };

  const endOutage = (): Record<string, unknown> | null => {
    const ended = outage;
    outage = undefined;
    for (const res of hangingInOutage) res.destroy();
    return ended
      ? {
          ...outageJson(ended),
          endedAt: new Date(state.now()).toISOString(),
          durationSeconds: (state.now() - ended.since) / 1000,
        }
      : null;
  };

  /** Applies a control body to one condition: PUT sets it, DELETE turns it off, GET reads it. */
  const conditionControl = <T>(
    method: string,
    input: unknown,
    schema: z.ZodType<T>,
    configure: (config: T | undefined) => void,
    read: () => unknown,
  ): { status: number; body: unknown } => {
    if (method === 'PUT') {
      const parsed = schema.safeParse(input);
      if (!parsed.success) return { status: 400, body: { error: parsed.error.message } };
      configure(parsed.data);
    } else if (method === 'DELETE') {
      configure(undefined);
    }
    return { status: 200, body: read() };
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const name = url.pathname.slice('/_stand-in'.length);
    const route = `${method} ${name}`;
    const body =
      method === 'POST' || method === 'PUT'
        ? parseJson((await readBody(req)) || '{}')
        : { ok: true as const, value: {} };
    const input = body.ok ? body.value : undefined;
    const invalid = (message: string): void => sendJson(res, 400, { error: message });
    const conditions: Record<string, () => { status: number; body: unknown }> = {
      '/rate-limit': () =>
        conditionControl<RateLimitConfig>(
          method,
          input,
          rateLimitSchema,
          (c) => limiter.configure(c),
          () => limiter.snapshot(state.now()),
        ),
      '/latency': () =>
        conditionControl<LatencyConfig>(
          method,
          input,
          latencySchema,
          (c) => latency.configure(c),
          () => ({ latency: latency.config ?? null }),
        ),
      '/fault-mix': () =>
        conditionControl<FaultMixConfig>(
          method,
          input,
          faultMixSchema,
          (c) => faultMix.configure(c),
          () => ({ faultMix: faultMix.config ?? null }),
        ),
    };
    const issueStatus = /^\/issues\/([^/]+)\/status$/.exec(name);
    if (issueStatus && method === 'POST') {
      const moved = moveIssueByHand(decodeURIComponent(issueStatus[1] ?? ''), input);
      return sendJson(res, moved.status, moved.body);
    }
    const condition = conditions[name];
    if (condition && ['GET', 'PUT', 'DELETE'].includes(method)) {
      const answer = condition();
      return sendJson(res, answer.status, answer.body);
    }
    switch (route) {
      case 'POST /faults': {
        const parsed = faultSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        const f = parsed.data;
        const rule: FaultRule = {
          path: f.path,
          mode: f.mode ?? 'status',
          remaining: f.count,
          processRequest: f.processRequest,
          ...(f.status !== undefined ? { status: f.status } : {}),
          ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}),
          ...(f.rateLimitReason !== undefined ? { rateLimitReason: f.rateLimitReason } : {}),
        };
        state.faults.push(rule);
        return sendJson(res, 201, { fault: rule });
      }
      case 'GET /faults':
        return sendJson(res, 200, { faults: state.faults });
      case 'DELETE /faults':
        state.faults = [];
        return sendJson(res, 200, { faults: [] });
      case 'GET /issues':
        return sendJson(res, 200, { issues: state.issues, issueLinks: state.issueLinks });
      case 'GET /requests':
        return sendJson(res, 200, requestSummary());
      case 'POST /reset-counters':
        state.counters.clear();
        stats.reset(state.now());
        return sendJson(res, 200, requestSummary());
      case 'GET /stats':
        return sendJson(res, 200, stats.snapshot());
      case 'DELETE /stats':
        stats.reset(state.now());
        return sendJson(res, 200, stats.snapshot());
      case 'GET /outage':
        return sendJson(res, 200, { outage: outageJson(outage) });
      case 'PUT /outage': {
        const parsed = outageSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        // Changing the mode of a running outage keeps its start and its count.
        outage = { ...parsed.data, since: outage?.since ?? state.now(), calls: outage?.calls ?? 0 };
        return sendJson(res, 200, { outage: outageJson(outage) });
      }
      case 'DELETE /outage':
        return sendJson(res, 200, { ended: endOutage() });
      case 'GET /attachment-settings':
        return sendJson(res, 200, { uploadLimit });
      case 'PUT /attachment-settings': {
        const parsed = attachmentSettingsSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        uploadLimit = parsed.data.uploadLimit;
        return sendJson(res, 200, { uploadLimit });
      }
      case 'GET /clock':
        return sendJson(res, 200, {
          now: new Date(state.now()).toISOString(),
          offsetSeconds: state.clockOffsetMs / 1000,
        });
      case 'POST /clock': {
        const parsed = clockSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        state.clockOffsetMs =
          'now' in parsed.data
            ? Date.parse(parsed.data.now) - (state.now() - state.clockOffsetMs)
            : state.clockOffsetMs + parsed.data.advanceSeconds * 1000;
        state.save();
        return sendJson(res, 200, {
          now: new Date(state.now()).toISOString(),
          offsetSeconds: state.clockOffsetMs / 1000,
        });
      }
      case 'GET /tokens':
        return sendJson(res, 200, oauth.snapshot());
      case 'POST /tokens/revoke': {
        const parsed = revokeSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        return sendJson(res, 200, { revokedFamilies: oauth.revokeAll(parsed.data.accountId) });
      }
      case 'POST /permissions/revoke': {
        // An administrator demoted in Jira: /mypermissions says no from now on (until /reset).
        const parsed = revokePermissionSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        const { accountId, permission } = parsed.data;
        const revoked = state.revokedGlobal.get(accountId) ?? new Set<string>();
        revoked.add(permission);
        state.revokedGlobal.set(accountId, revoked);
        return sendJson(res, 200, { accountId, revoked: [...revoked] });
      }
      case 'GET /screens':
        return sendJson(res, 200, { screens: state.screens });
      case 'POST /screens': {
        const parsed = screenSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        const { project, issueType, removeFields, addFields } = parsed.data;
        const screen = state.screens[project.toUpperCase()]?.[issueType];
        if (!screen) return invalid(`No screen for project ${project} and issue type ${issueType}`);
        const kept = screen.filter((s) => !removeFields.includes(s.fieldId));
        for (const add of addFields) {
          const entry = typeof add === 'string' ? { fieldId: add, required: false } : add;
          const existing = kept.findIndex((s) => s.fieldId === entry.fieldId);
          if (existing >= 0) kept.splice(existing, 1, entry);
          else kept.push(entry);
        }
        const byProject = state.screens[project.toUpperCase()];
        if (byProject) byProject[issueType] = kept;
        state.save();
        return sendJson(res, 200, { project: project.toUpperCase(), issueType, fields: kept });
      }
      case 'POST /reset':
        state.reset();
        restoreConditions();
        return sendJson(res, 200, { reset: true });
      default:
        return sendJson(res, 404, { error: `Unknown control endpoint ${route}` });
    }
  };

  const answer = (status: number, body: unknown): { status: number; body: unknown } => ({ status, body });

  /** POST /_stand-in/issues/{key}/status: the issue moves as if an analyst had moved it in Jira. */
  const moveIssueByHand = (ref: string, input: unknown): { status: number; body: unknown } => {
    const parsed = issueStatusSchema.safeParse(input);
    if (!parsed.success) return answer(400, { error: parsed.error.message });
    const issue = state.issues.find((i) => i.key === ref.toUpperCase() || i.id === ref);
    const project = issue ? PROJECTS.find((p) => p.id === issue.projectId) : undefined;
    if (!issue || !project) return answer(404, { error: `No issue ${ref}` });
    const status = findStatus(project, parsed.data.status);
    if (!status) {
      const known = project.workflow.statuses.map((s) => s.name).join(', ');
      return answer(400, {
        error: `No status '${parsed.data.status}' in the workflow of ${project.key} (${known})`,
      });
    }
    const resolution = parsed.data.resolution === undefined ? undefined : findResolution(parsed.data.resolution);
    if (parsed.data.resolution !== undefined && (!resolution || status.category !== 'done'))
      return answer(400, {
        error: `Resolution '${parsed.data.resolution}' needs a known resolution and a done status`,
      });
    moveIssue(links(), issue, status, resolution, state.now());
    state.save();
    return answer(200, {
      key: issue.key,
      status: issue.fields['status'],
      resolution: issue.fields['resolution'],
      resolutiondate: issue.fields['resolutiondate'],
    });
  };

  /** The issue's links as its page lists them: the other issue, with the phrase for this side. */
  const linkLines = (issue: StoredIssue): LinkLine[] =>
    state.issueLinks.flatMap((link) => {
      const type = ISSUE_LINK_TYPES.find((t) => t.id === link.typeId);
      const inward = link.inwardIssueId === issue.id;
      if (!type || (!inward && link.outwardIssueId !== issue.id)) return [];
      const other = state.issues.find((i) => i.id === (inward ? link.outwardIssueId : link.inwardIssueId));
      return other ? [{ phrase: inward ? type.outward : type.inward, key: other.key }] : [];
    });

  const requestSummary = (): { total: number; routes: Record<string, number> } => {
    const routes = Object.fromEntries([...state.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: Object.values(routes).reduce((a, b) => a + b, 0), routes };
  };

  /**
   * Runs an API handler under the injected conditions, in this order: latency, outage, fault rules,
   * fault mix; then the handler (which applies the rate limits). Every call's outcome goes to the stats.
   */
  const serveApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    counterKey: string,
    concrete: string,
    kind: CallKind,
    run: () => ApiResult,
    issues: readonly string[] = [],
  ): Promise<void> => {
    state.count(counterKey);
    const isGateway = kind !== 'auth';
    const wait = isGateway ? latency.next() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Only Jira is down in an outage: auth.atlassian.com and the gateway's own routes keep answering.
    const down = kind === 'jira' ? outage : undefined;
    const done = (outcome: string, rateLimitReason?: string): void =>
      stats.record(counterKey, {
        outcome,
        issues,
        duringOutage: down !== undefined,
        ...(rateLimitReason ? { rateLimitReason } : {}),
      });
    const reply = (result: ApiResult): void => {
      write(res, result);
      done(String(result.status), result.headers?.['ratelimit-reason']);
    };
    if (down) {
      down.calls += 1;
      if (down.mode === 'reset') {
        req.socket.destroy();
        return done('reset');
      }
      if (down.mode === 'timeout') {
        hang(res, hangingInOutage);
        return done('timeout');
      }
      return reply(
        faultResult(
          {
            status: 503,
            ...(down.retryAfterSeconds !== undefined ? { retryAfterSeconds: down.retryAfterSeconds } : {}),
          },
          state,
          true,
        ),
      );
    }
    const [method = 'GET', template = ''] = counterKey.split(' ');
    const fault = state.takeFault(method, template, concrete);
    const faultReason = fault?.status === 429 ? (fault.rateLimitReason ?? 'jira-burst-based') : undefined;
    if (fault && !fault.processRequest) return done(applyFault(req, res, fault, isGateway), faultReason);
    const mix = faultMix.config;
    const draw =
      kind === 'jira' && mix && matchesFaultPath(mix.path, method, template, concrete) ? faultMix.draw() : 'ok';
    if (draw === '429' && mix) {
      return reply(
        rateLimitedResult(state.now(), mix.rateLimitReason, mix.retryAfterSeconds, {
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '0',
        }),
      );
    }
    if (draw === '500' || draw === '503') return reply(faultResult({ status: Number(draw) }, state, true));
    const result = run();
    if (fault) return done(applyFault(req, res, fault, isGateway), faultReason);
    if (draw === 'lost') {
      // Processed, but the answer never arrives: the client cannot tell whether the issue exists.
      req.socket.destroy();
      return done('lost');
    }
    reply(result);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl || 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (path.startsWith('/_stand-in/')) return handleControl(req, res, url);

    if (path === '/authorize' && method === 'GET') {
      state.count('GET /authorize');
      const fault = state.takeFault('GET', '/authorize', '/authorize');
      if (fault) {
        applyFault(req, res, fault, false);
        return;
      }
      return oauth.handleAuthorize(url, res);
    }

    if (path === '/oauth/token' && method === 'POST') {
      const text = await readBody(req);
      return serveApi(req, res, 'POST /oauth/token', '/oauth/token', 'auth', () =>
        oauth.handleToken(parseBodyParams(text, req.headers['content-type'])),
      );
    }

    if (path === '/oauth/token/accessible-resources' && method === 'GET') {
      return serveApi(req, res, 'GET /oauth/token/accessible-resources', path, 'gateway', () => {
        const check = oauth.checkAccessToken(req.headers.authorization);
        if (!check.ok) return { status: 401, body: GATEWAY_UNAUTHORIZED };
        return {
          status: 200,
          body: [
            {
              id: CLOUD_ID,
              url: baseUrl,
              name: SITE_NAME,
              scopes: check.scopes.filter((s) => s !== 'offline_access'),
              avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
            },
          ],
        };
      });
    }

    const gateway = /^\/ex\/jira\/([^/]+)(\/.*)$/.exec(path);
    if (gateway) {
      const cloudId = gateway[1] ?? '';
      const rest = gateway[2] ?? '';
      if (!rest.startsWith(`${REST_PREFIX}/`))
        return sendJson(res, 404, errorCollection([`No API route matches ${rest}.`]));
      const apiPath = rest.slice(REST_PREFIX.length);
      const matched = matchRoute(method, apiPath);
      const template = matched && 'route' in matched ? matched.route.template : apiPath;
      const contentType = req.headers['content-type'];
      let bodyText = '';
      let multipart: MultipartBody | undefined;
      if (method === 'POST' && contentType && isMultipart(contentType)) {
        const raw = await readBodyBytes(req, uploadLimit + MULTIPART_OVERHEAD_BYTES);
        multipart = raw.tooLarge ? { kind: 'too-large' } : await parseMultipart(raw.bytes, contentType);
      } else if (method === 'POST' || method === 'PUT') {
        bodyText = await readBody(req);
      }
      const parsedBody = bodyText ? parseJson(bodyText) : { ok: true as const, value: undefined };
      const body = parsedBody.ok ? parsedBody.value : INVALID_JSON;
      const route = matched && 'route' in matched ? matched : undefined;
      // The existing issues the call names (path, or both issues of a link): the per-issue limits and stats.
      const named = (refs: readonly string[]): StoredIssue[] =>
        [...new Set(refs.map((r) => r.toUpperCase()))].flatMap((r) => {
          const issue = state.issues.find((i) => i.id === r || i.key === r);
          return issue ? [issue] : [];
        });
      const writes = route?.route.writesTo ? named(route.route.writesTo(route.params, body)) : [];
      const touched = named([
        ...(route?.params['issueIdOrKey'] !== undefined ? [route.params['issueIdOrKey']] : []),
        ...writes.map((i) => i.id),
      ]);
      return serveApi(
        req,
        res,
        `${method} ${template}`,
        apiPath,
        'jira',
        (): ApiResult => {
          const check = oauth.checkAccessToken(req.headers.authorization);
          // A cloudId the grant does not cover is refused like a bad token (documented choice, README).
          if (!check.ok || cloudId !== CLOUD_ID) return { status: 401, body: GATEWAY_UNAUTHORIZED };
          if (!matched)
            return {
              status: 404,
              body: errorCollection([`No API route matches ${method} ${REST_PREFIX}${apiPath} in the Jira stand-in.`]),
            };
          if ('allowed' in matched)
            return {
              status: 405,
              body: errorCollection([`Method ${method} is not allowed here.`]),
              headers: { allow: matched.allowed.join(', ') },
            };
          if (!check.scopes.includes(matched.route.scope)) return { status: 401, body: SCOPE_MISMATCH };
          // Per-issue limits count by issue, whether the request names it by key or by id.
          const decision = limiter.decide(
            { method, template, ...(route?.route.writesTo ? { issueWrites: writes.map((i) => i.id) } : {}) },
            state.now(),
          );
          if (!decision.allowed) return decision.result;
          const ctx: RouteContext = {
            user: check.user,
            params: matched.params,
            query: url.searchParams,
            body,
            links: links(),
            state,
            headers: req.headers,
            ...(multipart ? { multipart } : {}),
            uploadLimit,
          };
          const result = matched.route.handle(ctx);
          const headers: Record<string, string> = {
            'x-aaccountid': encodeURIComponent(check.user.accountId),
            'x-arequestid': randomUUID(),
            ...decision.headers,
            ...result.headers,
          };
          return { ...result, headers };
        },
        touched.map((i) => i.key),
      );
    }

    if (method === 'GET' && path === '/') return sendHtml(res, 200, indexPage(state.issues));
    const browse = /^\/browse\/([^/]+)$/.exec(path);
    if (method === 'GET' && browse) {
      const key = decodeURIComponent(browse[1] ?? '').toUpperCase();
      const issue = state.issues.find((i) => i.key === key);
      return issue
        ? sendHtml(
            res,
            200,
            issuePage(
              issue,
              state.attachments.filter((a) => a.issueId === issue.id),
              linkLines(issue),
            ),
          )
        : sendHtml(
            res,
            404,
            page('Issue not found', '<p>This issue does not exist (or was created before the last reset).</p>'),
          );
    }
    const download = /^\/secure\/attachment\/([^/]+)\/[^/]*$/.exec(path);
    const attachment = method === 'GET' && download ? state.attachments.find((a) => a.id === download[1]) : undefined;
    if (attachment) {
      // Content from outside, served from the site's origin: always a download, never rendered here.
      return sendRaw(res, 200, attachment.mimeType, attachment.content, {
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        'content-security-policy': "default-src 'none'; sandbox",
        'x-content-type-options': 'nosniff',
      });
    }
    return sendHtml(res, 404, page('Not found', '<p>Nothing here.</p>'));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A stand-in bug must be loud in tests, but never crash the host process.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, errorCollection([`Jira stand-in error: ${message}`]));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    cloudId: CLOUD_ID,
    issues: () => state.issues,
    requestCounts: () => Object.fromEntries(state.counters),
    stats: () => stats.snapshot(),
    close: async () => {
      for (const res of [...hanging, ...hangingInOutage]) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      state.flush();
    },
  };
}
