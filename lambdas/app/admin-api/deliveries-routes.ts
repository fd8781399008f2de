/** The delivery ledger as the admin site shows it: recent alerts, replay of one, alerts per hour. */
import type { AlertStatus } from '#domain/alert-record.ts';
import { hourlyStatistics } from '#domain/delivery/delivery-stats.ts';
import { replayAlert } from '#domain/delivery/replay-alert.ts';
import { ValidationError } from '#domain/errors.ts';
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

/** A record, so adding a status to the ledger fails to compile until the filter knows it. */
const FILTERABLE: Record<AlertStatus, true> = {
  delivering: true,
  delivered: true,
  queued: true,
  retrying: true,
  failed: true,
  suppressed: true,
  grouped: true,
  pending_configuration: true,
};

function isAlertStatus(value: string): value is AlertStatus {
  return Object.hasOwn(FILTERABLE, value);
}

export function deliveriesRoutes(
  deps: Pick<AdminApiDeps, 'ledger' | 'queue' | 'clock'>,
): Pick<AdminRouteHandlers, 'deliveries' | 'retryDelivery' | 'hourlyStats'> {
  return {
    deliveries: async ({ event }) => {
      const query = queryParams(event);
      const limit = boundedNumber(query, 'limit', 50, 1, 200);
      const cursor = query.get('cursor') ?? undefined;
      const status = query.get('status');
      if (status !== null && !isAlertStatus(status)) throw new ValidationError(`Unknown delivery status ${status}`);
      // Filtered by the ledger's status index, so triage pages through only the alerts that matter;
      // every string of a delivery is capped, so a filtered page of 200 stays far below 6 MB too.
      const page =
        status === null
          ? await deps.ledger.listRecent(limit, cursor, {
              maxBytes: DELIVERIES_PAGE_BYTES,
              sizeOf: (item) => Buffer.byteLength(JSON.stringify(toDeliveryDto(item)), 'utf8'),
            })
          : await deps.ledger.pageByStatus(status, limit, cursor);
      // The rules' part of each row is not in the indexes: one batch read for the page.
      const routing = await deps.ledger.routingOf(page.items.map((item) => item.alertId));
      return json(200, {
        items: page.items.map((item) => toDeliveryDto({ ...item, ...routing.get(item.alertId) })),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      } satisfies AdminResponse<'deliveries'>);
    },

    retryDelivery: async ({ params }) =>
      json(202, (await replayAlert(deps, params.alertId)) satisfies AdminResponse<'retryDelivery'>),

    hourlyStats: async ({ event }) => {
      const days = boundedNumber(queryParams(event), 'days', 3, 1, 14);
      return json(200, { buckets: await hourlyStatistics(deps, days) } satisfies AdminResponse<'hourlyStats'>);
    },
  };
}
