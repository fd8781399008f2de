import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { mappedSummary, renderSummary } from '#domain/ticket/summary.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

describe('summary', () => {
  describe('renderSummary', () => {
    it('fills payload placeholders, including nested paths', () => {
      // Act
      const summary = renderSummary(
        parseAlertBody(sampleAlert('21')),
        '{alert_name} for {username} on {event.record_uid}',
      );

      // Assess
      expect(summary).toBe('BreachWatch High Risk for jane.roe@example.com on NX4dQ1u0r3hZb8pW2sVt5A');
    });

    it('falls back to "Keeper alert" and "unknown" for missing alert name and event', () => {
      // Act / Assess
      expect(renderSummary(parseAlertBody(sampleAlert('03')))).toBe('Keeper alert: approval_request_created');
      expect(renderSummary(parseAlertBody('{"alert_name":"Only a name"}'))).toBe('Only a name: unknown');
      expect(renderSummary(parseAlertBody('{}'))).toBe('Keeper alert: unknown');
    });

    it('drops separators left dangling by an empty placeholder', () => {
      // Act
      const summary = renderSummary(parseAlertBody(sampleAlert('19')), '{alert_name} - {remote_address}');

      // Assess
      expect(summary).toBe('MSP License Changes');
    });

    it('uses the text of a custom template body that has none of Keeper’s fields', () => {
      // Act
      const summary = renderSummary(parseAlertBody(sampleAlert('20')));

      // Assess
      expect(summary.startsWith('Keeper alert *Failed Logins*: User jane.roe@example.com')).toBe(true);
      expect(summary.length).toBeLessThanOrEqual(255);
      expect(renderSummary(parseAlertBody('{"message":"Vault locked"}'))).toBe('Keeper alert: Vault locked');
    });

    it('keeps the summary on one line and within 255 characters', () => {
      // Prepare
      const alert = parseAlertBody(
        JSON.stringify({ alert_name: `Line one\nline\ttwo ${'w'.repeat(400)}`, audit_event: 'login' }),
      );

      // Act
      const summary = renderSummary(alert);

      // Assess
      expect(summary).toHaveLength(255);
      expect(summary.startsWith('Line one line two ')).toBe(true);
      expect(summary.endsWith('…')).toBe(true);
    });

    it('shows the start of an unparsed body on one line', () => {
      // Act
      const summary = renderSummary(parseAlertBody(`oops\n${'q'.repeat(400)}`));

      // Assess
      expect(summary.startsWith('Keeper alert (unparsed body): oops q')).toBe(true);
      expect(summary).toHaveLength(255);
    });
  });

  describe('mappedSummary', () => {
    it('prefixes a test alert and keeps within 255 characters', () => {
      // Act
      const summary = mappedSummary('r'.repeat(300), true);

      // Assess
      expect(summary.startsWith('[Test] rrr')).toBe(true);
      expect(summary).toHaveLength(255);
    });
  });
});
