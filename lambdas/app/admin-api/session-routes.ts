/** The signed-in administrator: who, sign-out, and the relay's status at a glance. */
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json, noContent } from '#shared/http.ts';
import { webhookUrl, type AdminApiDeps } from './admin-api-deps.ts';
import { toSessionDto, toStatusDto } from './dto-mappers.ts';
import { sessionCookie } from './oauth-routes.ts';
import type { AdminRouteHandlers } from './router.ts';

/** Parked alerts counted for the status page; more than this reads as "100". */
const PENDING_COUNT_LIMIT = 100;

export function sessionRoutes(deps: AdminApiDeps): Pick<AdminRouteHandlers, 'session' | 'logout' | 'signOutEverywhere' | 'status'> {
  return {
    session: async ({ session }) => json(200, toSessionDto(session, deps.siteUrl) satisfies AdminResponse<'session'>),

    logout: async ({ session, baseUrl }) => {
      await deps.sessions.delete(session.id);
      return noContent([sessionCookie('', 0, baseUrl.startsWith('https:'))]);
    },

    signOutEverywhere: async ({ session, baseUrl }) => {
      const endedSessions = await deps.sessions.deleteAll();
      deps.log.info('Every admin session ended', { accountId: session.accountId, endedSessions });
      return json(200, { endedSessions } satisfies AdminResponse<'signOutEverywhere'>, {
        cookies: [sessionCookie('', 0, baseUrl.startsWith('https:'))],
      });
    },

    status: async ({ event }) => {
      const [connection, config, token, pending] = await Promise.all([
        readConnection(deps.secrets),
        deps.configs.get(),
        deps.tokens.meta(),
        deps.ledger.listByStatus('pending_configuration', PENDING_COUNT_LIMIT),
      ]);
      const status = toStatusDto({
        connection,
        configured: config !== undefined,
        token,
        pendingAlerts: pending.length,
        siteUrl: deps.siteUrl,
        webhookUrl: webhookUrl(deps, event),
        now: deps.clock.now(),
      });
      return json(200, status satisfies AdminResponse<'status'>);
    },
  };
}
