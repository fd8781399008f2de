/** The signed-in administrator: who, sign-out, and the relay's status at a glance. */
import { BREAKER_ITEM, type BreakerState } from '#domain/delivery/jira-governor.ts';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json, noContent } from '#shared/http.ts';
import { type AdminApiDeps, webhookUrl } from './admin-api-deps.ts';
import { toSessionDto, toStatusDto } from './dto-mappers.ts';
import { sessionCookie } from './oauth-routes.ts';
import { ALERT_COUNT_LIMIT, alertCounts, jiraHealth } from './relay-health.ts';
import type { AdminRouteHandlers } from './router.ts';

export function sessionRoutes(
  deps: AdminApiDeps,
): Pick<AdminRouteHandlers, 'session' | 'logout' | 'signOutEverywhere' | 'status'> {
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

    // Needs no Jira call: it must tell the truth exactly when Jira does not answer.
    status: async ({ event }) => {
      const count = (status: Parameters<AdminApiDeps['ledger']['listByStatus']>[0]) =>
        deps.ledger.listByStatus(status, ALERT_COUNT_LIMIT);
      const [connection, config, token, breaker, queued, delivering, retrying, parked, failed, delivered] =
        await Promise.all([
          readConnection(deps.secrets),
          deps.configs.get(),
          deps.tokens.meta(),
          deps.state.getItem<BreakerState>(BREAKER_ITEM),
          count('queued'),
          count('delivering'),
          count('retrying'),
          count('pending_configuration'),
          count('failed'),
          deps.ledger.listByStatus('delivered', 1),
        ]);
      const status = toStatusDto({
        connection,
        configured: config !== undefined,
        token,
        jira: jiraHealth({ connection, breaker, retrying, lastDelivered: delivered[0] }),
        alerts: alertCounts({
          queued: queued.length,
          delivering: delivering.length,
          retrying: retrying.length,
          parked: parked.length,
          failed: failed.length,
        }),
        siteUrl: deps.siteUrl,
        webhookUrl: webhookUrl(deps, event),
        now: deps.clock.now(),
      });
      return json(200, status satisfies AdminResponse<'status'>);
    },
  };
}
