/**
 * Modal confirmation. Built on the native `<dialog>` (focus trap, Escape, backdrop for free) where
 * `showModal` exists; Firefox before 98 and Safari / iOS before 15.4 lack it, and there the same
 * dialog is drawn as an ARIA modal with its own backdrop, focus trap and Escape. Either way focus
 * goes back to the control that opened it.
 */
import { h, uid } from './dom.ts';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  /** Destructive actions get a red confirm button and start focused on Cancel. */
  danger?: boolean;
}

/** Asked of an element, not of `HTMLDialogElement`: Firefox 88–97 has no such global to ask. */
export function hasNativeModal(): boolean {
  return 'showModal' in document.createElement('dialog');
}

/** The native dialog's methods, typed only where `hasNativeModal()` said they exist. */
interface NativeDialog extends HTMLElement {
  readonly open: boolean;
  showModal(): void;
  close(): void;
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const titleId = uid('dialog-title');
    const textId = uid('dialog-text');
    const cancel = h('button', { type: 'button', class: 'button button--subtle', value: 'cancel' }, 'Cancel');
    const confirm = h(
      'button',
      { type: 'button', class: options.danger ? 'button button--danger' : 'button button--primary', value: 'confirm' },
      options.confirmLabel,
    );
    const content = [
      h('h2', { id: titleId, class: 'dialog__title' }, options.title),
      h('p', { id: textId }, options.message),
      h('div', { class: 'dialog__actions' }, cancel, confirm),
    ];
    const native = hasNativeModal();
    const dialog = native
      ? h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId }, content)
      : h(
          'div',
          {
            class: 'dialog dialog--fallback',
            role: 'dialog',
            'aria-modal': 'true',
            'aria-labelledby': titleId,
            'aria-describedby': textId,
          },
          content,
        );
    const backdrop = native ? null : h('div', { class: 'dialog-backdrop' }, dialog);
    // Without a native modal the rest of the page is hidden from assistive technology by hand.
    const hidden: Element[] = [];

    let answered = false;
    const finish = (answer: boolean): void => {
      if (answered) return;
      answered = true;
      if (native && (dialog as NativeDialog).open) (dialog as NativeDialog).close();
      (backdrop ?? dialog).remove();
      for (const element of hidden) element.removeAttribute('aria-hidden');
      document.removeEventListener('keydown', onKeydown, true);
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    };
    const onKeydown = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') {
        event.preventDefault();
        finish(false);
        return;
      }
      if (event.key !== 'Tab') return;
      const focusable = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      } else if (!dialog.contains(document.activeElement)) {
        event.preventDefault();
        first.focus();
      }
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));

    if (native) {
      dialog.addEventListener('close', () => finish(false));
      document.body.appendChild(dialog);
      (dialog as NativeDialog).showModal();
    } else if (backdrop) {
      for (const element of Array.from(document.body.children)) {
        if (element.getAttribute('aria-hidden') !== 'true' && element.id !== 'flags') {
          element.setAttribute('aria-hidden', 'true');
          hidden.push(element);
        }
      }
      document.body.appendChild(backdrop);
      document.addEventListener('keydown', onKeydown, true);
    }
    (options.danger ? cancel : confirm).focus();
  });
}
