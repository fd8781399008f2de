/** Modal confirmation built on the native `<dialog>` (focus trap, Escape, backdrop for free). */
import { h, uid } from './dom.ts';

export interface ConfirmOptions {
  title: string;
  message: string;
  confirmLabel: string;
  /** Destructive actions get a red confirm button and start focused on Cancel. */
  danger?: boolean;
}

export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const textId = uid('dialog-text');
    const cancel = h('button', { type: 'button', class: 'button', value: 'cancel' }, 'Cancel');
    const confirm = h(
      'button',
      { type: 'button', class: options.danger ? 'button button--danger' : 'button button--primary', value: 'confirm' },
      options.confirmLabel,
    );
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('h2', { id: titleId, class: 'dialog__title' }, options.title),
      h('p', { id: textId }, options.message),
      h('div', { class: 'dialog__actions' }, cancel, confirm),
    );
    let answered = false;
    const finish = (answer: boolean): void => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    confirm.addEventListener('click', () => finish(true));
    dialog.addEventListener('close', () => finish(false));
    document.body.appendChild(dialog);
    dialog.showModal();
    (options.danger ? cancel : confirm).focus();
  });
}
