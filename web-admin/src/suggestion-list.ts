/**
 * The listbox of an ARIA combobox (WAI-ARIA Authoring Practices, "Combobox with listbox popup"):
 * options under a text input, one highlighted (`aria-activedescendant`, kept in view), picked with
 * the mouse without taking focus from the input. The callers decide what is listed and what a pick
 * does: `chip-input.ts` (many values) and `views/assignee-picker.ts` (one person).
 */
import { h, mount, uid } from './dom.ts';

export interface SuggestionOption {
  readonly label: string;
  pick(): void;
}

export interface SuggestionList {
  /** The `<ul role="listbox">`, to place next to the input. */
  readonly element: HTMLUListElement;
  isOpen(): boolean;
  /** Index of the highlighted option; -1 when none. */
  active(): number;
  /** Lists `options` with `active` highlighted (clamped to the list); an empty list closes. */
  show(options: readonly SuggestionOption[], active: number): void;
  close(): void;
}

/** Makes `input` a combobox controlling a new listbox named `label`. */
export function suggestionList(input: HTMLInputElement, label: string): SuggestionList {
  const listId = uid('suggestions');
  const element = h('ul', { class: 'chip-input__listbox', role: 'listbox', id: listId, hidden: true });
  element.setAttribute('aria-label', label);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listId);
  let active = -1;

  const close = (): void => {
    element.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };

  const show = (options: readonly SuggestionOption[], wanted: number): void => {
    if (options.length === 0) {
      close();
      return;
    }
    active = Math.min(wanted, options.length - 1);
    mount(
      element,
      options.map((option, index) => {
        const item = h(
          'li',
          {
            role: 'option',
            id: `${listId}-${index}`,
            class: `chip-input__option${index === active ? ' chip-input__option--active' : ''}`,
            'aria-selected': String(index === active),
          },
          option.label,
        );
        // mousedown, not click: the input keeps focus, so its blur does not act on half-typed text first.
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          option.pick();
        });
        return item;
      }),
    );
    element.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      element.querySelector(`#${CSS.escape(`${listId}-${active}`)}`)?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  return { element, isOpen: () => !element.hidden, active: () => active, show, close };
}
