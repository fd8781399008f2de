/**
 * "Advanced Configuration": Field Mapping, Priority Mapping, Issue Type Mapping (each saved on
 * its own, sending the whole configuration with only that section changed) and Reset.
 */
import type { ConfigDto, ConfigInputDto, FieldDto, IssueTypeDto, PriorityDto, ValidationProblemDto } from '#shared/admin-api-types.ts';
import { api, ApiError, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { inputFromConfig } from '../config-input.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { h, mount, option, skeleton, withBusy } from '../dom.ts';
import { field, problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';
import { problemsInSection } from '../problems.ts';
import { configHistoryCard } from './config-history.ts';
import { fieldMappingEditor } from './field-mapping-section.ts';
import { catalogueLists, ruleEditor, type Catalogue } from './rule-mapping-section.ts';

interface SectionParts {
  id: string;
  title: string;
  intro: string;
  body: Node;
  /** Changes the section's part of the input; returns false when the form has incomplete rows. */
  apply(input: ConfigInputDto): boolean;
  /** Shows problems next to rows; returns those that matched nothing. */
  showProblems(problems: readonly ValidationProblemDto[]): ValidationProblemDto[];
  disabled?: boolean;
}

function configSection(ctx: AppContext, parts: SectionParts): HTMLElement {
  const summary = h('div', { class: 'callout callout--danger', role: 'alert', hidden: true, id: `${parts.id}-problems` });
  const save = h('button', { type: 'submit', class: 'button button--primary', id: `${parts.id}-save` }, 'Save');
  save.disabled = parts.disabled === true;
  const form = h(
    'form',
    { class: 'card section', 'aria-labelledby': `${parts.id}-title`, novalidate: true, id: parts.id },
    h('h2', { id: `${parts.id}-title`, class: 'section__title' }, parts.title),
    h('p', { class: 'section__intro muted' }, parts.intro),
    summary,
    h('div', { class: 'section__body' }, parts.body),
    h('div', { class: 'form__actions form__actions--end' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const config = ctx.config;
    if (!config) return;
    const input = inputFromConfig(config);
    problemSummary(summary, '', []);
    if (!parts.apply(input)) {
      summary.hidden = false;
      summary.textContent = 'Complete or remove the highlighted rows before saving.';
      return;
    }
    void withBusy(save, 'Saving…', async () => {
      try {
        const result = await api.saveConfig(input);
        ctx.setConfig(result.config);
        parts.showProblems([]);
        notify('success', `${parts.title} saved (version ${result.config.version}).`);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
          // Every problem blocks this save (the whole configuration is sent), so all are listed;
          // this section's own come first and are also shown next to their rows.
          const sectionKey = parts.id.replace(/-section$/, '');
          const mine = problemsInSection(error.problems, sectionKey);
          const shown = [...mine, ...error.problems.filter((p) => !mine.includes(p))];
          parts.showProblems(mine);
          problemSummary(summary, describeError(error), shown);
          summary.focus();
        } else if (error instanceof ApiError && error.code === 'CONFLICT') {
          notify('error', describeError(error), { label: 'Reload', run: () => void ctx.reloadConfig().then(() => ctx.rerenderTab()) });
        } else {
          notify('error', describeError(error));
        }
      }
    });
  });
  summary.tabIndex = -1;
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

export function renderMappingTab(panel: HTMLElement, ctx: AppContext): () => void {
  let disposed = false;
  const config = ctx.config;
  if (!config) {
    mount(
      panel,
      h(
        'section',
        { class: 'card section' },
        h('h2', { class: 'section__title' }, 'Advanced Configuration'),
        h('p', null, 'Choose a target project and a default issue type first. Mappings depend on the fields of that project.'),
        h('a', { class: 'button button--primary', href: '#setup' }, 'Go to Web Trigger Setup'),
      ),
    );
    return () => undefined;
  }

  mount(panel, h('div', { class: 'card section' }, skeleton(5)));
  const load = async (): Promise<void> => {
    try {
      const data = await loadData(ctx, config);
      if (!disposed) draw(panel, ctx, config, data);
    } catch (error) {
      if (disposed) return;
      const retry = h('button', { type: 'button', class: 'button' }, 'Try again');
      retry.addEventListener('click', () => void withBusy(retry, 'Loading…', load));
      mount(panel, h('div', { class: 'card section' }, h('p', { class: 'callout callout--danger', role: 'alert' }, describeError(error)), retry));
    }
  };
  void load();
  return () => {
    disposed = true;
  };
}

function draw(panel: HTMLElement, ctx: AppContext, config: ConfigDto, data: TabData): void {
  const lists = catalogueLists(data.events.events, data.events.categories);
  const catalogue: Catalogue = { ...data.events, eventListId: lists.eventListId, categoryListId: lists.categoryListId };
  const issueTypeName = data.issueTypes.find((t) => t.id === config.defaultIssueTypeId)?.name ?? config.defaultIssueTypeId;

  // Field Mapping
  const fieldEditor = fieldMappingEditor(config.fieldMappings, data.keeperFields, data.fields);
  const fieldSection = configSection(ctx, {
    id: 'fieldMappings-section',
    title: 'Field Mapping',
    intro: `Copy values from the Keeper alert into fields of ${config.project.key} ${issueTypeName} issues. Summary, description and labels are always filled by the relay.`,
    body: fieldEditor.element,
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
    option('', 'No priority (Jira decides)', !config.priorityMapping.defaultPriorityId),
    data.priorities.map((p) => option(p.id, p.name, p.id === config.priorityMapping.defaultPriorityId)),
  );
  const defaultPriorityField = field('Default priority', defaultPriority, 'Used when no rule matches the alert.');
  defaultPriorityField.element.classList.add('rule-default');
  const priorityEditor = ruleEditor({
    section: 'priorityMapping',
    noun: 'a priority',
    fallback: 'the default priority',
    initial: config.priorityMapping,
    targets: data.priorities,
    catalogue,
  });
  const prioritySection = configSection(ctx, {
    id: 'priorityMapping-section',
    title: 'Priority Mapping',
    intro: 'Set the Jira priority from the Keeper event or its category. An event rule wins over a category rule.',
    disabled: !hasPriorities,
    body: hasPriorities
      ? h('div', null, priorityEditor.element, defaultPriorityField.element)
      : h(
          'p',
          { class: 'callout callout--info', id: 'no-priority-field' },
          `The create screen of ${config.project.key} has no Priority field, so issues are created without a priority. This is typical for team-managed projects; add the Priority field to the issue type in Jira to use priority rules.`,
        ),
    apply(input) {
      const { rules, complete } = priorityEditor.read();
      input.priorityMapping = { ...rules, ...(defaultPriority.value ? { defaultPriorityId: defaultPriority.value } : {}) };
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
    initial: config.issueTypeMapping,
    targets: data.issueTypes,
    catalogue,
  });
  const typeSection = configSection(ctx, {
    id: 'issueTypeMapping-section',
    title: 'Issue Type Mapping',
    intro: `Create some alerts as another issue type. Alerts without a matching rule become ${issueTypeName} issues.`,
    body: typeEditor.element,
    apply(input) {
      const { rules, complete } = typeEditor.read();
      input.issueTypeMapping = rules;
      return complete;
    },
    showProblems: (problems) => typeEditor.showProblems(problems),
  });

  // Reset
  const resetProblems = h('div', { class: 'callout callout--danger', role: 'alert', hidden: true, id: 'reset-problems', tabindex: '-1' });
  const reset = h('button', { type: 'button', class: 'button button--danger-subtle', id: 'reset-config-button' }, 'Reset Configuration');
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
    fieldSection,
    prioritySection,
    typeSection,
    configHistoryCard(),
    lists.element,
  );
}
