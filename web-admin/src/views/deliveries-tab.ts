/**
 * "Deliveries": recent alerts with their Jira outcome, for triage: catalogue titles (code on
 * hover), exact times, status lozenges, attempts and next retry, errors explained with the fix,
 * filters by status (server-side, through the ledger's status index) and event, paging, retry;
 * and the alerts-per-hour chart.
 */
import type { DeliveryDto, DeliveryStatus, EventDto } from '#shared/admin-api-types.ts';
import { api, describeError, isRelayUnreachable } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { emptyState, type LozengeTone, lozenge } from '../components.ts';
import { h, mount, option, skeleton, withBusy } from '../dom.ts';
import { explainDeliveryError } from '../explain-error.ts';
import { formatTime, relativeTime } from '../format.ts';
import { notify } from '../notifications.ts';
import { shortId } from '../preview-summary.ts';
import { hourlyChart } from './hourly-chart.ts';
import type { TabHandle } from './tab-view.ts';

const REFRESH_MS = 10_000;
const CHART_DAYS = 3;

export const STATUS: Record<DeliveryStatus, { label: string; tone: LozengeTone; filter: string }> = {
  delivering: { label: 'Delivering', tone: 'inprogress', filter: 'Being delivered' },
  delivered: { label: 'Delivered', tone: 'success', filter: 'Delivered' },
  queued: { label: 'Queued', tone: 'new', filter: 'Queued' },
  retrying: { label: 'Retrying', tone: 'moved', filter: 'Retrying' },
  failed: { label: 'Failed', tone: 'removed', filter: 'Failed' },
  pending_configuration: { label: 'Parked', tone: 'moved', filter: 'Parked (waiting for setup)' },
  grouped: { label: 'Grouped', tone: 'default', filter: 'Grouped into an open issue' },
  suppressed: { label: 'Suppressed', tone: 'default', filter: 'Suppressed by a rule' },
};

const FILTER_ORDER: readonly DeliveryStatus[] = [
  'failed',
  'retrying',
  'pending_configuration',
  'queued',
  'delivering',
  'delivered',
  'grouped',
  'suppressed',
];

type GroupRole = NonNullable<DeliveryDto['group']>['role'];

/** How an alert took part in its group, as a lozenge. */
export const GROUP_ROLE: Record<GroupRole, { label: string; tone: LozengeTone }> = {
  opened: { label: 'Opened group', tone: 'inprogress' },
  joined: { label: 'Joined group', tone: 'default' },
  storm: { label: 'Storm', tone: 'moved' },
  closed: { label: 'Closed issue', tone: 'success' },
};

const RETRYABLE: ReadonlySet<DeliveryStatus> = new Set(['failed', 'pending_configuration']);

function isStatus(value: string | undefined): value is DeliveryStatus {
  return value !== undefined && Object.prototype.hasOwnProperty.call(STATUS, value);
}

