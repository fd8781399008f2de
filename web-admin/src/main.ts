/** Entry point: read site settings, find out who is signed in, draw the matching screen. */
// First: the error handler and the browser fallbacks must be in place before any other code runs.
import './browser-support.ts';
import 'virtual:design-tokens.css';
import type { ConfigDto, SessionDto } from '#shared/admin-api-types.ts';
import {
  ApiError,
  api,
  describeError,
  isRelayUnreachable,
  loadSiteSettings,
  type SiteSettings,
  setReconnectRequiredHandler,
  setUnauthenticatedHandler,
} from './api-client.ts';
import { type AppContext, loadEvents, loadKeeperFields } from './app-context.ts';
import { h, mount } from './dom.ts';
import { stashDrafts, stashedDraftsTab } from './drafts.ts';
import { clearNotifications, notify } from './notifications.ts';
import { parseHash, renderShell, type Shell } from './views/app-shell.ts';
import { parseDeniedReason, renderAccessDenied, renderSignIn } from './views/sign-in.ts';

const root = document.getElementById('app') ?? document.body;
let shell: Shell | undefined;
/** The signed-in screens' state, while there is one (its drafts outlive an ended session). */
let current: AppContext | undefined;

function showSignIn(settings: SiteSettings, notice?: string): void {
  shell?.dispose();
  shell = undefined;
  clearNotifications();
  renderSignIn(root, settings.siteUrl ?? '', notice);
}

function showLoadError(error: unknown, retry: () => void): void {
  const button = h('button', { type: 'button', class: 'button button--primary' }, 'Try again');
  button.addEventListener('click', retry);
  mount(
    root,
    h(
      'main',
      { id: 'main', class: 'page page--center', tabindex: '-1' },
      h(
        'section',
        { class: 'card card--narrow', role: 'alert' },
        h('h1', { class: 'signin__title' }, 'The admin site could not load'),
        h('p', null, describeError(error)),
        button,
      ),
    ),
  );
}

async function startSignedIn(settings: SiteSettings, session: SessionDto): Promise<void> {
  const [status, config] = await Promise.all([api.status().catch(() => null), api.config().then((r) => r.config)]);
  const statusListeners = new Set<() => void>();
  const ctx: AppContext = {
    settings,
    session,
    status,
    reachability: status ? { reachable: true } : { reachable: false, since: new Date().toISOString() },
    config,
    drafts: new Map(),
    async refreshStatus() {
      try {
        ctx.status = await api.status();
        ctx.reachability = { reachable: true };
      } catch (error) {
        // Keep the last known status and say the relay did not answer; the banner shows it in place.
        if (isRelayUnreachable(error) && ctx.reachability.reachable)
          ctx.reachability = { reachable: false, since: new Date().toISOString() };
      }
      shell?.refreshChrome();
      for (const listener of statusListeners) listener();
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    async reloadConfig(): Promise<ConfigDto | null> {
      ctx.config = (await api.config()).config;
      return ctx.config;
    },
    setConfig(next: ConfigDto) {
      ctx.config = next;
    },
    rerenderTab() {
      shell?.rerenderTab();
    },
    events: loadEvents,
    keeperFields: loadKeeperFields,
    webhookUrl: () => ctx.status?.webhookUrl || settings.webhookUrl || `${window.location.origin}/webhook`,
    siteUrl: () => ctx.status?.connection.siteUrl || session.site.url || settings.siteUrl || '',
  };
  current = ctx;
  shell = renderShell(root, ctx, () => showSignIn(settings, 'You are signed out.'));
  const stashedTab = stashedDraftsTab();
  if (stashedTab && !window.location.hash.startsWith(`#${stashedTab}`)) {
    const rules = stashedTab === 'rules';
    notify(
      'info',
      `Your unsaved ${rules ? 'rule' : 'mapping'} changes from before the sign-in are kept.`,
      {
        label: rules ? 'Open Rules' : 'Open Advanced Configuration',
        run: () => (window.location.hash = `#${stashedTab}`),
      },
      'restored-drafts',
    );
  }
  setReconnectRequiredHandler(() => void ctx.refreshStatus());
}

async function start(): Promise<void> {
  const settings = await loadSiteSettings();
  setUnauthenticatedHandler(() => {
    const kept = current !== undefined && current.drafts.size > 0;
    if (current) stashDrafts(current.drafts, current.config?.version, parseHash(window.location.hash).tab.id);
    current = undefined;
    showSignIn(
      settings,
      `Your session has ended. Sign in again to continue.${kept ? ' Your unsaved changes are kept and offered again after you sign in.' : ''}`,
    );
  });

  const denied = parseDeniedReason(window.location.search);
  if (denied) {
    // Drop the query so a reload after signing in elsewhere does not show the old verdict.
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
    renderAccessDenied(root, settings.siteUrl ?? '', denied);
    return;
  }

  try {
    const session = await api.session();
    if (!session) {
      renderSignIn(root, settings.siteUrl ?? '');
      return;
    }
    await startSignedIn(settings, session);
  } catch (error) {
    // A 401 here already went back to the sign-in screen through the unauthenticated handler.
    if (error instanceof ApiError && error.status === 401) return;
    showLoadError(error, () => void start());
    notify('error', describeError(error));
  }
}

void start();
