/**
 * The preview's words: the headline ("312 tickets today → 19 with this draft"), the counts side
 * by side, and each alert's outcome as table cells with what changed. Pure: no DOM.
 */
import type { PreviewDto, PreviewOutcomeDto, PreviewRowDto, PreviewTotalsDto } from '#shared/admin-api-types.ts';

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;
}

/** "312 tickets today → 19 with this draft". */
export function previewHeadline(preview: PreviewDto): string {
  const draft = preview.draft.tickets;
  if (!preview.current) return `${plural(draft, 'ticket', 'tickets')} with this draft (no configuration saved yet)`;
  return `${plural(preview.current.tickets, 'ticket', 'tickets')} today → ${draft.toLocaleString('en-GB')} with this draft`;
}

export const COUNT_LABELS: readonly { key: keyof PreviewTotalsDto; label: string }[] = [
  { key: 'tickets', label: 'Tickets' },
  { key: 'comments', label: 'Comments' },
  { key: 'grouped', label: 'Grouped' },
  { key: 'suppressed', label: 'Suppressed' },
  { key: 'escalated', label: 'Escalated' },
  { key: 'storm', label: 'Storm' },
  { key: 'closed', label: 'Closed' },
];

export interface PreviewCount {
  key: keyof PreviewTotalsDto;
  label: string;
  today: number | null;
  draft: number;
  changed: boolean;
}

export function previewCounts(preview: PreviewDto): PreviewCount[] {
  return COUNT_LABELS.map(({ key, label }) => {
    const today = preview.current ? preview.current[key] : null;
    const draft = preview.draft[key];
    return { key, label, today, draft, changed: today !== draft };
  });
}

export type PreviewColumn = 'outcome' | 'target' | 'priority' | 'assignee' | 'group' | 'redacted' | 'escalated';

export const PREVIEW_COLUMNS: readonly { key: PreviewColumn; label: string }[] = [
  { key: 'outcome', label: 'Outcome' },
  { key: 'target', label: 'Project / type' },
  { key: 'priority', label: 'Priority' },
  { key: 'assignee', label: 'Assignee' },
  { key: 'group', label: 'Group' },
  { key: 'redacted', label: 'Redacted' },
  { key: 'escalated', label: 'Escalated' },
];

const OUTCOME_WORDS: Record<PreviewOutcomeDto['outcome'], string> = {
  'new-issue': 'New issue',
  comment: 'Comment on group issue',
  suppressed: 'Suppressed',
  storm: 'Storm issue',
  'close-issue': 'Closes issue',
};

/** The first characters of a group id: enough to tell groups apart on one screen. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

const NONE = '—';

/** One outcome as the table's cells; `null` (no configuration saved) is a row of dashes. */
export function outcomeCells(outcome: PreviewOutcomeDto | null, alertId: string): Record<PreviewColumn, string> {
  if (!outcome)
    return {
      outcome: 'Parked (no configuration)',
      target: NONE,
      priority: NONE,
      assignee: NONE,
      group: NONE,
      redacted: NONE,
      escalated: NONE,
    };
  const group = outcome.group
    ? `${outcome.group.openedBy === alertId ? 'Opens' : 'Joins'} ${shortId(outcome.group.id)}`
    : NONE;
  return {
    outcome: OUTCOME_WORDS[outcome.outcome] ?? outcome.outcome,
    target: outcome.issueTypeName ? `${outcome.projectKey} / ${outcome.issueTypeName}` : outcome.projectKey,
    priority: outcome.priorityName ?? NONE,
    assignee: outcome.assigneeAccountId ?? NONE,
    group,
    redacted: outcome.redactedPaths.length > 0 ? outcome.redactedPaths.join(', ') : NONE,
    escalated: outcome.escalated ? 'Yes' : NONE,
  };
}

/** The columns where the draft does something else than today (all of them with nothing saved). */
export function changedColumns(row: PreviewRowDto): PreviewColumn[] {
  const today = outcomeCells(row.current, row.alertId);
  const draft = outcomeCells(row.draft, row.alertId);
  return PREVIEW_COLUMNS.map((c) => c.key).filter((key) => today[key] !== draft[key]);
}

export function visibleRows(rows: readonly PreviewRowDto[], onlyChanged: boolean): PreviewRowDto[] {
  return onlyChanged ? rows.filter((row) => row.changed) : [...rows];
}

/** "20 alerts received 09:12–10:40 UTC" style range, given a time formatter. */
export function previewScope(preview: PreviewDto, format: (iso: string) => string): string {
  const alerts = plural(preview.alerts, 'alert', 'alerts');
  if (preview.alerts === 0) return 'No alerts were received in the last 24 hours: there is nothing to preview yet.';
  const range = preview.from && preview.to ? `, received ${format(preview.from)} to ${format(preview.to)}` : '';
  return `${alerts} of the last 24 hours${range}.`;
}
