/** Sign-in with Atlassian, which is also how the relay connects to Jira: `/oauth/login` and `/oauth/callback`, and their cookies. */
import { completeSignIn, type SignInDeps, startSignIn } from '#domain/access/admin-sign-in.ts';
import { releasePendingAlerts } from '#domain/delivery/release-parked-alerts.ts';
import { AccessDeniedError } from '#domain/errors.ts';
import { cookie, redirect } from '#shared/http.ts';
import type { AdminApiDeps } from './admin-api-deps.ts';
import { queryParams } from './request-input.ts';
import type { AdminRouteHandlers } from './router.ts';

export const SESSION_COOKIE = 'relay_session';
const BINDING_COOKIE = 'relay_oauth';
/** Seconds the browser has to come back from Atlassian's consent screen. */
const BINDING_SECONDS = 600;

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The state-binding cookie must survive the cross-site redirect back from Atlassian, hence Lax. */
function bindingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${BINDING_COOKIE}=${value}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function oauthRoutes(deps: AdminApiDeps): Pick<AdminRouteHandlers, 'signIn' | 'signInCallback'> {
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

  return {
    signIn: async ({ baseUrl }) => {
      const { location, browserBinding } = await startSignIn(signInDeps(baseUrl));
      return redirect(location, [bindingCookie(browserBinding, BINDING_SECONDS, baseUrl.startsWith('https:'))]);
    },

    signInCallback: async ({ event, baseUrl }) => {
      const secure = baseUrl.startsWith('https:');
      const query = queryParams(event);
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
        // Every refusal becomes a redirect the sign-in screen explains, never an error page.
        const reason = error instanceof AccessDeniedError ? error.reason : 'oauth_failed';
        deps.log.warn('Sign-in refused', { reason, errorName: error instanceof Error ? error.name : typeof error });
        return redirect(`${baseUrl}/?signin=denied&reason=${reason}`, [clearBinding]);
      }
    },
  };
}