export function renderDeliveriesTab(panel: HTMLElement, ctx: AppContext, place?: string): TabHandle {
  let disposed = false;
  let timer: number | undefined;
  let cursor: string | undefined;
  let items: DeliveryDto[] = [];
  let loading = false;
  let catalogue = new Map<string, EventDto>();
  // Redraw only on change, so auto-refresh does not close an open details list or move focus.
  let shownItems = '';
  let shownBuckets = '';
  let lastLoadedAt: Date | undefined;

  const statusFilter = h('select', { class: 'input', id: 'filter-status' });
  mount(
    statusFilter,
    option('', 'All statuses', !isStatus(place)),
    FILTER_ORDER.map((s) => option(s, STATUS[s].filter, s === place)),
  );
  const eventFilter = h('select', { class: 'input', id: 'filter-event' }, option('', 'All events', true));
  const filters = h(
    'div',
    { class: 'filters', role: 'group', 'aria-label': 'Filter alerts' },
    h('div', { class: 'field' }, h('label', { class: 'field__label', for: 'filter-status' }, 'Status'), statusFilter),
    h('div', { class: 'field' }, h('label', { class: 'field__label', for: 'filter-event' }, 'Event'), eventFilter),
  );

  const tableSlot = h('div', { class: 'section__body' }, skeleton(6));
  const chartSlot = h('div', { class: 'section__body' }, skeleton(3));
  const updated = h('p', { class: 'muted small', id: 'deliveries-updated' });
  const refreshButton = h('button', { type: 'button', class: 'button', id: 'refresh-deliveries' }, 'Refresh');
  const more = h(
    'button',
    { type: 'button', class: 'button', hidden: true, id: 'load-more-deliveries' },
    'Load older alerts',
  );
  const order = h('p', { class: 'section__intro muted' });

  const title = (code: string): string => catalogue.get(code)?.title ?? code;

  const eventCell = (item: DeliveryDto): HTMLElement => {
    const known = catalogue.get(item.event);
    return h(
      'div',
      null,
      // The title reads; the code is on hover and for assistive technology in the same cell.
      h('span', { class: 'event-title', title: `Event code: ${item.event}` }, known ? known.title : item.event),
      known ? h('span', { class: 'visually-hidden' }, ` (${item.event})`) : null,
      item.alertName ? h('span', { class: 'muted small block' }, item.alertName) : null,
      item.rule ? h('span', { class: 'small block delivery-rule' }, `Rule: ${item.rule.name}`) : null,
    );
  };

  const groupLine = (item: DeliveryDto): HTMLElement | null => {
    if (!item.group) return null;
    const role = GROUP_ROLE[item.group.role] ?? { label: item.group.role, tone: 'default' as const };
    return h(
      'span',
      { class: 'delivery-group', 'data-group-id': item.group.id, 'data-group-role': item.group.role },
      lozenge(role.label, role.tone, { 'data-group-lozenge': item.group.role }),
      ' ',
      h('span', { class: 'mono small', title: `Group ${item.group.id}` }, shortId(item.group.id)),
    );
  };

  const problemsCell = (item: DeliveryDto): HTMLElement => {
    const project = ctx.config?.project.key;
    const explained =
      item.lastError && item.status !== 'delivered'
        ? explainDeliveryError(item.lastError, {
            ...(project ? { project } : {}),
            ...(item.issueType ? { issueType: item.issueType } : {}),
          })
        : undefined;
    return h(
      'div',
      { class: 'delivery-problems' },
      explained
        ? h(
            'div',
            { class: `delivery-error${item.status === 'failed' ? ' delivery-error--failed' : ''}` },
            h('p', null, explained.text),
            explained.fix
              ? h(
                  'p',
                  { class: 'delivery-error__fix' },
                  explained.fix,
                  ' ',
                  explained.link ? h('a', { href: explained.link.href }, explained.link.label) : null,
                )
              : null,
            explained.original !== explained.text
              ? h(
                  'details',
                  { class: 'delivery-error__original' },
                  h('summary', null, 'The relay’s words'),
                  h('code', null, explained.original),
                )
              : null,
          )
        : null,
      item.redactedPaths && item.redactedPaths.length > 0
        ? h(
            'p',
            { class: 'small delivery-redacted' },
            h('strong', null, 'Redacted in the ticket: '),
            item.redactedPaths.join(', '),
          )
        : null,
      item.droppedFields && item.droppedFields.length > 0
        ? h(
            'details',
            { class: 'dropped' },
            h(
              'summary',
              null,
              `${item.droppedFields.length} field${item.droppedFields.length === 1 ? '' : 's'} left out by Jira`,
            ),
            h(
              'ul',
              null,
              item.droppedFields.map((f) =>
                h('li', null, h('strong', null, f.fieldName ?? f.fieldId), `: ${f.reason}`),
              ),
            ),
          )
        : null,
    );
  };

  const row = (item: DeliveryDto): HTMLTableRowElement => {
    const status = STATUS[item.status] ?? { label: item.status, tone: 'default' as const };
    let retry: HTMLButtonElement | null = null;
    if (RETRYABLE.has(item.status)) {
      const button = h(
        'button',
        {
          type: 'button',
          class: 'button button--small',
          id: `retry-${item.alertId}`,
          'aria-label': `Retry ${title(item.event)} from ${formatTime(item.receivedAt, 'exact')}`,
        },
        'Retry',
      );
      button.addEventListener('click', () => {
        void withBusy(button, 'Retrying…', async () => {
          try {
            await api.retryDelivery(item.alertId);
            notify('success', `${title(item.event)} is queued again.`);
            await refresh();
          } catch (error) {
            notify('error', describeError(error));
          }
        });
      });
      retry = button;
    }
    const waiting = item.status === 'queued' || item.status === 'retrying';
    return h(
      'tr',
      { 'data-alert-id': item.alertId, 'data-status': item.status },
      h(
        'td',
        { 'data-label': 'Received' },
        h('time', { datetime: item.receivedAt }, formatTime(item.receivedAt, 'exact')),
      ),
      h('td', { 'data-label': 'Event' }, eventCell(item)),
      h(
        'td',
        { 'data-label': 'Status' },
        h(
          'div',
          { class: 'lozenges' },
          lozenge(status.label, status.tone, { 'data-status': item.status }),
          item.duplicates > 0
            ? lozenge(`Duplicate ×${item.duplicates}`, 'default', {
                title: item.lastDuplicateAt ? `Last ${formatTime(item.lastDuplicateAt, 'exact')}` : '',
              })
            : null,
          item.escalated ? lozenge('Escalated', 'removed', { 'data-escalated': 'true' }) : null,
          item.test ? lozenge('Test', 'new') : null,
          item.parsed ? null : lozenge('Unparsed body', 'moved'),
        ),
        groupLine(item),
      ),
      h(
        'td',
        { 'data-label': 'Attempts' },
        h(
          'div',
          null,
          h('span', { class: 'attempts' }, String(item.attempts)),
          waiting && item.nextAttemptAt
            ? h(
                'span',
                { class: 'muted small block next-retry', title: formatTime(item.nextAttemptAt, 'exact') },
                `next ${relativeTime(item.nextAttemptAt)}`,
              )
            : null,
        ),
      ),
      h(
        'td',
        { 'data-label': 'Jira issue' },
        h(
          'div',
          null,
          item.issueKey
            ? item.issueUrl
              ? h(
                  'a',
                  { href: item.issueUrl, target: '_blank', rel: 'noopener noreferrer', class: 'issue-key' },
                  item.issueKey,
                )
              : h('span', { class: 'issue-key' }, item.issueKey)
            : h('span', { class: 'muted' }, '—'),
          item.issueType || item.priority
            ? h('span', { class: 'muted small block' }, [item.issueType, item.priority].filter(Boolean).join(' · '))
            : null,
        ),
      ),
      h(
        'td',
        {
          'data-label': 'Details',
          class: item.lastError || item.droppedFields?.length || item.redactedPaths?.length ? '' : 'cell-empty',
        },
        problemsCell(item),
      ),
      h('td', { 'data-label': 'Action', class: retry ? 'cell-action' : 'cell-action cell-empty' }, retry),
    );
  };

  const visibleItems = (): DeliveryDto[] =>
    eventFilter.value ? items.filter((i) => i.event === eventFilter.value) : items;

  const updateEventFilter = (): void => {
    const chosen = eventFilter.value;
    const codes = [...new Set(items.map((i) => i.event))].sort((a, b) => title(a).localeCompare(title(b)));
    if (chosen && !codes.includes(chosen)) codes.unshift(chosen);
    mount(
      eventFilter,
      option('', 'All events', !chosen),
      codes.map((code) => option(code, title(code), code === chosen)),
    );
  };

  const drawTable = (): void => {
    updateEventFilter();
    const status = statusFilter.value;
    order.textContent = isStatus(status)
      ? `Only alerts that are “${STATUS[status].filter.toLowerCase()}”, the oldest first. Times are in your time zone.`
      : 'Newest first; refreshes every 10 seconds while this tab is open. Times are in your time zone.';
    const shown = visibleItems();
    if (shown.length === 0) {
      const filtered = isStatus(status) || eventFilter.value !== '';
      const action = filtered
        ? h('button', { type: 'button', class: 'button button--primary', id: 'clear-filters' }, 'Show all alerts')
        : h('a', { class: 'button button--primary', href: '#setup/test' }, 'Send a test alert');
      if (filtered) {
        action.addEventListener('click', () => {
          statusFilter.value = '';
          eventFilter.value = '';
          window.history.replaceState(null, '', '#deliveries');
          void reload();
        });
      }
      mount(
        tableSlot,
        filtered
          ? emptyState(
              'No alerts match these filters',
              'Nothing in this status or for this event among the alerts loaded.',
              action,
            )
          : emptyState(
              'No alerts yet',
              'Alerts appear here as soon as Keeper sends them. Send a test alert to check the whole path to Jira.',
              action,
            ),
        cursor ? more : null,
      );
      more.hidden = !cursor;
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
          h('caption', { class: 'visually-hidden' }, 'Alerts and their Jira issues'),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Received', 'Event', 'Status', 'Attempts', 'Jira issue', 'Details'].map((label) =>
                h('th', { scope: 'col' }, label),
              ),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')),
            ),
          ),
          h('tbody', null, shown.map(row)),
        ),
      ),
      more,
    );
    more.hidden = !cursor;
  };

  const query = (): { status?: DeliveryStatus } => (isStatus(statusFilter.value) ? { status: statusFilter.value } : {});

  const refresh = async (): Promise<void> => {
    if (loading || disposed) return;
    loading = true;
    try {
      const [deliveries, stats] = await Promise.all([
        api.deliveries(query()),
        api.hourlyStats(CHART_DAYS).catch(() => null),
      ]);
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
      lastLoadedAt = new Date();
      updated.textContent = `Updated ${formatTime(lastLoadedAt.toISOString(), 'time')}`;
      updated.classList.remove('is-stale');
      void ctx.refreshStatus();
    } catch (error) {
      if (disposed) return;
      // No flag per failed refresh: the status banner says the relay is unreachable, here only
      // how old the list is.
      if (isRelayUnreachable(error)) void ctx.refreshStatus();
      if (items.length === 0 && !lastLoadedAt) {
        mount(tableSlot, h('p', { class: 'muted' }, describeError(error)));
      }
      updated.textContent = lastLoadedAt
        ? `Could not refresh; showing the list as of ${formatTime(lastLoadedAt.toISOString(), 'time')}.`
        : 'Could not load the alerts.';
      updated.classList.add('is-stale');
    } finally {
      loading = false;
    }
  };

  const reload = async (): Promise<void> => {
    shownItems = '';
    items = [];
    cursor = undefined;
    mount(tableSlot, skeleton(4));
    await refresh();
  };

  statusFilter.addEventListener('change', () => {
    window.history.replaceState(null, '', statusFilter.value ? `#deliveries/${statusFilter.value}` : '#deliveries');
    void reload();
  });
  eventFilter.addEventListener('change', () => drawTable());

  more.addEventListener('click', () => {
    void withBusy(more, 'Loading…', async () => {
      try {
        const page = await api.deliveries({ ...query(), ...(cursor ? { cursor } : {}) });
        items = [...items, ...page.items];
        cursor = page.cursor;
        shownItems = JSON.stringify({ items, cursor });
        drawTable();
        more.focus();
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
        h('h2', { id: 'deliveries-title', class: 'section__title' }, 'Alerts'),
        h('div', { class: 'section__tools' }, updated, refreshButton),
      ),
      order,
      filters,
      tableSlot,
    ),
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'chart-title' },
      h('h2', { id: 'chart-title', class: 'section__title' }, `Alerts per hour, last ${CHART_DAYS} days`),
      chartSlot,
    ),
  );
  // Titles come from the catalogue; until it loads (or if it cannot), codes are shown.
  void ctx
    .events()
    .then(({ events }) => {
      catalogue = new Map(events.map((e) => [e.event, e]));
      if (!disposed && items.length > 0) drawTable();
    })
    .catch(() => undefined);
  void refresh();
  schedule();

  return {
    dispose() {
      disposed = true;
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    navigate(next) {
      const wanted = isStatus(next) ? next : '';
      if (statusFilter.value === wanted) return;
      statusFilter.value = wanted;
      void reload();
    },
  };
}
