/**
 * "Web Trigger Setup": target project + default issue type, webhook URL, webhook token
 * (generate / regenerate / revoke, shown once), and the development tools (test alert, curl).
 */
import type { IssueTypeDto, ProjectDto, WebhookResultDto } from '#shared/admin-api-types.ts';
import { ApiError, api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { fillMessage, lozenge, sectionMessage } from '../components.ts';
import { setupInput } from '../config-input.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { curlExample } from '../curl-example.ts';
import { formatTime, h, mount, option, skeleton, withBusy } from '../dom.ts';
import { explainDeliveryError } from '../explain-error.ts';
import { copyableInput, copyText, field, problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';
import { matchProblems } from '../problems.ts';
import type { TabHandle } from './tab-view.ts';

const STYLE_LABEL: Record<ProjectDto['style'], string> = { classic: 'company-managed', 'next-gen': 'team-managed' };

export function projectLabel(project: ProjectDto): string {
  return `${project.key} — ${project.name} (${STYLE_LABEL[project.style]})`;
}

function section(title: string, id: string, ...children: (Node | null)[]): HTMLElement {
  return h(
    'section',
    { class: 'card section', 'aria-labelledby': id },
    h('h2', { id, class: 'section__title', tabindex: '-1' }, title),
    ...children,
  );
}

/** `#setup/<place>` → the heading to show and focus. */
const PLACES: Record<string, string> = {
  target: 'setup-target-title',
  recipient: 'setup-url-title',
  token: 'setup-token-title',
  test: 'setup-dev-title',
};

export function goToPlace(place: string | undefined, headings: Record<string, string>): void {
  const id = place ? headings[place] : undefined;
  const heading = id ? document.getElementById(id) : null;
  if (!heading) return;
  heading.scrollIntoView({ block: 'start' });
  heading.focus({ preventScroll: true });
}

export function renderSetupTab(panel: HTMLElement, ctx: AppContext, place?: string): TabHandle {
  let disposed = false;
  /** The token from the last Generate/Regenerate; lives only in this page (never stored). */
  let freshToken: string | undefined;

  // --- Jira target -------------------------------------------------------------------------
  const projectSelect = h('select', { class: 'input', id: 'project-select', name: 'project' });
  const issueTypeSelect = h('select', { class: 'input', id: 'issue-type-select', name: 'issueType' });
  const projectField = field('Target Project', projectSelect, 'Issues are created in this Jira project.', {
    required: true,
  });
  const issueTypeField = field(
    'Default Issue Type',
    issueTypeSelect,
    'Used when no issue type rule matches an alert. Sub-tasks are not offered.',
    {
      required: true,
    },
  );
  const projectNote = h('div', { hidden: true, id: 'project-switch-note' });
  const summary = h('div', { role: 'alert', hidden: true, tabindex: '-1' });
  const saveButton = h(
    'button',
    { type: 'submit', class: 'button button--primary', id: 'save-config-button' },
    'Save Configuration',
  );
  const savedInfo = h('p', { class: 'muted small' });
  const targetBody = h('div', { class: 'section__body' }, skeleton(2));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    summary,
    h('div', { class: 'form__grid' }, projectField.element, issueTypeField.element),
    projectNote,
    h('div', { class: 'form__actions' }, savedInfo, saveButton),
  );

  let projects: ProjectDto[] = [];
  let issueTypes: IssueTypeDto[] = [];

  const describeSaved = (): void => {
    const config = ctx.config;
    savedInfo.textContent = config
      ? `Version ${config.version}, saved ${formatTime(config.updatedAt)} by ${config.updatedBy.displayName}.`
      : 'Not saved yet: alerts wait as "pending configuration" until you save.';
  };

  const updateProjectNote = (): void => {
    const saved = ctx.config?.project.key;
    const changed = saved !== undefined && projectSelect.value !== '' && projectSelect.value !== saved;
    if (!changed) {
      projectNote.hidden = true;
      projectNote.replaceChildren();
      return;
    }
    fillMessage(
      projectNote,
      'warning',
      `Saving moves the relay from ${saved} to ${projectSelect.value}`,
      `Field, priority and issue type mappings and the rules belong to a project, so they start empty for ${projectSelect.value}. Export the configuration under Rules first to keep a copy. You will be asked to confirm.`,
    );
  };

  const loadIssueTypes = async (projectKey: string): Promise<void> => {
    issueTypeSelect.disabled = true;
    mount(issueTypeSelect, option('', 'Loading issue types…'));
    try {
      issueTypes = (await api.issueTypes(projectKey)).issueTypes.filter((t) => !t.subtask);
      if (disposed) return;
      const current =
        ctx.config?.project.key === projectKey
          ? ctx.config.defaultIssueTypeId
          : issueTypes.find((t) => t.name === 'Task')?.id;
      mount(
        issueTypeSelect,
        option('', 'Choose an issue type', !current, true),
        issueTypes.map((t) => option(t.id, t.name, t.id === current)),
      );
      issueTypeSelect.disabled = false;
      if (issueTypes.length === 0) issueTypeField.setErrors(['This project has no issue types the relay can use.']);
    } catch (error) {
      mount(issueTypeSelect, option('', 'Issue types could not be loaded'));
      issueTypeField.setErrors([describeError(error)]);
    }
  };

  const loadProjects = async (): Promise<void> => {
    try {
      projects = (await api.projects()).projects;
      if (disposed) return;
      const current = ctx.config?.project.key;
      mount(
        projectSelect,
        option('', projects.length ? 'Choose a project' : 'No projects visible to the relay', !current, true),
        projects.map((p) => option(p.key, projectLabel(p), p.key === current)),
      );
      mount(targetBody, form);
      describeSaved();
      if (current) await loadIssueTypes(current);
      else mount(issueTypeSelect, option('', 'Choose a project first'));
      issueTypeSelect.disabled = !current;
    } catch (error) {
      if (disposed) return;
      // Jira down must not hide what is saved: the saved target is shown from the configuration.
      const config = ctx.config;
      mount(
        targetBody,
        sectionMessage(
          'warning',
          { title: 'Jira did not list its projects', role: 'status', actions: retryButton(loadProjects) },
          h('p', null, describeError(error)),
          h(
            'p',
            null,
            config
              ? 'The saved target below stays in force; to change it, try again once Jira answers.'
              : 'Choose the target once Jira answers.',
          ),
        ),
        config
          ? h(
              'dl',
              { class: 'facts facts--compact', id: 'saved-target' },
              h(
                'div',
                { class: 'facts__item' },
                h('dt', null, 'Target project'),
                h('dd', null, projectLabel(config.project)),
              ),
              h(
                'div',
                { class: 'facts__item' },
                h('dt', null, 'Default issue type'),
                h(
                  'dd',
                  null,
                  config.issueTypes.find((t) => t.id === config.defaultIssueTypeId)?.name ?? config.defaultIssueTypeId,
                ),
              ),
            )
          : null,
        savedInfo,
      );
      describeSaved();
    }
  };

  projectSelect.addEventListener('change', () => {
    projectField.setErrors([]);
    issueTypeField.setErrors([]);
    updateProjectNote();
    if (projectSelect.value) void loadIssueTypes(projectSelect.value);
  });
  issueTypeSelect.addEventListener('change', () => issueTypeField.setErrors([]));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    projectField.setErrors(projectSelect.value ? [] : ['Choose the project alerts go to.']);
    issueTypeField.setErrors(issueTypeSelect.value ? [] : ['Choose the default issue type.']);
    problemSummary(summary, '', []);
    if (!projectSelect.value || !issueTypeSelect.value) return;
    void (async () => {
      const saved = ctx.config?.project.key;
      if (saved !== undefined && saved !== projectSelect.value) {
        const ok = await confirmAction({
          title: `Move the relay to ${projectSelect.value}?`,
          message: `New alerts become ${projectSelect.value} issues. The field, priority and issue type mappings and the rules made for ${saved} are cleared; Reset under Advanced Configuration fills in the defaults for ${projectSelect.value}.`,
          confirmLabel: `Move to ${projectSelect.value}`,
        });
        if (!ok) return;
      }
      await saveTarget();
    })();
  });

  const saveTarget = (): Promise<void | undefined> =>
    withBusy(saveButton, 'Saving…', async () => {
      try {
        const { config } = await api.saveConfig(setupInput(ctx.config, projectSelect.value, issueTypeSelect.value));
        ctx.setConfig(config);
        describeSaved();
        updateProjectNote();
        notify('success', `Configuration saved: alerts now become ${config.project.key} issues.`);
        void ctx.refreshStatus();
      } catch (error) {
        showSaveError(error);
      }
    });

  const showSaveError = (error: unknown): void => {
    if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
      const matched = matchProblems(error.problems, [
        { key: 'project', paths: ['projectKey'] },
        { key: 'issueType', paths: ['defaultIssueTypeId', 'parentIssueKey'] },
      ]);
      projectField.setErrors((matched.byKey.get('project') ?? []).map((p) => p.message));
      issueTypeField.setErrors((matched.byKey.get('issueType') ?? []).map((p) => p.message));
      problemSummary(
        summary,
        describeError(error),
        error.problems,
        matched.unmatched.length > 0 ? 'Problems in mappings can be fixed under Advanced Configuration.' : undefined,
      );
      summary.focus();
      return;
    }
    if (error instanceof ApiError && error.code === 'CONFLICT') {
      notify('error', describeError(error), {
        label: 'Reload',
        run: () => void ctx.reloadConfig().then(() => ctx.rerenderTab()),
      });
      return;
    }
    notify('error', describeError(error));
  };

  // --- Webhook URL ---------------------------------------------------------------------------
  const urlField = copyableInput('Webhook URL', ctx.webhookUrl(), {
    id: 'webhook-url',
    hint: 'Paste this URL into the Keeper alert recipient (Admin Console → Reporting & Alerts → Alerts → Recipient → Webhook).',
  });

  // --- Webhook authentication ------------------------------------------------------------------
  const tokenBody = h('div', { class: 'section__body' });
  const curlBlock = h('pre', { class: 'code', id: 'curl-example', tabindex: '0', 'aria-label': 'curl example' });
  const curlHint = h('p', { class: 'muted small' });
  const updateCurl = (): void => {
    curlBlock.textContent = curlExample(ctx.webhookUrl(), freshToken);
    curlHint.textContent = freshToken
      ? 'Uses the token generated above; it disappears from this page when you leave it.'
      : 'Replace <YOUR_TOKEN> with the webhook token.';
  };

  // Redrawn after every status read, so "Last used" follows the alerts as they come in.
  const tokenFacts = h('dl', { class: 'facts facts--compact', id: 'token-facts' });
  const updateTokenFacts = (): void => {
    const token = ctx.status?.token;
    if (!token || token.state !== 'enabled') return;
    mount(
      tokenFacts,
      h('div', { class: 'facts__item' }, h('dt', null, 'Created'), h('dd', null, formatTime(token.createdAt, 'exact'))),
      h(
        'div',
        { class: 'facts__item' },
        h('dt', null, 'Last used'),
        h('dd', { id: 'token-last-used' }, token.lastUsedAt ? formatTime(token.lastUsedAt, 'exact') : 'Not used yet'),
      ),
    );
  };
  let shownTokenState = ctx.status?.token.state;

  const renderToken = (): void => {
    const token = ctx.status?.token ?? { state: 'not_configured' as const };
    shownTokenState = token.state;
    updateTokenFacts();
    const enabled = token.state === 'enabled';
    const badge = lozenge(enabled ? 'Enabled' : 'Not configured', enabled ? 'success' : 'moved', {
      id: 'token-state',
      'data-state': token.state,
    });
    const generate = h(
      'button',
      { type: 'button', class: 'button button--primary', id: 'generate-token-button' },
      enabled ? 'Regenerate Token' : 'Generate Token',
    );
    const revoke = h(
      'button',
      { type: 'button', class: 'button button--danger-subtle', id: 'revoke-token-button' },
      'Revoke Token',
    );
    // One primary action per section: once a token exists, Regenerate is a deliberate, secondary act.
    if (enabled) generate.className = 'button';
    generate.addEventListener('click', () => {
      void (async () => {
        if (enabled) {
          const ok = await confirmAction({
            title: 'Regenerate the webhook token?',
            message:
              'The current token stops working immediately. Keeper alerts are refused until you paste the new token into the Keeper alert recipient.',
            confirmLabel: 'Regenerate Token',
            danger: true,
          });
          if (!ok) return;
        }
        await withBusy(generate, enabled ? 'Regenerating…' : 'Generating…', async () => {
          try {
            const result = await api.generateToken();
            freshToken = result.token;
            await ctx.refreshStatus();
            renderToken();
            updateCurl();
            notify('success', 'New webhook token created. Copy it now: it will not be shown again.');
            document.getElementById('new-token')?.focus();
          } catch (error) {
            notify('error', describeError(error));
          }
        });
      })();
    });
    revoke.addEventListener('click', () => {
      void (async () => {
        const ok = await confirmAction({
          title: 'Revoke the webhook token?',
          message: 'Keeper alerts are refused from now on until a new token is generated and pasted into Keeper.',
          confirmLabel: 'Revoke Token',
          danger: true,
        });
        if (!ok) return;
        await withBusy(revoke, 'Revoking…', async () => {
          try {
            await api.revokeToken();
            freshToken = undefined;
            await ctx.refreshStatus();
            renderToken();
            updateCurl();
            notify('success', 'Webhook token revoked. Keeper alerts are refused until a new token is generated.');
          } catch (error) {
            notify('error', describeError(error));
          }
        });
      })();
    });

    const reveal = freshToken
      ? h(
          'div',
          { class: 'token-reveal' },
          copyableInput('New webhook token', freshToken, { id: 'new-token', secret: true }).element,
          sectionMessage(
            'warning',
            { title: 'Copy this token now', role: 'note' },
            'For security it is stored only as a hash and cannot be shown again. Paste it into the Keeper alert recipient as the Bearer token.',
          ),
        )
      : null;

    mount(
      tokenBody,
      h('div', { class: 'token-status' }, h('span', { class: 'token-status__label' }, 'Status'), badge),
      enabled
        ? tokenFacts
        : sectionMessage(
            'warning',
            { title: 'Keeper alerts are refused' },
            'No token is configured, so the webhook refuses every alert. Generate a token and paste it into the Keeper alert recipient.',
          ),
      reveal,
      h('div', { class: 'form__actions' }, generate, enabled ? revoke : null),
    );
  };

  // --- Development tools -----------------------------------------------------------------------
  const testButton = h(
    'button',
    { type: 'button', class: 'button button--primary', id: 'test-trigger-button' },
    'Test Web Trigger',
  );
  const testResult = h('div', { class: 'test-result', id: 'test-result', 'aria-live': 'polite' });
  testButton.addEventListener('click', () => {
    mount(testResult, h('p', { class: 'muted' }, 'Sending a test alert through the relay…'));
    void withBusy(testButton, 'Testing…', async () => {
      try {
        const result = await api.testAlert();
        showTestResult(result);
        void ctx.refreshStatus();
      } catch (error) {
        mount(
          testResult,
          sectionMessage('error', { title: 'The test alert was not sent', role: 'alert' }, describeError(error)),
        );
      }
    });
  });
  const showTestResult = (result: WebhookResultDto): void => {
    // The API adds an `error` text to queued results; it is not in the contract yet, so read it defensively.
    const extra: unknown = (result as unknown as Record<string, unknown>).error;
    const reason = typeof extra === 'string' ? extra : undefined;
    const at = ` (${formatTime(new Date().toISOString(), 'time')})`;
    if (result.issueKey) {
      mount(
        testResult,
        sectionMessage(
          'success',
          { title: `${result.duplicate ? 'Already delivered' : 'Test alert delivered'}${at}` },
          h(
            'p',
            null,
            result.duplicate ? 'The test alert was already delivered as ' : 'Jira created ',
            result.issueUrl
              ? h(
                  'a',
                  {
                    href: result.issueUrl,
                    target: '_blank',
                    rel: 'noopener noreferrer',
                    id: 'test-issue-link',
                    class: 'issue-key',
                  },
                  result.issueKey,
                )
              : h('strong', { id: 'test-issue-link' }, result.issueKey),
            '.',
          ),
        ),
      );
    } else if (result.status === 'pending_configuration') {
      mount(
        testResult,
        sectionMessage(
          'warning',
          { title: `Received, waiting for a configuration${at}` },
          'Choose a project and issue type above and save; the test alert is sent then.',
        ),
      );
    } else {
      const explained = reason ? explainDeliveryError(reason) : undefined;
      mount(
        testResult,
        sectionMessage(
          result.status === 'failed' ? 'error' : 'information',
          {
            title: `${result.status === 'failed' ? 'Jira refused the test alert' : 'Test alert queued: Jira did not take it yet'}${at}`,
            actions: h('a', { href: `#deliveries`, class: 'button button--link' }, 'Open Deliveries'),
          },
          explained ? h('p', null, explained.text) : h('p', null, 'The relay will retry on its own.'),
          explained?.fix
            ? h(
                'p',
                null,
                explained.fix,
                ' ',
                explained.link ? h('a', { href: explained.link.href }, explained.link.label) : null,
              )
            : null,
        ),
      );
    }
  };
  const copyCurl = h('button', { type: 'button', class: 'button', id: 'copy-curl-button' }, 'Copy');
  copyCurl.addEventListener('click', () => void copyText(curlBlock.textContent ?? ''));

  mount(
    panel,
    section('Jira Target', 'setup-target-title', targetBody),
    section('Keeper Alert Recipient', 'setup-url-title', h('div', { class: 'section__body' }, urlField.element)),
    section('Webhook Authentication', 'setup-token-title', tokenBody),
    section(
      'Development Tools',
      'setup-dev-title',
      h(
        'div',
        { class: 'section__body' },
        h(
          'p',
          null,
          'Send a sample Keeper alert through the whole relay to check the project, issue type and mappings.',
        ),
        h('div', { class: 'form__actions' }, testButton),
        testResult,
        h('h3', { class: 'subheading' }, 'Try it from a terminal'),
        curlHint,
        h('div', { class: 'code-block' }, curlBlock, copyCurl),
      ),
    ),
  );
  renderToken();
  updateCurl();
  void loadProjects().then(() => goToPlace(place, PLACES));
  const unsubscribe = ctx.onStatus(() => {
    // A token generated or revoked elsewhere redraws the section; otherwise only the facts change.
    if (ctx.status && ctx.status.token.state !== shownTokenState) renderToken();
    else updateTokenFacts();
  });

  return {
    dispose() {
      disposed = true;
      unsubscribe();
    },
    navigate: (next) => goToPlace(next, PLACES),
  };
}

function retryButton(run: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button' }, 'Try again');
  button.addEventListener('click', () => void withBusy(button, 'Loading…', run));
  return button;
}
