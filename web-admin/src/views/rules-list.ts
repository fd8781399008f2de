/**
 * Rules → the ordered list of rule cards (first match wins): name, enabled switch, what the rule
 * matches and does in words, and its editor behind Edit. Reordered with the mouse (drag the
 * handle; a line shows where the card lands) or the keyboard (Move up / Move down, or Alt+Arrow
 * keys on a focused card); focus stays on the moved card and a live region says where it went.
 */
import { confirmAction } from '../confirm-dialog.ts';
import { h, uid } from '../dom.ts';
import { errorMessages, field } from '../form-helpers.ts';
import {
  dropTarget,
  duplicateRule,
  moveAnnouncement,
  moveItem,
  newRule,
  newRuleId,
  type RuleDraft,
} from '../rule-draft.ts';
import { actionsSummary, conditionSummary } from '../rule-summary.ts';
import { type ConditionCatalogue, conditionBuilder } from './condition-builder.ts';
import { actionsEditor, checkboxField } from './rule-actions-editor.ts';
import type { ErrorTarget } from './rules-context.ts';

interface Card {
  draft: RuleDraft;
  element: HTMLLIElement;
  up: HTMLButtonElement;
  down: HTMLButtonElement;
  setPosition(index: number, total: number): void;
  refresh(): void;
  setExpanded(open: boolean): void;
  targets(prefix: string): ErrorTarget[];
  focusName(): void;
}

export interface RulesList {
  element: HTMLElement;
  /** The rules in their current order (the drafts the cards edit). */
  drafts(): RuleDraft[];
  /** Problem targets of every card, by the rules' current positions. */
  targets(): ErrorTarget[];
  /** Opens the editors of the rules at these positions (those with problems). */
  expand(indices: ReadonlySet<number>): void;
}

const REORDER_HELP_ID = 'rules-reorder-help';

function displayName(draft: RuleDraft): string {
  return draft.name.trim() || 'Untitled rule';
}

