/**
 * The admin API's router: method + path template → handler, with the origin check, the session
 * check (and the re-check of the administrator's rights) and the CSRF guard in this one place, and
 * every failure answered from the error table.
 * Hand-written, not Powertools' event-handler Router (2.35): a two-route handler costs 1,545 bytes over a bare one with this router, 26,398 with Powertools' (esbuild, minified ESM, node24).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import { DirectAccessError, NotFoundError, UnauthenticatedError, ValidationError } from '#domain/errors.ts';
import type { AdminSession } from '#domain/ports.ts';
import type { AdminRoutes, PathParams } from '#shared/admin-api-routes.ts';
import { errorResult, type HttpEvent, type HttpHandler, type HttpResult, header, json } from '#shared/http.ts';

export interface RouteSpec {
  readonly method: string;
  readonly path: string;
  readonly needsSession: boolean;
}

/** What a handler gets: the event, the decoded `{name}` segments of its path, the public origin, and the session if its route needs one. */
export type RouteRequest<S extends RouteSpec> = {
  readonly event: HttpEvent;
  readonly params: PathParams<S['path']>;
  /** Public origin of the admin site, without a trailing slash. */
  readonly baseUrl: string;
} & (S['needsSession'] extends true ? { readonly session: AdminSession } : unknown);

/** One handler per route of `T`, each typed by its own route (path parameters, session). */
export type RouteHandlers<T extends Readonly<Record<string, RouteSpec>>> = {
  readonly [N in keyof T]: (request: RouteRequest<T[N]>) => Promise<HttpResult>;
};

/** Handlers of the admin API's own table; each route module provides a part of it. */
export type AdminRouteHandlers = RouteHandlers<AdminRoutes>;

/** The header the admin site's distribution adds to every request it forwards to the admin API. */
export const ORIGIN_VERIFY_HEADER = 'x-relay-origin-verify';

export interface RouterOptions {
  /**
   * The value `x-relay-origin-verify` must carry; undefined when none is configured, which refuses
   * every request (fail closed).
   */
  readonly originSecret: () => Promise<string | undefined>;
  /** The live session the request's cookie names, if any. */
  readonly session: (event: HttpEvent) => Promise<AdminSession | undefined>;
  /**
   * Confirms the session's rights before its handler runs (`change`: the route is a mutation) and
   * returns the session as re-checked; throws UnauthenticatedError when they are gone.
   */
  readonly confirm?: (session: AdminSession, change: boolean) => Promise<AdminSession>;
  /** Cookies that end the browser's session, sent with every 401 of the session guard. */
  readonly signedOutCookies?: (baseUrl: string) => string[];
  readonly baseUrl: (event: HttpEvent) => string;
  readonly log: EventLog;
}

/** Constant-time comparison; hashing first gives both sides the same length, so length leaks nothing either. */
export function sameSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || expected === undefined || expected === '') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

interface CompiledRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly needsSession: boolean;
  readonly handle: (request: {
    event: HttpEvent;
    params: Record<string, string>;
    baseUrl: string;
    session?: AdminSession;
  }) => Promise<HttpResult>;
}

function compile(spec: RouteSpec, handle: CompiledRoute['handle']): CompiledRoute {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`,
  );
  return { method: spec.method, pattern, names, needsSession: spec.needsSession, handle };
}

export function makeRouter<T extends Readonly<Record<string, RouteSpec>>>(
  table: T,
  handlers: RouteHandlers<T>,
  options: RouterOptions,
): HttpHandler {
  const routes = Object.entries(table).map(([name, spec]) =>
    // Each handler is typed by its own route; here they share the widest request shape.
    compile(spec, handlers[name as keyof T] as unknown as CompiledRoute['handle']),
  );

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    try {
      // One way in: only the admin site's distribution knows this value, so a direct call to the
      // API's own endpoint is refused before anything else reads the request (its headers included).
      if (!sameSecret(header(event, ORIGIN_VERIFY_HEADER), await options.originSecret())) throw new DirectAccessError();
    } catch (error) {
      return errorResult(error, options.log, 'Admin API origin check failed', { path, method });
    }
    let baseUrl = '';
    try {
      baseUrl = options.baseUrl(event);
      const candidates = routes.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw new NotFoundError(`No route ${path}`);
      const match = candidates.find((r) => r.method === method);
      if (!match) return json(405, { error: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}` });
      const values = match.pattern.exec(path)?.slice(1) ?? [];
      const params = Object.fromEntries(match.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
      if (!match.needsSession) return await match.handle({ event, params, baseUrl });
      const found = await options.session(event);
      if (!found) throw new UnauthenticatedError();
      const change = method !== 'GET';
      // CSRF guard on top of SameSite=Strict: cross-site forms cannot send application/json without a preflight.
      if (change && !(header(event, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
        throw new ValidationError('Send mutations with Content-Type: application/json');
      }
      const session = options.confirm ? await options.confirm(found, change) : found;
      return await match.handle({ event, params, baseUrl, session });
    } catch (error) {
      const result = errorResult(error, options.log, 'Admin API request failed', { path, method });
      // A browser holding a dead session cookie drops it, so the site shows the sign-in screen.
      if (error instanceof UnauthenticatedError && options.signedOutCookies)
        return { ...result, cookies: options.signedOutCookies(baseUrl) };
      return result;
    }
  };
}
