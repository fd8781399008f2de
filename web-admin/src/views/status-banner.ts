/**
 * The one status banner under the page header, redrawn in place after every status read: what the
 * relay last saw from Jira (connected, degraded with reason and since when, reconnect required),
 * whether the relay itself answers, and how many alerts wait, by what happens to them next.
 */
import type { AlertCountsDto, StatusDto } from '#shared/admin-api-types.ts';
import type { Reachability } from '../app-context.ts';
import { h, mount } from '../dom.ts';
import { explainDeliveryError } from '../explain-error.ts';
import { formatTime } from '../format.ts';
import { type IconName, icon } from '../icons.ts';

export type BannerState = StatusDto['jira']['state'] | 'unreachable' | 'unknown';

interface Look {
  title: string;
  tone: 'success' | 'warning' | 'error' | 'information';
  icon: IconName;
  lozenge: string;
}

const LOOK: Record<BannerState, Look> = {
  connected: { title: 'Connected to Jira', tone: 'success', icon: 'success', lozenge: 'Connected' },
  degraded: { title: 'Jira is having trouble', tone: 'warning', icon: 'warning', lozenge: 'Degraded' },
  reconnect_required: { title: 'Reconnect to Jira', tone: 'error', icon: 'error', lozenge: 'Reconnect required' },
  not_connected: { title: 'Not connected to Jira', tone: 'information', icon: 'info', lozenge: 'Not connected' },
  unreachable: { title: 'The relay is not answering', tone: 'error', icon: 'error', lozenge: 'Relay unreachable' },
  unknown: { title: 'Status not available', tone: 'information', icon: 'info', lozenge: 'Unknown' },
};

export function bannerState(status: StatusDto | null, reachability: Reachability): BannerState {
  if (!reachability.reachable) return 'unreachable';
  return status ? status.jira.state : 'unknown';
}

function describe(state: BannerState, status: StatusDto | null, reachability: Reachability): (string | Node)[] {
  const jira = status?.jira;
  const last = jira?.lastDeliveredAt ? ` The last alert reached Jira ${formatTime(jira.lastDeliveredAt)}.` : '';
  switch (state) {
    case 'connected':
      return [`Alerts become Jira issues as they arrive.${last}`];
    case 'degraded': {
      const reason = jira?.reason ? explainDeliveryError(jira.reason).text : 'Recent deliveries failed.';
      const since = jira?.since ? ` Since ${formatTime(jira.since)}.` : '';
      const next = jira?.nextCheckAt ? ` The relay asks Jira again at ${formatTime(jira.nextCheckAt, 'time')}.` : '';
      return [`${reason}${since}${next} Alerts are kept and sent once Jira answers.${last}`];
    }
    case 'reconnect_required':
      return [
        `${jira?.reason ? `${explainDeliveryError(jira.reason).text} ` : ''}Alerts are kept, parked, until a Jira administrator reconnects; they are sent then.`,
      ];
    case 'not_connected':
      return ['No Jira administrator has connected the relay yet. Alerts are kept until one does.'];
    case 'unreachable': {
      const since = reachability.reachable ? '' : ` since ${formatTime(reachability.since, 'time')}`;
      return [
        `The admin site has had no answer from the relay${since}. It may be stopped or restarting, or your network may be down. The values below are the last ones it reported; this banner updates by itself when the relay answers.`,
      ];
    }
    case 'unknown':
      return ['The relay did not report its status. Reload the page to try again.'];
  }
}

/** Atlassian ends a grant 365 days after consent: warn this many days before. */
export const GRANT_WARNING_DAYS = 30;

/**
 * The reconnect reminder while connected: a Jira administrator must sign in again before the grant's
 * absolute lifetime ends, or alerts will wait parked. Undefined when there is time enough.
 */
export function grantReminder(status: StatusDto | null): string | undefined {
  const connection = status?.connection;
  const days = connection?.grantDaysRemaining;
  if (connection?.state !== 'connected' || days === undefined || days > GRANT_WARNING_DAYS) return undefined;
  const when = connection.grantExpiresAt ? ` on ${formatTime(connection.grantExpiresAt, 'date')}` : '';
  const left = days === 0 ? 'today' : days === 1 ? 'in 1 day' : `in ${days} days`;
  return `Jira's consent for the relay ends ${left}${when}. A Jira administrator must sign in again before then (Renew access), or alerts will wait until someone does.`;
}

