/**
 * Flags (Atlassian's name for toasts): stacked bottom-left so they never cover a section's Save
 * button, which sits on the right. Errors go to an assertive live region (`#alerts`), the rest to a
 * polite one (`#notifications`); both live in index.html so screen readers know them before
 * anything is announced.
 */
import { h } from './dom.ts';
import { type IconName, icon } from './icons.ts';

export type NotificationKind = 'success' | 'error' | 'info' | 'warning';

const ICON: Record<NotificationKind, IconName> = {
  success: 'success',
  error: 'error',
  info: 'info',
  warning: 'warning',
};

function region(id: 'notifications' | 'alerts'): HTMLElement {
  const existing = document.getElementById(id);
  if (existing) return existing;
  let stack = document.getElementById('flags');
  if (!stack) {
    stack = h('div', { id: 'flags', class: 'flags' });
    document.body.appendChild(stack);
  }
  const created =
    id === 'alerts'
      ? h('div', { id, class: 'flags__region', role: 'alert', 'aria-live': 'assertive' })
      : h('div', { id, class: 'flags__region', role: 'status', 'aria-live': 'polite' });
  stack.appendChild(created);
  return created;
}

/**
 * Shows a flag; success and info fade after a few seconds, errors and warnings stay until dismissed.
 * A `key` replaces the earlier flag with the same key instead of stacking another one.
 */
export function notify(
  kind: NotificationKind,
  message: string,
  action?: { label: string; run: () => void },
  key?: string,
): void {
  const target = region(kind === 'error' ? 'alerts' : 'notifications');
  if (key) document.querySelector(`.flag[data-key="${CSS.escape(key)}"]`)?.remove();
  const close = h('button', { type: 'button', class: 'flag__close', 'aria-label': 'Dismiss' }, icon('cross'));
  const flag = h(
    'div',
    { class: `flag flag--${kind} toast toast--${kind}`, 'data-kind': kind, 'data-key': key },
    h('span', { class: 'flag__icon' }, icon(ICON[kind])),
    h(
      'div',
      { class: 'flag__body' },
      h('p', { class: 'flag__text toast__text' }, message),
      action
        ? h(
            'button',
            {
              type: 'button',
              class: 'button button--link flag__action',
              on: {
                click: () => {
                  flag.remove();
                  action.run();
                },
              },
            },
            action.label,
          )
        : null,
    ),
    close,
  );
  close.addEventListener('click', () => flag.remove());
  target.appendChild(flag);
  keepActiveControlVisible(flag);
  if (kind === 'success' || kind === 'info') window.setTimeout(() => flag.remove(), 6000);
}

/**
 * On a phone the flags span the width: if the new flag lands over the control just used (the
 * focused one), scroll the page so the control sits above the flags.
 */
function keepActiveControlVisible(flag: HTMLElement): void {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || active === document.body || flag.contains(active)) return;
  const control = active.getBoundingClientRect();
  const stack = (document.getElementById('flags') ?? flag).getBoundingClientRect();
  const overlapsHorizontally = control.right > stack.left && control.left < stack.right;
  if (overlapsHorizontally && control.bottom > stack.top && control.top < stack.bottom) {
    window.scrollBy(0, control.bottom - stack.top + 8);
  }
}

/** Removes the flag with this key, if shown (e.g. "relay unreachable" once it answers again). */
export function dismissNotification(key: string): void {
  document.querySelector(`.flag[data-key="${CSS.escape(key)}"]`)?.remove();
}

export function clearNotifications(): void {
  region('notifications').replaceChildren();
  region('alerts').replaceChildren();
}
