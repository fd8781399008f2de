/** The signed-in layout: header (product, site, user, Sign out), connection panel, tabs. */
import { api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { h, mount, withBusy } from '../dom.ts';
import { notify } from '../notifications.ts';
import { renderConnectionPanel } from './connection-panel.ts';
import { renderDeliveriesTab } from './deliveries-tab.ts';
import { renderMappingTab } from './mapping-tab.ts';
import { renderSetupTab } from './setup-tab.ts';

/** A tab draws into its panel and may return a cleanup (timers, listeners). */
export type TabView = (panel: HTMLElement, ctx: AppContext) => (() => void) | void;

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
  { id: 'deliveries', label: 'Deliveries', short: 'Deliveries', view: renderDeliveriesTab },
];

function tabFromHash(): TabDef {
  const id = window.location.hash.replace(/^#/, '');
  return TABS.find((t) => t.id === id) ?? (TABS[0] as TabDef);
}

export interface Shell {
  /** Redraws header and connection panel from `ctx`. */
  refreshChrome(): void;
  /** Redraws the active tab (e.g. after a reset). */
  rerenderTab(): void;
  dispose(): void;
}

export function renderShell(root: HTMLElement, ctx: AppContext, onSignedOut: () => void): Shell {
  const headerMeta = h('div', { class: 'header__meta' });
  const signOut = h('button', { type: 'button', class: 'button button--subtle header__signout', id: 'signout-button' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void withBusy(signOut, 'Signing out…', async () => {
      try {
        await api.logout();
        onSignedOut();
      } catch (error) {
        notify('error', describeError(error));
      }
    });
  });

  const header = h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'header__inner' },
      h('div', { class: 'brand' }, h('span', { class: 'brand__mark', 'aria-hidden': 'true' }, '→'), h('span', null, 'Keeper → Jira Relay')),
      headerMeta,
      signOut,
    ),
  );

  const connection = h('section', { class: 'connection card', 'aria-label': 'Jira connection' });
  const tabButtons = TABS.map((tab) =>
    h(
      'a',
      {
        role: 'tab',
        id: `tab-${tab.id}`,
        href: `#${tab.id}`,
        class: 'tabs__tab',
        'aria-controls': 'tab-panel',
      },
      h('span', { class: 'tabs__full' }, tab.label),
      h('span', { class: 'tabs__short' }, tab.short),
    ),
  );
  const tablist = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Relay settings' }, tabButtons);
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
  const main = h('main', { id: 'main', class: 'page', tabindex: '-1' }, connection, tablist, panel);

  mount(root, header, main);

  let cleanup: (() => void) | void;
  const showTab = (): void => {
    const active = tabFromHash();
    for (const [i, button] of tabButtons.entries()) {
      const selected = TABS[i]?.id === active.id;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('tabs__tab--active', selected);
    }
    panel.setAttribute('aria-labelledby', `tab-${active.id}`);
    if (typeof cleanup === 'function') cleanup();
    panel.replaceChildren();
    cleanup = active.view(panel, ctx);
    document.title = `${active.label} · Keeper → Jira Relay`;
  };
  const onHashChange = (): void => showTab();
  window.addEventListener('hashchange', onHashChange);

  const refreshChrome = (): void => {
    const site = ctx.status?.connection.siteUrl || ctx.session.site.url || ctx.siteUrl();
    mount(
      headerMeta,
      h('span', { class: 'header__site', title: 'Jira site' }, site.replace(/^https?:\/\//, '')),
      h('span', { class: 'header__user', id: 'header-user' }, ctx.session.user.displayName),
    );
    renderConnectionPanel(connection, ctx.status);
  };
  refreshChrome();
  showTab();

  return {
    refreshChrome,
    rerenderTab: showTab,
    dispose: () => {
      window.removeEventListener('hashchange', onHashChange);
      if (typeof cleanup === 'function') cleanup();
    },
  };
}