export function rulesList(initial: readonly RuleDraft[], cat: ConditionCatalogue): RulesList {
  const cards: Card[] = [];
  const list = h('ol', { class: 'rule-list', id: 'rule-list', 'aria-label': 'Rules, first match wins' });
  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'rules-announcer' });
  const empty = h(
    'div',
    { class: 'rule-list__empty', id: 'rules-empty' },
    h('p', { class: 'muted' }, 'No rules yet: every alert becomes its own ticket, set up by the mappings.'),
  );
  const changed = (): void => void list.dispatchEvent(new Event('change', { bubbles: true }));

  const renumber = (): void => {
    cards.forEach((card, index) => {
      card.setPosition(index, cards.length);
    });
    empty.hidden = cards.length > 0;
  };

  const announce = (text: string): void => {
    // A fresh text node each time, so a repeated message is announced again.
    announcer.textContent = '';
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  };

  const move = (card: Card, to: number, keepFocusOn?: HTMLElement | null): void => {
    const from = cards.indexOf(card);
    const target = Math.max(0, Math.min(cards.length - 1, to));
    if (from === -1 || target === from) return;
    const reordered = moveItem(cards, from, target);
    cards.splice(0, cards.length, ...reordered);
    list.insertBefore(card.element, cards[target + 1]?.element ?? null);
    renumber();
    // Moving the element took focus away; give it back to the same control, or to the card.
    const usable = keepFocusOn?.isConnected && !(keepFocusOn as HTMLButtonElement).disabled;
    (usable && keepFocusOn ? keepFocusOn : card.element).focus();
    announce(moveAnnouncement(card.draft.name, target + 1, cards.length));
    changed();
  };

  let dragged: Card | undefined;
  const clearIndicator = (): void => {
    for (const c of cards) c.element.classList.remove('rule-card--drop-before', 'rule-card--drop-after');
  };
  const dropPlace = (event: DragEvent): { over: Card; after: boolean } | undefined => {
    const element = event.target instanceof Element ? event.target.closest('.rule-card') : null;
    const over = cards.find((c) => c.element === element);
    if (!over) return undefined;
    // Measured on the card's header: an open editor below it would push the middle far down.
    const head = over.element.querySelector('.rule-card__head') ?? over.element;
    const box = head.getBoundingClientRect();
    return { over, after: event.clientY > box.top + box.height / 2 };
  };
  list.addEventListener('dragover', (event) => {
    if (!dragged) return;
    const place = dropPlace(event);
    if (!place) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    clearIndicator();
    if (place.over !== dragged)
      place.over.element.classList.add(place.after ? 'rule-card--drop-after' : 'rule-card--drop-before');
  });
  list.addEventListener('dragleave', (event) => {
    if (!(event.relatedTarget instanceof Node) || !list.contains(event.relatedTarget)) clearIndicator();
  });
  list.addEventListener('drop', (event) => {
    if (!dragged) return;
    event.preventDefault();
    const place = dropPlace(event);
    clearIndicator();
    if (!place || place.over === dragged) return;
    const from = cards.indexOf(dragged);
    move(dragged, dropTarget(from, cards.indexOf(place.over), place.after));
  });

  const remove = async (card: Card): Promise<void> => {
    const name = displayName(card.draft);
    const ok = await confirmAction({
      title: `Delete the rule “${name}”?`,
      message:
        'Alerts it matches go on to the next rule, or become tickets as the mappings decide. The rule is gone once you save.',
      confirmLabel: 'Delete rule',
      danger: true,
    });
    if (!ok) return;
    const index = cards.indexOf(card);
    cards.splice(index, 1);
    card.element.remove();
    renumber();
    const next = cards[Math.min(index, cards.length - 1)];
    (next ? next.element : addButton).focus();
    announce(`Rule ${name} deleted. ${cards.length} ${cards.length === 1 ? 'rule' : 'rules'} left.`);
    changed();
  };

  const insert = (draft: RuleDraft, at: number): Card => {
    const card = makeCard(draft);
    cards.splice(at, 0, card);
    list.insertBefore(card.element, cards[at + 1]?.element ?? null);
    renumber();
    card.setExpanded(true);
    card.focusName();
    changed();
    return card;
  };

  const makeCard = (draft: RuleDraft): Card => {
    const titleId = uid('rule-title');
    const bodyId = uid('rule-body');
    const title = h('h3', { class: 'rule-card__title', id: titleId });
    const position = h('span', { class: 'rule-card__position', 'aria-hidden': 'true' });
    const condition = h('p', { class: 'rule-card__summary' });
    const outcome = h('p', { class: 'rule-card__summary rule-card__summary--actions' });
    const handle = h(
      'span',
      { class: 'rule-card__handle', draggable: 'true', title: 'Drag to reorder', 'aria-hidden': 'true' },
      '⠿',
    );
    const enabled = checkboxField('Enabled', draft.enabled, undefined, { switch: true });
    enabled.element.classList.add('rule-card__enabled');
    const edit = h(
      'button',
      {
        type: 'button',
        class: 'button button--small rule-card__edit',
        'aria-expanded': 'false',
        'aria-controls': bodyId,
      },
      'Edit',
    );
    const up = h('button', { type: 'button', class: 'button button--subtle button--small rule-card__up' }, 'Move up');
    const down = h(
      'button',
      { type: 'button', class: 'button button--subtle button--small rule-card__down' },
      'Move down',
    );
    const duplicate = h(
      'button',
      { type: 'button', class: 'button button--subtle button--small rule-card__duplicate' },
      'Duplicate',
    );
    const del = h(
      'button',
      { type: 'button', class: 'button button--danger-subtle button--small rule-card__delete' },
      'Delete',
    );
    const errors = h('div', { class: 'field__errors rule-card__errors' });
    const flagged = h('span', { class: 'lozenge lozenge--removed rule-card__flag', hidden: true }, 'Needs a fix');

    const name = h('input', { type: 'text', class: 'input', value: draft.name, maxlength: 120, autocomplete: 'off' });
    const nameField = field('Rule name', name, 'Shown in Deliveries next to the alerts it matched.', {
      required: true,
    });
    const conditionPart = conditionBuilder(draft.when, cat);
    const actionsPart = actionsEditor(draft.actions, cat);
    const body = h(
      'div',
      { class: 'rule-card__body', id: bodyId, hidden: true },
      nameField.element,
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'fieldset__legend' }, 'When'), conditionPart.element),
      h('fieldset', { class: 'fieldset' }, h('legend', { class: 'fieldset__legend' }, 'Then'), actionsPart.element),
    );
    const element = h(
      'li',
      {
        class: 'rule-card',
        tabindex: '0',
        'aria-labelledby': titleId,
        'aria-describedby': REORDER_HELP_ID,
        'data-rule-id': draft.id,
      },
      h(
        'div',
        { class: 'rule-card__head' },
        handle,
        position,
        h(
          'div',
          { class: 'rule-card__titles' },
          h('div', { class: 'rule-card__name' }, title, flagged),
          condition,
          outcome,
        ),
        enabled.element,
      ),
      h('div', { class: 'rule-card__tools' }, edit, up, down, duplicate, del),
      errors,
      body,
    );

    const card: Card = {
      draft,
      element,
      up,
      down,
      setPosition(index, total) {
        position.textContent = String(index + 1);
        title.textContent = `${index + 1}. ${displayName(draft)}`;
        up.disabled = index === 0;
        down.disabled = index === total - 1;
        const label = displayName(draft);
        edit.setAttribute('aria-label', `${edit.textContent ?? 'Edit'}: ${label}`);
        up.setAttribute('aria-label', `Move up: ${label}`);
        down.setAttribute('aria-label', `Move down: ${label}`);
        duplicate.setAttribute('aria-label', `Duplicate: ${label}`);
        del.setAttribute('aria-label', `Delete: ${label}`);
        enabled.control.setAttribute('aria-label', `Enabled: ${label}`);
        element.classList.toggle('rule-card--disabled', !draft.enabled);
      },
      refresh() {
        if (!cards.includes(card)) return;
        condition.textContent = conditionSummary(draft.when, cat.ctx.names);
        outcome.textContent = actionsSummary(draft.actions, cat.ctx.names);
        card.setPosition(cards.indexOf(card), cards.length);
      },
      setExpanded(open) {
        body.hidden = !open;
        edit.setAttribute('aria-expanded', String(open));
        edit.textContent = open ? 'Close' : 'Edit';
        card.setPosition(cards.indexOf(card), cards.length);
      },
      targets(prefix) {
        const all: ErrorTarget[] = [
          {
            path: prefix,
            show: (m) => {
              errorMessages(errors, m);
            },
            focus: () => element.focus(),
          },
          { path: `${prefix}.name`, show: (m) => nameField.setErrors(m), focus: () => name.focus() },
          { path: `${prefix}.enabled`, show: (m) => enabled.setErrors(m), focus: () => enabled.control.focus() },
          ...conditionPart.targets(`${prefix}.when`),
          ...actionsPart.targets(`${prefix}.actions`),
        ];
        // The card says it needs a fix while any of its controls shows a problem.
        return all.map((t) => ({
          ...t,
          show: (m) => {
            t.show(m);
            flagged.hidden = body.querySelector('.field-error') === null && errors.childElementCount === 0;
          },
        }));
      },
      focusName: () => name.focus(),
    };

    name.addEventListener('input', () => {
      draft.name = name.value;
      nameField.setErrors([]);
    });
    enabled.control.addEventListener('change', () => {
      draft.enabled = enabled.control.checked;
    });
    edit.addEventListener('click', () => card.setExpanded(body.hidden));
    up.addEventListener('click', () => move(card, cards.indexOf(card) - 1, up));
    down.addEventListener('click', () => move(card, cards.indexOf(card) + 1, down));
    duplicate.addEventListener('click', () => {
      const copy = duplicateRule(draft, newRuleId(cards.map((c) => c.draft.id)));
      insert(copy, cards.indexOf(card) + 1);
      announce(`Rule ${displayName(copy)} added at position ${cards.indexOf(card) + 2} of ${cards.length}.`);
    });
    del.addEventListener('click', () => void remove(card));
    element.addEventListener('keydown', (event) => {
      if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
      // On the card itself or its header controls; inside the editor Alt+Arrow stays the field's own.
      const from = event.target instanceof HTMLElement ? event.target : null;
      if (!from || (from !== element && !from.closest('.rule-card__head, .rule-card__tools'))) return;
      event.preventDefault();
      move(card, cards.indexOf(card) + (event.key === 'ArrowUp' ? -1 : 1), from === element ? null : from);
    });
    // Summaries follow every edit inside the card.
    for (const type of ['input', 'change', 'click'] as const) element.addEventListener(type, () => card.refresh());
    handle.addEventListener('dragstart', (event) => {
      dragged = card;
      element.classList.add('rule-card--dragging');
      if (event.dataTransfer) {
        event.dataTransfer.effectAllowed = 'move';
        // Firefox starts a drag only with some data set.
        event.dataTransfer.setData('text/plain', draft.id);
        event.dataTransfer.setDragImage(element, 24, 24);
      }
    });
    handle.addEventListener('dragend', () => {
      dragged = undefined;
      element.classList.remove('rule-card--dragging');
      clearIndicator();
    });
    return card;
  };

  const addButton = h('button', { type: 'button', class: 'button button--primary', id: 'add-rule' }, '+ Add rule');
  addButton.addEventListener('click', () => {
    insert(newRule(newRuleId(cards.map((c) => c.draft.id))), cards.length);
  });

  for (const draft of initial) {
    const card = makeCard(draft);
    cards.push(card);
    list.appendChild(card.element);
  }
  renumber();
  for (const card of cards) card.refresh();

  return {
    element: h(
      'div',
      { class: 'rules' },
      h(
        'p',
        { class: 'muted small', id: REORDER_HELP_ID },
        'Rules are tried from the top; the first enabled rule that matches decides. To reorder, drag a rule by its handle, use Move up and Move down, or press Alt+Up or Alt+Down on a focused rule.',
      ),
      list,
      empty,
      announcer,
      h('div', { class: 'form__actions form__actions--start' }, addButton),
    ),
    drafts: () => cards.map((c) => c.draft),
    targets: () => cards.flatMap((card, index) => card.targets(`rules.${index}`)),
    expand(indices) {
      cards.forEach((card, index) => {
        if (indices.has(index)) card.setExpanded(true);
      });
    },
  };
}
