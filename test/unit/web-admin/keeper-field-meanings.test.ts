import { describe, expect, it } from 'vitest';
import { DOCUMENTED_KEEPER_FIELDS } from '#domain/alert/keeper-fields.ts';
import { KEEPER_FIELD_MEANINGS, keeperFieldLabel } from '../../../web-admin/src/keeper-field-meanings.ts';

describe('keeper-field-meanings', () => {
  it('explains every field Keeper documents', () => {
    // Act
    const unexplained = DOCUMENTED_KEEPER_FIELDS.filter((path) => !KEEPER_FIELD_MEANINGS[path]);
    // Assess
    expect(unexplained).toEqual([]);
  });

  it('names a field seen only in alerts as such', () => {
    // Act
    const documented = keeperFieldLabel('username', true);
    const received = keeperFieldLabel('event.device_type', true);
    // Assess
    expect(documented).toBe('username — who did it, usually an e-mail address');
    expect(received).toBe('event.device_type (seen in alerts)');
  });
});
