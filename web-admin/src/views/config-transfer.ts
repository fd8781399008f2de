/**
 * Rules → Export and import: the whole configuration as a versioned JSON file. Export downloads
 * what the relay has saved; Import shows what a file holds first, then sends it with the version
 * this page loaded (the relay validates it like a save and lists what it refuses).
 */
import type { ConfigDocumentDto } from '#shared/admin-api-types.ts';
import { ApiError, api, describeError } from '../api-client.ts';
import type { AppContext } from '../app-context.ts';
import { fillMessage } from '../components.ts';
import { documentText, exportFileName, inspectDocument } from '../config-document.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { formatTime, h, withBusy } from '../dom.ts';
import { field, problemSummary } from '../form-helpers.ts';
import { notify } from '../notifications.ts';

/** Saves `text` as a file through a temporary object URL (no server round trip, CSP-safe). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function readFile(file: File): Promise<string> {
  // FileReader rather than Blob.text(): the same in every promised browser.
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file);
  });
}

export function configTransferCard(ctx: AppContext): HTMLElement {
  const exportButton = h('button', { type: 'button', class: 'button', id: 'export-config' }, 'Export configuration');
  exportButton.addEventListener('click', () => {
    void withBusy(exportButton, 'Exporting…', async () => {
      try {
        const document: ConfigDocumentDto = await api.exportConfig();
        const name = exportFileName(document);
        download(name, documentText(document));
        notify('success', `Exported as ${name}.`);
      } catch (error) {
        notify('error', describeError(error));
      }
    });
  });

  const file = h('input', { type: 'file', accept: '.json,application/json', class: 'input', id: 'import-file' });
  const fileField = field(
    'Configuration file to import',
    file,
    'A file made by Export, from this relay or another. Nothing changes until you confirm.',
  );
  const details = h('div', { id: 'import-details', hidden: true, 'aria-live': 'polite' });
  const problems = h('div', { role: 'alert', hidden: true, id: 'import-problems', tabindex: '-1' });
  let chosen: ConfigDocumentDto | undefined;

  const importButton = h('button', { type: 'button', class: 'button button--primary', id: 'import-config' }, 'Import');
  const cancel = h('button', { type: 'button', class: 'button button--subtle', id: 'import-cancel' }, 'Cancel');
  const reset = (): void => {
    chosen = undefined;
    file.value = '';
    details.hidden = true;
    details.replaceChildren();
    fileField.setErrors([]);
  };
  cancel.addEventListener('click', () => {
    reset();
    file.focus();
  });

  file.addEventListener('change', (event) => {
    // Choosing a file is no edit of the rules draft.
    event.stopPropagation();
    problemSummary(problems, '', []);
    const picked = file.files?.[0];
    if (!picked) {
      reset();
      return;
    }
    void readFile(picked)
      .then((text) => {
        const inspected = inspectDocument(text);
        if (!inspected.ok) {
          chosen = undefined;
          details.hidden = true;
          fileField.setErrors([inspected.message]);
          return;
        }
        fileField.setErrors([]);
        chosen = inspected.document;
        const s = inspected.summary;
        fillMessage(
          details,
          'information',
          `${picked.name}: configuration version ${s.configVersion} of ${s.site}`,
          h(
            'dl',
            { class: 'facts facts--compact' },
            [
              ['Format version', String(s.formatVersion)],
              ['Exported', s.exportedAt ? formatTime(s.exportedAt, 'exact') : 'unknown'],
              ['Project', s.projectKey],
              ['Rules', String(s.rules)],
              ['Field mappings', String(s.fieldMappings)],
              ['Counter-event pairs', String(s.counterEvents)],
            ].map(([term, value]) =>
              h('div', { class: 'facts__item' }, h('dt', null, term), h('dd', { 'data-fact': term }, value)),
            ),
          ),
          h(
            'p',
            null,
            `Importing replaces the whole saved configuration (version ${ctx.config?.version ?? 0}) with this one. The relay checks it against Jira first, as when you save.`,
          ),
          h('div', { class: 'form__actions form__actions--start' }, importButton, cancel),
        );
      })
      .catch(() => fileField.setErrors(['The file could not be read. Choose it again.']));
  });

  importButton.addEventListener('click', () => {
    const document = chosen;
    if (!document) return;
    void (async () => {
      const unsaved = ctx.drafts.size > 0 ? ' Your unsaved changes on this page are discarded.' : '';
      const ok = await confirmAction({
        title: 'Replace the configuration?',
        message: `The configuration in the file replaces the saved one for every alert from now on.${unsaved}`,
        confirmLabel: 'Import configuration',
        danger: true,
      });
      if (!ok) return;
      await withBusy(importButton, 'Importing…', async () => {
        try {
          const result = await api.importConfig({ document, expectedVersion: ctx.config?.version ?? 0 });
          ctx.setConfig(result.config);
          ctx.drafts.clear();
          notify('success', `Configuration imported (version ${result.config.version}).`);
          ctx.rerenderTab();
        } catch (error) {
          if (error instanceof ApiError && (error.problems.length > 0 || error.status === 400)) {
            // Paths stay in this list: the admin may fix the file itself.
            fillMessage(
              problems,
              'error',
              `The relay did not import the file. ${describeError(error)}`,
              error.problems.length > 0
                ? h(
                    'ul',
                    { class: 'import-problems' },
                    error.problems.map((p) =>
                      h('li', null, p.path ? [h('code', null, p.path), ' — '] : null, p.message),
                    ),
                  )
                : null,
              h('p', null, 'Nothing was changed.'),
            );
            problems.focus();
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
    })();
  });

  problemSummary(problems, '', []);
  return h(
    'section',
    { class: 'card section', 'aria-labelledby': 'transfer-title', id: 'config-transfer' },
    h('h2', { class: 'section__title', id: 'transfer-title', tabindex: '-1' }, 'Export and import'),
    h(
      'p',
      { class: 'section__intro muted' },
      'The whole saved configuration (project, mappings, rules and grouping settings) as one versioned JSON file: keep a copy before big changes, or move it to another relay.',
    ),
    h('div', { class: 'form__actions form__actions--start' }, exportButton),
    fileField.element,
    details,
    problems,
  );
}
