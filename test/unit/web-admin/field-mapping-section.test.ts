import { describe, expect, it } from 'vitest';
import type { FieldDto } from '#shared/admin-api-types.ts';
import { fieldLabel, unmappedRequiredFields } from '../../../web-admin/src/views/field-mapping-section.ts';

const field = (id: string, name: string, extra: Partial<FieldDto> = {}): FieldDto => ({
  id,
  name,
  type: 'text',
  required: false,
  hasDefaultValue: false,
  mappable: true,
  ...extra,
});

describe('field-mapping-section', () => {
  it('labels a Jira field with its name and type, marking required ones', () => {
    // Act / Assess
    expect(fieldLabel(field('customfield_10050', 'Remote IP Address'))).toBe('Remote IP Address — text');
    expect(fieldLabel(field('customfield_10055', 'Alert Severity', { type: 'select', required: true }))).toBe(
      'Alert Severity — select (required)',
    );
  });

  it('lists required fields that neither the relay nor a mapping fills', () => {
    // Prepare
    const fields = [
      field('summary', 'Summary', { required: true }),
      field('reporter', 'Reporter', { required: true, hasDefaultValue: true }),
      field('customfield_10055', 'Alert Severity', { required: true }),
      field('customfield_10056', 'Owner', { required: true }),
      field('customfield_10050', 'Remote IP Address'),
    ];
    // Act
    const missing = unmappedRequiredFields(fields, [{ fieldId: 'customfield_10056' }]);
    // Assess
    expect(missing.map((f) => f.id)).toEqual(['customfield_10055']);
  });
});
