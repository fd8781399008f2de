/**
 * Outcome of every API call the stand-in served, per `METHOD /route` and per status, so a benchmark
 * can report how many calls Jira received, how many it refused with 429 and how many hit an outage;
 * and per issue, so a test can say "two edits and one comment reached SEC-1".
 * Outcomes without a status: `lost` (processed, connection dropped), `reset` (dropped), `timeout` (never answered).
 */
export interface CallOutcome {
  /** HTTP status, or `lost` / `reset` / `timeout`. */
  readonly outcome: string;
  readonly rateLimitReason?: string;
  readonly duringOutage: boolean;
  /** Keys of the existing issues the call named (its path, or both issues of a link). */
  readonly issues?: readonly string[];
}

export interface RouteOutcomes {
  readonly total: number;
  readonly byStatus: Record<string, number>;
}

export interface StatsSnapshot {
  readonly since: string;
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly byRoute: Record<string, RouteOutcomes>;
  /** Issue key → calls that named the issue, per route (`{"SEC-1": {"PUT /issue/{issueIdOrKey}": {total, byStatus}}}`). */
  readonly byIssue: Record<string, Record<string, RouteOutcomes>>;
  readonly rateLimited: { total: number; byReason: Record<string, number> };
  readonly duringOutage: number;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function outcomes(statuses: Record<string, number>): RouteOutcomes {
  return { total: Object.values(statuses).reduce((a, b) => a + b, 0), byStatus: sorted(statuses) };
}

export class CallStats {
  private since: number;
  private byRoute: Record<string, Record<string, number>> = {};
  private byIssue: Record<string, Record<string, Record<string, number>>> = {};
  private byReason: Record<string, number> = {};
  private outageCalls = 0;

  constructor(now: number) {
    this.since = now;
  }

  record(route: string, call: CallOutcome): void {
    this.byRoute[route] ??= {};
    increment(this.byRoute[route], call.outcome);
    for (const key of new Set(call.issues ?? [])) {
      this.byIssue[key] ??= {};
      const routes = this.byIssue[key];
      routes[route] ??= {};
      increment(routes[route], call.outcome);
    }
    if (call.outcome === '429') increment(this.byReason, call.rateLimitReason ?? 'unknown');
    if (call.duringOutage) this.outageCalls += 1;
  }

  reset(now: number): void {
    this.since = now;
    this.byRoute = {};
    this.byIssue = {};
    this.byReason = {};
    this.outageCalls = 0;
  }

  snapshot(): StatsSnapshot {
    const byStatus: Record<string, number> = {};
    const byRoute: StatsSnapshot['byRoute'] = {};
    let total = 0;
    for (const [route, statuses] of Object.entries(this.byRoute)) {
      byRoute[route] = outcomes(statuses);
      total += byRoute[route].total;
      for (const [status, n] of Object.entries(statuses)) byStatus[status] = (byStatus[status] ?? 0) + n;
    }
    const byIssue = Object.fromEntries(
      Object.entries(this.byIssue).map(([key, routes]) => [
        key,
        sorted(Object.fromEntries(Object.entries(routes).map(([route, statuses]) => [route, outcomes(statuses)]))),
      ]),
    );
    return {
      since: new Date(this.since).toISOString(),
      total,
      byStatus: sorted(byStatus),
      byRoute: sorted(byRoute),
      byIssue: sorted(byIssue),
      rateLimited: { total: byStatus['429'] ?? 0, byReason: sorted(this.byReason) },
      duringOutage: this.outageCalls,
    };
  }
}
