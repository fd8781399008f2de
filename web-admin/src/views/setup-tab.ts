/**
 * "Web Trigger Setup": target project + default issue type, webhook URL, webhook token
 * (generate / regenerate / revoke, shown once), and the development tools (test alert, curl).
 */
import type { IssueTypeDto, ProjectDto, WebhookResultDto } from '#shared/admin-api-types.ts';
import { api, ApiError, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { setupInput } from '../config-input.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { curlExample } from '../curl-example.ts';
import { formatTime, h, mount, option, skeleton, withBusy } from '../dom.ts';
import { copyableInput, copyText, field, problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';
import { matchProblems } from '../problems.ts';

const STYLE_LABEL: Record<ProjectDto['style'], string> = { classic: 'company-managed', 'next-gen': 'team-managed' };

export function projectLabel(project: ProjectDto): string {
  return `${project.key} — ${project.name} (${STYLE_LABEL[project.style]})`;
}

function section(title: string, id: string, ...children: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card section', 'aria-labelledby': id }, h('h2', { id, class: 'section__title' }, title), ...children);
}

export function renderSetupTab(panel: HTMLElement, ctx: AppContext): () => void {
  let disposed = false;
  /** The token from the last Generate/Regenerate; lives only in this page (never stored). */
  let freshToken: string | undefined;

  // --- Jira target -------------------------------------------------------------------------
  const projectSelect = h('select', { class: 'input', id: 'project-select', name: 'project' });
  const issueTypeSelect = h('select', { class: 'input', id: 'issue-type-select', name: 'issueType' });
  const projectField = field('Target Project', projectSelect, 'Issues are created in this Jira project.');
  const issueTypeField = field('Default Issue Type', issueTypeSelect, 'Used when no issue type rule matches an alert. Sub-tasks are not offered.');
  const projectNote = h('p', { class: 'callout callout--warning', hidden: true });
  const summary = h('div', { class: 'callout callout--danger', role: 'alert', hidden: true });
  const saveButton = h('button', { type: 'submit', class: 'button button--primary', id: 'save-config-button' }, 'Save Configuration');
  const savedInfo = h('p', { class: 'muted small' });
  const targetBody = h('div', { class: 'section__body' }, skeleton(2));
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    summary,
    h('div', { class: 'form__grid' }, projectField.element, issueTypeField.element),
    projectNote,
    h('div', { class: 'form__actions' }, saveButton, savedInfo),
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
    projectNote.hidden = !changed;
    projectNote.textContent = changed
      ? `Saving moves the relay from ${saved} to ${projectSelect.value}. Field, priority and issue type mappings belong to a project, so they start empty for ${projectSelect.value}.`
      : '';
  };

  const loadIssueTypes = async (projectKey: string): Promise<void> => {
    issueTypeSelect.disabled = true;
    mount(issueTypeSelect, option('', 'Loading issue types…'));
    try {
      issueTypes = (await api.issueTypes(projectKey)).issueTypes.filter((t) => !t.subtask);
      if (disposed) return;
      const current =
        ctx.config?.project.key === projectKey ? ctx.config.defaultIssueTypeId : issueTypes.find((t) => t.name === 'Task')?.id;
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
      mount(targetBody, h('p', { class: 'callout callout--danger', role: 'alert' }, describeError(error)), retryButton(loadProjects));
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
    void withBusy(saveButton, 'Saving…', async () => {
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
  });

  const showSaveError = (error: unknown): void => {
    if (error instanceof ApiError && error.code === 'VALIDATION_FAILED') {
      const matched = matchProblems(error.problems, [
        { key: 'project', paths: ['projectKey'] },
        { key: 'issueType', paths: ['defaultIssueTypeId', 'parentIssueKey'] },
      ]);
      projectField.setErrors((matched.byKey.get('project') ?? []).map((p) => p.message));
      issueTypeField.setErrors((matched.byKey.get('issueType') ?? []).map((p) => p.message));
      problemSummary(summary, describeError(error), error.problems);
      if (matched.unmatched.length > 0) {
        summary.append(h('p', { class: 'small' }, 'Problems in mappings can be fixed under Advanced Configuration.'));
      }
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

  const renderToken = (): void => {
    const token = ctx.status?.token ?? { state: 'not_configured' as const };
    const enabled = token.state === 'enabled';
    const badge = h(
      'span',
      { class: `badge ${enabled ? 'badge--success' : 'badge--warning'}`, id: 'token-state', 'data-state': token.state },
      enabled ? 'ENABLED' : 'NOT CONFIGURED',
    );
    const generate = h('button', { type: 'button', class: 'button button--primary', id: 'generate-token-button' }, enabled ? 'Regenerate Token' : 'Generate Token');
    const revoke = h('button', { type: 'button', class: 'button button--danger-subtle', id: 'revoke-token-button' }, 'Revoke Token');
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
          h(
            'p',
            { class: 'callout callout--warning', role: 'note' },
            h('strong', null, 'Copy this token now. '),
            'For security it is stored only as a hash and cannot be shown again. Paste it into the Keeper alert recipient as the Bearer token.',
          ),
        )
      : null;

    mount(
      tokenBody,
      h('div', { class: 'token-status' }, h('span', { class: 'token-status__label' }, 'Status'), badge),
      enabled
        ? h(
            'dl',
            { class: 'facts facts--compact' },
            h('div', { class: 'facts__item' }, h('dt', null, 'Created'), h('dd', null, formatTime(token.createdAt))),
            h(
              'div',
              { class: 'facts__item' },
              h('dt', null, 'Last used'),
              h('dd', null, token.lastUsedAt ? formatTime(token.lastUsedAt) : 'Not used yet'),
            ),
          )
        : h(
            'p',
            { class: 'callout callout--warning' },
            'No token is configured, so the webhook refuses every alert. Generate a token and paste it into the Keeper alert recipient.',
          ),
      reveal,
      h('div', { class: 'form__actions' }, generate, enabled ? revoke : null),
    );
  };

  // --- Development tools -----------------------------------------------------------------------
  const testButton = h('button', { type: 'button', class: 'button button--primary', id: 'test-trigger-button' }, 'Test Web Trigger');
  const testResult = h('div', { class: 'test-result', id: 'test-result', 'aria-live': 'polite' });
  testButton.addEventListener('click', () => {
    mount(testResult, h('p', { class: 'muted' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Sending a test alert through the relay…'));
    void withBusy(testButton, 'Testing…', async () => {
      try {
        const result = await api.testAlert();
        showTestResult(result);
        void ctx.refreshStatus();
      } catch (error) {
        mount(testResult, h('p', { class: 'callout callout--danger', role: 'alert' }, describeError(error)));
      }
    });
  });
  const showTestResult = (result: WebhookResultDto): void => {
    // The API adds an `error` text to queued results; it is not in the contract yet, so read it defensively.
    const extra: unknown = (result as unknown as Record<string, unknown>).error;
    const reason = typeof extra === 'string' ? extra : undefined;
    if (result.issueKey) {
      mount(
        testResult,
        h(
          'p',
          { class: 'callout callout--success' },
          result.duplicate ? 'The test alert was already delivered as ' : 'Test alert delivered. Jira created ',
          result.issueUrl
            ? h('a', { href: result.issueUrl, target: '_blank', rel: 'noopener noreferrer', id: 'test-issue-link' }, result.issueKey)
            : h('strong', { id: 'test-issue-link' }, result.issueKey),
          '.',
        ),
      );
    } else if (result.status === 'pending_configuration') {
      mount(
        testResult,
        h('p', { class: 'callout callout--warning' }, 'The test alert was received but waits for a configuration: choose a project and issue type above and save.'),
      );
    } else {
      mount(
        testResult,
        h(
          'p',
          { class: 'callout callout--info' },
          'The test alert was queued: Jira did not take it yet and the relay will retry. Watch the Deliveries tab.',
        ),
        reason ? h('p', { class: 'muted small' }, `Reason: ${reason}`) : null,
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
        h('p', null, 'Send a sample Keeper alert through the whole relay to check the project, issue type and mappings.'),
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
  void loadProjects();

  return () => {
    disposed = true;
  };
}

function retryButton(run: () => Promise<void>): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button' }, 'Try again');
  button.addEventListener('click', () => void withBusy(button, 'Loading…', run));
  return button;
}
