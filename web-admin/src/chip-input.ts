/**
 * A list of values typed or picked into one labelled field, each shown as a chip with its own
 * Remove button: events of a condition, labels, payload paths, IP ranges. With `suggest` it is an
 * ARIA combobox whose listbox filters as one types (arrows move, Enter picks, Escape closes);
 * with `resolve` only what it accepts becomes a chip (an event typed by its title is stored by its
 * code). A chip change fires a bubbling `change` event, so forms notice it like any other edit.
 */
import { h, mount } from './dom.ts';
import { type Field, field } from './form-helpers.ts';
import { suggestionList } from './suggestion-list.ts';

export interface Suggestion {
  value: string;
  label: string;
  /** What is searched besides the value (default: the label), e.g. an event's title without its category. */
  search?: string;
}

export type Resolved = { ok: true; value: string } | { ok: false; message: string };

export interface ChipInputOptions {
  label: string;
  hint?: string | Node;
  values: readonly string[];
  placeholder?: string;
  /** Suggestions for what is typed (not those already chosen); absent: no listbox. */
  suggest?(text: string): Suggestion[];
  /** What typed text is stored as, or why it cannot be; absent: any non-empty text. */
  resolve?(text: string): Resolved;
  /** A comma ends a value while typing or pasting; off for patterns, which may contain commas. */
  splitOnComma?: boolean;
  /** The chip's text for a stored value (e.g. an event's title). */
  chipText?(value: string): string;
  mono?: boolean;
  onChange(values: string[]): void;
}

export interface ChipInput extends Field {
  values(): string[];
  setValues(values: readonly string[]): void;
  /** Turns text still in the input into chips; false when some of it was refused (and shown). */
  commitPending(): boolean;
}

const MAX_SUGGESTIONS = 12;

/** Case-insensitive search over code and title; codes that start with the text come first. */
export function rankSuggestions(
  items: readonly Suggestion[],
  text: string,
  exclude: readonly string[] = [],
): Suggestion[] {
  const wanted = text.trim().toLowerCase();
  const taken = new Set(exclude);
  const scored: { item: Suggestion; score: number }[] = [];
  for (const item of items) {
    if (taken.has(item.value)) continue;
    const value = item.value.toLowerCase();
    const label = (item.search ?? item.label).toLowerCase();
    let score = -1;
    if (wanted === '') score = 3;
    else if (value === wanted) score = 0;
    else if (value.startsWith(wanted)) score = 1;
    else if (label.startsWith(wanted)) score = 2;
    else if (value.includes(wanted) || label.includes(wanted)) score = 3;
    if (score >= 0) scored.push({ item, score });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.item.value.localeCompare(b.item.value))
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.item);
}

export function chipInput(options: ChipInputOptions): ChipInput {
  let values = [...options.values];
  let suggestions: Suggestion[] = [];
  const input = h('input', {
    type: 'text',
    class: `input chip-input__text${options.mono ? ' input--mono' : ''}`,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: options.placeholder,
  });
  const list = options.suggest ? suggestionList(input, `Suggestions for ${options.label}`) : undefined;
  const chips = h('ul', { class: 'chip-list' });
  const f = field(options.label, input, options.hint);
  chips.setAttribute('aria-label', options.label);
  const entry = h('div', { class: 'chip-input__entry' });
  const box = h('div', { class: 'chip-input' }, chips, entry);
  // The field put the input under its label; the chips and the listbox go around it there.
  input.replaceWith(box);
  entry.append(input, ...(list ? [list.element] : []));
  box.addEventListener('click', (event) => {
    if (event.target === box || event.target === chips) input.focus();
  });

  const changed = (): void => {
    drawChips();
    options.onChange([...values]);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };

  const drawChips = (): void => {
    mount(
      chips,
      values.map((value, index) => {
        const text = options.chipText ? options.chipText(value) : value;
        const remove = h(
          'button',
          { type: 'button', class: 'chip__remove', 'aria-label': `Remove ${text}` },
          h('span', { 'aria-hidden': 'true' }, '×'),
        );
        remove.addEventListener('click', () => {
          values.splice(index, 1);
          changed();
          const next = chips.querySelectorAll<HTMLButtonElement>('.chip__remove')[Math.min(index, values.length - 1)];
          (next ?? input).focus();
        });
        return h(
          'li',
          { class: 'chip' },
          h('span', { class: `chip__text${options.mono ? ' mono' : ''}`, title: value }, text),
          remove,
        );
      }),
    );
    chips.hidden = values.length === 0;
  };

  const close = (): void => list?.close();

  /** Lists what matches the text, keeping the highlighted option at `active`. */
  const drawSuggestions = (active = list?.active() ?? -1): void => {
    if (!options.suggest || !list) return;
    suggestions = options.suggest(input.value).filter((s) => !values.includes(s.value));
    list.show(
      suggestions.map((s) => ({
        label: s.label,
        pick: () => {
          add(s.value);
          input.value = '';
          drawSuggestions();
        },
      })),
      active,
    );
  };

  const add = (value: string): void => {
    if (!values.includes(value)) {
      values.push(value);
      changed();
    }
    f.setErrors([]);
  };

  const commit = (text: string): boolean => {
    const pieces = options.splitOnComma === false ? [text] : text.split(/[,\n]/);
    const refused: string[] = [];
    const messages: string[] = [];
    let added = false;
    for (const piece of pieces.map((p) => p.trim()).filter((p) => p !== '')) {
      const resolved: Resolved = options.resolve ? options.resolve(piece) : { ok: true, value: piece };
      if (resolved.ok) {
        if (!values.includes(resolved.value)) {
          values.push(resolved.value);
          added = true;
        }
      } else {
        refused.push(piece);
        messages.push(resolved.message);
      }
    }
    if (added) changed();
    input.value = refused.join(', ');
    f.setErrors(messages);
    return refused.length === 0;
  };

  input.addEventListener('input', () => {
    f.setErrors([]);
    if (options.splitOnComma !== false && /[,\n]/.test(input.value)) {
      const last = Math.max(input.value.lastIndexOf(','), input.value.lastIndexOf('\n'));
      const rest = input.value.slice(last + 1);
      commit(input.value.slice(0, last));
      input.value = input.value ? `${input.value}, ${rest}` : rest;
    }
    drawSuggestions(-1);
  });
  input.addEventListener('focus', () => {
    if (input.value !== '') drawSuggestions();
  });
  input.addEventListener('keydown', (event) => {
    const open = list?.isOpen() === true;
    const active = list?.active() ?? -1;
    if (event.key === 'ArrowDown' && options.suggest) {
      event.preventDefault();
      drawSuggestions(open ? active + 1 : 0);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      drawSuggestions(Math.max(active - 1, 0));
    } else if (event.key === 'Enter') {
      // Enter adds the value; it must never submit the form the field sits in.
      event.preventDefault();
      const chosen = open && active >= 0 ? suggestions[active] : undefined;
      if (chosen) {
        add(chosen.value);
        input.value = '';
      } else if (input.value.trim() !== '') {
        commit(input.value);
      }
      close();
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === 'Backspace' && input.value === '' && values.length > 0) {
      values.pop();
      changed();
    }
  });
  input.addEventListener('blur', () => {
    close();
    if (input.value.trim() !== '') commit(input.value);
  });

  drawChips();
  return {
    ...f,
    values: () => [...values],
    setValues(next) {
      values = [...next];
      changed();
    },
    commitPending: () => (input.value.trim() === '' ? true : commit(input.value)),
  };
}