const COUNTS: readonly {
  key: keyof Omit<AlertCountsDto, 'limit'>;
  label: string;
  status: string;
  hint: string;
  tone: string;
}[] = [
  {
    key: 'queued',
    label: 'Queued',
    status: 'queued',
    hint: 'waiting for their first or next attempt',
    tone: 'information',
  },
  {
    key: 'retrying',
    label: 'Retrying',
    status: 'retrying',
    hint: 'Jira failed them; the relay retries on its own',
    tone: 'moved',
  },
  {
    key: 'parked',
    label: 'Parked',
    status: 'pending_configuration',
    hint: 'waiting for a configuration or a reconnect',
    tone: 'moved',
  },
  {
    key: 'failed',
    label: 'Failed',
    status: 'failed',
    hint: 'given up on; retry them from Deliveries',
    tone: 'removed',
  },
];

function counts(alerts: AlertCountsDto): HTMLElement {
  return h(
    'ul',
    { class: 'banner__counts', 'aria-label': 'Alerts not in Jira yet' },
    COUNTS.map((c) => {
      const value = alerts[c.key];
      const text = value >= alerts.limit ? `${alerts.limit}+` : String(value);
      return h(
        'li',
        null,
        h(
          'a',
          {
            class: 'count-link',
            href: `#deliveries/${c.status}`,
            id: `count-${c.key}`,
            title: `${c.label}: ${c.hint}`,
          },
          h(
            'span',
            {
              class: `count-link__value${value > 0 ? ` count-link__value--${c.tone}` : ''}`,
              'data-count': String(value),
            },
            text,
          ),
          h('span', { class: 'count-link__label' }, c.label),
        ),
      );
    }),
  );
}

/** A link that starts a new sign-in, which renews the relay's Jira consent. */
function reconnectLink(label: string): HTMLElement {
  return h('a', { class: 'button button--primary', href: '/oauth/login', id: 'reconnect-button' }, label);
}

/** Redraws `container` only when what it shows changed, so screen readers hear changes, not polls. */
export function renderStatusBanner(
  container: HTMLElement,
  status: StatusDto | null,
  reachability: Reachability,
  retry: () => void,
): void {
  const state = bannerState(status, reachability);
  const look = LOOK[state];
  const key = JSON.stringify([state, status, reachability]);
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  container.className = `banner section-message section-message--${look.tone}`;
  container.setAttribute('data-state', state);

  const connection = status?.connection;
  const site = connection?.siteUrl
    ? h(
        'a',
        { href: connection.siteUrl, target: '_blank', rel: 'noopener noreferrer' },
        connection.siteUrl.replace(/^https?:\/\//, ''),
      )
    : '—';
  const reminder = grantReminder(status);
  let action: HTMLElement | null = null;
  if (state === 'reconnect_required') action = reconnectLink('Reconnect to Jira');
  else if (reminder !== undefined) action = reconnectLink('Renew access');
  else if (state === 'not_connected') action = reconnectLink('Connect to Jira');
  else if (state === 'unreachable' || state === 'unknown') {
    const button = h('button', { type: 'button', class: 'button', id: 'status-retry' }, 'Check again');
    button.addEventListener('click', retry);
    action = button;
  }

  mount(
    container,
    h('span', { class: 'section-message__icon' }, icon(look.icon)),
    h(
      'div',
      { class: 'section-message__body' },
      h(
        'div',
        { class: 'banner__head' },
        h('h2', { class: 'section-message__title', id: 'status-title' }, look.title),
        h(
          'span',
          {
            class: `lozenge lozenge--${look.tone === 'information' ? 'default' : look.tone === 'warning' ? 'moved' : look.tone === 'error' ? 'removed' : 'success'}`,
            id: 'connection-state',
            'data-state': state,
          },
          look.lozenge,
        ),
      ),
      h('p', { class: 'banner__text', id: 'status-text' }, ...describe(state, status, reachability)),
      reminder === undefined ? null : h('p', { class: 'banner__text', id: 'grant-reminder', role: 'status' }, reminder),
      connection
        ? h(
            'dl',
            { class: 'banner__facts' },
            h('div', null, h('dt', null, 'Jira site'), h('dd', null, site)),
            connection.connectedBy
              ? h(
                  'div',
                  null,
                  h('dt', null, 'Connected by'),
                  h(
                    'dd',
                    null,
                    connection.connectedBy.displayName,
                    connection.connectedAt ? ` · ${formatTime(connection.connectedAt, 'date')}` : '',
                  ),
                )
              : null,
            connection.lastRefreshAt && connection.state === 'connected'
              ? h(
                  'div',
                  null,
                  h('dt', null, 'Access renewed'),
                  h('dd', { id: 'token-refreshed' }, formatTime(connection.lastRefreshAt)),
                )
              : null,
          )
        : null,
      status ? counts(status.alerts) : null,
      action ? h('div', { class: 'section-message__actions' }, action) : null,
    ),
  );
}
