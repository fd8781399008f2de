/**
 * Jira Cloud + Atlassian OAuth stand-in: one node:http server that plays auth.atlassian.com,
 * api.atlassian.com (gateway + Jira REST v3) and the Jira site's browser pages, on loopback.
 * Used by `npm start` and by the integration tests. Behaviour and seed: README.md beside this file.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { parseBodyParams, parseJson, readBody, sendHtml, sendJson, errorCollection, type ApiResult } from './http.ts';
import { OAuthServer, tokenFingerprint } from './oauth.ts';
import { indexPage, issuePage, page } from './pages.ts';
import type { Links } from './representations.ts';
import { INVALID_JSON, matchRoute, type RouteContext } from './rest-api.ts';
import { CLOUD_ID, SITE_NAME } from './seed.ts';
import { StandInState, type FaultRule, type StoredIssue } from './state.ts';

export { tokenFingerprint };
export { CLOUD_ID, FIELDS, ISSUE_TYPES, PRIORITIES, PROJECTS, USERS } from './seed.ts';
export type { StoredIssue };

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
}

export interface JiraStandIn {
  /** `http://127.0.0.1:PORT`: use it as ATLASSIAN_AUTH_URL, ATLASSIAN_API_URL and JIRA_SITE_URL. */
  readonly url: string;
  readonly cloudId: string;
  /** Issues created so far, with their stored fields (same data as GET /_stand-in/issues). */
  issues(): readonly StoredIssue[];
  /** Jira calls counted per `METHOD /route` since the last reset (same as GET /_stand-in/requests). */
  requestCounts(): Readonly<Record<string, number>>;
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
const clockSchema = z.object({ advanceSeconds: z.number() });
const screenSchema = z.object({
  project: z.string(),
  issueType: z.string(),
  removeFields: z.array(z.string()).default([]),
  addFields: z.array(z.union([z.string(), z.object({ fieldId: z.string(), required: z.boolean().default(false) })])).default([]),
});
const revokeSchema = z.object({ accountId: z.string().optional() });

function rateLimitReset(nowMs: number, seconds: number): string {
  // Jira's X-RateLimit-Reset: ISO timestamp to the minute, `yyyy-MM-ddTHH:mmZ`.
  return `${new Date(nowMs + seconds * 1000).toISOString().slice(0, 16)}Z`;
}

function faultResult(fault: FaultRule, state: StandInState, isGateway: boolean): ApiResult {
  const status = fault.status ?? 503;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  if (status === 429) {
    const wait = fault.retryAfterSeconds ?? 5;
    headers['retry-after'] = String(wait);
    headers['x-ratelimit-reset'] = rateLimitReset(state.now(), wait);
    headers['ratelimit-reason'] = fault.rateLimitReason ?? 'jira-burst-based';
    headers['x-ratelimit-limit'] = '100';
    headers['x-ratelimit-remaining'] = '0';
    return { status, headers, body: errorCollection(['Rate limit exceeded.']) };
  }
  if (status === 401) return { status, headers, body: isGateway ? GATEWAY_UNAUTHORIZED : errorCollection(['Unauthorized']) };
  if (status >= 500) return { status, headers, body: errorCollection([status === 503 ? 'Service Unavailable' : 'Internal server error']) };
  return { status, headers, body: errorCollection([`Fault injected by the Jira stand-in (${status}).`]) };
}

