/**
 * Rules → the preview's result: the headline ("312 tickets today → 19 with this draft"), the
 * counts side by side, and the alerts received with what today's configuration and the draft do
 * with each, changed rows marked (in words, not only colour) and an "only changed" filter.
 */
import type { EventDto, PreviewDto, PreviewRowDto } from '#shared/admin-api-types.ts';
import { lozenge } from '../components.ts';
import { formatTime, h, mount } from '../dom.ts';
import {
  changedColumns,
  outcomeCells,
  PREVIEW_COLUMNS,
  previewCounts,
  previewHeadline,
  previewScope,
  visibleRows,
} from '../preview-summary.ts';

function cell(label: string, today: string, draft: string, changed: boolean, known: boolean): HTMLElement {
  return h(
    'td',
    { 'data-label': label, class: changed ? 'preview-cell preview-cell--changed' : 'preview-cell' },
    changed && known
      ? [
          h('span', { class: 'preview-cell__today' }, h('span', { class: 'visually-hidden' }, 'Today: '), today),
          h(
            'span',
            { class: 'preview-cell__draft' },
            h('span', { 'aria-hidden': 'true' }, '→ '),
            h('span', { class: 'visually-hidden' }, 'With the draft: '),
            draft,
          ),
        ]
      : draft,
  );
}

function row(item: PreviewRowDto, events: ReadonlyMap<string, EventDto>): HTMLTableRowElement {
  const today = outcomeCells(item.current, item.alertId);
  const draft = outcomeCells(item.draft, item.alertId);
  const changed = new Set(changedColumns(item));
  const title = events.get(item.event)?.title;
  return h(
    'tr',
    {
      class: item.changed ? 'preview-row preview-row--changed' : 'preview-row',
      'data-alert-id': item.alertId,
      'data-changed': String(item.changed),
    },
    h(
      'td',
      { 'data-label': 'Received' },
      h('time', { datetime: item.receivedAt }, formatTime(item.receivedAt, 'exact')),
    ),
    h(
      'td',
      { 'data-label': 'Event' },
      h('span', { class: 'event-title', title: `Event code: ${item.event}` }, title ?? item.event),
      item.changed ? h('span', { class: 'block' }, lozenge('Changed', 'moved')) : null,
      item.draft.rule ? h('span', { class: 'muted small block' }, `Rule: ${item.draft.rule.name}`) : null,
    ),
    h('td', { 'data-label': 'User' }, item.username ?? '—'),
    PREVIEW_COLUMNS.map((c) => cell(c.label, today[c.key], draft[c.key], changed.has(c.key), item.current !== null)),
  );
}

export function previewPanel(preview: PreviewDto, events: readonly EventDto[]): HTMLElement {
  const byCode = new Map(events.map((e) => [e.event, e]));
  const onlyChanged = h('input', { type: 'checkbox', id: 'preview-only-changed', class: 'checkbox__input' });
  const changedCount = preview.rows.filter((r) => r.changed).length;
  const tableSlot = h('div', { class: 'table-wrap' });
  const draw = (): void => {
    const rows = visibleRows(preview.rows, onlyChanged.checked);
    if (rows.length === 0) {
      mount(
        tableSlot,
        h(
          'p',
          { class: 'muted', id: 'preview-no-rows' },
          onlyChanged.checked ? 'The draft changes nothing for these alerts.' : 'No alerts to show.',
        ),
      );
      return;
    }
    mount(
      tableSlot,
      h(
        'table',
        { class: 'table table--stack preview-table', id: 'preview-table' },
        h('caption', { class: 'visually-hidden' }, 'What each received alert would become, today and with the draft'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Received', 'Event', 'User', ...PREVIEW_COLUMNS.map((c) => c.label)].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map((r) => row(r, byCode)),
        ),
      ),
    );
  };
  onlyChanged.addEventListener('change', (event) => {
    // Filtering the result is no edit of the draft.
    event.stopPropagation();
    draw();
  });
  draw();
  const counts = previewCounts(preview);
  return h(
    'div',
    { class: 'preview', id: 'preview-result' },
    h('h3', { class: 'preview__headline', id: 'preview-headline', tabindex: '-1' }, previewHeadline(preview)),
    h(
      'p',
      { class: 'muted small', id: 'preview-scope' },
      previewScope(preview, (iso) => formatTime(iso, 'short')),
    ),
    h(
      'dl',
      { class: 'preview-counts', id: 'preview-counts' },
      counts.map((c) =>
        h(
          'div',
          { class: c.changed ? 'preview-count preview-count--changed' : 'preview-count', 'data-count': c.key },
          h('dt', null, c.label),
          h(
            'dd',
            null,
            c.today === null
              ? h('span', { class: 'preview-count__draft' }, String(c.draft))
              : [
                  h('span', { class: 'preview-count__today' }, String(c.today)),
                  h('span', { 'aria-hidden': 'true' }, ' → '),
                  h('span', { class: 'visually-hidden' }, ' today, with the draft '),
                  h('span', { class: 'preview-count__draft' }, String(c.draft)),
                ],
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'field checkbox' },
      h(
        'label',
        { class: 'checkbox__label', for: onlyChanged.id },
        onlyChanged,
        h('span', null, `Only alerts the draft changes (${changedCount} of ${preview.rows.length})`),
      ),
    ),
    tableSlot,
  );
}
