/** "Deliveries": recent alerts with their Jira outcome, retry, and the alerts-per-hour chart. */
import type { DeliveryDto, DeliveryStatus } from '#shared/admin-api-types.ts';
import { api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { formatTime, h, mount, skeleton, withBusy } from '../dom.ts';
import { notify } from '../notifications.ts';
import { hourlyChart } from './hourly-chart.ts';

const REFRESH_MS = 10_000;
const CHART_DAYS = 3;

const STATUS: Record<DeliveryStatus, { label: string; tone: string }> = {
  delivering: { label: 'delivering', tone: 'info' },
  delivered: { label: 'delivered', tone: 'success' },
  queued: { label: 'queued', tone: 'info' },
  retrying: { label: 'retrying', tone: 'warning' },
  failed: { label: 'failed', tone: 'danger' },
  pending_configuration: { label: 'pending configuration', tone: 'warning' },
};

const RETRYABLE: ReadonlySet<DeliveryStatus> = new Set(['failed', 'pending_configuration']);

function chip(label: string, tone: string, extra: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `chip chip--${tone}`, ...extra }, label);
}

export function renderDeliveriesTab(panel: HTMLElement, ctx: AppContext): () => void {
  let disposed = false;
  let timer: number | undefined;
  let cursor: string | undefined;
  let items: DeliveryDto[] = [];
  let loading = false;
  // Redraw only on change, so auto-refresh does not close an open "dropped fields" list or move focus.
  let shownItems = '';
  let shownBuckets = '';

  const tableSlot = h('div', { class: 'section__body' }, skeleton(6));
  const chartSlot = h('div', { class: 'section__body' }, skeleton(3));
  const updated = h('span', { class: 'muted small', 'aria-live': 'off', id: 'deliveries-updated' });
  const refreshButton = h('button', { type: 'button', class: 'button', id: 'refresh-deliveries' }, 'Refresh');
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load older alerts');

  const row = (item: DeliveryDto): HTMLTableRowElement => {
    const status = STATUS[item.status] ?? { label: item.status, tone: 'neutral' };
    const chips = h(
      'div',
      { class: 'chips' },
      chip(status.label, status.tone, { 'data-status': item.status }),
      item.duplicates > 0
        ? chip(`duplicate ×${item.duplicates}`, 'neutral', { title: item.lastDuplicateAt ? `last ${formatTime(item.lastDuplicateAt)}` : '' })
        : null,
      item.test ? chip('test', 'info') : null,
      item.parsed ? null : chip('unparsed body', 'warning'),
    );
    const problems = h(
      'div',
      { class: 'delivery-problems' },
      item.lastError && item.status !== 'delivered' ? h('p', { class: 'delivery-error' }, item.lastError) : null,
      item.droppedFields && item.droppedFields.length > 0
        ? h(
            'details',
            { class: 'dropped' },
            h('summary', null, `${item.droppedFields.length} field${item.droppedFields.length === 1 ? '' : 's'} left out by Jira`),
            h(
              'ul',
              null,
              item.droppedFields.map((f) => h('li', null, h('strong', null, f.fieldName ?? f.fieldId), `: ${f.reason}`)),
            ),
          )
        : null,
      item.status !== 'delivered' && item.attempts > 1 ? h('p', { class: 'muted small' }, `${item.attempts} attempts`) : null,
    );
    let retry: HTMLButtonElement | null = null;
    if (RETRYABLE.has(item.status)) {
      const button = h('button', { type: 'button', class: 'button button--small', 'aria-label': `Retry alert ${item.event} from ${formatTime(item.receivedAt)}` }, 'Retry');
      button.addEventListener('click', () => {
        void withBusy(button, 'Retrying…', async () => {
          try {
            const result = await api.retryDelivery(item.alertId);
            notify('success', `Alert ${item.event} sent again (${result.status.replace(/_/g, ' ')}).`);
            await refresh();
          } catch (error) {
            notify('error', describeError(error));
          }
        });
      });
      retry = button;
    }
    return h(
      'tr',
      { 'data-alert-id': item.alertId, 'data-status': item.status },
      h('td', { 'data-label': 'Time' }, h('time', { datetime: item.receivedAt }, formatTime(item.receivedAt))),
      // One wrapper per cell: on phones each cell is a two-column grid (label, content).
      h(
        'td',
        { 'data-label': 'Event' },
        h('div', null, h('span', { class: 'mono' }, item.event), item.alertName ? h('span', { class: 'muted small block' }, item.alertName) : null),
      ),
      h('td', { 'data-label': 'Status' }, chips),
      h(
        'td',
        { 'data-label': 'Jira issue' },
        h(
          'div',
          null,
          item.issueKey
            ? item.issueUrl
              ? h('a', { href: item.issueUrl, target: '_blank', rel: 'noopener noreferrer', class: 'issue-key' }, item.issueKey)
              : h('span', { class: 'issue-key' }, item.issueKey)
            : h('span', { class: 'muted' }, '—'),
          item.priority ? h('span', { class: 'muted small block' }, item.priority) : null,
        ),
      ),
      h('td', { 'data-label': 'Details' }, problems),
      h('td', { 'data-label': 'Action', class: 'cell-action' }, retry),
    );
  };

  const drawTable = (): void => {
    if (items.length === 0) {
      mount(
        tableSlot,
        h(
          'div',
          { class: 'empty-state' },
          h('p', null, 'No alerts yet.'),
          h('p', { class: 'muted small' }, 'Alerts appear here as soon as Keeper sends them. Use "Test Web Trigger" on the setup tab to send one.'),
        ),
      );
      return;
    }
    mount(
      tableSlot,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table table--stack', id: 'deliveries-table' },
          h('caption', { class: 'visually-hidden' }, 'Recent alerts and their Jira issues'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Time', 'Event', 'Status', 'Jira issue', 'Details'].map((label) => h('th', { scope: 'col' }, label)),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')),
            ),
          ),
          h('tbody', null, items.map(row)),
        ),
      ),
      more,
    );
    more.hidden = !cursor;
  };

  const refresh = async (): Promise<void> => {
    if (loading || disposed) return;
    loading = true;
    try {
      const [deliveries, stats] = await Promise.all([api.deliveries(), api.hourlyStats(CHART_DAYS).catch(() => null)]);
      if (disposed) return;
      const itemsKey = JSON.stringify(deliveries);
      if (itemsKey !== shownItems) {
        shownItems = itemsKey;
        items = deliveries.items;
        cursor = deliveries.cursor;
        drawTable();
      }
      const bucketsKey = stats ? JSON.stringify(stats.buckets) : 'unavailable';
      if (bucketsKey !== shownBuckets) {
        shownBuckets = bucketsKey;
        if (stats) mount(chartSlot, hourlyChart(stats.buckets, CHART_DAYS));
        else mount(chartSlot, h('p', { class: 'muted' }, 'The chart is not available right now.'));
      }
      updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      void ctx.refreshStatus();
    } catch (error) {
      if (disposed) return;
      if (items.length === 0) mount(tableSlot, h('p', { class: 'callout callout--danger', role: 'alert' }, describeError(error)));
      else notify('error', describeError(error));
    } finally {
      loading = false;
    }
  };

  more.addEventListener('click', () => {
    void withBusy(more, 'Loading…', async () => {
      try {
        const page = await api.deliveries(cursor);
        items = [...items, ...page.items];
        cursor = page.cursor;
        drawTable();
      } catch (error) {
        notify('error', describeError(error));
      }
    });
  });
  refreshButton.addEventListener('click', () => void withBusy(refreshButton, 'Refreshing…', refresh));

  // Auto-refresh only while this tab is shown and the browser tab is visible.
  const schedule = (): void => {
    window.clearInterval(timer);
    timer = document.visibilityState === 'visible' ? window.setInterval(() => void refresh(), REFRESH_MS) : undefined;
  };
  const onVisibility = (): void => {
    schedule();
    if (document.visibilityState === 'visible') void refresh();
  };
  document.addEventListener('visibilitychange', onVisibility);

  mount(
    panel,
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'deliveries-title' },
      h(
        'div',
        { class: 'section__header' },
        h('h2', { id: 'deliveries-title', class: 'section__title' }, 'Recent alerts'),
        h('div', { class: 'section__tools' }, updated, refreshButton),
      ),
      h('p', { class: 'section__intro muted' }, 'Refreshes every 10 seconds while this tab is open. Times are shown in your time zone.'),
      tableSlot,
    ),
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'chart-title' },
      h('h2', { id: 'chart-title', class: 'section__title' }, `Alerts per hour, last ${CHART_DAYS} days`),
      chartSlot,
    ),
  );
  void refresh();
  schedule();

  return () => {
    disposed = true;
    window.clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
