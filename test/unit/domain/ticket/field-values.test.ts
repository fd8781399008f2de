import { describe, expect, it } from 'vitest';
import type { JiraFieldMeta } from '#domain/ports.ts';
import { isMappable, jiraFieldKind, toJiraValue, toLabel } from '#domain/ticket/field-values.ts';
import { adfErrors } from '#test-support/adf-schema.ts';
import { F, SEC_CUSTOM_FIELDS, secFieldMeta, TASK } from '#test-support/jira-fixtures.ts';

const ctx = { userDirectory: { 'jane.roe@example.com': 'acc-jane', 'it.admin@example.com': 'acc-it' } };

function field(fieldId: string): JiraFieldMeta {
  const found = SEC_CUSTOM_FIELDS[fieldId] ?? secFieldMeta()[TASK]?.find((f) => f.fieldId === fieldId);
  if (!found) throw new Error(`no fixture field ${fieldId}`);
  return found;
}

describe('field-values', () => {
  describe('jiraFieldKind', () => {
    it.each([
      ['summary', 'text'],
      ['description', 'paragraph'],
      ['environment', 'paragraph'],
      ['priority', 'priority'],
      ['labels', 'labels'],
      ['reporter', 'user'],
      ['assignee', 'user'],
      ['duedate', 'date'],
      [F.remoteIp, 'text'],
      [F.notes, 'paragraph'],
      [F.runbook, 'url'],
      [F.riskScore, 'number'],
      [F.dueDay, 'date'],
      [F.alertTimestamp, 'date-time'],
      [F.severity, 'select'],
      [F.contained, 'radio'],
      [F.systems, 'multi-select'],
      [F.checks, 'checkboxes'],
      [F.tags, 'labels'],
      [F.owner, 'user'],
      [F.watchers, 'multi-user'],
      [F.team, 'other'],
      ['issuetype', 'other'],
    ])('names %s a %s field', (fieldId, kind) => {
      // Act / Assess
      expect(jiraFieldKind(field(fieldId))).toBe(kind);
    });

    it('marks unsupported fields as not mappable', () => {
      // Act / Assess
      expect(isMappable(field(F.team))).toBe(false);
      expect(isMappable(field(F.severity))).toBe(true);
      expect(isMappable({ fieldId: 'customfield_1', schema: { type: 'string', custom: 'com.example:magic' } })).toBe(
        false,
      );
    });
  });

  describe('toJiraValue', () => {
    it('sends single-line text as one line of at most 255 characters, truncated visibly', () => {
      // Act
      const short = toJiraValue(field(F.remoteIp), '110.227.52.162', ctx);
      const multiLine = toJiraValue(field(F.remoteIp), 'a\nb\tc', ctx);
      const long = toJiraValue(field(F.remoteIp), 'x'.repeat(300), ctx);
      const number = toJiraValue(field(F.remoteIp), 8512, ctx);

      // Assess
      expect(short).toEqual({ ok: true, value: '110.227.52.162', warnings: [] });
      expect(multiLine).toMatchObject({ ok: true, value: 'a b c' });
      expect(long.ok && typeof long.value === 'string' && long.value.length).toBe(255);
      expect(long.ok && String(long.value).endsWith('…')).toBe(true);
      expect(number).toMatchObject({ ok: true, value: '8512' });
    });

    it('turns paragraph values into valid ADF', () => {
      // Act
      const result = toJiraValue(field(F.notes), 'line one\nline two\n\nsecond paragraph', ctx);

      // Assess
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value).toMatchObject({ type: 'doc', version: 1 });
      expect(adfErrors(result.value)).toEqual([]);
    });

    it('accepts http(s) URLs only', () => {
      // Act / Assess
      expect(toJiraValue(field(F.runbook), 'https://wiki.example.com/runbook', ctx)).toMatchObject({
        ok: true,
        value: 'https://wiki.example.com/runbook',
      });
      expect(toJiraValue(field(F.runbook), 'not a url', ctx)).toMatchObject({
        ok: false,
        reason: '"not a url" is not an http(s) URL',
      });
      expect(toJiraValue(field(F.runbook), 'javascript:alert(1)', ctx).ok).toBe(false);
    });

    it('parses numbers and numeric strings and refuses the rest', () => {
      // Act / Assess
      expect(toJiraValue(field(F.riskScore), 42.5, ctx)).toMatchObject({ ok: true, value: 42.5 });
      expect(toJiraValue(field(F.riskScore), ' 7 ', ctx)).toMatchObject({ ok: true, value: 7 });
      expect(toJiraValue(field(F.riskScore), '1e3', ctx)).toMatchObject({ ok: true, value: 1000 });
      expect(toJiraValue(field(F.riskScore), 'high', ctx)).toEqual({ ok: false, reason: '"high" is not a number' });
      expect(toJiraValue(field(F.riskScore), true, ctx).ok).toBe(false);
      expect(toJiraValue(field(F.riskScore), '12abc', ctx).ok).toBe(false);
    });

    it('formats dates as YYYY-MM-DD', () => {
      // Act / Assess
      expect(toJiraValue(field(F.dueDay), '2025-11-05T23:30:00.000Z', ctx)).toMatchObject({
        ok: true,
        value: '2025-11-05',
      });
      expect(toJiraValue(field(F.dueDay), 1762318828, ctx)).toMatchObject({ ok: true, value: '2025-11-05' });
      expect(toJiraValue(field(F.dueDay), 'next week', ctx)).toEqual({
        ok: false,
        reason: '"next week" is not a date',
      });
    });

    it("formats date-times as yyyy-MM-dd'T'HH:mm:ss.SSS+0000 from ISO or epoch", () => {
      // Act / Assess
      expect(toJiraValue(field(F.alertTimestamp), '2025-11-05T05:00:28.091Z', ctx)).toMatchObject({
        ok: true,
        value: '2025-11-05T05:00:28.091+0000',
      });
      expect(toJiraValue(field(F.alertTimestamp), '2025-11-05T05:00:28Z', ctx)).toMatchObject({
        ok: true,
        value: '2025-11-05T05:00:28.000+0000',
      });
      expect(toJiraValue(field(F.alertTimestamp), 1762318828091, ctx)).toMatchObject({
        ok: true,
        value: '2025-11-05T05:00:28.091+0000',
      });
      expect(toJiraValue(field(F.alertTimestamp), 'soon', ctx).ok).toBe(false);
    });

    it('matches select and radio options case-insensitively by value and sends the id', () => {
      // Act / Assess
      expect(toJiraValue(field(F.severity), 'critical', ctx)).toEqual({
        ok: true,
        value: { id: '10100' },
        warnings: [],
      });
      expect(toJiraValue(field(F.severity), '10101', ctx)).toMatchObject({ ok: true, value: { id: '10101' } });
      expect(toJiraValue(field(F.contained), 'YES', ctx)).toMatchObject({ ok: true, value: { id: '10130' } });
      expect(toJiraValue(field(F.severity), 'Severe', ctx)).toEqual({
        ok: false,
        reason: '"Severe" is not one of the allowed values (Critical, High, Medium, Low)',
      });
      expect(toJiraValue(field(F.severity), ['High', 'Low'], ctx).ok).toBe(false);
    });

    it('splits multi-select and checkbox values, keeps the matches and reports the rest', () => {
      // Act
      const fromText = toJiraValue(field(F.systems), 'vault, KSM, Mainframe', ctx);
      const fromArray = toJiraValue(field(F.checks), ['user contacted', 'Password rotated', 'user contacted'], ctx);
      const noneMatch = toJiraValue(field(F.systems), 'Mainframe', ctx);

      // Assess
      expect(fromText).toEqual({
        ok: true,
        value: [{ id: '10120' }, { id: '10122' }],
        warnings: ['"Mainframe" is not one of the allowed values (Vault, Admin Console, KSM)'],
      });
      expect(fromArray).toEqual({ ok: true, value: [{ id: '10140' }, { id: '10141' }], warnings: [] });
      expect(noneMatch.ok).toBe(false);
    });

    it('makes labels without spaces', () => {
      // Act / Assess
      expect(toJiraValue(field(F.tags), 'needs review, external share', ctx)).toMatchObject({
        ok: true,
        value: ['needs-review', 'external-share'],
      });
      expect(toJiraValue(field(F.tags), ['a b', 'a b', 'c'], ctx)).toMatchObject({ ok: true, value: ['a-b', 'c'] });
      expect(toLabel('x'.repeat(300))).toHaveLength(255);
    });

    it('resolves user e-mails to account ids case-insensitively and names unknown ones', () => {
      // Act / Assess
      expect(toJiraValue(field(F.owner), 'Jane.Roe@Example.com', ctx)).toEqual({
        ok: true,
        value: { accountId: 'acc-jane' },
        warnings: [],
      });
      expect(toJiraValue(field('reporter'), 'acc-it', ctx)).toMatchObject({ ok: true, value: { accountId: 'acc-it' } });
      expect(toJiraValue(field(F.owner), 'ghost@example.com', ctx)).toEqual({
        ok: false,
        reason: 'no Jira user for ghost@example.com',
      });
    });

    it('resolves multi-user values one by one', () => {
      // Act
      const result = toJiraValue(
        field(F.watchers),
        'jane.roe@example.com, ghost@example.com, IT.admin@example.com',
        ctx,
      );

      // Assess
      expect(result).toEqual({
        ok: true,
        value: [{ accountId: 'acc-jane' }, { accountId: 'acc-it' }],
        warnings: ['no Jira user for ghost@example.com'],
      });
      expect(toJiraValue(field(F.watchers), 'ghost@example.com', ctx).ok).toBe(false);
    });

    it('matches priorities by name case-insensitively', () => {
      // Act / Assess
      expect(toJiraValue(field('priority'), 'highest', ctx)).toMatchObject({ ok: true, value: { id: '1' } });
      expect(toJiraValue(field('priority'), 'Urgent', ctx).ok).toBe(false);
    });

    it('refuses empty values and unsupported field types', () => {
      // Act / Assess
      expect(toJiraValue(field(F.remoteIp), '  ', ctx)).toEqual({ ok: false, reason: 'the value is empty' });
      expect(toJiraValue(field(F.remoteIp), null, ctx).ok).toBe(false);
      expect(toJiraValue(field(F.team), 'Blue', ctx)).toEqual({
        ok: false,
        reason: 'fields of type option-with-child (cascadingselect) are not supported by the relay',
      });
    });
  });
});
