/**
 * The signed-in layout: top bar (product, site, user, Sign out), page header (breadcrumb, title),
 * the status banner, tabs. The hash names the tab and, after a slash, a place inside it
 * (`#advanced/fieldMappings`, `#deliveries/retrying`), so explanations can link to the fix.
 */
import { api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { h, mount, withBusy } from '../dom.ts';
import { notify } from '../notifications.ts';
import { renderDeliveriesTab } from './deliveries-tab.ts';
import { renderMappingTab } from './mapping-tab.ts';
import { renderRulesTab } from './rules-tab.ts';
import { renderSetupTab } from './setup-tab.ts';
import { renderStatusBanner } from './status-banner.ts';
import type { TabHandle, TabView } from './tab-view.ts';

interface TabDef {
  id: string;
  label: string;
  /** Shown instead of the label on narrow screens. */
  short: string;
  view: TabView;
}

const TABS: readonly TabDef[] = [
  { id: 'setup', label: 'Web Trigger Setup', short: 'Setup', view: renderSetupTab },
  { id: 'advanced', label: 'Advanced Configuration', short: 'Advanced', view: renderMappingTab },
  { id: 'rules', label: 'Rules', short: 'Rules', view: renderRulesTab },
  { id: 'deliveries', label: 'Deliveries', short: 'Deliveries', view: renderDeliveriesTab },
];

const PRODUCT = 'Keeper Jira Relay';
/** Status is re-read this often while the page is visible, so the banner notices a stopped relay. */
const STATUS_POLL_MS = 15_000;

export function parseHash(hash: string): { tab: TabDef; place: string | undefined } {
  const [id = '', place] = hash.replace(/^#/, '').split('/', 2);
  const tab = TABS.find((t) => t.id === id) ?? (TABS[0] as TabDef);
  return { tab, place: place ? decodeURIComponent(place) : undefined };
}

export interface Shell {
  /** Redraws top bar and status banner from `ctx`. */
  refreshChrome(): void;
  /** Redraws the active tab (e.g. after a reset). */
  rerenderTab(): void;
  dispose(): void;
}

/** Asks before unsaved edits are dropped; true when there are none or the admin agrees. */
export async function confirmDiscard(ctx: AppContext, doing: string): Promise<boolean> {
  if (ctx.drafts.size === 0) return true;
  const sections = [...ctx.drafts.values()].map((d) => d.title).join(', ');
  const ok = await confirmAction({
    title: 'Discard unsaved changes?',
    message: `${sections} ${ctx.drafts.size === 1 ? 'has' : 'have'} changes that are not saved. ${doing} discards them.`,
    confirmLabel: 'Discard changes',
    danger: true,
  });
  if (ok) ctx.drafts.clear();
  return ok;
}

export function renderShell(root: HTMLElement, ctx: AppContext, onSignedOut: () => void): Shell {
  const topMeta = h('div', { class: 'topnav__meta' });
  const signOut = h(
    'button',
    { type: 'button', class: 'button button--subtle topnav__signout', id: 'signout-button' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    void (async () => {
      if (!(await confirmDiscard(ctx, 'Signing out'))) return;
      await withBusy(signOut, 'Signing out…', async () => {
        try {
          await api.logout();
          onSignedOut();
        } catch (error) {
          notify('error', describeError(error));
        }
      });
    })();
  });

  const header = h(
    'header',
    { class: 'topnav' },
    h('div', { class: 'topnav__inner' }, h('span', { class: 'topnav__product' }, PRODUCT), topMeta, signOut),
  );

  const breadcrumbSite = h('a', { href: '#setup' }, 'Jira');
  const pageHeader = h(
    'div',
    { class: 'page-header' },
    h(
      'nav',
      { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
      h(
        'ol',
        null,
        h('li', null, breadcrumbSite),
        h('li', null, h('span', null, 'Apps')),
        h('li', null, h('a', { href: '#setup', 'aria-current': 'page' }, PRODUCT)),
      ),
    ),
    h('h1', { class: 'page-header__title' }, PRODUCT),
    h(
      'p',
      { class: 'page-header__description' },
      'Turns Keeper Security alerts into Jira issues: where they go, how they are filled, and how delivery is going.',
    ),
  );

  const banner = h('section', { id: 'status-banner', 'aria-labelledby': 'status-title', 'aria-live': 'polite' });
  const tabButtons = TABS.map((tab) =>
    h(
      'a',
      { role: 'tab', id: `tab-${tab.id}`, href: `#${tab.id}`, class: 'tabs__tab', 'aria-controls': 'tab-panel' },
      h('span', { class: 'tabs__full' }, tab.label),
      h('span', { class: 'tabs__short' }, tab.short),
    ),
  );
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Relay settings' }, tabButtons);
  tablist.addEventListener('keydown', (event) => {
    const index = tabButtons.findIndex((b) => b === document.activeElement);
    if (index === -1) return;
    let next = -1;
    if (event.key === 'ArrowRight') next = (index + 1) % tabButtons.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabButtons.length) % tabButtons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabButtons.length - 1;
    if (next === -1) return;
    event.preventDefault();
    const target = tabButtons[next];
    target?.focus();
    target?.click();
  });
  const panel = h('section', { id: 'tab-panel', class: 'tab-panel', role: 'tabpanel', tabindex: '-1' });
  const main = h('main', { id: 'main', class: 'page', tabindex: '-1' }, pageHeader, banner, tablist, panel);

  mount(root, header, main);

  let handle: TabHandle | void;
  let shownTab: string | undefined;
  let shownHash = window.location.hash;
  const showTab = (force = false): void => {
    const { tab, place } = parseHash(window.location.hash);
    shownHash = window.location.hash;
    if (!force && shownTab === tab.id && handle?.navigate) {
      handle.navigate(place);
      return;
    }
    for (const [i, button] of tabButtons.entries()) {
      const selected = TABS[i]?.id === tab.id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('tabs__tab--active', selected);
    }
    panel.setAttribute('aria-labelledby', `tab-${tab.id}`);
    handle?.dispose?.();
    ctx.drafts.clear();
    panel.replaceChildren();
    shownTab = tab.id;
    handle = tab.view(panel, ctx, place);
    document.title = `${tab.label} · ${PRODUCT}`;
  };
  let guarding = false;
  const onHashChange = (): void => {
    const target = window.location.hash;
    const { tab } = parseHash(target);
    if (tab.id === shownTab || ctx.drafts.size === 0) {
      showTab();
      return;
    }
    // Stay until the admin decides: put the old address back without another hashchange.
    window.history.replaceState(null, '', shownHash || window.location.pathname);
    if (guarding) return;
    guarding = true;
    void confirmDiscard(ctx, 'Leaving this tab').then((ok) => {
      guarding = false;
      if (ok) {
        window.history.replaceState(null, '', target);
        showTab();
      }
    });
  };
  window.addEventListener('hashchange', onHashChange);
  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (ctx.drafts.size === 0) return;
    event.preventDefault();
    // Older browsers ask only when a return value is set.
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);

  const refreshChrome = (): void => {
    const site = ctx.status?.connection.siteUrl || ctx.session.site.url || ctx.siteUrl();
    const host = site.replace(/^https?:\/\//, '').replace(/\/$/, '');
    breadcrumbSite.textContent = host || 'Jira';
    if (site) breadcrumbSite.setAttribute('href', site);
    mount(
      topMeta,
      h('span', { class: 'topnav__site', title: 'Jira site' }, host),
      h('span', { class: 'topnav__user', id: 'header-user' }, ctx.session.user.displayName),
    );
    renderStatusBanner(banner, ctx.status, ctx.reachability, () => void ctx.refreshStatus());
  };
  refreshChrome();
  showTab(true);

  // Re-read status while the page is visible; a hidden page waits and catches up when shown.
  let timer: number | undefined;
  const schedule = (): void => {
    window.clearInterval(timer);
    timer =
      document.visibilityState === 'visible'
        ? window.setInterval(() => void ctx.refreshStatus(), STATUS_POLL_MS)
        : undefined;
  };
  const onVisibility = (): void => {
    schedule();
    if (document.visibilityState === 'visible') void ctx.refreshStatus();
  };
  document.addEventListener('visibilitychange', onVisibility);
  schedule();

  return {
    refreshChrome,
    rerenderTab: () => showTab(true),
    dispose: () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('visibilitychange', onVisibility);
      window.clearInterval(timer);
      handle?.dispose?.();
    },
  };
}
