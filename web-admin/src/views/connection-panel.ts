/** The strip under the header: Jira site, connected account, connection health, pending alerts. */
import type { StatusDto } from '#shared/admin-api-types.ts';
import { formatTime, h, mount } from '../dom.ts';

const HEALTH: Record<StatusDto['connection']['state'], { label: string; tone: string }> = {
  connected: { label: 'Connected', tone: 'success' },
  reconnect_required: { label: 'Reconnect required', tone: 'danger' },
  not_connected: { label: 'Not connected', tone: 'warning' },
};

function item(label: string, ...value: (Node | string)[]): HTMLElement {
  return h('div', { class: 'facts__item' }, h('dt', null, label), h('dd', null, ...value));
}

export function renderConnectionPanel(container: HTMLElement, status: StatusDto | null): void {
  if (!status) {
    mount(container, h('p', { class: 'muted' }, 'Connection status is not available right now.'));
    return;
  }
  const { connection } = status;
  const health = HEALTH[connection.state];
  const siteLink = connection.siteUrl
    ? h('a', { href: connection.siteUrl, target: '_blank', rel: 'noopener noreferrer' }, connection.siteUrl.replace(/^https?:\/\//, ''))
    : '—';
  const needsConnect = connection.state !== 'connected';
  mount(
    container,
    h(
      'dl',
      { class: 'facts' },
      item('Jira site', siteLink),
      item(
        'Connected account',
        connection.connectedBy?.displayName ?? '—',
        connection.connectedAt ? h('span', { class: 'muted small facts__sub' }, `since ${formatTime(connection.connectedAt)}`) : '',
      ),
      item(
        'Connection',
        h('span', { class: `badge badge--${health.tone}`, id: 'connection-state', 'data-state': connection.state }, health.label),
        // Token health: when the rotating Atlassian token was last refreshed (each refresh renews it).
        connection.lastRefreshAt && !needsConnect
          ? h('span', { class: 'muted small facts__sub', id: 'token-refreshed' }, `token refreshed ${formatTime(connection.lastRefreshAt)}`)
          : '',
        needsConnect
          ? h(
              'a',
              { class: 'button button--small button--primary facts__action', href: '/oauth/login' },
              connection.state === 'reconnect_required' ? 'Reconnect' : 'Connect to Jira',
            )
          : '',
      ),
      item(
        'Pending alerts',
        h(
          'span',
          { class: status.pendingAlerts > 0 ? 'count count--warning' : 'count', id: 'pending-alerts' },
          String(status.pendingAlerts),
        ),
      ),
    ),
    connection.message && needsConnect ? h('p', { class: 'callout callout--warning' }, connection.message) : null,
  );
}
