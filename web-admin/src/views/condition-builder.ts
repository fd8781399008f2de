/**
 * Rules → a rule's condition: match all or any of a list of conditions, each on the event (picked
 * by searching the catalogue's codes and titles), the category, or a payload field (equals, in a
 * list, matches a pattern, in an IP range), plus one level of nested group.
 */
import { type ChipInput, chipInput, rankSuggestions, type Suggestion } from '../chip-input.ts';
import { h, mount, option, uid } from '../dom.ts';
import { errorMessages, field } from '../form-helpers.ts';
import { keeperFieldLabel } from '../keeper-field-meanings.ts';
import { eventLabel, resolveRuleChoice } from '../rule-choice.ts';
import {
  type ClauseDraft,
  type ClauseKind,
  type ConditionDraft,
  emptyClause,
  type FieldClauseDraft,
  type FieldOp,
  type GroupClauseDraft,
  type LeafClauseDraft,
  type MatchMode,
} from '../rule-draft.ts';
import type { ErrorTarget, RulesEditorContext } from './rules-context.ts';

const KIND_LABELS: Record<ClauseKind, string> = {
  event: 'Event',
  category: 'Category',
  field: 'Payload field',
  group: 'Group of conditions',
};

const OP_LABELS: Record<FieldOp, string> = {
  equals: 'equals',
  in: 'is in list',
  matches: 'matches pattern',
  cidr: 'is in CIDR range',
};

const VALUE_LABELS: Record<FieldOp, { label: string; placeholder: string; hint: string }> = {
  equals: { label: 'Value', placeholder: 'e.g. jane.roe@example.com', hint: 'Compared as text.' },
  in: { label: 'Values', placeholder: 'Type values, separated by commas', hint: 'Any of these values matches.' },
  matches: {
    label: 'Patterns',
    placeholder: 'e.g. .*@contractor\\.example',
    hint: 'A regular expression that must match the whole value. Press Enter to add it.',
  },
  cidr: {
    label: 'IP ranges',
    placeholder: 'e.g. 10.0.0.0/8, 2001:db8::/32',
    hint: 'IPv4 or IPv6 ranges; the address must lie in one of them.',
  },
};

/** What the builder needs beyond the shared context: the suggestion lists, built once per tab. */
export interface ConditionCatalogue {
  ctx: RulesEditorContext;
  events: Suggestion[];
  categories: Suggestion[];
  paths: Suggestion[];
}

export function conditionCatalogue(ctx: RulesEditorContext): ConditionCatalogue {
  return {
    ctx,
    events: ctx.events.map((e) => ({ value: e.event, label: eventLabel(e), search: e.title })),
    categories: ctx.categories.map((c) => ({
      value: c,
      label: `${c} (${ctx.events.filter((e) => e.category === c).length} events)`,
    })),
    paths: ctx.keeperFields.map((f) => ({ value: f.path, label: keeperFieldLabel(f.path, f.origin !== 'documented') })),
  };
}

/** Events picked by code or title; the chip shows the title with the code. */
export function eventChips(
  catalogue: ConditionCatalogue,
  label: string,
  values: readonly string[],
  onChange: (values: string[]) => void,
  hint?: string,
): ChipInput {
  const vocabulary = { events: catalogue.ctx.events, categories: catalogue.ctx.categories };
  return chipInput({
    label,
    hint: hint ?? 'Search by title or code, e.g. “failed login” or login_failure.',
    values,
    placeholder: 'Search events',
    suggest: (text) => rankSuggestions(catalogue.events, text),
    resolve: (text) => resolveRuleChoice('event', text, vocabulary),
    chipText: (code) => {
      const known = catalogue.ctx.events.find((e) => e.event === code);
      return known ? `${known.title} (${code})` : code;
    },
    onChange,
  });
}

/** Payload paths: the documented and received fields are offered, any dot path is accepted. */
export function pathChips(
  catalogue: ConditionCatalogue,
  label: string,
  values: readonly string[],
  onChange: (values: string[]) => void,
  hint?: string | Node,
): ChipInput {
  return chipInput({
    label,
    ...(hint ? { hint } : {}),
    values,
    placeholder: 'Search fields, e.g. username',
    suggest: (text) => rankSuggestions(catalogue.paths, text),
    resolve: (text) =>
      /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: `“${text}” is not a field path; write it like username or event.record_uid.` },
    mono: true,
    onChange,
  });
}

interface Part {
  element: HTMLElement;
  targets(prefix: string): ErrorTarget[];
}

