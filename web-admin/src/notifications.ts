/** Toast notifications inside the page's `aria-live` region (`#notifications` in index.html). */
import { h } from './dom.ts';

export type NotificationKind = 'success' | 'error' | 'info';

function region(): HTMLElement {
  const existing = document.getElementById('notifications');
  if (existing) return existing;
  const created = h('div', { id: 'notifications', class: 'notifications', role: 'status', 'aria-live': 'polite' });
  document.body.appendChild(created);
  return created;
}

/** Shows a message; success/info fade after a few seconds, errors stay until dismissed. */
export function notify(kind: NotificationKind, message: string, action?: { label: string; run: () => void }): void {
  const close = h('button', { type: 'button', class: 'toast__close', 'aria-label': 'Dismiss notification' }, '×');
  const toast = h(
    'div',
    { class: `toast toast--${kind}`, 'data-kind': kind },
    h('span', { class: 'toast__icon', 'aria-hidden': 'true' }, kind === 'success' ? '✓' : kind === 'error' ? '!' : 'i'),
    h('span', { class: 'toast__text' }, message),
    action
      ? h(
          'button',
          {
            type: 'button',
            class: 'button button--link',
            on: {
              click: () => {
                toast.remove();
                action.run();
              },
            },
          },
          action.label,
        )
      : null,
    close,
  );
  close.addEventListener('click', () => toast.remove());
  region().appendChild(toast);
  if (kind !== 'error') window.setTimeout(() => toast.remove(), 6000);
}

export function clearNotifications(): void {
  region().replaceChildren();
}
