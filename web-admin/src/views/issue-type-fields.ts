/**
 * Field Mapping seen from one issue type: the mappings are one list applied to every issue type an
 * alert can land in, so the section lets the administrator pick the default type or any type the
 * issue-type rules route to, and shows which mapped fields that type's create screen has, which it
 * lacks, and which of its required fields nothing fills. Built from the per-type field metadata the
 * saved configuration holds (no Jira call).
 */
import type { ConfigDto, FieldDto } from '#shared/admin-api-types.ts';
import { h, mount, option, uid } from '../dom.ts';
import { unmappedRequiredFields } from './field-mapping-section.ts';

export interface IssueTypeChoice {
  id: string;
  name: string;
  /** How alerts reach it: the default type, or the rules that route to it. */
  reason: string;
}

/** The default issue type first, then every type the issue-type rules can route to, once each. */
export function issueTypesRulesCanChoose(
  config: Pick<ConfigDto, 'defaultIssueTypeId' | 'issueTypes'>,
  issueTypeMapping: ConfigDto['issueTypeMapping'],
): IssueTypeChoice[] {
  const name = (id: string): string => config.issueTypes.find((t) => t.id === id)?.name ?? id;
  const rulesByType = new Map<string, string[]>();
  const note = (id: string, rule: string): void => void rulesByType.set(id, [...(rulesByType.get(id) ?? []), rule]);
  for (const [event, id] of Object.entries(issueTypeMapping.byEvent)) note(id, `event ${event}`);
  for (const [category, id] of Object.entries(issueTypeMapping.byCategory)) note(id, `category ${category}`);
  const choices: IssueTypeChoice[] = [
    { id: config.defaultIssueTypeId, name: name(config.defaultIssueTypeId), reason: 'default issue type' },
  ];
  for (const [id, rules] of rulesByType) {
    if (id === config.defaultIssueTypeId) continue;
    choices.push({ id, name: name(id), reason: `rules: ${rules.join(', ')}` });
  }
  return choices;
}

export interface IssueTypeFieldView {
  /** False when the saved configuration holds no create screen for the type (e.g. a rule not saved yet). */
  known: boolean;
  /** Mapped fields on this type's create screen. */
  onScreen: FieldDto[];
  /** Mapped field ids this type's create screen lacks: Jira refuses them on this type. */
  missing: string[];
  /** Required fields of this type that neither the relay nor a mapping fills. */
  requiredUnmapped: FieldDto[];
}

export function issueTypeFieldView(
  typeId: string,
  mappedFieldIds: readonly string[],
  fieldMeta: ConfigDto['fieldMeta'],
): IssueTypeFieldView {
  const screen = fieldMeta[typeId];
  if (screen === undefined) return { known: false, onScreen: [], missing: [], requiredUnmapped: [] };
  const ids = [...new Set(mappedFieldIds)];
  return {
    known: true,
    onScreen: ids.flatMap((id) => screen.filter((f) => f.id === id)),
    missing: ids.filter((id) => !screen.some((f) => f.id === id)),
    requiredUnmapped: unmappedRequiredFields(
      screen,
      ids.map((fieldId) => ({ fieldId })),
    ),
  };
}

/**
 * The selector and the per-type view; `update` redraws it from the rows being edited and the
 * issue-type rules as saved.
 */
export function issueTypeFieldsPanel(
  config: ConfigDto,
  mappedFieldIds: () => string[],
): { element: HTMLElement; update(): void } {
  const choices = issueTypesRulesCanChoose(config, config.issueTypeMapping);
  const selectId = uid('mapping-issue-type');
  const select = h('select', { class: 'input', id: selectId });
  mount(
    select,
    choices.map((c, i) => option(c.id, `${c.name} (${c.reason})`, i === 0)),
  );
  const view = h('div', { class: 'issue-type-fields', id: 'issue-type-fields', 'aria-live': 'polite' });
  const nameOf = (id: string): string =>
    Object.values(config.fieldMeta)
      .flat()
      .find((f) => f.id === id)?.name ?? id;
  const update = (): void => {
    const choice = choices.find((c) => c.id === select.value) ?? choices[0];
    if (!choice) return;
    const model = issueTypeFieldView(choice.id, mappedFieldIds(), config.fieldMeta);
    if (!model.known) {
      mount(
        view,
        h('p', { class: 'muted' }, `The create screen of ${choice.name} is loaded when the configuration is saved.`),
      );
      return;
    }
    const list = (title: string, items: string[], empty: string): HTMLElement[] => [
      h('h4', { class: 'subheading' }, title),
      items.length > 0
        ? h(
            'ul',
            { class: 'saved-list' },
            items.map((i) => h('li', null, i)),
          )
        : h('p', { class: 'muted' }, empty),
    ];
    mount(
      view,
      ...list(
        `Mapped fields on the ${choice.name} screen`,
        model.onScreen.map((f) => f.name),
        'None.',
      ),
      ...list(
        `Mapped fields ${choice.name} lacks (Jira refuses them there)`,
        model.missing.map(nameOf),
        'None: every mapped field is on this screen.',
      ),
      ...list(
        `Required on ${choice.name} and not mapped`,
        model.requiredUnmapped.map((f) => f.name),
        'None: Jira gets every field it requires.',
      ),
    );
  };
  select.addEventListener('change', (event) => {
    // Looking at another type is no edit: the section must not turn into an unsaved draft.
    event.stopPropagation();
    update();
  });
  update();
  return {
    element: h(
      'div',
      { class: 'issue-type-view' },
      h('label', { class: 'field__label', for: selectId }, 'Check the mappings against issue type'),
      select,
      view,
    ),
    update,
  };
}
