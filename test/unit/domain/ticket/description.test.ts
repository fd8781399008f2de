import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { AdfDoc } from '#domain/ticket/adf.ts';
import {
  DESCRIPTION_MAX_CHARS,
  buildDescription,
  descriptionSize,
  withDroppedFieldsNotice,
  withRefusedFieldsNotice,
} from '#domain/ticket/description.ts';
import { adfErrors, adfTexts } from '#test-support/adf-schema.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

const RECEIVED_AT = '2025-11-05T05:00:29.000Z';

function describeBody(body: string): AdfDoc {
  return buildDescription(parseAlertBody(body), { alertId: dedupKey(body), receivedAt: RECEIVED_AT });
}

describe('description', () => {
  describe('buildDescription', () => {
    it('writes a readable summary, a field table and the complete raw payload into the description', () => {
      // Prepare
      const body = sampleAlert('11');

      // Act
      const description = describeBody(body);
      const texts = adfTexts(description);
      const blocks = description.content.map((b) => b.type);

      // Assess
      expect(texts).toContain('BreachWatch High Risk');
      expect(texts.join('')).toContain('BreachWatch detected high-risk record password');
      expect(texts).toContain(JSON.parse(body).description);
      expect(texts).toContain('jane.roe@example.com');
      expect(texts).toContain('record_uid');
      expect(texts).toContain('NX4dQ1u0r3hZb8pW2sVt5A');
      expect(blocks).toEqual(expect.arrayContaining(['heading', 'table', 'codeBlock']));
      const raw = description.content.find((b) => b.type === 'codeBlock');
      expect(raw?.type === 'codeBlock' && JSON.parse(raw.content.map((t) => t.text).join(''))).toEqual(JSON.parse(body));
    });

    it('keeps a huge payload’s description valid and under Jira’s limit, truncating visibly', () => {
      // Prepare
      const payload: Record<string, unknown> = { alert_name: 'Huge', audit_event: 'login_failure', blob: 'x'.repeat(100_000) };
      for (let i = 0; i < 2_000; i++) payload[`field_${i}`] = `value ${i} ${'y'.repeat(40)}`;
      const body = JSON.stringify(payload);

      // Act
      const description = describeBody(body);
      const texts = adfTexts(description).join('\n');

      // Assess
      expect(adfErrors(description)).toEqual([]);
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(JSON.stringify(description).length).toBeLessThan(32_767);
      expect(texts).toMatch(/… truncated, \d+ more characters; the full payload is in the relay's ledger/);
      expect(texts).toMatch(/\d+ more fields; see the raw payload below and the relay's ledger/);
      expect(texts).toContain('field_0');
    });

    it('keeps a long unparsed body under the limit too', () => {
      // Act
      const description = describeBody(`not json ${'z"\n'.repeat(40_000)}`);

      // Assess
      expect(adfErrors(description)).toEqual([]);
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(adfTexts(description).join('')).toContain('truncated');
    });

    it('keeps the whole payload when only long table values had to be shortened', () => {
      // Prepare
      const body = JSON.stringify({ alert_name: 'Long', audit_event: 'login_failure', note: 'n'.repeat(14_000) });

      // Act
      const description = describeBody(body);
      const raw = description.content.find((b) => b.type === 'codeBlock');

      // Assess
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(raw?.type === 'codeBlock' && JSON.parse(raw.content.map((t) => t.text).join(''))).toEqual(JSON.parse(body));
    });

    it('uses the readable text of a description mapping instead of the alert’s own', () => {
      // Prepare
      const body = sampleAlert('11');

      // Act
      const own = describeBody(body);
      const mapped = buildDescription(parseAlertBody(body), { alertId: dedupKey(body), receivedAt: RECEIVED_AT }, 'Check this record now.');

      // Assess: the readable paragraph follows the heading and the event line.
      expect(adfTexts(own.content[2])).toEqual([JSON.parse(body).description]);
      expect(adfTexts(mapped.content[2])).toEqual(['Check this record now.']);
    });
  });

  describe('withDroppedFieldsNotice', () => {
    it('puts a note listing the left-out fields first and names at most ten of them', () => {
      // Prepare
      const body = sampleAlert('01');
      const dropped = Array.from({ length: 12 }, (_, i) => ({ fieldId: `customfield_${i}`, fieldName: `Field ${i}`, reason: `reason ${i}` }));

      // Act
      const noticed = withDroppedFieldsNotice(describeBody(body), dropped);
      const texts = adfTexts(noticed);

      // Assess
      expect(noticed.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'note' } });
      expect(texts).toContain('Field 0 (customfield_0)');
      expect(texts).not.toContain('Field 10 (customfield_10)');
      expect(texts).toContain("and 2 more; see the relay's ledger");
      expect(adfErrors(noticed)).toEqual([]);
    });
  });

  describe('withRefusedFieldsNotice', () => {
    it('keeps the description under Jira’s limit with the warning added', () => {
      // Prepare
      const body = JSON.stringify({ alert_name: 'Huge', audit_event: 'login_failure', blob: 'x'.repeat(60_000) });
      const refused = [{ id: 'customfield_1', name: 'Remote IP Address', message: 'cannot be set' }];

      // Act
      const noticed = withRefusedFieldsNotice(describeBody(body), refused, 'keeper-alert-0123');

      // Assess
      expect(noticed.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'warning' } });
      expect(descriptionSize(noticed)).toBeLessThan(32_767);
      expect(adfErrors(noticed)).toEqual([]);
    });
  });
});
