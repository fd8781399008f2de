import { describe, expect, it } from 'vitest';
import type { PreviewDto, PreviewOutcomeDto, PreviewRowDto, PreviewTotalsDto } from '#shared/admin-api-types.ts';
import {
  changedColumns,
  outcomeCells,
  previewCounts,
  previewHeadline,
  previewScope,
  visibleRows,
} from '../../../web-admin/src/preview-summary.ts';

const TOTALS: PreviewTotalsDto = {
  tickets: 0,
  comments: 0,
  grouped: 0,
  suppressed: 0,
  escalated: 0,
  storm: 0,
  closed: 0,
};

function outcome(overrides: Partial<PreviewOutcomeDto> = {}): PreviewOutcomeDto {
  return {
    outcome: 'new-issue',
    projectKey: 'SEC',
    issueTypeName: 'Task',
    redactedPaths: [],
    escalated: false,
    ...overrides,
  };
}

function row(overrides: Partial<PreviewRowDto> = {}): PreviewRowDto {
  return {
    alertId: 'a-2',
    receivedAt: '2025-11-05T10:00:00Z',
    event: 'login_failure',
    username: 'jane.roe@example.com',
    current: outcome(),
    draft: outcome({ outcome: 'comment', group: { id: 'g1234567890', openedBy: 'a-1' } }),
    changed: true,
    ...overrides,
  };
}

function preview(overrides: Partial<PreviewDto> = {}): PreviewDto {
  return {
    alerts: 331,
    from: '2025-11-05T08:00:00Z',
    to: '2025-11-05T10:00:00Z',
    draft: { ...TOTALS, tickets: 19, comments: 12, grouped: 293, suppressed: 19 },
    current: { ...TOTALS, tickets: 312 },
    rows: [row(), row({ alertId: 'a-3', changed: false, draft: outcome() })],
    ...overrides,
  };
}

describe('preview-summary', () => {
  it('puts today and the draft side by side in the headline', () => {
    // Act / Assess
    expect(previewHeadline(preview())).toBe('312 tickets today → 19 with this draft');
    expect(previewHeadline(preview({ current: { ...TOTALS, tickets: 1 }, draft: { ...TOTALS, tickets: 1 } }))).toBe(
      '1 ticket today → 1 with this draft',
    );
    expect(previewHeadline(preview({ current: null }))).toBe('19 tickets with this draft (no configuration saved yet)');
  });

  it('counts every outcome and marks those the draft changes', () => {
    // Act
    const counts = previewCounts(preview());
    // Assess
    expect(counts.map((c) => c.label)).toEqual([
      'Tickets',
      'Comments',
      'Grouped',
      'Suppressed',
      'Escalated',
      'Storm',
      'Closed',
    ]);
    expect(counts.find((c) => c.key === 'grouped')).toEqual({
      key: 'grouped',
      label: 'Grouped',
      today: 0,
      draft: 293,
      changed: true,
    });
    expect(counts.find((c) => c.key === 'storm')?.changed).toBe(false);
  });

  it('shows an outcome as cells, the group with a short id and the alert’s part in it', () => {
    // Act
    const joins = outcomeCells(row().draft, 'a-2');
    const opens = outcomeCells(outcome({ group: { id: 'g1234567890', openedBy: 'a-2' } }), 'a-2');
    const redacted = outcomeCells(outcome({ redactedPaths: ['username'], escalated: true, priorityName: 'High' }), 'x');
    // Assess
    expect(joins.outcome).toBe('Comment on group issue');
    expect(joins.group).toBe('Joins g1234567');
    expect(opens.group).toBe('Opens g1234567');
    expect(redacted).toMatchObject({ target: 'SEC / Task', priority: 'High', redacted: 'username', escalated: 'Yes' });
    expect(outcomeCells(null, 'x').outcome).toBe('Parked (no configuration)');
  });

  it('names the columns where the draft differs from today', () => {
    // Act / Assess
    expect(changedColumns(row())).toEqual(['outcome', 'group']);
    expect(changedColumns(row({ draft: outcome() }))).toEqual([]);
  });

  it('filters to the changed alerts on request', () => {
    // Act / Assess
    expect(visibleRows(preview().rows, true).map((r) => r.alertId)).toEqual(['a-2']);
    expect(visibleRows(preview().rows, false)).toHaveLength(2);
  });

  it('says which alerts were evaluated, or that there were none', () => {
    // Act / Assess
    expect(previewScope(preview(), (iso) => iso.slice(11, 16))).toBe(
      '331 alerts of the last 24 hours, received 08:00 to 10:00.',
    );
    expect(previewScope(preview({ alerts: 0 }), String)).toContain('nothing to preview');
  });
});
