/** Screens shown before a session exists: the sign-in landing card and "access denied". */
import { sectionMessage } from '../components.ts';
import { h, mount } from '../dom.ts';
import { icon } from '../icons.ts';

export type DeniedReason = 'not_admin' | 'wrong_site' | 'oauth_failed';

export function parseDeniedReason(search: string): DeniedReason | null {
  const params = new URLSearchParams(search);
  if (params.get('signin') !== 'denied') return null;
  const reason = params.get('reason');
  return reason === 'wrong_site' || reason === 'oauth_failed' ? reason : 'not_admin';
}

function siteLabel(siteUrl: string): string {
  if (!siteUrl) return 'this Jira site';
  try {
    return new URL(siteUrl).host;
  } catch {
    return siteUrl;
  }
}

function brand(): HTMLElement {
  return h('p', { class: 'brand' }, 'Keeper Jira Relay');
}

export function renderSignIn(root: HTMLElement, siteUrl: string, notice?: string): void {
  const site = siteLabel(siteUrl);
  mount(
    root,
    h(
      'main',
      { id: 'main', class: 'page page--center', tabindex: '-1' },
      h(
        'section',
        { class: 'card card--narrow signin', 'aria-labelledby': 'signin-title' },
        brand(),
        h('h1', { id: 'signin-title', class: 'signin__title' }, 'Sign in to configure the relay'),
        h(
          'p',
          null,
          'The relay turns Keeper Security alerts into Jira issues. Jira administrators of ',
          h('strong', null, site),
          ' choose the project, issue types and field mappings, and manage the webhook token here.',
        ),
        notice ? sectionMessage('information', { role: 'status' }, notice) : null,
        h(
          'a',
          { class: 'button button--primary button--block', href: '/oauth/login', id: 'signin-button' },
          'Sign in with Atlassian',
        ),
        h(
          'p',
          { class: 'muted small' },
          'You will be sent to Atlassian to sign in and then brought back here. Only Jira administrators can continue.',
        ),
      ),
    ),
  );
}

const DENIED_TEXT: Record<DeniedReason, { title: string; body: (site: string) => string[] }> = {
  not_admin: {
    title: 'Access denied',
    body: (site) => [
      `Only Jira administrators of ${site} can configure the relay.`,
      'You signed in with an account that is a project administrator or a regular user there. Project administrators cannot change the relay, because it creates issues and manages a webhook secret for the whole site.',
      'Ask a Jira administrator to sign in, or sign in with an account that has the "Administer Jira" global permission.',
    ],
  },
  wrong_site: {
    title: 'Wrong Jira site',
    body: (site) => [
      `This relay is set up for ${site} only.`,
      `The account you signed in with did not grant access to ${site}. If you have access to several Atlassian sites, sign in again and choose ${site} when Atlassian asks which site to allow.`,
    ],
  },
  oauth_failed: {
    title: 'Sign-in did not complete',
    body: () => [
      'Atlassian did not finish the sign-in. This happens when access is declined on the consent screen, when the sign-in page was left open too long, or when the relay could not reach Atlassian.',
      'Try again. If it keeps failing, ask the team that deployed the relay to check its logs.',
    ],
  },
};

export function renderAccessDenied(root: HTMLElement, siteUrl: string, reason: DeniedReason): void {
  const text = DENIED_TEXT[reason];
  const site = siteLabel(siteUrl);
  mount(
    root,
    h(
      'main',
      { id: 'main', class: 'page page--center', tabindex: '-1' },
      h(
        'section',
        { class: 'card card--narrow signin signin--denied', 'aria-labelledby': 'denied-title', 'data-reason': reason },
        brand(),
        h(
          'div',
          { class: 'signin__status' },
          h('span', { class: 'status-icon' }, icon('error')),
          h('h1', { id: 'denied-title', class: 'signin__title' }, text.title),
        ),
        ...text.body(site).map((paragraph) => h('p', null, paragraph)),
        h(
          'a',
          { class: 'button button--primary button--block', href: '/oauth/login', id: 'signin-other-button' },
          reason === 'oauth_failed' ? 'Try signing in again' : 'Sign in with another account',
        ),
      ),
    ),
  );
}
