import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { descriptionSize } from '#domain/ticket/description.ts';
import {
  COMMENT_MAX_CHARS,
  counterEventComment,
  escalationComment,
  type Occurrence,
  occurrenceOf,
  occurrencesComment,
  reopenComment,
  stormComment,
} from '#domain/ticket/group-comment.ts';
import { isValidAdf } from '#local/jira-stand-in/adf.ts';
import { adfErrors, adfTexts } from '#test-support/adf-schema.ts';

const KEY = { audit_event: 'login_failure', username: 'alice@example.com' };

function occurrence(n: number, extra: Record<string, unknown> = {}): Occurrence {
  const body = JSON.stringify({
    audit_event: 'login_failure',
    username: 'alice@example.com',
    remote_address: `203.0.113.${n % 3}`,
    device_name: n % 2 === 0 ? 'Chrome on Windows' : undefined,
    client_version: 'w16.9.0',
    n,
    ...extra,
  });
  return occurrenceOf({
    alertId: dedupKey(body),
    receivedAt: new Date(Date.parse('2026-11-26T13:00:00.000Z') + n * 1000).toISOString(),
    rawBody: body,
  });
}

function expectValid(document: unknown): void {
  expect(adfErrors(document)).toEqual([]);
  expect(isValidAdf(document)).toBe(true);
  expect(JSON.stringify(document).length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
}

const text = (document: unknown) => adfTexts(document).join('');

describe('group-comment', () => {
  describe('occurrenceOf', () => {
    it('reads the remote address and the device, and redacts the body and both when the rule says so', () => {
      // Prepare
      const body = JSON.stringify({ username: 'alice', remote_address: '198.51.100.9', device_name: 'Pixel 8' });

      // Act
      const plain = occurrenceOf({ alertId: 'a'.repeat(64), receivedAt: '2026-11-26T13:00:00.000Z', rawBody: body });
      const redacted = occurrenceOf(
        { alertId: 'a'.repeat(64), receivedAt: '2026-11-26T13:00:00.000Z', rawBody: body },
        ['remote_address', 'device_name'],
      );

      // Assess
      expect(plain).toMatchObject({ remoteAddress: '198.51.100.9', device: 'Pixel 8', rawBody: body });
      expect(redacted).toMatchObject({ remoteAddress: '[redacted]', device: '[redacted]' });
      expect(JSON.stringify(redacted)).not.toContain('198.51.100.9');
      expect(JSON.stringify(redacted)).not.toContain('Pixel 8');
    });

    it('takes the client version when there is no device name', () => {
      // Act / Assess
      expect(occurrence(1).device).toBe('w16.9.0');
      expect(occurrence(2).device).toBe('Chrome on Windows');
    });
  });

  describe('occurrencesComment', () => {
    it('summarises the new occurrences and shows each body in a collapsed section', () => {
      // Prepare
      const occurrences = [1, 2, 3, 4].map((n) => occurrence(n));

      // Act
      const { document, attachment } = occurrencesComment({
        key: KEY,
        total: 5,
        occurrences,
        firstAt: '2026-11-26T13:00:01.000Z',
        lastAt: '2026-11-26T13:00:04.000Z',
      });

      // Assess
      expectValid(document);
      expect(attachment).toBeUndefined();
      expect(text(document)).toContain(
        '4 more occurrences (total 5) between 2026-11-26T13:00:01.000Z and 2026-11-26T13:00:04.000Z of the same audit_event login_failure and username alice@example.com.',
      );
      expect(text(document)).toContain('Remote addresses: 203.0.113.1, 203.0.113.2, 203.0.113.0');
      expect(text(document)).toContain('Devices: w16.9.0, Chrome on Windows');
      const sections = document.content.filter((b) => b.type === 'expand');
      expect(sections).toHaveLength(4);
      expect(sections[0]).toMatchObject({
        attrs: { title: `2026-11-26T13:00:01.000Z · keeper-alert-${occurrences[0]?.alertId.slice(0, 16)}` },
        content: [{ type: 'codeBlock', attrs: { language: 'json' }, content: [{ text: occurrences[0]?.rawBody }] }],
      });
    });

    it('says one occurrence in the singular, at one time', () => {
      // Act
      const { document } = occurrencesComment({
        key: { username: 'bob' },
        total: 2,
        occurrences: [occurrence(1)],
        firstAt: '2026-11-26T13:00:01.000Z',
        lastAt: '2026-11-26T13:00:01.000Z',
      });

      // Assess
      expect(text(document)).toContain(
        '1 more occurrence (total 2) at 2026-11-26T13:00:01.000Z of the same username bob.',
      );
    });

    it('puts the bodies that do not fit into one attached file and names them', () => {
      // Prepare: 12 bodies of 5,000 characters are about twice what a comment holds.
      const occurrences = Array.from({ length: 12 }, (_, n) => occurrence(n, { padding: 'x'.repeat(5_000) }));

      // Act
      const { document, attachment } = occurrencesComment({
        key: KEY,
        total: 40,
        occurrences,
        firstAt: occurrences[0]?.receivedAt ?? '',
        lastAt: occurrences[11]?.receivedAt ?? '',
      });

      // Assess
      expectValid(document);
      expect(descriptionSize(document)).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
      const shown = document.content.filter((b) => b.type === 'expand').length;
      expect(shown).toBeGreaterThan(0);
      expect(shown).toBeLessThan(12);
      expect(attachment?.mimeType).toBe('text/plain');
      expect(attachment?.filename).toMatch(/^keeper-occurrences-[0-9a-f]{16}\.txt$/);
      for (const o of occurrences.slice(shown)) {
        expect(attachment?.content).toContain(o.rawBody);
        expect(attachment?.content).toContain(`keeper-alert-${o.alertId.slice(0, 16)}`);
      }
      expect(text(document)).toContain(`${12 - shown} more received bodies did not fit in this comment`);
      expect(text(document)).toContain(attachment?.filename ?? 'missing');
    });

    it('attaches a body too large for any comment and keeps the others inline', () => {
      // Prepare
      const huge = occurrence(1, { padding: 'y'.repeat(40_000) });
      const small = occurrence(2);

      // Act
      const { document, attachment } = occurrencesComment({
        key: KEY,
        total: 3,
        occurrences: [huge, small],
        firstAt: huge.receivedAt,
        lastAt: small.receivedAt,
      });

      // Assess
      expectValid(document);
      expect(document.content.filter((b) => b.type === 'expand')).toHaveLength(1);
      expect(attachment?.content).toContain(huge.rawBody);
      expect(attachment?.content).not.toContain(small.rawBody);
    });

    it('stays under the limit with many occurrences, long values and occurrences without bodies', () => {
      // Prepare
      const occurrences = Array.from({ length: 300 }, (_, n) =>
        occurrence(n, { remote_address: `10.0.${n}.1`, device_name: `device-${'d'.repeat(300)}-${n}` }),
      );
      const longKey = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field_${i}`, 'v'.repeat(1_000)]));

      // Act
      const { document, attachment } = occurrencesComment({
        key: longKey,
        total: 1_000,
        occurrences,
        withoutBodies: 200,
        firstAt: occurrences[0]?.receivedAt ?? '',
        lastAt: occurrences[299]?.receivedAt ?? '',
        escalation: { priorityName: 'High', occurrences: 10, withinMinutes: 10, ruleName: 'Logins' },
        reopened: { fromStatus: 'Done' },
      });

      // Assess
      expectValid(document);
      expect(text(document)).toContain('500 more occurrences (total 1000)');
      expect(text(document)).toContain('and 280 more');
      expect(text(document)).toContain('200 occurrences are counted but not shown here');
      expect(attachment).toBeDefined();
    });

    it('says when the priority was raised, and when the issue was reopened', () => {
      // Act
      const { document } = occurrencesComment({
        key: KEY,
        total: 10,
        occurrences: [occurrence(1)],
        firstAt: '2026-11-26T13:00:01.000Z',
        lastAt: '2026-11-26T13:00:01.000Z',
        escalation: { priorityName: 'High', occurrences: 10, withinMinutes: 10, ruleName: 'X' },
        reopened: { fromStatus: 'Done' },
      });

      // Assess
      expectValid(document);
      expect(document.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'info' } });
      expect(text(document)).toContain('The issue was Done; the relay reopened it');
      expect(document.content[1]).toMatchObject({ type: 'panel', attrs: { panelType: 'warning' } });
      expect(text(document)).toContain('Priority raised to High: 10 occurrences within 10 minutes (rule X).');
    });
  });

  describe('stormComment', () => {
    it('gives the running count for the hour', () => {
      // Act
      const { document } = stormComment({
        ruleName: 'Logins',
        hour: '2026-11-26T13',
        total: 57,
        occurrences: [occurrence(1), occurrence(2)],
        firstAt: '2026-11-26T13:00:01.000Z',
        lastAt: '2026-11-26T13:00:02.000Z',
      });

      // Assess
      expectValid(document);
      expect(text(document)).toContain(
        '2 more alerts of rule “Logins” past its limit of new issues between 2026-11-26T13:00:01.000Z and 2026-11-26T13:00:02.000Z (total 57 in the hour from 2026-11-26T13:00 UTC).',
      );
    });
  });

  describe('counterEventComment', () => {
    it('names the closing event and the key values, with the closing alert’s body', () => {
      // Prepare
      const body = JSON.stringify({ audit_event: 'set_two_factor_on', username: 'alice' });
      const closing = occurrenceOf({ alertId: dedupKey(body), receivedAt: '2026-11-26T14:00:00.000Z', rawBody: body });

      // Act
      const { document, attachment } = counterEventComment({
        openEvent: 'set_two_factor_off',
        closeEvent: 'set_two_factor_on',
        key: { username: 'alice' },
        occurrence: closing,
      });
      const unkeyed = counterEventComment({
        openEvent: 'audit_alert_paused',
        closeEvent: 'audit_alert_resumed',
        key: {},
        occurrence: closing,
      });

      // Assess
      expectValid(document);
      expect(attachment).toBeUndefined();
      expect(text(document)).toContain('set_two_factor_on for the same username alice: resolving.');
      expect(document.content.some((b) => b.type === 'expand')).toBe(true);
      expect(text(unkeyed.document)).toContain('audit_alert_resumed undoes audit_alert_paused: resolving.');
    });
  });

  describe('reopenComment / escalationComment', () => {
    it('are valid documents that say what happened', () => {
      // Act
      const reopen = reopenComment({
        fromStatus: 'Done',
        key: KEY,
        receivedAt: '2026-11-26T15:00:00.000Z',
        ruleName: 'Logins',
      });
      const escalation = escalationComment({ priorityName: 'Highest', occurrences: 50, withinMinutes: 60 });

      // Assess
      expectValid(reopen);
      expectValid(escalation);
      expect(text(reopen)).toContain('The same alert happened again at 2026-11-26T15:00:00.000Z');
      expect(text(escalation)).toContain('Priority raised to Highest: 50 occurrences within 1 hour.');
    });
  });
});
