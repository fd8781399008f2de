/**
 * "Rules": the ordered rules (condition → actions, first match wins), the grouping settings every
 * rule shares, a preview of the draft on the alerts received lately (no Jira write), Save (the
 * whole configuration with `section: 'rules'`, so the server validates the rules and what they
 * depend on), and export / import of the whole configuration.
 */
import type {
  ConfigDto,
  IssueTypeDto,
  PriorityDto,
  ProjectDto,
  SecurityLevelDto,
  ValidationProblemDto,
} from '#shared/admin-api-types.ts';
import { ApiError, api, describeError } from '../api-client.ts';
import { type AppContext, memo } from '../app-context.ts';
import { emptyState, fillMessage, sectionMessage } from '../components.ts';
import { inputFromConfig, previewRequest } from '../config-input.ts';
import { h, mount, skeleton, withBusy } from '../dom.ts';
import { takeStashedDrafts } from '../drafts.ts';
import { problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';
import { placeProblems, ruleIndices } from '../problems.ts';
import {
  draftFromRule,
  type RuleDraft,
  type RulesPart,
  rulesPart,
  type SettingsDraft,
  settingsFromConfig,
} from '../rule-draft.ts';
import { problemPlace, rulesTabProblems } from '../rule-validation.ts';
import { conditionCatalogue, pathDatalist } from './condition-builder.ts';
import { configTransferCard } from './config-transfer.ts';
import { groupingSettings } from './grouping-settings.ts';
import { previewPanel } from './preview-panel.ts';
import type { ErrorTarget, RulesEditorContext } from './rules-context.ts';
import { rulesList } from './rules-list.ts';
import { goToPlace } from './setup-tab.ts';
import type { TabHandle } from './tab-view.ts';

const DRAFT_ID = 'rules-section';

const PLACES: Record<string, string> = {
  rules: 'rules-title',
  grouping: 'grouping-title',
  preview: 'preview-title',
  transfer: 'transfer-title',
};

/** Lists of another project, loaded once per tab and key. */
function perKey<T>(load: (key: string) => Promise<T>): {
  get(key: string): Promise<T>;
  known(key: string): T | undefined;
} {
  const pending = new Map<string, Promise<T>>();
  const done = new Map<string, T>();
  return {
    get(key) {
      let p = pending.get(key);
      if (!p) {
        p = load(key).then(
          (value) => {
            done.set(key, value);
            return value;
          },
          (error: unknown) => {
            pending.delete(key);
            throw error;
          },
        );
        pending.set(key, p);
      }
      return p;
    },
    known: (key) => done.get(key),
  };
}

async function editorContext(ctx: AppContext, config: ConfigDto): Promise<RulesEditorContext> {
  const key = config.project.key;
  const [events, keeperFields, priorities, issueTypes] = await Promise.all([
    ctx.events(),
    ctx.keeperFields(),
    api
      .priorities(key)
      .then((r) => r.priorities)
      .catch(() => config.priorities),
    config.issueTypes.length > 0 ? Promise.resolve(config.issueTypes) : api.issueTypes(key).then((r) => r.issueTypes),
  ]);
  const types = perKey<IssueTypeDto[]>((k) =>
    k === key ? Promise.resolve(issueTypes) : api.issueTypes(k).then((r) => r.issueTypes),
  );
  const prios = perKey<PriorityDto[]>((k) =>
    k === key ? Promise.resolve(priorities) : api.priorities(k).then((r) => r.priorities),
  );
  const levels = perKey<SecurityLevelDto[]>((k) => api.securityLevels(k).then((r) => r.levels));
  const projects = memo<ProjectDto[]>(() => api.projects().then((r) => r.projects));
  const titles = new Map(events.events.map((e) => [e.event, e.title]));
  const allPriorities = (): PriorityDto[] => [...priorities, ...config.priorities];
  return {
    config,
    events: events.events,
    // Keeper's documented categories that no catalogue event carries yet are still categories.
    categories: [...new Set(events.categories)].sort(),
    keeperFields,
    priorities,
    issueTypes: issueTypes.filter((t) => !t.subtask),
    projects,
    issueTypesOf: (k) => types.get(k),
    prioritiesOf: (k) => prios.get(k),
    securityLevelsOf: (k) => levels.get(k),
    assignableUsers: (k, query) => api.assignableUsers(k, query).then((r) => r.users),
    names: {
      defaultProject: key,
      event: (code) => titles.get(code) ?? code,
      priority: (id) => allPriorities().find((p) => p.id === id)?.name ?? id,
      issueType: (projectKey, id) =>
        (types.known(projectKey) ?? (projectKey === key ? issueTypes : [])).find((t) => t.id === id)?.name ?? id,
    },
  };
}

/** Settings as the draft starts from a stashed (restored) part, else from what is saved. */
function initialSettings(config: ConfigDto, restored: Partial<RulesPart>): SettingsDraft {
  const saved = settingsFromConfig(config);
  return {
    counterEvents: restored.counterEvents
      ? restored.counterEvents.map((p) => ({ open: p.open, close: p.close, key: [...p.key] }))
      : saved.counterEvents,
    wontDoResolutions: restored.wontDoResolutions ? [...restored.wontDoResolutions] : saved.wontDoResolutions,
    occurrencesFieldId: restored.groupFields
      ? (restored.groupFields.occurrencesFieldId ?? '')
      : saved.occurrencesFieldId,
    lastSeenFieldId: restored.groupFields ? (restored.groupFields.lastSeenFieldId ?? '') : saved.lastSeenFieldId,
    redactionRetentionDays:
      restored.redactionRetentionDays !== undefined && restored.redactionRetentionDays !== null
        ? String(restored.redactionRetentionDays)
        : saved.redactionRetentionDays,
  };
}

export function renderRulesTab(panel: HTMLElement, ctx: AppContext, place?: string): TabHandle {
  let disposed = false;
  const config = ctx.config;
  if (!config) {
    mount(
      panel,
      h(
        'section',
        { class: 'card section', 'aria-labelledby': 'rules-empty-title' },
        emptyState(
          'Choose where alerts go first',
          'Rules route, group and suppress alerts within a project. Choose a project and a default issue type, or import a configuration below.',
          h('a', { class: 'button button--primary', href: '#setup/target' }, 'Go to Web Trigger Setup'),
        ),
      ),
      configTransferCard(ctx),
    );
    panel.querySelector('.empty-state__title')?.setAttribute('id', 'rules-empty-title');
    return {};
  }

  mount(panel, h('div', { class: 'card section' }, skeleton(5)));
  const load = async (): Promise<void> => {
    let editor: RulesEditorContext;
    try {
      editor = await editorContext(ctx, config);
    } catch (error) {
      if (disposed) return;
      const retry = h('button', { type: 'button', class: 'button', id: 'rules-retry' }, 'Try again');
      retry.addEventListener('click', () => void withBusy(retry, 'Loading…', load));
      mount(
        panel,
        sectionMessage(
          'warning',
          { title: 'The rules cannot be edited right now', role: 'status', actions: retry, id: 'rules-unavailable' },
          h('p', null, describeError(error)),
          h('p', null, `The ${config.rules.length} saved rules stay in force. Export still works.`),
        ),
        configTransferCard(ctx),
      );
      return;
    }
    if (disposed) return;
    draw(panel, ctx, config, editor);
    goToPlace(place, PLACES);
  };
  void load();
  return {
    dispose() {
      disposed = true;
    },
    navigate: (next) => goToPlace(next, PLACES),
  };
}

function draw(panel: HTMLElement, ctx: AppContext, config: ConfigDto, editor: RulesEditorContext): void {
  const stashed = takeStashedDrafts(config.version, 'rules');
  const restored = (stashed?.parts ?? {}) as Partial<RulesPart>;
  const rules: RuleDraft[] = (restored.rules ?? config.rules).map(draftFromRule);
  const settings = initialSettings(config, restored);
  const cat = conditionCatalogue(editor);

  const list = rulesList(rules, cat);
  const grouping = groupingSettings(settings, cat);
  const summary = h('div', { role: 'alert', hidden: true, id: 'rules-problems', tabindex: '-1' });
  const previewSlot = h('div', { id: 'preview-slot' });
  const stale = h(
    'p',
    { class: 'preview__stale', id: 'preview-stale', hidden: true, role: 'status' },
    'You changed the draft after this preview. Preview again to see the effect.',
  );

  const facts = h('p', { class: 'muted', id: 'rules-facts' });
  const showFacts = (saved: ConfigDto): void => {
    facts.textContent = `Project ${saved.project.key} (${saved.project.name}) · configuration version ${saved.version}`;
  };
  showFacts(config);

  const current = (): RulesPart => rulesPart(list.drafts(), settings);
  const draft = { title: 'Rules', read: (): Partial<RulesPart> => current() };
  const markDirty = (event?: Event): void => {
    // Filtering a preview's result is no edit of the draft.
    if (event?.target instanceof Node && previewSlot.contains(event.target)) return;
    ctx.drafts.set(DRAFT_ID, draft);
    if (previewSlot.childElementCount > 0) stale.hidden = false;
  };
  if (stashed) markDirty();

  /** Shows problems next to their controls; returns those that found none. */
  const showProblems = (problems: readonly ValidationProblemDto[]): ValidationProblemDto[] => {
    const targets: ErrorTarget[] = [...list.targets(), ...grouping.targets()];
    for (const t of targets) t.show([]);
    const placed = placeProblems(
      problems,
      targets.map((t) => t.path),
    );
    list.expand(ruleIndices(placed.byPath.keys()));
    for (const t of targets) {
      const mine = placed.byPath.get(t.path);
      if (mine) t.show(mine.map((p) => p.message));
    }
    return placed.unmatched;
  };

  /** The message above the form: every problem with the rule or setting it concerns. */
  const summarize = (
    title: string,
    problems: readonly ValidationProblemDto[],
    options: { extra?: string; placed?: boolean } = {},
  ): void => {
    const rules = list.drafts();
    // The relay's own messages already name the rule or setting; the site's get its place in front.
    const lines = [
      ...new Set(problems.map((p) => (options.placed ? `${problemPlace(p.path, rules)}: ${p.message}` : p.message))),
    ];
    fillMessage(
      summary,
      'error',
      title,
      lines.length > 0
        ? h(
            'ul',
            null,
            lines.map((line) => h('li', null, line)),
          )
        : null,
      options.extra ? h('p', null, options.extra) : null,
    );
    summary.focus();
  };

  /** Client checks first; false (problems shown, summary focused) when the draft is not ready. */
  const checkDraft = (doing: string): boolean => {
    const problems = rulesTabProblems(list.drafts(), settings);
    showProblems(problems);
    if (problems.length === 0) {
      problemSummary(summary, '', []);
      return true;
    }
    summarize(
      `Fix ${problems.length === 1 ? 'the problem' : `the ${problems.length} problems`} marked below before ${doing}.`,
      problems,
      { placed: true },
    );
    return false;
  };

  const serverProblems = (error: ApiError): void => {
    const unmatched = showProblems(error.problems);
    const placed = error.problems.length - unmatched.length;
    summarize(
      describeError(error),
      error.problems,
      placed > 0
        ? {
            extra: `${placed === error.problems.length ? 'Each is' : `${placed} are`} marked next to the rule or setting at fault.`,
          }
        : {},
    );
  };

  // --- Preview ---------------------------------------------------------------------------------
  const previewButton = h(
    'button',
    { type: 'button', class: 'button', id: 'preview-rules' },
    'Preview on received alerts',
  );
  previewButton.addEventListener('click', () => {
    const saved = ctx.config ?? config;
    if (!checkDraft('previewing')) return;
    void withBusy(previewButton, 'Previewing…', async () => {
      try {
        const result = await api.previewConfig(previewRequest(saved, current()));
        mount(previewSlot, previewPanel(result, editor.events));
        stale.hidden = true;
        document.getElementById('preview-headline')?.focus();
      } catch (error) {
        if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') serverProblems(error);
        else notify('error', describeError(error));
      }
    });
  });

  // --- Save --------------------------------------------------------------------------------------
  const save = h('button', { type: 'submit', class: 'button button--primary', id: 'save-rules' }, 'Save rules');
  const form = h(
    'form',
    { class: 'rules-form', id: DRAFT_ID, novalidate: true, 'aria-labelledby': 'rules-title' },
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'rules-title' },
      h('h2', { class: 'section__title', id: 'rules-title', tabindex: '-1' }, 'Rules'),
      h(
        'p',
        { class: 'section__intro muted' },
        `Decide per kind of alert where its ticket goes, who gets it, and whether repeats of one incident share one ticket. Alerts no rule matches follow the mappings under Advanced Configuration.`,
      ),
      summary,
      list.element,
    ),
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'grouping-title' },
      h('h2', { class: 'section__title', id: 'grouping-title', tabindex: '-1' }, 'Grouping settings'),
      h(
        'p',
        { class: 'section__intro muted' },
        'These hold for every rule that groups repeats, and for the pairs of events that close an issue again.',
      ),
      grouping.element,
    ),
    h(
      'section',
      { class: 'card section', 'aria-labelledby': 'preview-title' },
      h('h2', { class: 'section__title', id: 'preview-title', tabindex: '-1' }, 'Preview and save'),
      sectionMessage(
        'information',
        { id: 'preview-note' },
        'The preview runs your unsaved draft on the alerts received in the last 24 hours and compares it with today’s configuration. Nothing is written to Jira and nothing is saved.',
      ),
      h('div', { class: 'form__actions form__actions--start' }, previewButton),
      stale,
      previewSlot,
      h('div', { class: 'form__actions form__actions--end' }, save),
    ),
    pathDatalist(cat),
  );
  form.addEventListener('input', markDirty);
  form.addEventListener('change', markDirty);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checkDraft('saving')) return;
    void withBusy(save, 'Saving…', async () => {
      const saved = ctx.config ?? config;
      try {
        const result = await api.saveConfig({ ...inputFromConfig(saved), ...current(), section: 'rules' });
        ctx.setConfig(result.config);
        showFacts(result.config);
        ctx.drafts.delete(DRAFT_ID);
        showProblems([]);
        problemSummary(summary, '', []);
        notify('success', `Rules saved (version ${result.config.version}).`);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') serverProblems(error);
        else if (error instanceof ApiError && error.code === 'CONFLICT') {
          notify('error', describeError(error), {
            label: 'Reload',
            run: () => void ctx.reloadConfig().then(() => ctx.rerenderTab()),
          });
        } else notify('error', describeError(error));
      }
    });
  });
  problemSummary(summary, '', []);

  const restoredNote = stashed
    ? sectionMessage(
        'information',
        { title: 'Your unsaved changes are back', id: 'restored-drafts', role: 'status' },
        'The rules have the edits you made before your session ended. Review them and save, or leave the tab to discard them.',
      )
    : null;
  mount(panel, h('div', { class: 'toolbar' }, facts), restoredNote, form, configTransferCard(ctx));
}
