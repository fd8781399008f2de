/** Alerts per hour by priority (stacked bars) as inline SVG; geometry from `chart-geometry.ts`. */
import type { HourBucketDto } from '#shared/admin-api-types.ts';
import { type ChartBox, describeChart, layoutHourlyChart } from '../chart-geometry.ts';
import { h, s, uid } from '../dom.ts';

const BOX: ChartBox = { width: 720, height: 200, padding: { top: 12, right: 8, bottom: 28, left: 32 } };

/** CSS class per priority (colours live in styles.css); unknown names cycle through extra tones. */
export function priorityTone(priority: string, index: number): string {
  const known: Record<string, string> = {
    Highest: 'highest',
    High: 'high',
    Medium: 'medium',
    Low: 'low',
    Lowest: 'lowest',
    None: 'none',
  };
  return known[priority] ?? `extra-${index % 4}`;
}

/** The ledger says "None" for alerts created without a priority; a legend says it in words. */
export function priorityLabel(priority: string): string {
  return priority === 'None' ? 'No priority' : priority;
}

export function hourlyChart(buckets: readonly HourBucketDto[], days: number, now = new Date()): HTMLElement {
  const layout = layoutHourlyChart(buckets, BOX, now, days * 24);
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const tones = new Map(layout.priorities.map((p, i) => [p, priorityTone(p, i)]));
  const baseline = BOX.height - BOX.padding.bottom;

  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${BOX.width} ${BOX.height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
    },
    s('title', { id: titleId }, `Alerts per hour by priority, last ${days} days`),
    s('desc', { id: descId }, describeChart(layout, days)),
    s(
      'g',
      { class: 'chart__grid' },
      layout.yTicks.map((tick) =>
        s(
          'g',
          null,
          s('line', { x1: BOX.padding.left, x2: BOX.width - BOX.padding.right, y1: tick.y, y2: tick.y }),
          s(
            'text',
            { x: BOX.padding.left - 6, y: tick.y + 3, 'text-anchor': 'end', class: 'chart__label' },
            String(tick.value),
          ),
        ),
      ),
    ),
    s(
      'g',
      { class: 'chart__bars' },
      layout.bars
        .filter((bar) => bar.total > 0)
        .map((bar) =>
          s(
            'g',
            { 'data-hour': bar.hour },
            s(
              'title',
              null,
              `${new Date(bar.hour).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}: ${bar.segments.map((seg) => `${seg.count} ${priorityLabel(seg.priority)}`).join(', ')}`,
            ),
            bar.segments.map((seg) =>
              s('rect', {
                x: bar.x.toFixed(2),
                y: seg.y.toFixed(2),
                width: bar.width.toFixed(2),
                height: Math.max(seg.height, 0.5).toFixed(2),
                class: `chart__bar chart__bar--${tones.get(seg.priority) ?? 'none'}`,
              }),
            ),
          ),
        ),
    ),
    s('line', {
      class: 'chart__axis',
      x1: BOX.padding.left,
      x2: BOX.width - BOX.padding.right,
      y1: baseline,
      y2: baseline,
    }),
    layout.xLabels.map((label) =>
      s(
        'g',
        null,
        s('line', { class: 'chart__day', x1: label.x, x2: label.x, y1: BOX.padding.top, y2: baseline }),
        s(
          'text',
          { x: label.x + 3, y: BOX.height - 10, class: 'chart__label' },
          new Date(label.hour).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' }),
        ),
      ),
    ),
  );

  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Priorities' },
    layout.priorities.map((p) =>
      h(
        'li',
        { class: 'legend__item' },
        h('span', { class: `legend__swatch legend__swatch--${tones.get(p) ?? 'none'}`, 'aria-hidden': 'true' }),
        `${priorityLabel(p)} (${layout.totalsByPriority[p] ?? 0})`,
      ),
    ),
  );

  return h(
    'figure',
    { class: 'chart-figure', id: 'hourly-chart' },
    // Scrolls sideways on phones: focusable and named, so keyboard users can scroll it too.
    h(
      'div',
      {
        class: 'chart-scroll',
        tabindex: '0',
        role: 'group',
        'aria-label': `Alerts per hour, last ${days} days (scrolls sideways)`,
      },
      svg,
    ),
    layout.total > 0 ? legend : h('p', { class: 'muted small' }, `No alerts in the last ${days} days.`),
  );
}
