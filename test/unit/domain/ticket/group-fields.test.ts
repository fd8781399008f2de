import { describe, expect, it } from 'vitest';
import { groupFieldValues } from '#domain/ticket/group-fields.ts';
import { F, OPS_TASK, opsFieldMeta, secFieldMeta, TASK } from '#test-support/jira-fixtures.ts';

const GROUP = { count: 57, lastSeenAt: '2026-11-26T13:04:59.123Z' };

describe('group-fields', () => {
  describe('groupFieldValues', () => {
    it('puts the count in the number field and the last-seen time in the date-time field, in Jira’s format', () => {
      // Prepare
      const config = { groupFields: { occurrencesFieldId: F.riskScore, lastSeenFieldId: F.alertTimestamp } };

      // Act
      const fields = groupFieldValues(config, secFieldMeta()[TASK], GROUP);

      // Assess
      expect(fields).toEqual({ [F.riskScore]: 57, [F.alertTimestamp]: '2026-11-26T13:04:59.123+0000' });
    });

    it('leaves out fields that are not mapped, not on the screen, or not of their kind', () => {
      // Prepare
      const wrongKinds = { groupFields: { occurrencesFieldId: F.remoteIp, lastSeenFieldId: F.dueDay } };
      const elsewhere = { groupFields: { occurrencesFieldId: F.riskScore, lastSeenFieldId: F.alertTimestamp } };

      // Act / Assess
      expect(groupFieldValues({ groupFields: {} }, secFieldMeta()[TASK], GROUP)).toEqual({});
      expect(groupFieldValues(wrongKinds, secFieldMeta()[TASK], GROUP)).toEqual({});
      expect(groupFieldValues(elsewhere, opsFieldMeta()[OPS_TASK], GROUP)).toEqual({});
      expect(groupFieldValues(elsewhere, undefined, GROUP)).toEqual({});
    });
  });
});
