import { describe, expect, it } from 'vitest';
import { type ParsedAlert, parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { applyFieldMappings, resolveSource } from '#domain/ticket/field-mapping.ts';
import { adfErrors } from '#test-support/adf-schema.ts';
import { F, secConfig, TASK } from '#test-support/jira-fixtures.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

function parsed(body: string): ParsedAlert {
  const alert = parseAlertBody(body);
  if (!alert.parsed) throw new Error('fixture body does not parse');
  return alert;
}

describe('field-mapping', () => {
  describe('applyFieldMappings', () => {
    it('converts mappings to each field’s schema and records what it cannot convert', () => {
      // Prepare
      const config = secConfig({
        fieldMappings: [
          { fieldId: F.severity, constant: 'high' },
          { fieldId: F.owner, source: 'username' },
          { fieldId: F.watchers, source: 'to_username' },
          { fieldId: F.systems, constant: 'Vault, Mainframe' },
          { fieldId: F.riskScore, source: 'enterprise_id' },
          { fieldId: F.dueDay, source: 'timestamp' },
          { fieldId: F.tags, source: 'client_version' },
          { fieldId: F.deviceName, source: 'record_uid' },
          { fieldId: F.notes, source: 'description' },
        ],
      });

      // Act
      const mapped = applyFieldMappings(parseAlertBody(sampleAlert('13')), config, TASK);

      // Assess
      expect(mapped.fields[F.severity]).toEqual({ id: '10101' });
      expect(mapped.fields[F.owner]).toEqual({ accountId: 'acc-jane' });
      expect(mapped.fields[F.watchers]).toBeUndefined();
      expect(mapped.fields[F.systems]).toEqual([{ id: '10120' }]);
      expect(mapped.fields[F.riskScore]).toBe(8512);
      expect(mapped.fields[F.dueDay]).toBe('2025-11-05');
      expect(mapped.fields[F.deviceName]).toBe('Tq8vJ3mL0cWb5yHn1RfK7g');
      expect(adfErrors(mapped.fields[F.notes])).toEqual([]);
      expect(mapped.fields[F.tags]).toEqual(['Web-Vault-17.0.2']);
      expect(mapped.dropped).toEqual([
        { fieldId: F.watchers, fieldName: 'Responders', reason: 'no Jira user for partner@outside.example.net' },
        {
          fieldId: F.systems,
          fieldName: 'Affected Systems',
          reason: '"Mainframe" is not one of the allowed values (Vault, Admin Console, KSM)',
        },
      ]);
    });

    it('skips a mapping whose payload field is absent, without a note', () => {
      // Act
      const mapped = applyFieldMappings(parseAlertBody(sampleAlert('19')), secConfig(), TASK);

      // Assess
      expect(mapped.fields[F.remoteIp]).toBeUndefined();
      expect(mapped.dropped).toEqual([]);
    });

    it('fills a required text field the alert lacks with a visible placeholder', () => {
      // Prepare
      const config = secConfig();
      const meta = config.fieldMeta[TASK]?.map((f) => (f.fieldId === F.remoteIp ? { ...f, required: true } : f)) ?? [];

      // Act
      const mapped = applyFieldMappings(
        parseAlertBody(sampleAlert('19')),
        { ...config, fieldMeta: { ...config.fieldMeta, [TASK]: meta } },
        TASK,
      );

      // Assess
      expect(mapped.fields[F.remoteIp]).toBe('(not in alert)');
    });
  });

  describe('resolveSource', () => {
    it('reads a path in the nested raw event when the top level lacks it', () => {
      // Act
      const value = resolveSource(parsed(sampleAlert('21')), 'event.record_uid');

      // Assess
      expect(value).toBe('NX4dQ1u0r3hZb8pW2sVt5A');
    });

    it('falls back to the resolved event and category for audit_event and category', () => {
      // Prepare
      const alert = parsed('{"alert_name":"Only a name"}');

      // Act / Assess
      expect(resolveSource(alert, 'audit_event')).toBe('unknown');
      expect(resolveSource(alert, 'category')).toBe(alert.category);
      expect(resolveSource(alert, 'username')).toBeUndefined();
    });
  });
});
