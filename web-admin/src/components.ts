/**
 * Atlassian design language pieces the views share: section messages (with icons), lozenges and
 * empty states. Markup only; the look lives in styles.css on Atlassian's design tokens.
 */
import { type Children, h } from './dom.ts';
import { type IconName, icon } from './icons.ts';

export type MessageTone = 'information' | 'success' | 'warning' | 'error' | 'discovery';

const MESSAGE_ICON: Record<MessageTone, IconName> = {
  information: 'info',
  success: 'success',
  warning: 'warning',
  error: 'error',
  discovery: 'discovery',
};

/** A section message: icon, optional title, body, optional actions. `role` only where it must interrupt. */
export function sectionMessage(
  tone: MessageTone,
  options: { title?: string; id?: string; role?: 'alert' | 'status' | 'note'; actions?: Children } = {},
  ...body: Children[]
): HTMLElement {
  return h(
    'div',
    { class: `section-message section-message--${tone}`, id: options.id, role: options.role },
    h('span', { class: 'section-message__icon' }, icon(MESSAGE_ICON[tone])),
    h(
      'div',
      { class: 'section-message__body' },
      options.title ? h('p', { class: 'section-message__title' }, options.title) : null,
      body.length > 0 ? h('div', { class: 'section-message__content' }, body) : null,
      options.actions ? h('div', { class: 'section-message__actions' }, options.actions) : null,
    ),
  );
}

/** Fills an existing message slot (kept in place for `aria-live` / focus) with a tone and content. */
export function fillMessage(
  slot: HTMLElement,
  tone: MessageTone,
  title: string | undefined,
  ...body: Children[]
): void {
  const fresh = sectionMessage(tone, title ? { title } : {}, ...body);
  slot.className = fresh.className;
  slot.replaceChildren(...Array.from(fresh.childNodes));
  slot.hidden = false;
}

export type LozengeTone = 'default' | 'success' | 'removed' | 'inprogress' | 'new' | 'moved';

/** Atlassian's lozenge: a short uppercase status word. */
export function lozenge(text: string, tone: LozengeTone, attributes: Record<string, string> = {}): HTMLElement {
  return h('span', { class: `lozenge lozenge--${tone}`, ...attributes }, text);
}

/** Empty state: what is missing, why it matters, and the one thing to do about it. */
export function emptyState(title: string, description: string, action?: HTMLElement | null): HTMLElement {
  return h(
    'div',
    { class: 'empty-state' },
    h('h3', { class: 'empty-state__title' }, title),
    h('p', { class: 'empty-state__description' }, description),
    action ? h('div', { class: 'empty-state__action' }, action) : null,
  );
}
