/** The delivery ledger as the admin site shows it: recent alerts, replay of one, alerts per hour. */
import { hourlyStatistics } from '#domain/delivery/delivery-stats.ts';
import { replayAlert } from '#domain/delivery/replay-alert.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json } from '#shared/http.ts';
import type { AdminApiDeps } from './admin-api-deps.ts';
import { toDeliveryDto } from './dto-mappers.ts';
import { boundedNumber, queryParams } from './request-input.ts';
import type { AdminRouteHandlers } from './router.ts';

export function deliveriesRoutes(
  deps: Pick<AdminApiDeps, 'ledger' | 'queue' | 'clock'>,
): Pick<AdminRouteHandlers, 'deliveries' | 'retryDelivery' | 'hourlyStats'> {
  return {
    deliveries: async ({ event }) => {
      const query = queryParams(event);
      const page = await deps.ledger.listRecent(boundedNumber(query, 'limit', 50, 1, 200), query.get('cursor') ?? undefined);
      return json(200, {
        items: page.items.map(toDeliveryDto),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      } satisfies AdminResponse<'deliveries'>);
    },

    retryDelivery: async ({ params }) => json(202, (await replayAlert(deps, params.alertId)) satisfies AdminResponse<'retryDelivery'>),

    hourlyStats: async ({ event }) => {
      const days = boundedNumber(queryParams(event), 'days', 3, 1, 14);
      return json(200, { buckets: await hourlyStatistics(deps, days) } satisfies AdminResponse<'hourlyStats'>);
    },
  };
}
