/** The delivery ledger as the admin site shows it: recent alerts, replay of one, alerts per hour. */
import { hourlyStatistics } from '#domain/delivery/delivery-stats.ts';
import { replayAlert } from '#domain/delivery/replay-alert.ts';
import type { AdminResponse } from '#shared/admin-api-routes.ts';
import { json } from '#shared/http.ts';
import type { AdminApiDeps } from './admin-api-deps.ts';
import { toDeliveryDto } from './dto-mappers.ts';
import { boundedNumber, queryParams } from './request-input.ts';
import type { AdminRouteHandlers } from './router.ts';

/**
 * A page of deliveries stays far below Lambda's 6 MB response limit (and quick on a phone): it ends
 * early, with a cursor, once its items take this many bytes.
 */
export const DELIVERIES_PAGE_BYTES = 512 * 1024;

export function deliveriesRoutes(
  deps: Pick<AdminApiDeps, 'ledger' | 'queue' | 'clock'>,
): Pick<AdminRouteHandlers, 'deliveries' | 'retryDelivery' | 'hourlyStats'> {
  return {
    deliveries: async ({ event }) => {
      const query = queryParams(event);
      const page = await deps.ledger.listRecent(boundedNumber(query, 'limit', 50, 1, 200), query.get('cursor') ?? undefined, {
        maxBytes: DELIVERIES_PAGE_BYTES,
        sizeOf: (item) => Buffer.byteLength(JSON.stringify(toDeliveryDto(item)), 'utf8'),
      });
      return json(200, {
        items: page.items.map((item) => toDeliveryDto(item)),
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
