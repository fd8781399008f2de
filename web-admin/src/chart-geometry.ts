/**
 * Alerts-per-hour chart: turns `HourBucketDto`s into stacked-bar geometry. Pure (no DOM) so the
 * layout is unit-tested; `views/hourly-chart.ts` only draws what this returns.
 */
import type { HourBucketDto } from '#shared/admin-api-types.ts';

const HOUR_MS = 3_600_000;

/** Jira's default priority order, most urgent first; other names follow alphabetically, "None" last. */
const KNOWN_ORDER = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

export function orderPriorities(names: Iterable<string>): string[] {
  const unique = [...new Set(names)];
  const rank = (name: string): number => {
    if (name === 'None') return 1000;
    const index = KNOWN_ORDER.indexOf(name);
    return index === -1 ? 100 : index;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface ChartBox {
  width: number;
  height: number;
  /** Space for axis labels. */
  padding: { top: number; right: number; bottom: number; left: number };
}

export interface BarSegment {
  priority: string;
  count: number;
  y: number;
  height: number;
}

export interface Bar {
  /** ISO hour start (UTC). */
  hour: string;
  x: number;
  width: number;
  total: number;
  segments: BarSegment[];
}

export interface ChartLayout {
  bars: Bar[];
  priorities: string[];
  /** Top of the y axis (a "nice" number ≥ the highest total, at least 1). */
  yMax: number;
  yTicks: { value: number; y: number }[];
  /** One label per day boundary (local midnight) for the x axis. */
  xLabels: { x: number; hour: string }[];
  total: number;
  totalsByPriority: Record<string, number>;
}

/** Smallest of 1, 2, 5 × 10^n that is ≥ value. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

function hourStart(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/**
 * Lays out `hours` consecutive hourly bars ending with the hour that contains `now`; hours the API
 * did not return count as zero. Segments stack from the bottom in priority order.
 */
export function layoutHourlyChart(
  buckets: readonly HourBucketDto[],
  box: ChartBox,
  now: Date,
  hours = 72,
  timeZoneOffsetMinutes: (hourStartMs: number) => number = (ms) => new Date(ms).getTimezoneOffset(),
): ChartLayout {
  const counts = new Map<number, Record<string, number>>();
  for (const bucket of buckets) {
    const ms = Date.parse(bucket.hour);
    if (Number.isNaN(ms)) continue;
    const key = hourStart(ms);
    const merged = counts.get(key) ?? {};
    for (const [priority, count] of Object.entries(bucket.byPriority)) {
      if (Number.isFinite(count) && count > 0) merged[priority] = (merged[priority] ?? 0) + count;
    }
    counts.set(key, merged);
  }

  const lastHour = hourStart(now.getTime());
  const firstHour = lastHour - (hours - 1) * HOUR_MS;
  const priorities = orderPriorities(
    [...counts.entries()]
      .filter(([ms]) => ms >= firstHour && ms <= lastHour)
      .flatMap(([, byPriority]) => Object.keys(byPriority)),
  );

  const plotWidth = Math.max(0, box.width - box.padding.left - box.padding.right);
  const plotHeight = Math.max(0, box.height - box.padding.top - box.padding.bottom);
  const slot = hours > 0 ? plotWidth / hours : 0;
  const gap = slot > 4 ? 1 : 0;
  const baseline = box.padding.top + plotHeight;

  const totals: number[] = [];
  for (let i = 0; i < hours; i += 1) {
    const byPriority = counts.get(firstHour + i * HOUR_MS) ?? {};
    totals.push(Object.values(byPriority).reduce((sum, n) => sum + n, 0));
  }
  const yMax = niceCeiling(Math.max(0, ...totals));
  const scale = plotHeight / yMax;

  const totalsByPriority: Record<string, number> = {};
  const bars: Bar[] = [];
  const xLabels: { x: number; hour: string }[] = [];
  for (let i = 0; i < hours; i += 1) {
    const ms = firstHour + i * HOUR_MS;
    const byPriority = counts.get(ms) ?? {};
    const x = box.padding.left + i * slot;
    let top = baseline;
    const segments: BarSegment[] = [];
    for (const priority of priorities) {
      const count = byPriority[priority] ?? 0;
      if (count <= 0) continue;
      totalsByPriority[priority] = (totalsByPriority[priority] ?? 0) + count;
      const height = count * scale;
      top -= height;
      segments.push({ priority, count, y: top, height });
    }
    const hour = new Date(ms).toISOString();
    bars.push({ hour, x: x + gap / 2, width: Math.max(0, slot - gap), total: totals[i] ?? 0, segments });
    const localMinuteOfDay = (((ms / 60_000 - timeZoneOffsetMinutes(ms)) % 1440) + 1440) % 1440;
    if (localMinuteOfDay === 0) xLabels.push({ x, hour });
  }

  const tickStep = yMax <= 5 ? 1 : yMax / 5;
  const yTicks: { value: number; y: number }[] = [];
  for (let value = 0; value <= yMax + 1e-9; value += tickStep) {
    yTicks.push({ value: Math.round(value), y: baseline - value * scale });
  }

  return {
    bars,
    priorities,
    yMax,
    yTicks,
    xLabels,
    total: totals.reduce((sum, n) => sum + n, 0),
    totalsByPriority,
  };
}

/** One sentence for screen readers: what the chart shows. */
export function describeChart(layout: ChartLayout, days: number): string {
  if (layout.total === 0) return `No alerts in the last ${days} days.`;
  const parts = layout.priorities.map((p) => `${layout.totalsByPriority[p] ?? 0} ${p}`);
  const peak = layout.bars.reduce(
    (max, bar) => (bar.total > max.total ? bar : max),
    layout.bars[0] ?? { total: 0, hour: '' },
  );
  return `${layout.total} alerts in the last ${days} days (${parts.join(', ')}). Busiest hour: ${peak.total} alerts starting ${peak.hour}.`;
}
