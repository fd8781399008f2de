/**
 * Rules → what a matching rule does: route (project, issue type), priority, assignee, labels,
 * security level, suppress (which sets the other actions aside), redaction, grouping of repeats,
 * escalation and the storm cap.
 */
import type { IssueTypeDto, PriorityDto, SecurityLevelDto } from '#shared/admin-api-types.ts';
import { chipInput } from '../chip-input.ts';
import { h, mount, option, uid } from '../dom.ts';
import { errorMessages, type Field, field } from '../form-helpers.ts';
import { type ActionsDraft, GROUP_KEY_QUICK_PICKS, GROUPING_DEFAULTS, SUGGESTED_STORM_CAP } from '../rule-draft.ts';
import { LIMITS } from '../rule-validation.ts';
import { assigneePicker } from './assignee-picker.ts';
import { type ConditionCatalogue, pathChips } from './condition-builder.ts';
import type { ErrorTarget } from './rules-context.ts';

/** A checkbox with its label on the right, a hint and an error slot. */
export function checkboxField(
  label: string,
  checked: boolean,
  hint?: string,
  options: { switch?: boolean } = {},
): Field & { control: HTMLInputElement } {
  const control = h('input', { type: 'checkbox', class: 'checkbox__input', id: uid('check') });
  if (options.switch) control.setAttribute('role', 'switch');
  control.checked = checked;
  const hintId = hint ? uid('hint') : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const errors = h('div', { class: 'field__errors', id: uid('error') });
  const element = h(
    'div',
    { class: 'field checkbox' },
    h('label', { class: 'checkbox__label', for: control.id }, control, h('span', null, label)),
    hint ? h('p', { class: 'field__hint', id: hintId }, hint) : null,
    errors,
  );
  return {
    element,
    control,
    setErrors(messages) {
      errorMessages(errors, messages);
      element.classList.toggle('field--invalid', messages.length > 0);
      if (messages.length > 0) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

function numberField(
  label: string,
  value: string,
  range: { min: number; max: number },
  hint: string,
  onInput: (text: string) => void,
): Field {
  const input = h('input', {
    type: 'number',
    class: 'input input--number',
    inputmode: 'numeric',
    min: range.min,
    max: range.max,
    step: 1,
    value,
  });
  const f = field(label, input, hint);
  input.addEventListener('input', () => {
    onInput(input.value);
    f.setErrors([]);
  });
  return f;
}

function fieldset(legend: string, ...children: (Node | null)[]): HTMLFieldSetElement {
  return h('fieldset', { class: 'fieldset' }, h('legend', { class: 'fieldset__legend' }, legend), children);
}

function target(path: string, f: Field): ErrorTarget {
  return { path, show: (m) => f.setErrors(m), focus: () => f.control.focus() };
}

export interface ActionsEditor {
  element: HTMLElement;
  targets(prefix: string): ErrorTarget[];
}

export function actionsEditor(actions: ActionsDraft, cat: ConditionCatalogue): ActionsEditor {
  const { ctx } = cat;
  const defaultKey = ctx.config.project.key;

  // --- Suppress ------------------------------------------------------------------------------
  const suppress = checkboxField(
    'Suppress: create no ticket for matching alerts',
    actions.suppress,
    'The alert is only recorded (Deliveries shows it as Suppressed). The other actions are set aside while this is on.',
  );

  // --- Route, priority, people ------------------------------------------------------------
  const project = h('select', { class: 'input' });
  const issueType = h('select', { class: 'input' });
  const priority = h('select', { class: 'input' });
  const projectField = field(
    'Project',
    project,
    `Alerts this rule matches go to this project instead of ${defaultKey}.`,
  );
  const issueTypeField = field('Issue type', issueType);
  const priorityField = field('Priority', priority);

  const fillIssueTypes = (types: readonly IssueTypeDto[]): void => {
    const chosen = actions.issueTypeId;
    const usable = types.filter((t) => !t.subtask);
    mount(
      issueType,
      actions.projectKey
        ? option('', `Choose an issue type of ${actions.projectKey}`, !chosen)
        : option('', 'As the issue type mapping decides', !chosen),
      usable.map((t) => option(t.id, t.name, t.id === chosen)),
      chosen && !usable.some((t) => t.id === chosen) ? option(chosen, `${chosen} (not found)`, true) : null,
    );
  };
  const fillPriorities = (select: HTMLSelectElement, list: readonly PriorityDto[], chosen: string, none: string) => {
    mount(
      select,
      option('', none, !chosen),
      list.map((p) => option(p.id, p.name, p.id === chosen)),
      chosen && !list.some((p) => p.id === chosen) ? option(chosen, `${chosen} (not found)`, true) : null,
    );
  };
  const escalationPriority = h('select', { class: 'input' });
  const loadProjectLists = async (): Promise<void> => {
    const key = actions.projectKey || defaultKey;
    if (!actions.projectKey) {
      fillIssueTypes(ctx.issueTypes);
      fillPriorities(priority, ctx.priorities, actions.priorityId, 'As the priority mapping decides');
      fillPriorities(escalationPriority, ctx.priorities, actions.escalation.priorityId, 'Choose a priority');
      return;
    }
    mount(issueType, option('', 'Loading issue types…', true));
    try {
      const [types, priorities] = await Promise.all([ctx.issueTypesOf(key), ctx.prioritiesOf(key)]);
      // The admin may have chosen another project while these loaded.
      if (actions.projectKey !== key) return;
      fillIssueTypes(types);
      fillPriorities(priority, priorities, actions.priorityId, 'As the priority mapping decides');
      fillPriorities(escalationPriority, priorities, actions.escalation.priorityId, 'Choose a priority');
    } catch {
      mount(issueType, option(actions.issueTypeId, actions.issueTypeId || 'Issue types could not be loaded', true));
      issueTypeField.setErrors([`The issue types of ${key} could not be loaded from Jira. Try again later.`]);
    }
  };
  mount(
    project,
    option('', `Default project (${defaultKey})`, !actions.projectKey),
    actions.projectKey ? option(actions.projectKey, actions.projectKey, true) : null,
  );
  void ctx
    .projects()
    .then((projects) => {
      mount(
        project,
        option('', `Default project (${defaultKey})`, !actions.projectKey),
        projects
          .filter((p) => p.key !== defaultKey)
          .map((p) => option(p.key, `${p.key} — ${p.name}`, p.key === actions.projectKey)),
        actions.projectKey && !projects.some((p) => p.key === actions.projectKey)
          ? option(actions.projectKey, `${actions.projectKey} (not found)`, true)
          : null,
      );
    })
    .catch(() => undefined);
  void loadProjectLists();
  project.addEventListener('change', () => {
    actions.projectKey = project.value;
    actions.issueTypeId = '';
    projectField.setErrors([]);
    void loadProjectLists();
  });
  issueType.addEventListener('change', () => {
    actions.issueTypeId = issueType.value;
    issueTypeField.setErrors([]);
  });
  priority.addEventListener('change', () => {
    actions.priorityId = priority.value;
    priorityField.setErrors([]);
  });

  const assigneeField = assigneePicker({
    accountId: actions.assigneeAccountId,
    projectKey: () => actions.projectKey || defaultKey,
    search: (key, query) => ctx.assignableUsers(key, query),
    onChange: (accountId) => {
      actions.assigneeAccountId = accountId;
    },
  });

  const security = h('select', { class: 'input' });
  const securityField = field(
    'Security level',
    security,
    'Only people allowed this level of the target project’s issue security scheme see the issue.',
  );
  const fillSecurityLevels = (key: string, levels: readonly SecurityLevelDto[] | undefined): void => {
    const chosen = actions.securityLevelId;
    const unknown = chosen !== '' && levels !== undefined && !levels.some((l) => l.id === chosen);
    mount(
      security,
      option('', levels?.length === 0 ? `None (${key} has no security scheme)` : 'None', !chosen),
      (levels ?? []).map((l) => option(l.id, l.name, l.id === chosen)),
      chosen && (levels === undefined || unknown)
        ? option(chosen, levels === undefined ? `Level ${chosen}` : `${chosen} (not in ${key}’s scheme)`, true)
        : null,
    );
    securityField.setErrors(
      unknown
        ? [`Level ${chosen} is not in the security scheme of ${key}. Choose one of its levels, or None.`]
        : levels === undefined
          ? [`The security levels of ${key} could not be loaded from Jira. The saved level is kept.`]
          : [],
    );
  };
  const loadSecurityLevels = async (): Promise<void> => {
    const key = actions.projectKey || defaultKey;
    let levels: SecurityLevelDto[] | undefined;
    try {
      levels = await ctx.securityLevelsOf(key);
    } catch {
      levels = undefined;
    }
    // The admin may have chosen another project while these loaded.
    if ((actions.projectKey || defaultKey) === key) fillSecurityLevels(key, levels);
  };
  mount(security, option(actions.securityLevelId, actions.securityLevelId ? 'Loading levels…' : 'None', true));
  void loadSecurityLevels();
  security.addEventListener('change', () => {
    actions.securityLevelId = security.value;
    securityField.setErrors([]);
  });
  project.addEventListener('change', () => {
    assigneeField.projectChanged();
    void loadSecurityLevels();
  });

  const labels = chipInput({
    label: 'Labels',
    hint: 'Added to the labels the relay always sets. Jira labels have no spaces.',
    values: actions.labels,
    placeholder: 'Type a label and press Enter',
    onChange: (v) => {
      actions.labels = v;
    },
  });

  // --- Redaction -------------------------------------------------------------------------------
  const redact = pathChips(
    cat,
    'Fields to redact',
    actions.redact,
    (v) => {
      actions.redact = v;
    },
    'Shown as [redacted] everywhere in the ticket, the raw alert included. The relay keeps the original only for the retention period set below.',
  );

  // --- Grouping ----------------------------------------------------------------------------------
  const groupingOn = checkboxField(
    'Group repeats into one issue',
    actions.grouping.on,
    'Later alerts with the same values of the group fields become comments on the first alert’s issue.',
  );
  const groupKey = pathChips(
    cat,
    'Group by fields',
    actions.grouping.key,
    (v) => {
      actions.grouping.key = v;
    },
    `Alerts with equal values of these fields form one group. Default: ${GROUPING_DEFAULTS.key.join(', ')}.`,
  );
  const quickPicks = h(
    'div',
    { class: 'quick-picks', role: 'group', 'aria-label': 'Add a common group field' },
    h('span', { class: 'muted small' }, 'Also group by:'),
    GROUP_KEY_QUICK_PICKS.map((pick) => {
      const button = h('button', { type: 'button', class: 'button button--small' }, `+ ${pick.label}`);
      button.addEventListener('click', () => {
        if (!actions.grouping.key.includes(pick.path)) groupKey.setValues([...actions.grouping.key, pick.path]);
      });
      return button;
    }),
  );
  const windowField = numberField(
    'Group window (minutes)',
    actions.grouping.windowMinutes,
    LIMITS.windowMinutes,
    'A repeat joins the group while it arrives within this many minutes of the group’s last alert.',
    (t) => {
      actions.grouping.windowMinutes = t;
    },
  );
  const commentField = numberField(
    'Comment at most every (seconds)',
    actions.grouping.commentIntervalSeconds,
    LIMITS.commentIntervalSeconds,
    'Repeats are gathered into one comment per interval, so a burst does not flood the issue.',
    (t) => {
      actions.grouping.commentIntervalSeconds = t;
    },
  );
  const reopenField = numberField(
    'Reopen window (hours)',
    actions.grouping.reopenWindowHours,
    LIMITS.reopenWindowHours,
    'A repeat within this many hours of the issue being resolved reopens it; later ones start a new linked issue.',
    (t) => {
      actions.grouping.reopenWindowHours = t;
    },
  );
  const groupingBody = h(
    'div',
    { class: 'fieldset__body' },
    groupKey.element,
    quickPicks,
    h('div', { class: 'form__grid form__grid--3' }, windowField.element, commentField.element, reopenField.element),
  );

  // --- Escalation ------------------------------------------------------------------------------
  const escalationOn = checkboxField(
    'Raise the priority when alerts pile up',
    actions.escalation.on,
    'Works on the group’s issue: turn on grouping too.',
  );
  const occurrencesField = numberField(
    'Alerts',
    actions.escalation.occurrences,
    LIMITS.escalationOccurrences,
    'How many alerts of the group…',
    (t) => {
      actions.escalation.occurrences = t;
    },
  );
  const withinField = numberField(
    'Within (minutes)',
    actions.escalation.withinMinutes,
    LIMITS.escalationWithinMinutes,
    '…arriving within this many minutes…',
    (t) => {
      actions.escalation.withinMinutes = t;
    },
  );
  const escalationPriorityField = field('Raise to priority', escalationPriority, '…raise the issue to this priority.');
  escalationPriority.addEventListener('change', () => {
    actions.escalation.priorityId = escalationPriority.value;
    escalationPriorityField.setErrors([]);
  });
  const escalationBody = h(
    'div',
    { class: 'fieldset__body form__grid form__grid--3' },
    occurrencesField.element,
    withinField.element,
    escalationPriorityField.element,
  );

  // --- Storm cap -------------------------------------------------------------------------------
  const stormOn = checkboxField(
    'Cap new issues per hour',
    actions.stormCap.on,
    `Off by default. Past the cap, this rule’s alerts join one storm issue per hour instead of opening more. ${SUGGESTED_STORM_CAP} is a good start.`,
  );
  const stormField = numberField(
    'New issues an hour, at most',
    actions.stormCap.perHour,
    LIMITS.stormCap,
    'Counted per rule.',
    (t) => {
      actions.stormCap.perHour = t;
    },
  );
  const stormBody = h('div', { class: 'fieldset__body' }, stormField.element);

  const rest = h(
    'fieldset',
    { class: 'actions__rest' },
    h('legend', { class: 'visually-hidden' }, 'Ticket actions'),
    fieldset(
      'Ticket',
      h(
        'div',
        { class: 'form__grid' },
        projectField.element,
        issueTypeField.element,
        priorityField.element,
        assigneeField.element,
        securityField.element,
        labels.element,
      ),
    ),
    fieldset('Redaction', redact.element),
    fieldset('Grouping', groupingOn.element, groupingBody),
    fieldset('Escalation', escalationOn.element, escalationBody),
    fieldset('Storm cap', stormOn.element, stormBody),
  );

  const sync = (): void => {
    rest.disabled = actions.suppress;
    rest.classList.toggle('actions__rest--off', actions.suppress);
    groupingBody.hidden = !actions.grouping.on;
    escalationBody.hidden = !actions.escalation.on;
    stormBody.hidden = !actions.stormCap.on;
  };
  suppress.control.addEventListener('change', () => {
    actions.suppress = suppress.control.checked;
    sync();
  });
  groupingOn.control.addEventListener('change', () => {
    actions.grouping.on = groupingOn.control.checked;
    sync();
  });
  escalationOn.control.addEventListener('change', () => {
    actions.escalation.on = escalationOn.control.checked;
    sync();
  });
  stormOn.control.addEventListener('change', () => {
    actions.stormCap.on = stormOn.control.checked;
    if (actions.stormCap.on && actions.stormCap.perHour.trim() === '') {
      actions.stormCap.perHour = String(SUGGESTED_STORM_CAP);
      stormField.control.value = actions.stormCap.perHour;
    }
    sync();
  });
  sync();

  return {
    element: h('div', { class: 'actions' }, suppress.element, rest),
    targets: (prefix) => [
      target(`${prefix}.suppress`, suppress),
      target(`${prefix}.route`, projectField),
      target(`${prefix}.route.projectKey`, projectField),
      target(`${prefix}.route.issueTypeId`, issueTypeField),
      target(`${prefix}.priorityId`, priorityField),
      target(`${prefix}.assigneeAccountId`, assigneeField),
      target(`${prefix}.securityLevelId`, securityField),
      target(`${prefix}.labels`, labels),
      target(`${prefix}.redact`, redact),
      target(`${prefix}.grouping`, groupingOn),
      target(`${prefix}.grouping.key`, groupKey),
      target(`${prefix}.grouping.windowMinutes`, windowField),
      target(`${prefix}.grouping.commentIntervalSeconds`, commentField),
      target(`${prefix}.grouping.reopenWindowHours`, reopenField),
      target(`${prefix}.escalation`, escalationOn),
      target(`${prefix}.escalation.occurrences`, occurrencesField),
      target(`${prefix}.escalation.withinMinutes`, withinField),
      target(`${prefix}.escalation.priorityId`, escalationPriorityField),
      target(`${prefix}.stormCap`, stormField),
    ],
  };
}
