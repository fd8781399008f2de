/**
 * Advanced Configuration → Priority Mapping and Issue Type Mapping: rules "event or category →
 * target", with a searchable event/category picker (an `<input list>` over the event catalogue)
 * that accepts only a catalogue event or a known category (`rule-choice.ts`).
 */
import type { EventDto, ValidationProblemDto } from '#shared/admin-api-types.ts';
import { h, mount, option, uid } from '../dom.ts';
import { errorMessages } from '../form-helpers.ts';
import { matchProblems } from '../problems.ts';
import { eventLabel, type RuleVocabulary, resolveRuleChoice } from '../rule-choice.ts';

export interface RuleMaps {
  byEvent: Record<string, string>;
  byCategory: Record<string, string>;
}

export interface Catalogue {
  events: readonly EventDto[];
  categories: readonly string[];
  /** ids of the shared `<datalist>`s (created once per tab). */
  eventListId: string;
  categoryListId: string;
}

/** Builds the two shared datalists: code as value, "title · category" as the visible label. */
export function catalogueLists(
  events: readonly EventDto[],
  categories: readonly string[],
): { element: HTMLElement; eventListId: string; categoryListId: string } {
  const eventListId = uid('events');
  const categoryListId = uid('categories');
  return {
    eventListId,
    categoryListId,
    element: h(
      'div',
      { hidden: true },
      h(
        'datalist',
        { id: eventListId },
        events.map((e) => option(e.event, eventLabel(e))),
      ),
      h(
        'datalist',
        { id: categoryListId },
        categories.map((c) => option(c, c)),
      ),
    ),
  };
}

interface Row {
  element: HTMLElement;
  kind: HTMLSelectElement;
  value: HTMLInputElement;
  target: HTMLSelectElement;
  detail: HTMLElement;
  errors: HTMLElement;
}

export interface RuleEditor {
  element: HTMLElement;
  read(): { rules: RuleMaps; complete: boolean };
  showProblems(problems: readonly ValidationProblemDto[]): ValidationProblemDto[];
}

/**
 * @param section config key of the rule maps, e.g. `priorityMapping`, used to match problem paths.
 * @param targets the choices on the right-hand side (priorities or issue types).
 */
