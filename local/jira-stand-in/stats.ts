/**
 * Outcome of every API call the stand-in served, per `METHOD /route` and per status, so a benchmark
 * can report how many calls Jira received, how many it refused with 429 and how many hit an outage.
 * Outcomes without a status: `lost` (processed, connection dropped), `reset` (dropped), `timeout` (never answered).
 */
export interface CallOutcome {
  /** HTTP status, or `lost` / `reset` / `timeout`. */
  readonly outcome: string;
  readonly rateLimitReason?: string;
  readonly duringOutage: boolean;
}

export interface StatsSnapshot {
  readonly since: string;
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly byRoute: Record<string, { total: number; byStatus: Record<string, number> }>;
  readonly rateLimited: { total: number; byReason: Record<string, number> };
  readonly duringOutage: number;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export class CallStats {
  private since: number;
  private byRoute: Record<string, Record<string, number>> = {};
  private byReason: Record<string, number> = {};
  private outageCalls = 0;

  constructor(now: number) {
    this.since = now;
  }

  record(route: string, call: CallOutcome): void {
    this.byRoute[route] ??= {};
    increment(this.byRoute[route], call.outcome);
    if (call.outcome === '429') increment(this.byReason, call.rateLimitReason ?? 'unknown');
    if (call.duringOutage) this.outageCalls += 1;
  }

  reset(now: number): void {
    this.since = now;
    this.byRoute = {};
    this.byReason = {};
    this.outageCalls = 0;
  }

  snapshot(): StatsSnapshot {
    const byStatus: Record<string, number> = {};
    const byRoute: StatsSnapshot['byRoute'] = {};
    let total = 0;
    for (const [route, statuses] of Object.entries(this.byRoute)) {
      const routeTotal = Object.values(statuses).reduce((a, b) => a + b, 0);
      byRoute[route] = { total: routeTotal, byStatus: sorted(statuses) };
      total += routeTotal;
      for (const [status, n] of Object.entries(statuses)) byStatus[status] = (byStatus[status] ?? 0) + n;
    }
    return {
      since: new Date(this.since).toISOString(),
      total,
      byStatus: sorted(byStatus),
      byRoute: sorted(byRoute),
      rateLimited: { total: byStatus['429'] ?? 0, byReason: sorted(this.byReason) },
      duringOutage: this.outageCalls,
    };
  }
}
