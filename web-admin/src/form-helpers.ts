/** Labelled form fields, inline validation messages, copy-to-clipboard. */
import type { ValidationProblemDto } from '#shared/admin-api-types.ts';
import { fillMessage } from './components.ts';
import { h, mount, uid } from './dom.ts';
import { icon } from './icons.ts';
import { notify } from './notifications.ts';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field {
  element: HTMLElement;
  control: Control;
  /** Shows messages under the control (empty list clears them) and marks it invalid. */
  setErrors(messages: readonly string[]): void;
}

/** A label + control + optional hint + error slot, wired with `for`/`aria-describedby`; required ones get Atlassian's red asterisk. */
export function field(
  label: string,
  control: Control,
  hint?: string | Node,
  options: { required?: boolean } = {},
): Field {
  control.id ||= uid('field');
  const hintId = hint ? uid('hint') : undefined;
  const errorId = uid('error');
  const errors = h('div', { id: errorId, class: 'field__errors' });
  if (options.required) control.setAttribute('aria-required', 'true');
  const describedBy = (withErrors: boolean): string =>
    [hintId, withErrors ? errorId : undefined].filter(Boolean).join(' ');
  if (hintId) control.setAttribute('aria-describedby', describedBy(false));
  const element = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { class: 'field__label', for: control.id },
      label,
      options.required ? h('span', { class: 'field__required', 'aria-hidden': 'true' }, ' *') : null,
    ),
    control,
    hint ? h('p', { id: hintId, class: 'field__hint' }, hint) : null,
    errors,
  );
  return {
    element,
    control,
    setErrors(messages) {
      errorMessages(errors, messages);
      const invalid = messages.length > 0;
      control.toggleAttribute('aria-invalid', invalid);
      if (invalid) control.setAttribute('aria-invalid', 'true');
      const value = describedBy(invalid);
      if (value) control.setAttribute('aria-describedby', value);
      else control.removeAttribute('aria-describedby');
      element.classList.toggle('field--invalid', invalid);
    },
  };
}

/** Fills an error slot with one line per message. */
export function errorMessages(slot: HTMLElement, messages: readonly string[]): void {
  mount(
    slot,
    messages.map((message) => h('p', { class: 'field-error' }, icon('error', 'field-error__icon'), message)),
  );
}

/**
 * The error message at the top of a section listing every problem of the last save, in words
 * (no configuration paths: the rows at fault are marked where they are).
 */
export function problemSummary(
  slot: HTMLElement,
  title: string,
  problems: readonly ValidationProblemDto[],
  extra?: string,
): void {
  if (problems.length === 0 && !extra) {
    slot.replaceChildren();
    slot.hidden = true;
    return;
  }
  const messages = [...new Set(problems.map((p) => p.message))];
  fillMessage(
    slot,
    'error',
    title,
    messages.length > 0
      ? h(
          'ul',
          null,
          messages.map((message) => h('li', null, message)),
        )
      : null,
    extra ? h('p', null, extra) : null,
  );
}

/** Copies text; falls back to selecting a read-only field when the clipboard API is not allowed. */
export async function copyText(text: string, fallbackField?: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notify('success', 'Copied to the clipboard.');
  } catch {
    if (fallbackField) {
      fallbackField.focus();
      fallbackField.select();
    }
    notify('info', 'Copying was blocked by the browser. The text is selected: press Ctrl+C (⌘C on a Mac).');
  }
}

/** A read-only input with a Copy button next to it. */
export function copyableInput(
  label: string,
  value: string,
  options: { id?: string; secret?: boolean; hint?: string | Node } = {},
): Field {
  const input = h('input', {
    type: 'text',
    readonly: true,
    value,
    class: options.secret ? 'input input--mono input--secret' : 'input input--mono',
    id: options.id,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const copy = h('button', { type: 'button', class: 'button', 'aria-label': `Copy ${label.toLowerCase()}` }, 'Copy');
  copy.addEventListener('click', () => void copyText(input.value, input));
  const f = field(label, input, options.hint);
  const row = h('div', { class: 'input-row' });
  input.replaceWith(row);
  row.append(input, copy);
  return f;
}
