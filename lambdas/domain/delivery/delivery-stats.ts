/** Delivery statistics for the admin site's chart: alerts per hour and priority. */
import type { AlertLedger, AlertSummary, Clock } from '#domain/ports.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface HourBucket {
  /** ISO hour start, UTC. */
  readonly hour: string;
  /** Priority name (or "None" when the alert got none) → count. */
  readonly byPriority: Record<string, number>;
}

/** Alerts per UTC hour and priority since `days` ago, oldest first, including empty hours. */
export function hourlyBuckets(records: readonly AlertSummary[], now: Date, days: number): HourBucket[] {
  const end = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const start = end - (days * 24 - 1) * HOUR_MS;
  const buckets = new Map<number, Record<string, number>>();
  for (let t = start; t <= end; t += HOUR_MS) buckets.set(t, {});
  for (const record of records) {
    const hour = Math.floor(Date.parse(record.receivedAt) / HOUR_MS) * HOUR_MS;
    const bucket = buckets.get(hour);
    if (!bucket) continue;
    const priority = record.priority ?? 'None';
    bucket[priority] = (bucket[priority] ?? 0) + 1;
  }
  return [...buckets].map(([hour, byPriority]) => ({ hour: new Date(hour).toISOString(), byPriority }));
}

/** The ledger's alerts of the last `days` days, counted per UTC hour and priority. */
export async function hourlyStatistics(
  deps: { readonly ledger: AlertLedger; readonly clock: Clock },
  days: number,
): Promise<HourBucket[]> {
  const now = deps.clock.now();
  const records = await deps.ledger.listSince(new Date(now.getTime() - days * DAY_MS));
  return hourlyBuckets(records, now, days);
}
