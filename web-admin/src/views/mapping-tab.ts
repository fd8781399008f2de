/**
 * "Advanced Configuration": Field Mapping, Priority Mapping, Issue Type Mapping (each saved on
 * its own, sending the whole configuration with only that section changed and naming the section,
 * so the server validates only that section) and Reset.
 */
import type {
  ConfigDto,
  ConfigInputDto,
  FieldDto,
  IssueTypeDto,
  PriorityDto,
  ValidationProblemDto,
} from '#shared/admin-api-types.ts';
import { ApiError, api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { emptyState, sectionMessage } from '../components.ts';
import { inputFromConfig } from '../config-input.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { h, mount, option, skeleton, withBusy } from '../dom.ts';
import { takeStashedDrafts } from '../drafts.ts';
import { field, problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';
import { problemsInSection } from '../problems.ts';
import { configHistoryCard } from './config-history.ts';
import { fieldMappingEditor } from './field-mapping-section.ts';
import { issueTypeFieldsPanel } from './issue-type-fields.ts';
import { type Catalogue, catalogueLists, ruleEditor } from './rule-mapping-section.ts';
import { goToPlace } from './setup-tab.ts';
import type { TabHandle } from './tab-view.ts';

interface SectionParts {
  id: string;
  title: string;
  intro: string;
  body: Node;
  /** Changes the section's part of the input; returns false when the form has incomplete rows. */
  apply(input: ConfigInputDto): boolean;
  /** Starts as an unsaved draft (restored after a sign-in). */
  restored?: boolean;
  /** Shows problems next to rows; returns those that matched nothing. */
  showProblems(problems: readonly ValidationProblemDto[]): ValidationProblemDto[];
  disabled?: boolean;
}

function configSection(ctx: AppContext, parts: SectionParts): HTMLElement {
  const summary = h('div', { role: 'alert', hidden: true, id: `${parts.id}-problems` });
  const save = h(
    'button',
    { type: 'submit', class: 'button button--primary', id: `${parts.id}-save` },
    `Save ${parts.title}`,
  );
  save.disabled = parts.disabled === true;
  const form = h(
    'form',
    { class: 'card section', 'aria-labelledby': `${parts.id}-title`, novalidate: true, id: parts.id },
    h('h2', { id: `${parts.id}-title`, class: 'section__title', tabindex: '-1' }, parts.title),
    h('p', { class: 'section__intro muted' }, parts.intro),
    summary,
    h('div', { class: 'section__body' }, parts.body),
    h('div', { class: 'form__actions form__actions--end' }, save),
  );
  // Any edit marks the section as a draft until it is saved (unsaved-changes guard in the shell).
  const draft = {
    title: parts.title,
    read(): Partial<ConfigInputDto> {
      const config = ctx.config;
      if (!config) return {};
      const scratch = inputFromConfig(config);
      const before = JSON.stringify(scratch);
      parts.apply(scratch);
      // Only what this section changed, complete rows only.
      const changed: Partial<ConfigInputDto> = {};
      for (const key of ['fieldMappings', 'priorityMapping', 'issueTypeMapping'] as const) {
        if (JSON.stringify(scratch[key]) !== JSON.stringify((JSON.parse(before) as ConfigInputDto)[key]))
          Object.assign(changed, { [key]: scratch[key] });
      }
      return changed;
    },
  };
  const markDirty = (): void => void ctx.drafts.set(parts.id, draft);
  if (parts.restored) markDirty();
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  form.addEventListener('click', (event) => {
    if (
      event.target instanceof Element &&
      event.target.closest('.mapping-row__remove, [id$="-add-rule"], #add-field-mapping')
    )
      markDirty();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const config = ctx.config;
    if (!config) return;
    const sectionKey = parts.id.replace(/-section$/, '') as NonNullable<ConfigInputDto['section']>;
    const input: ConfigInputDto = { ...inputFromConfig(config), section: sectionKey };
    problemSummary(summary, '', []);
    if (!parts.apply(input)) {
      problemSummary(summary, 'Complete or remove the highlighted rows before saving.', []);
      summary.hidden = false;
      summary.focus();
      return;
    }
    void withBusy(save, 'Saving…', async () => {
      try {
        const result = await api.saveConfig(input);
        ctx.setConfig(result.config);
        ctx.drafts.delete(parts.id);
        parts.showProblems([]);
        notify('success', `${parts.title} saved (version ${result.config.version}).`);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
          // The server reports this section's problems (and those of what it depends on); its
          // own come first and are also shown next to their rows.
          const mine = problemsInSection(error.problems, sectionKey);
          const shown = [...mine, ...error.problems.filter((p) => !mine.includes(p))];
          parts.showProblems(mine);
          const elsewhere = shown.length - mine.length;
          problemSummary(
            summary,
            describeError(error),
            mine,
            elsewhere > 0
              ? `${elsewhere} more ${elsewhere === 1 ? 'problem concerns' : 'problems concern'} what this section depends on; fix ${elsewhere === 1 ? 'it' : 'them'} there.`
              : undefined,
          );
          summary.focus();
        } else if (error instanceof ApiError && error.code === 'CONFLICT') {
          notify('error', describeError(error), {
            label: 'Reload',
            run: () => void ctx.reloadConfig().then(() => ctx.rerenderTab()),
          });
        } else {
          notify('error', describeError(error));
        }
      }
    });
  });
  summary.tabIndex = -1;
  problemSummary(summary, '', []);
  return form;
}

interface TabData {
  keeperFields: Awaited<ReturnType<AppContext['keeperFields']>>;
  fields: FieldDto[];
  priorities: PriorityDto[];
  issueTypes: IssueTypeDto[];
  events: Awaited<ReturnType<AppContext['events']>>;
}

async function loadData(ctx: AppContext, config: ConfigDto): Promise<TabData> {
  const key = config.project.key;
  const [keeperFields, fields, priorities, issueTypes, events] = await Promise.all([
    ctx.keeperFields(),
    api.fields(key, config.defaultIssueTypeId).then((r) => r.fields),
    api.priorities(key).then((r) => r.priorities),
    config.issueTypes.length > 0 ? Promise.resolve(config.issueTypes) : api.issueTypes(key).then((r) => r.issueTypes),
    ctx.events(),
  ]);
  return { keeperFields, fields, priorities, issueTypes: issueTypes.filter((t) => !t.subtask), events };
}

/** `#advanced/<place>` → the heading to show and focus. */
const PLACES: Record<string, string> = {
  fieldMappings: 'fieldMappings-section-title',
  priorityMapping: 'priorityMapping-section-title',
  issueTypeMapping: 'issueTypeMapping-section-title',
  history: 'config-history-title',
};

export function renderMappingTab(panel: HTMLElement, ctx: AppContext, place?: string): TabHandle {
  let disposed = false;
  const config = ctx.config;
  if (!config) {
    mount(
      panel,
      h(
        'section',
        { class: 'card section', 'aria-labelledby': 'advanced-empty-title' },
        emptyState(
          'Choose where alerts go first',
          'Mappings depend on the fields of the target project. Choose a project and a default issue type, then come back.',
          h('a', { class: 'button button--primary', href: '#setup/target' }, 'Go to Web Trigger Setup'),
        ),
      ),
    );
    panel.querySelector('.empty-state__title')?.setAttribute('id', 'advanced-empty-title');
    return {};
  }

  mount(panel, h('div', { class: 'card section' }, skeleton(5)));
  const load = async (): Promise<void> => {
    try {
      const data = await loadData(ctx, config);
      if (disposed) return;
      draw(panel, ctx, config, data);
      goToPlace(place, PLACES);
    } catch (error) {
      if (disposed) return;
      // Editing needs Jira's fields; reading what is saved does not.
      const retry = h('button', { type: 'button', class: 'button', id: 'mapping-retry' }, 'Try again');
      retry.addEventListener('click', () => void withBusy(retry, 'Loading…', load));
      const events = await ctx.events().catch(() => ({ events: [], categories: [] }));
      if (disposed) return;
      mount(
        panel,
        sectionMessage(
          'warning',
          {
            title: 'Jira did not answer: the mappings can be read, not edited',
            role: 'status',
            actions: retry,
            id: 'mapping-readonly',
          },
          h('p', null, describeError(error)),
          h(
            'p',
            null,
            'The saved configuration below stays in force. Editing needs the fields of the Jira project; try again once Jira answers.',
          ),
        ),
        savedConfigSummary(config, events.events),
        configHistoryCard(),
      );
    }
  };
  void load();
  return {
    dispose() {
      disposed = true;
    },
    navigate: (next) => goToPlace(next, PLACES),
  };
}

/** The saved configuration in words, drawn from what the relay stored (no Jira call). */
export function savedConfigSummary(
  config: ConfigDto,
  events: readonly { event: string; title: string }[],
): HTMLElement {
  const typeName = (id: string): string => config.issueTypes.find((t) => t.id === id)?.name ?? id;
  const priorityName = (id: string): string => config.priorities.find((p) => p.id === id)?.name ?? id;
  const eventTitle = (code: string): string => events.find((e) => e.event === code)?.title ?? code;
  const rules = (
    mapping: { byEvent: Record<string, string>; byCategory: Record<string, string> },
    name: (id: string) => string,
  ): HTMLElement => {
    const rows = [
      ...Object.entries(mapping.byEvent).map(([code, id]) =>
        h('li', null, `Event “${eventTitle(code)}” → ${name(id)}`),
      ),
      ...Object.entries(mapping.byCategory).map(([category, id]) =>
        h('li', null, `Category ${category} → ${name(id)}`),
      ),
    ];
    return rows.length > 0 ? h('ul', { class: 'saved-list' }, rows) : h('p', { class: 'muted' }, 'No rules.');
  };
  return h(
    'section',
    { class: 'card section', 'aria-labelledby': 'saved-config-title', id: 'saved-config' },
    h('h2', { class: 'section__title', id: 'saved-config-title' }, `Saved configuration (version ${config.version})`),
    h(
      'p',
      { class: 'muted' },
      `Project ${config.project.key} (${config.project.name}) · default issue type ${typeName(config.defaultIssueTypeId)}`,
    ),
    h('h3', { class: 'subheading' }, 'Field Mapping'),
    config.fieldMappings.length > 0
      ? h(
          'ul',
          { class: 'saved-list' },
          config.fieldMappings.map((m) =>
            h('li', null, `${m.constant !== undefined ? `“${m.constant}”` : (m.source ?? '')} → ${m.fieldId}`),
          ),
        )
      : h('p', { class: 'muted' }, 'No field mappings.'),
    h('h3', { class: 'subheading' }, 'Priority Mapping'),
    rules(config.priorityMapping, priorityName),
    config.priorityMapping.defaultPriorityId
      ? h('p', null, `Default priority: ${priorityName(config.priorityMapping.defaultPriorityId)}`)
      : null,
    h('h3', { class: 'subheading' }, 'Issue Type Mapping'),
    rules(config.issueTypeMapping, typeName),
  );
}

function draw(panel: HTMLElement, ctx: AppContext, config: ConfigDto, data: TabData): void {
  // Edits kept over an ended session start where the admin left them, as drafts.
  const stashed = takeStashedDrafts(config.version);
  const restored = stashed?.parts ?? {};
  const initial = {
    fieldMappings: restored.fieldMappings ?? config.fieldMappings,
    priorityMapping: restored.priorityMapping ?? config.priorityMapping,
    issueTypeMapping: restored.issueTypeMapping ?? config.issueTypeMapping,
  };
  const lists = catalogueLists(data.events.events, data.events.categories);
  const catalogue: Catalogue = { ...data.events, eventListId: lists.eventListId, categoryListId: lists.categoryListId };
  const issueTypeName =
    data.issueTypes.find((t) => t.id === config.defaultIssueTypeId)?.name ?? config.defaultIssueTypeId;

  // Field Mapping
  const fieldEditor = fieldMappingEditor(initial.fieldMappings, data.keeperFields, data.fields);
  const typeView = issueTypeFieldsPanel(config, () => fieldEditor.mappedFieldIds());
  const fieldBody = h('div', null, fieldEditor.element, typeView.element);
  // After the rows' own handlers (bubbling): a changed, added or removed row redraws the per-type view.
  for (const kind of ['change', 'click'] as const) fieldBody.addEventListener(kind, () => typeView.update());
  const fieldSection = configSection(ctx, {
    id: 'fieldMappings-section',
    title: 'Field Mapping',
    intro: `Copy values from the Keeper alert into fields of ${config.project.key} ${issueTypeName} issues. Summary, description and labels are always filled by the relay.`,
    body: fieldBody,
    restored: restored.fieldMappings !== undefined,
    apply(input) {
      const { mappings, complete } = fieldEditor.read();
      input.fieldMappings = mappings;
      return complete;
    },
    showProblems: (problems) => fieldEditor.showProblems(problems),
  });

  // Priority Mapping
  const hasPriorities = data.priorities.length > 0;
  const defaultPriority = h('select', { class: 'input', id: 'default-priority' });
  mount(
    defaultPriority,
    option('', 'No priority (Jira decides)', !initial.priorityMapping.defaultPriorityId),
    data.priorities.map((p) => option(p.id, p.name, p.id === initial.priorityMapping.defaultPriorityId)),
  );
  const defaultPriorityField = field('Default priority', defaultPriority, 'Used when no rule matches the alert.');
  defaultPriorityField.element.classList.add('rule-default');
  const priorityEditor = ruleEditor({
    section: 'priorityMapping',
    noun: 'a priority',
    fallback: 'the default priority',
    initial: initial.priorityMapping,
    targets: data.priorities,
    catalogue,
  });
  const prioritySection = configSection(ctx, {
    id: 'priorityMapping-section',
    title: 'Priority Mapping',
    intro: 'Set the Jira priority from the Keeper event or its category. An event rule wins over a category rule.',
    disabled: !hasPriorities,
    restored: restored.priorityMapping !== undefined,
    body: hasPriorities
      ? h('div', null, priorityEditor.element, defaultPriorityField.element)
      : h(
          'p',
          { class: 'muted', id: 'no-priority-field' },
          `The create screen of ${config.project.key} has no Priority field, so issues are created without a priority. This is typical for team-managed projects; add the Priority field to the issue type in Jira to use priority rules.`,
        ),
    apply(input) {
      const { rules, complete } = priorityEditor.read();
      input.priorityMapping = {
        ...rules,
        ...(defaultPriority.value ? { defaultPriorityId: defaultPriority.value } : {}),
      };
      return complete;
    },
    showProblems(problems) {
      const rest = priorityEditor.showProblems(problems);
      const onDefault = rest.filter((p) => p.path.includes('defaultPriorityId'));
      defaultPriorityField.setErrors(onDefault.map((p) => p.message));
      return rest.filter((p) => !onDefault.includes(p));
    },
  });

  // Issue Type Mapping
  const typeEditor = ruleEditor({
    section: 'issueTypeMapping',
    noun: 'an issue type',
    fallback: 'the default issue type',
    initial: initial.issueTypeMapping,
    targets: data.issueTypes,
    catalogue,
  });
  const typeSection = configSection(ctx, {
    id: 'issueTypeMapping-section',
    title: 'Issue Type Mapping',
    intro: `Create some alerts as another issue type. Alerts without a matching rule become ${issueTypeName} issues.`,
    body: typeEditor.element,
    restored: restored.issueTypeMapping !== undefined,
    apply(input) {
      const { rules, complete } = typeEditor.read();
      input.issueTypeMapping = rules;
      return complete;
    },
    showProblems: (problems) => typeEditor.showProblems(problems),
  });

  // Reset
  const resetProblems = h('div', { role: 'alert', hidden: true, id: 'reset-problems', tabindex: '-1' });
  const reset = h(
    'button',
    { type: 'button', class: 'button button--danger-subtle', id: 'reset-config-button' },
    'Reset Configuration',
  );
  reset.addEventListener('click', () => {
    void (async () => {
      const ok = await confirmAction({
        title: 'Reset the configuration?',
        message: `Field, priority and issue type mappings go back to Keeper's documented defaults for ${config.project.key}. Your current mappings are replaced.`,
        confirmLabel: 'Reset Configuration',
        danger: true,
      });
      if (!ok) return;
      await withBusy(reset, 'Resetting…', async () => {
        try {
          const result = await api.resetConfig();
          ctx.setConfig(result.config);
          ctx.drafts.clear();
          notify('success', 'Configuration reset to the defaults.');
          ctx.rerenderTab();
        } catch (error) {
          if (error instanceof ApiError && error.problems.length > 0) {
            problemSummary(resetProblems, `The defaults could not be applied. ${describeError(error)}`, error.problems);
            resetProblems.focus();
          }
          notify('error', describeError(error));
        }
      });
    })();
  });

  mount(
    panel,
    h(
      'div',
      { class: 'toolbar' },
      h(
        'p',
        { class: 'muted' },
        `Project ${config.project.key} (${config.project.name}) · default issue type ${issueTypeName}`,
      ),
      reset,
    ),
    resetProblems,
    stashed
      ? sectionMessage(
          'information',
          { title: 'Your unsaved changes are back', id: 'restored-drafts', role: 'status' },
          `${stashed.titles.join(', ')} ${stashed.titles.length === 1 ? 'has' : 'have'} the edits you made before your session ended. Review them and save each section, or leave the tab to discard them.`,
        )
      : null,
    fieldSection,
    prioritySection,
    typeSection,
    configHistoryCard(),
    lists.element,
  );
}
