/**
 * The admin API behind the hosted admin site: `/oauth/*` (sign-in = connect) and `/api/*`
 * (session-protected JSON). The routes are declared once in `#shared/admin-api-routes.ts`; each
 * area's handlers live in its own module, and the router checks the origin, the session (and the
 * administrator's rights) and CSRF for all.
 */
import { currentSession } from '#domain/access/admin-sign-in.ts';
import { SessionRights } from '#domain/access/session-rights.ts';
import { adminRoutes } from '#shared/admin-api-routes.ts';
import { cookie, type HttpHandler } from '#shared/http.ts';
import { type AdminApiDeps, requestBaseUrl } from './admin-api-deps.ts';
import { configRoutes } from './config-routes.ts';
import { deliveriesRoutes } from './deliveries-routes.ts';
import { oauthRoutes, SESSION_COOKIE, sessionCookie } from './oauth-routes.ts';
import { cachedOriginSecret } from './origin-secret.ts';
import { makeRouter } from './router.ts';
import { sessionRoutes } from './session-routes.ts';
import { tokenRoutes } from './token-routes.ts';

export type { AdminApiDeps } from './admin-api-deps.ts';

export function makeAdminApi(deps: AdminApiDeps): HttpHandler {
  const rights = new SessionRights({
    sessions: deps.sessions,
    // Refreshing needs no callback URL.
    oauth: deps.oauthFor(''),
    identity: deps.identity,
    secrets: deps.secrets,
    relayTokens: deps.relayTokens,
    clock: deps.clock,
    log: deps.log,
  });
  return makeRouter(
    adminRoutes,
    {
      ...oauthRoutes(deps),
      ...sessionRoutes(deps),
      ...configRoutes(deps),
      ...tokenRoutes(deps),
      ...deliveriesRoutes(deps),
    },
    {
      originSecret: cachedOriginSecret(deps.secrets, deps.clock),
      session: (event) => currentSession(deps, cookie(event, SESSION_COOKIE)),
      confirm: (session, change) => rights.confirm(session, change),
      signedOutCookies: (baseUrl) => [sessionCookie('', 0, baseUrl.startsWith('https:'))],
      baseUrl: (event) => requestBaseUrl(deps, event),
      log: deps.log,
    },
  );
}
