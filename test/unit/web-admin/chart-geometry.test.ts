import { describe, expect, it } from 'vitest';
import type { HourBucketDto } from '#shared/admin-api-types.ts';
import {
  type ChartBox,
  describeChart,
  layoutHourlyChart,
  niceCeiling,
  orderPriorities,
} from '../../../web-admin/src/chart-geometry.ts';

const BOX: ChartBox = { width: 740, height: 240, padding: { top: 20, right: 10, bottom: 20, left: 10 } };
const NOW = new Date('2025-11-05T12:34:00Z');
const UTC = () => 0;

describe('chart-geometry', () => {
  it('orders priorities like Jira, unknown names after, None last', () => {
    // Act / Assess
    expect(orderPriorities(['None', 'Low', 'Critical', 'Highest', 'Medium'])).toEqual([
      'Highest',
      'Medium',
      'Low',
      'Critical',
      'None',
    ]);
  });

  it('rounds the axis top to 1, 2 or 5 times a power of ten', () => {
    // Act / Assess
    expect([0, 1, 3, 7, 12, 51].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 100]);
  });

  it('lays out one bar per hour ending with the current hour, zero-filled', () => {
    // Act
    const layout = layoutHourlyChart([], BOX, NOW, 72, UTC);
    // Assess
    expect(layout.bars).toHaveLength(72);
    expect(layout.bars.at(-1)?.hour).toBe('2025-11-05T12:00:00.000Z');
    expect(layout.bars[0]?.hour).toBe('2025-11-02T13:00:00.000Z');
    expect(layout.total).toBe(0);
    expect(layout.bars.every((b) => b.segments.length === 0)).toBe(true);
  });

  it('stacks segments from the baseline in priority order with heights proportional to counts', () => {
    // Prepare
    const buckets = [{ hour: '2025-11-05T12:00:00Z', byPriority: { Low: 1, High: 3 } }];
    // Act
    const layout = layoutHourlyChart(buckets, BOX, NOW, 72, UTC);
    const bar = layout.bars.at(-1);
    // Assess
    const plotHeight = BOX.height - BOX.padding.top - BOX.padding.bottom;
    const baseline = BOX.padding.top + plotHeight;
    expect(layout.yMax).toBe(5);
    expect(bar?.segments.map((s) => s.priority)).toEqual(['High', 'Low']);
    const [high, low] = bar?.segments ?? [];
    expect(high?.height).toBeCloseTo((3 / 5) * plotHeight);
    expect(high?.y).toBeCloseTo(baseline - (3 / 5) * plotHeight);
    expect(low?.y).toBeCloseTo(baseline - (4 / 5) * plotHeight);
    expect(layout.totalsByPriority).toEqual({ High: 3, Low: 1 });
  });

  it('places bars side by side inside the plot area', () => {
    // Act
    const layout = layoutHourlyChart([], BOX, NOW, 72, UTC);
    // Assess
    const slot = (BOX.width - BOX.padding.left - BOX.padding.right) / 72;
    expect((layout.bars[1]?.x ?? 0) - (layout.bars[0]?.x ?? 0)).toBeCloseTo(slot);
    const last = layout.bars.at(-1);
    expect((last?.x ?? Infinity) + (last?.width ?? 0)).toBeLessThanOrEqual(BOX.width - BOX.padding.right + 1e-9);
  });

  it('ignores buckets outside the window and merges duplicate hours', () => {
    // Prepare
    const buckets: HourBucketDto[] = [
      { hour: '2025-10-01T00:00:00Z', byPriority: { High: 9 } },
      { hour: '2025-11-05T11:00:00Z', byPriority: { None: 1 } },
      { hour: '2025-11-05T11:00:00.000Z', byPriority: { None: 2 } },
    ];
    // Act
    const layout = layoutHourlyChart(buckets, BOX, NOW, 72, UTC);
    // Assess
    expect(layout.total).toBe(3);
    expect(layout.priorities).toEqual(['None']);
    expect(layout.bars.at(-2)?.total).toBe(3);
  });

  it('labels each local midnight on the x axis', () => {
    // Act
    const layout = layoutHourlyChart([], BOX, NOW, 72, UTC);
    // Assess
    expect(layout.xLabels.map((l) => l.hour)).toEqual([
      '2025-11-03T00:00:00.000Z',
      '2025-11-04T00:00:00.000Z',
      '2025-11-05T00:00:00.000Z',
    ]);
  });

  it('describes the chart in one sentence for screen readers', () => {
    // Prepare
    const layout = layoutHourlyChart(
      [{ hour: '2025-11-05T10:00:00Z', byPriority: { High: 2, None: 1 } }],
      BOX,
      NOW,
      72,
      UTC,
    );
    // Act / Assess
    expect(describeChart(layout, 3)).toBe(
      '3 alerts in the last 3 days (2 High, 1 None). Busiest hour: 3 alerts starting 2025-11-05T10:00:00.000Z.',
    );
  });
});
