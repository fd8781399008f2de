/** Advanced Configuration → Field Mapping: Keeper payload field or constant → Jira field, per row. */
import type { FieldDto, FieldMappingDto, KeeperFieldDto, ValidationProblemDto } from '#shared/admin-api-types.ts';
import { fillMessage } from '../components.ts';
import { h, mount, option, uid } from '../dom.ts';
import { errorMessages } from '../form-helpers.ts';
import { keeperFieldLabel } from '../keeper-field-meanings.ts';
import { matchProblems } from '../problems.ts';

export const CONSTANT = '__constant__';

/** Fields the relay always fills itself (summary from the template, ADF description, labels…); same list as the API's validation. */
const RELAY_FILLED = new Set(['summary', 'description', 'issuetype', 'project', 'labels']);

export function fieldLabel(field: FieldDto): string {
  return `${field.name} — ${field.type}${field.required ? ' (required)' : ''}`;
}

/** Required fields Jira will insist on that neither the relay nor a mapping fills. */
export function unmappedRequiredFields(
  fields: readonly FieldDto[],
  mappings: readonly Pick<FieldMappingDto, 'fieldId'>[],
): FieldDto[] {
  const mapped = new Set(mappings.map((m) => m.fieldId));
  return fields.filter((f) => f.required && !f.hasDefaultValue && !RELAY_FILLED.has(f.id) && !mapped.has(f.id));
}

interface Row {
  element: HTMLElement;
  source: HTMLSelectElement;
  constant: HTMLInputElement;
  target: HTMLSelectElement;
  errors: HTMLElement;
}

export interface FieldMappingEditor {
  element: HTMLElement;
  /** The rows as the API expects them, or client-side messages when a row is incomplete. */
  read(): { mappings: FieldMappingDto[]; complete: boolean };
  showProblems(problems: readonly ValidationProblemDto[]): ValidationProblemDto[];
  /** The Jira fields the rows target now, chosen or not yet saved (no row is marked). */
  mappedFieldIds(): string[];
}