function fieldTarget(path: string, f: { setErrors(m: readonly string[]): void; control: HTMLElement }): ErrorTarget {
  return { path, show: (m) => f.setErrors(m), focus: () => f.control.focus() };
}

function listClauseEditor(clause: LeafClauseDraft & { kind: 'event' | 'category' }, cat: ConditionCatalogue): Part {
  const f =
    clause.kind === 'event'
      ? eventChips(cat, 'Events', clause.in, (v) => {
          clause.in = v;
        })
      : chipInput({
          label: 'Categories',
          hint: 'Keeper’s event categories, e.g. login, security, breachwatch.',
          values: clause.in,
          placeholder: 'Search categories',
          suggest: (text) => rankSuggestions(cat.categories, text),
          resolve: (text) =>
            resolveRuleChoice('category', text, { events: cat.ctx.events, categories: cat.ctx.categories }),
          onChange: (v) => {
            clause.in = v;
          },
        });
  return { element: f.element, targets: (prefix) => [fieldTarget(`${prefix}.in`, f)] };
}

function fieldClauseEditor(clause: FieldClauseDraft, cat: ConditionCatalogue): Part {
  const path = h('input', {
    type: 'text',
    class: 'input input--mono',
    value: clause.path,
    list: cat.ctx.keeperFields.length > 0 ? pathListIdOf(cat) : undefined,
    placeholder: 'e.g. remote_address',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  path.addEventListener('input', () => {
    clause.path = path.value.trim();
    pathField.setErrors([]);
  });
  const pathField = field('Payload field', path);
  const op = h(
    'select',
    { class: 'input' },
    (Object.keys(OP_LABELS) as FieldOp[]).map((o) => option(o, OP_LABELS[o], o === clause.op)),
  );
  const opField = field('Test', op);
  const valuesSlot = h('div', { class: 'clause__values' });
  let values: ChipInput;
  const drawValues = (): void => {
    const words = VALUE_LABELS[clause.op];
    values = chipInput({
      label: words.label,
      hint: words.hint,
      values: clause.values,
      placeholder: words.placeholder,
      splitOnComma: clause.op !== 'matches',
      mono: true,
      onChange: (v) => {
        clause.values = v;
      },
    });
    mount(valuesSlot, values.element);
  };
  drawValues();
  op.addEventListener('change', () => {
    values.commitPending();
    clause.op = op.value as FieldOp;
    drawValues();
  });
  return {
    element: h(
      'div',
      { class: 'clause__field' },
      h('div', { class: 'clause__field-head' }, pathField.element, opField.element),
      valuesSlot,
    ),
    targets: (prefix) => [
      fieldTarget(`${prefix}.path`, pathField),
      fieldTarget(`${prefix}.op`, opField),
      fieldTarget(`${prefix}.values`, values),
    ],
  };
}

const pathLists = new WeakMap<ConditionCatalogue, string>();
/** The id of the tab's payload-path datalist (created by `pathDatalist`). */
function pathListIdOf(cat: ConditionCatalogue): string {
  let id = pathLists.get(cat);
  if (!id) {
    id = uid('keeper-paths');
    pathLists.set(cat, id);
  }
  return id;
}

/** The datalist the payload-field inputs share; put it once in the tab. */
export function pathDatalist(cat: ConditionCatalogue): HTMLElement {
  return h(
    'datalist',
    { id: pathListIdOf(cat) },
    cat.paths.map((p) => option(p.value, p.label)),
  );
}

function matchSelect(current: MatchMode, label: string, onChange: (m: MatchMode) => void): HTMLElement {
  const select = h(
    'select',
    { class: 'input input--narrow' },
    option('all', 'all of these conditions', current === 'all'),
    option('any', 'any of these conditions', current === 'any'),
  );
  select.addEventListener('change', () => onChange(select.value === 'any' ? 'any' : 'all'));
  const f = field(label, select);
  f.element.classList.add('field--inline');
  return f.element;
}

/** An ordered list of conditions with add / remove; `allowGroup` at the top level only. */
function clauseList(
  clauses: ClauseDraft[],
  cat: ConditionCatalogue,
  allowGroup: boolean,
): Part & { add(kind: ClauseKind): void } {
  const list = h('ol', { class: allowGroup ? 'clauses' : 'clauses clauses--nested' });
  const rows: Part[] = [];
  const empty = h('p', { class: 'muted small' }, 'No conditions: add one below.');

  const renumber = (): void => {
    empty.hidden = clauses.length > 0;
    rows.forEach((row, index) => {
      const n = index + 1;
      row.element.querySelector('.clause__kind select')?.setAttribute('aria-label', `Condition ${n}: type`);
      row.element.querySelector('.clause__remove')?.setAttribute('aria-label', `Remove condition ${n}`);
    });
  };

  const rowFor = (clause: ClauseDraft): Part => {
    const kinds: ClauseKind[] = allowGroup ? ['event', 'category', 'field', 'group'] : ['event', 'category', 'field'];
    const kind = h(
      'select',
      { class: 'input' },
      kinds.map((k) => option(k, KIND_LABELS[k], k === clause.kind)),
    );
    const editorSlot = h('div', { class: 'clause__editor' });
    const errors = h('div', { class: 'field__errors clause__errors' });
    const remove = h(
      'button',
      { type: 'button', class: 'button button--subtle button--small clause__remove' },
      'Remove',
    );
    const element = h(
      'li',
      { class: 'clause' },
      h('div', { class: 'clause__kind' }, kind),
      editorSlot,
      h('div', { class: 'clause__tools' }, remove),
      errors,
    );
    let editor: Part;
    let current = clause;
    const draw = (): void => {
      editor =
        current.kind === 'field'
          ? fieldClauseEditor(current, cat)
          : current.kind === 'group'
            ? groupEditor(current, cat)
            : listClauseEditor(current, cat);
      mount(editorSlot, editor.element);
    };
    draw();
    kind.addEventListener('change', () => {
      const index = rows.indexOf(row);
      current = emptyClause(kind.value as ClauseKind);
      clauses[index] = current;
      draw();
      errorMessages(errors, []);
    });
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      clauses.splice(index, 1);
      rows.splice(index, 1);
      element.remove();
      renumber();
      const next = rows[Math.min(index, rows.length - 1)]?.element.querySelector<HTMLElement>('select');
      (next ?? addButtons.querySelector<HTMLElement>('button'))?.focus();
      list.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const row: Part = {
      element,
      targets: (prefix) => [
        { path: prefix, show: (m) => errorMessages(errors, m), focus: () => kind.focus() },
        ...editor.targets(prefix),
      ],
    };
    return row;
  };

  const add = (kind: ClauseKind): void => {
    const clause = emptyClause(kind);
    clauses.push(clause);
    const row = rowFor(clause);
    rows.push(row);
    list.appendChild(row.element);
    renumber();
    (row.element.querySelector('.clause__editor input, .clause__editor select') as HTMLElement | null)?.focus();
  };

  const addCondition = h('button', { type: 'button', class: 'button button--small' }, '+ Add condition');
  addCondition.addEventListener('click', () => add('event'));
  const addButtons = h('div', { class: 'clauses__add' }, addCondition);
  if (allowGroup) {
    const addGroup = h('button', { type: 'button', class: 'button button--small' }, '+ Add group');
    addGroup.addEventListener('click', () => add('group'));
    addButtons.appendChild(addGroup);
  }
  for (const clause of clauses) {
    const row = rowFor(clause);
    rows.push(row);
    list.appendChild(row.element);
  }
  renumber();
  const errors = h('div', { class: 'field__errors' });
  return {
    element: h('div', null, list, empty, errors, addButtons),
    targets: (prefix) => [
      { path: `${prefix}.clauses`, show: (m) => errorMessages(errors, m), focus: () => addCondition.focus() },
      ...rows.flatMap((row, index) => row.targets(`${prefix}.clauses.${index}`)),
    ],
    add,
  };
}

function groupEditor(group: GroupClauseDraft, cat: ConditionCatalogue): Part {
  const inner = clauseList(group.clauses as ClauseDraft[], cat, false);
  return {
    element: h(
      'div',
      { class: 'clause__group' },
      matchSelect(group.match, 'The group matches when the alert meets', (m) => {
        group.match = m;
      }),
      inner.element,
    ),
    targets: (prefix) => inner.targets(prefix),
  };
}

/** The whole condition of a rule; `targets('rules.2.when')` lists where its problems go. */
export function conditionBuilder(when: ConditionDraft, cat: ConditionCatalogue): Part {
  const list = clauseList(when.clauses, cat, true);
  return {
    element: h(
      'div',
      { class: 'condition' },
      matchSelect(when.match, 'The rule applies when the alert meets', (m) => {
        when.match = m;
      }),
      list.element,
    ),
    targets: (prefix) => list.targets(prefix),
  };
}