/** Starts the stand-in on loopback. Close it in afterAll / on shutdown. */
export async function startJiraStandIn(options: JiraStandInOptions): Promise<JiraStandIn> {
  const host = options.host ?? '127.0.0.1';
  const state = new StandInState(options.now ?? Date.now, options.dataFile);
  let baseUrl = '';
  const oauth = new OAuthServer(state, options, () => baseUrl);
  const links = (): Links => ({ api: `${baseUrl}/ex/jira/${CLOUD_ID}${REST_PREFIX}`, site: baseUrl });
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const write = (res: ServerResponse, result: ApiResult, extra: Record<string, string> = {}): void => {
    sendJson(res, result.status, result.body, { ...extra, ...(result.headers ?? {}) });
  };

  /** Answers with the injected failure, or leaves the client hanging / drops the connection. */
  const applyFault = (req: IncomingMessage, res: ServerResponse, fault: FaultRule, isGateway: boolean): void => {
    if (fault.mode === 'reset') {
      req.socket.destroy();
    } else if (fault.mode === 'timeout') {
      // Never answer: the client's timeout fires. close() destroys what is left.
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    } else {
      write(res, faultResult(fault, state, isGateway));
    }
  };

  const handleControl = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method ?? 'GET'} ${url.pathname.slice('/_stand-in'.length)}`;
    const body = req.method === 'POST' ? parseJson((await readBody(req)) || '{}') : { ok: true as const, value: {} };
    const input = body.ok ? body.value : undefined;
    const invalid = (message: string): void => sendJson(res, 400, { error: message });
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
        return sendJson(res, 200, { issues: state.issues });
      case 'GET /requests':
        return sendJson(res, 200, requestSummary());
      case 'POST /reset-counters':
        state.counters.clear();
        return sendJson(res, 200, requestSummary());
      case 'GET /clock':
        return sendJson(res, 200, { now: new Date(state.now()).toISOString(), offsetSeconds: state.clockOffsetMs / 1000 });
      case 'POST /clock': {
        const parsed = clockSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        state.clockOffsetMs += parsed.data.advanceSeconds * 1000;
        state.save();
        return sendJson(res, 200, { now: new Date(state.now()).toISOString(), offsetSeconds: state.clockOffsetMs / 1000 });
      }
      case 'GET /tokens':
        return sendJson(res, 200, oauth.snapshot());
      case 'POST /tokens/revoke': {
        const parsed = revokeSchema.safeParse(input);
        if (!parsed.success) return invalid(parsed.error.message);
        return sendJson(res, 200, { revokedFamilies: oauth.revokeAll(parsed.data.accountId) });
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
        return sendJson(res, 200, { reset: true });
      default:
        return sendJson(res, 404, { error: `Unknown control endpoint ${route}` });
    }
  };

  const requestSummary = (): { total: number; routes: Record<string, number> } => {
    const routes = Object.fromEntries([...state.counters.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return { total: Object.values(routes).reduce((a, b) => a + b, 0), routes };
  };

  /** Runs an API handler under the fault rules: count, maybe fail, maybe run and drop the answer. */
  const serveApi = (
    req: IncomingMessage,
    res: ServerResponse,
    counterKey: string,
    concrete: string,
    isGateway: boolean,
    run: () => ApiResult,
    headers: Record<string, string> = {},
  ): void => {
    state.count(counterKey);
    const [method = 'GET', template = ''] = counterKey.split(' ');
    const fault = state.takeFault(method, template, concrete);
    if (fault && !fault.processRequest) return applyFault(req, res, fault, isGateway);
    const result = run();
    if (fault) return applyFault(req, res, fault, isGateway);
    write(res, result, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', baseUrl || 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (path.startsWith('/_stand-in/')) return handleControl(req, res, url);

    if (path === '/authorize' && method === 'GET') {
      state.count('GET /authorize');
      const fault = state.takeFault('GET', '/authorize', '/authorize');
      if (fault) return applyFault(req, res, fault, false);
      return oauth.handleAuthorize(url, res);
    }

    if (path === '/oauth/token' && method === 'POST') {
      const text = await readBody(req);
      return serveApi(req, res, 'POST /oauth/token', '/oauth/token', false, () =>
        oauth.handleToken(parseBodyParams(text, req.headers['content-type'])),
      );
    }

    if (path === '/oauth/token/accessible-resources' && method === 'GET') {
      return serveApi(req, res, 'GET /oauth/token/accessible-resources', path, true, () => {
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
      if (!rest.startsWith(`${REST_PREFIX}/`)) return sendJson(res, 404, errorCollection([`No API route matches ${rest}.`]));
      const apiPath = rest.slice(REST_PREFIX.length);
      const matched = matchRoute(method, apiPath);
      const template = matched && 'route' in matched ? matched.route.template : apiPath;
      const bodyText = method === 'POST' ? await readBody(req) : '';
      return serveApi(req, res, `${method} ${template}`, apiPath, true, (): ApiResult => {
        const check = oauth.checkAccessToken(req.headers.authorization);
        // A cloudId the grant does not cover is refused like a bad token (documented choice, README).
        if (!check.ok || cloudId !== CLOUD_ID) return { status: 401, body: GATEWAY_UNAUTHORIZED };
        if (!matched) return { status: 404, body: errorCollection([`No API route matches ${method} ${REST_PREFIX}${apiPath} in the Jira stand-in.`]) };
        if ('allowed' in matched) return { status: 405, body: errorCollection([`Method ${method} is not allowed here.`]), headers: { allow: matched.allowed.join(', ') } };
        if (!check.scopes.includes(matched.route.scope)) return { status: 401, body: SCOPE_MISMATCH };
        const parsedBody = bodyText ? parseJson(bodyText) : { ok: true as const, value: undefined };
        const ctx: RouteContext = {
          user: check.user,
          params: matched.params,
          query: url.searchParams,
          body: parsedBody.ok ? parsedBody.value : INVALID_JSON,
          links: links(),
          state,
        };
        const result = matched.route.handle(ctx);
        const headers: Record<string, string> = { 'x-aaccountid': encodeURIComponent(check.user.accountId), 'x-arequestid': randomUUID(), ...result.headers };
        return { ...result, headers };
      });
    }

    if (method === 'GET' && path === '/') return sendHtml(res, 200, indexPage(state.issues));
    const browse = /^\/browse\/([^/]+)$/.exec(path);
    if (method === 'GET' && browse) {
      const key = decodeURIComponent(browse[1] ?? '').toUpperCase();
      const issue = state.issues.find((i) => i.key === key);
      return issue
        ? sendHtml(res, 200, issuePage(issue))
        : sendHtml(res, 404, page('Issue not found', '<p>This issue does not exist (or was created before the last reset).</p>'));
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
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      state.flush();
    },
  };
}