export function fieldMappingEditor(
  initial: readonly FieldMappingDto[],
  keeperFields: readonly KeeperFieldDto[],
  jiraFields: readonly FieldDto[],
): FieldMappingEditor {
  const rows: Row[] = [];
  const list = h('div', { class: 'mapping-rows', role: 'list', id: 'field-mapping-rows' });
  const requiredHint = h('div', { hidden: true, id: 'required-fields-hint' });
  const empty = h(
    'p',
    { class: 'muted', hidden: true },
    'No field mappings: alerts use the summary, description and labels only.',
  );
  const sortedFields = [...jiraFields].sort(
    (a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name),
  );
  const fieldById = new Map(jiraFields.map((f) => [f.id, f]));

  const refresh = (): void => {
    rows.forEach((row, index) => {
      row.element.setAttribute('data-index', String(index));
      const n = index + 1;
      row.source.setAttribute('aria-label', `Keeper field for mapping ${n}`);
      row.constant.setAttribute('aria-label', `Constant value for mapping ${n}`);
      row.target.setAttribute('aria-label', `Jira field for mapping ${n}`);
      row.element.querySelector('.mapping-row__remove')?.setAttribute('aria-label', `Remove mapping ${n}`);
    });
    empty.hidden = rows.length > 0;
    const missing = unmappedRequiredFields(
      jiraFields,
      rows.map((r) => ({ fieldId: r.target.value })),
    );
    if (missing.length === 0) {
      requiredHint.hidden = true;
      requiredHint.replaceChildren();
    } else {
      fillMessage(
        requiredHint,
        'warning',
        `Jira requires ${missing.map((f) => f.name).join(', ')}`,
        `Map ${missing.length === 1 ? 'it' : 'them'} below, or Jira will refuse the issues of this issue type.`,
      );
    }
  };

  const addRow = (mapping: Partial<FieldMappingDto> = {}): Row => {
    const source = h('select', { class: 'input' });
    const known = new Set(keeperFields.map((f) => f.path));
    mount(
      source,
      option('', 'Choose a Keeper field', !mapping.source && mapping.constant === undefined, true),
      h(
        'optgroup',
        { label: 'Keeper alert fields' },
        keeperFields.map((f) =>
          option(f.path, keeperFieldLabel(f.path, f.origin !== 'documented'), f.path === mapping.source),
        ),
        mapping.source && !known.has(mapping.source) ? option(mapping.source, mapping.source, true) : null,
      ),
      h('optgroup', { label: 'Other' }, option(CONSTANT, 'Constant value…', mapping.constant !== undefined)),
    );
    const datalistId = uid('allowed');
    const datalist = h('datalist', { id: datalistId });
    const constant = h('input', {
      type: 'text',
      class: 'input',
      list: datalistId,
      placeholder: 'Value',
      value: mapping.constant ?? '',
      hidden: mapping.constant === undefined,
    });
    const target = h('select', { class: 'input' });
    mount(
      target,
      option('', 'Choose a Jira field', !mapping.fieldId, true),
      sortedFields.map((f) =>
        option(
          f.id,
          f.mappable ? fieldLabel(f) : `${fieldLabel(f)} — not supported`,
          f.id === mapping.fieldId,
          !f.mappable,
        ),
      ),
      mapping.fieldId && !fieldById.has(mapping.fieldId)
        ? option(mapping.fieldId, `${mapping.fieldId} (not on this issue type)`, true)
        : null,
    );
    const updateAllowed = (): void => {
      const allowed = fieldById.get(target.value)?.allowedValues ?? [];
      mount(
        datalist,
        allowed.map((v) => option(v.label, v.label)),
      );
      constant.placeholder = allowed.length > 0 ? 'Choose or type an allowed value' : 'Value';
    };
    updateAllowed();
    const errors = h('div', { class: 'field__errors mapping-row__errors' });
    const remove = h(
      'button',
      { type: 'button', class: 'button button--icon mapping-row__remove' },
      h('span', { 'aria-hidden': 'true' }, '×'),
    );
    const element = h(
      'div',
      { class: 'mapping-row', role: 'listitem' },
      h('div', { class: 'mapping-row__source' }, source, constant, datalist),
      h('span', { class: 'mapping-row__arrow', 'aria-hidden': 'true' }, '→'),
      h('div', { class: 'mapping-row__target' }, target),
      remove,
      errors,
    );
    const row: Row = { element, source, constant, target, errors };
    source.addEventListener('change', () => {
      constant.hidden = source.value !== CONSTANT;
      if (!constant.hidden) constant.focus();
      clearRow(row);
    });
    target.addEventListener('change', () => {
      updateAllowed();
      clearRow(row);
      refresh();
    });
    constant.addEventListener('input', () => clearRow(row));
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      element.remove();
      refresh();
      (rows[Math.min(index, rows.length - 1)]?.source ?? addButton).focus();
    });
    rows.push(row);
    list.appendChild(element);
    refresh();
    return row;
  };

  const clearRow = (row: Row): void => {
    errorMessages(row.errors, []);
    row.element.classList.remove('mapping-row--invalid');
    for (const control of [row.source, row.constant, row.target]) control.removeAttribute('aria-invalid');
  };

  const setRowErrors = (row: Row, messages: readonly string[]): void => {
    errorMessages(row.errors, messages);
    row.element.classList.toggle('mapping-row--invalid', messages.length > 0);
    row.errors.id ||= uid('row-errors');
    for (const control of [row.source, row.constant, row.target]) {
      if (messages.length > 0) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', row.errors.id);
      }
    }
  };

  const addButton = h('button', { type: 'button', class: 'button', id: 'add-field-mapping' }, '+ Add mapping');
  addButton.addEventListener('click', () => addRow().source.focus());

  for (const mapping of initial) addRow(mapping);
  refresh();

  return {
    element: h(
      'div',
      null,
      requiredHint,
      h(
        'div',
        { class: 'mapping-head', 'aria-hidden': 'true' },
        h('span', null, 'Keeper field'),
        h('span', null),
        h('span', null, 'Jira field'),
      ),
      list,
      empty,
      h('div', { class: 'form__actions' }, addButton),
    ),
    read() {
      let complete = true;
      const mappings: FieldMappingDto[] = [];
      for (const row of rows) {
        clearRow(row);
        const messages: string[] = [];
        if (!row.source.value) messages.push('Choose a Keeper field or a constant value.');
        if (!row.target.value) messages.push('Choose the Jira field to fill.');
        if (messages.length > 0) {
          setRowErrors(row, messages);
          complete = false;
          continue;
        }
        mappings.push(
          row.source.value === CONSTANT
            ? { fieldId: row.target.value, constant: row.constant.value }
            : { fieldId: row.target.value, source: row.source.value },
        );
      }
      return { mappings, complete };
    },
    showProblems(problems) {
      for (const row of rows) clearRow(row);
      const matched = matchProblems(
        problems,
        rows.map((row, index) => ({
          key: String(index),
          paths: [`fieldMappings.${index}`],
          fieldIds: [row.target.value],
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
    mappedFieldIds: () => rows.map((row) => row.target.value).filter((id) => id !== ''),
  };
}
