/**
 * The admin API's router: method + path template → handler, with the session check and the CSRF
 * guard in this one place, and every failure answered from the error table.
 * Hand-written, not Powertools' event-handler Router (2.35): a two-route handler costs 1,545 bytes over a bare one with this router, 26,398 with Powertools' (esbuild, minified ESM, node24).
 */
import type { EventLog } from '#domain/delivery/deliver-alert.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from '#domain/errors.ts';
import type { AdminSession } from '#domain/ports.ts';
import type { AdminRoutes, PathParams } from '#shared/admin-api-routes.ts';
import { errorResult, header, json, type HttpEvent, type HttpHandler, type HttpResult } from '#shared/http.ts';

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

export interface RouterOptions {
  /** The live session the request's cookie names, if any. */
  readonly session: (event: HttpEvent) => Promise<AdminSession | undefined>;
  readonly baseUrl: (event: HttpEvent) => string;
  readonly log: EventLog;
}

interface CompiledRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly needsSession: boolean;
  readonly handle: (request: { event: HttpEvent; params: Record<string, string>; baseUrl: string; session?: AdminSession }) => Promise<HttpResult>;
}

function compile(spec: RouteSpec, handle: CompiledRoute['handle']): CompiledRoute {
  const names: string[] = [];
  const pattern = new RegExp(`^${spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
  return { method: spec.method, pattern, names, needsSession: spec.needsSession, handle };
}

export function makeRouter<T extends Readonly<Record<string, RouteSpec>>>(table: T, handlers: RouteHandlers<T>, options: RouterOptions): HttpHandler {
  const routes = Object.entries(table).map(([name, spec]) =>
    // Each handler is typed by its own route; here they share the widest request shape.
    compile(spec, handlers[name as keyof T] as unknown as CompiledRoute['handle']),
  );

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    try {
      const baseUrl = options.baseUrl(event);
      const candidates = routes.filter((r) => r.pattern.test(path));
      if (candidates.length === 0) throw new NotFoundError(`No route ${path}`);
      const match = candidates.find((r) => r.method === method);
      if (!match) return json(405, { error: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}` });
      const values = match.pattern.exec(path)?.slice(1) ?? [];
      const params = Object.fromEntries(match.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]));
      if (!match.needsSession) return await match.handle({ event, params, baseUrl });
      const session = await options.session(event);
      if (!session) throw new UnauthenticatedError();
      // CSRF guard on top of SameSite=Strict: cross-site forms cannot send application/json without a preflight.
      if (method !== 'GET' && !(header(event, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
        throw new ValidationError('Send mutations with Content-Type: application/json');
      }
      return await match.handle({ event, params, baseUrl, session });
    } catch (error) {
      return errorResult(error, options.log, 'Admin API request failed', { path, method });
    }
  };
}