export function ruleEditor(options: {
  section: string;
  noun: string;
  /** How the fallback is called in the empty state, e.g. "the default priority". */
  fallback: string;
  initial: RuleMaps;
  targets: readonly { id: string; name: string }[];
  catalogue: Catalogue;
}): RuleEditor {
  const { section, noun, catalogue } = options;
  // Keeper's defaults name documented categories (data_breach, …) that no catalogue event carries
  // yet; a saved rule on one stays valid, so the saved categories are known too.
  const vocabulary: RuleVocabulary = {
    events: catalogue.events,
    categories: [...new Set([...catalogue.categories, ...Object.keys(options.initial.byCategory)])],
  };
  const rows: Row[] = [];
  const list = h('div', { class: 'mapping-rows', role: 'list', id: `${section}-rows` });
  const empty = h('p', { class: 'muted empty-rules' }, `No rules yet. Every alert gets ${options.fallback}.`);

  const describe = (row: Row): void => {
    const kind = row.kind.value === 'event' ? 'event' : 'category';
    const choice = resolveRuleChoice(kind, row.value.value, vocabulary);
    if (!choice.ok) {
      row.detail.textContent = '';
    } else if (kind === 'event') {
      row.detail.textContent = choice.label;
    } else {
      const count = catalogue.events.filter((e) => e.category === choice.value).length;
      row.detail.textContent =
        count > 0 ? `${count} events in this category` : 'Matches alerts Keeper sends with this category';
    }
  };

  /** The key the row is saved under (an event picked by its title is stored by its code). */
  const storedKey = (row: Row): string => {
    const choice = resolveRuleChoice(row.kind.value === 'event' ? 'event' : 'category', row.value.value, vocabulary);
    return choice.ok ? choice.value : row.value.value.trim();
  };

  const renumber = (): void => {
    rows.forEach((row, index) => {
      const n = index + 1;
      row.kind.setAttribute('aria-label', `Rule ${n}: match on`);
      row.value.setAttribute('aria-label', `Rule ${n}: ${row.kind.value === 'event' ? 'event code' : 'category'}`);
      row.target.setAttribute('aria-label', `Rule ${n}: ${noun}`);
      row.element.querySelector('.mapping-row__remove')?.setAttribute('aria-label', `Remove rule ${n}`);
    });
    empty.hidden = rows.length > 0;
  };

  const clearRow = (row: Row): void => {
    errorMessages(row.errors, []);
    row.element.classList.remove('mapping-row--invalid');
    for (const control of [row.value, row.target]) control.removeAttribute('aria-invalid');
  };
  const setRowErrors = (row: Row, messages: readonly string[]): void => {
    errorMessages(row.errors, messages);
    row.element.classList.toggle('mapping-row--invalid', messages.length > 0);
    row.errors.id ||= uid('rule-errors');
    for (const control of [row.value, row.target]) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', row.errors.id);
    }
  };

  const addRow = (kind: 'event' | 'category' = 'event', value = '', targetId = ''): Row => {
    const kindSelect = h(
      'select',
      { class: 'input input--narrow' },
      option('event', 'Event', kind === 'event'),
      option('category', 'Category', kind === 'category'),
    );
    const valueInput = h('input', {
      type: 'text',
      class: 'input input--mono',
      value,
      list: kind === 'event' ? catalogue.eventListId : catalogue.categoryListId,
      placeholder: kind === 'event' ? 'Search events, e.g. login_failure' : 'e.g. security',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const target = h('select', { class: 'input' });
    mount(
      target,
      option('', `Choose ${noun}`, !targetId, true),
      options.targets.map((t) => option(t.id, t.name, t.id === targetId)),
      targetId && !options.targets.some((t) => t.id === targetId)
        ? option(targetId, `${targetId} (no longer available)`, true)
        : null,
    );
    const detail = h('span', { class: 'mapping-row__detail muted small' });
    const errors = h('div', { class: 'field__errors mapping-row__errors' });
    const remove = h(
      'button',
      { type: 'button', class: 'button button--icon mapping-row__remove' },
      h('span', { 'aria-hidden': 'true' }, '×'),
    );
    const element = h(
      'div',
      { class: 'mapping-row mapping-row--rule', role: 'listitem' },
      h('div', { class: 'mapping-row__source' }, h('div', { class: 'input-row' }, kindSelect, valueInput), detail),
      h('span', { class: 'mapping-row__arrow', 'aria-hidden': 'true' }, '→'),
      h('div', { class: 'mapping-row__target' }, target),
      remove,
      errors,
    );
    const row: Row = { element, kind: kindSelect, value: valueInput, target, detail, errors };
    kindSelect.addEventListener('change', () => {
      valueInput.setAttribute('list', kindSelect.value === 'event' ? catalogue.eventListId : catalogue.categoryListId);
      valueInput.placeholder = kindSelect.value === 'event' ? 'Search events, e.g. login_failure' : 'e.g. security';
      describe(row);
      renumber();
      clearRow(row);
    });
    valueInput.addEventListener('input', () => {
      describe(row);
      clearRow(row);
    });
    // Leaving the input with text that matches nothing says so at once, not only on save.
    valueInput.addEventListener('change', () => {
      const choice = resolveRuleChoice(
        kindSelect.value === 'event' ? 'event' : 'category',
        valueInput.value,
        vocabulary,
      );
      if (!choice.ok && valueInput.value.trim() !== '') setRowErrors(row, [choice.message]);
    });
    target.addEventListener('change', () => clearRow(row));
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      element.remove();
      renumber();
      (rows[Math.min(index, rows.length - 1)]?.value ?? addButton).focus();
    });
    rows.push(row);
    list.appendChild(element);
    describe(row);
    renumber();
    return row;
  };

  const addButton = h('button', { type: 'button', class: 'button', id: `${section}-add-rule` }, '+ Add rule');
  addButton.addEventListener('click', () => addRow().value.focus());

  for (const [event, id] of Object.entries(options.initial.byEvent)) addRow('event', event, id);
  for (const [category, id] of Object.entries(options.initial.byCategory)) addRow('category', category, id);
  renumber();

  return {
    element: h('div', null, list, empty, h('div', { class: 'form__actions' }, addButton)),
    read() {
      const rules: RuleMaps = { byEvent: {}, byCategory: {} };
      let complete = true;
      for (const row of rows) {
        clearRow(row);
        const kind = row.kind.value === 'event' ? 'event' : 'category';
        const choice = resolveRuleChoice(kind, row.value.value, vocabulary);
        const value = choice.ok ? choice.value : '';
        const messages: string[] = [];
        const map = kind === 'event' ? rules.byEvent : rules.byCategory;
        if (!choice.ok) messages.push(choice.message);
        else if (Object.prototype.hasOwnProperty.call(map, value))
          messages.push(`There is already a rule for ${value}; keep one.`);
        if (!row.target.value) messages.push(`Choose ${noun}.`);
        if (messages.length > 0) {
          setRowErrors(row, messages);
          complete = false;
          continue;
        }
        map[value] = row.target.value;
      }
      return { rules, complete };
    },
    showProblems(problems) {
      for (const row of rows) clearRow(row);
      const matched = matchProblems(
        problems,
        rows.map((row, index) => ({
          key: String(index),
          paths: [`${section}.${row.kind.value === 'event' ? 'byEvent' : 'byCategory'}.${storedKey(row)}`],
        })),
      );
      for (const [key, list] of matched.byKey) {
        const row = rows[Number(key)];
        if (row)
          setRowErrors(
            row,
            list.map((p) => p.message),
          );
      }
      return matched.unmatched;
    },
  };
}
