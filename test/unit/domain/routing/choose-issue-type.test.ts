import { describe, expect, it } from 'vitest';
import { chooseIssueTypeId, chooseUsableIssueType, issueTypeProblems } from '#domain/routing/choose-issue-type.ts';
import { EPIC, INCIDENT, SUBTASK, secConfig, TASK } from '#test-support/jira-fixtures.ts';

describe('choose-issue-type', () => {
  describe('chooseIssueTypeId', () => {
    it('takes the per-event rule, else the per-category rule, else the default', () => {
      // Prepare
      const config = secConfig({
        issueTypeMapping: {
          byEvent: { bw_record_high_risk: TASK, login_failure: EPIC },
          byCategory: { breachwatch: INCIDENT },
        },
      });

      // Act / Assess
      expect(chooseIssueTypeId(config, 'bw_record_high_risk', 'breachwatch')).toBe(TASK);
      expect(chooseIssueTypeId(config, 'bw_record_medium_risk', 'breachwatch')).toBe(INCIDENT);
      expect(chooseIssueTypeId(config, 'login_failure', 'login')).toBe(EPIC);
      expect(chooseIssueTypeId(config, 'share', 'sharing')).toBe(TASK);
    });

    it('ignores Object.prototype names used as events or categories', () => {
      // Prepare
      const config = secConfig();

      // Act / Assess
      expect(chooseIssueTypeId(config, 'constructor', 'toString')).toBe(TASK);
    });
  });

  describe('issueTypeProblems', () => {
    it('names an unknown type, a sub-task without parent and missing create metadata, in that order', () => {
      // Prepare
      const config = secConfig();
      const { [SUBTASK]: _subtask, ...withoutSubtaskMeta } = config.fieldMeta;

      // Act
      const unknown = issueTypeProblems('424242', config);
      const subtask = issueTypeProblems(SUBTASK, { ...config, fieldMeta: withoutSubtaskMeta });
      const withParent = issueTypeProblems(SUBTASK, { ...config, parentIssueKey: 'SEC-7' });

      // Assess
      expect(unknown).toEqual([{ kind: 'unknown' }]);
      expect(subtask.map((p) => p.kind)).toEqual(['subtask-without-parent', 'no-create-metadata']);
      expect(withParent).toEqual([]);
      expect(issueTypeProblems(INCIDENT, config)).toEqual([]);
    });
  });

  describe('chooseUsableIssueType', () => {
    it('replaces a mapped type that cannot take tickets with the default, saying why', () => {
      // Prepare
      const config = secConfig({
        issueTypeMapping: { byEvent: { login_failure: '424242' }, byCategory: { breachwatch: SUBTASK } },
      });

      // Act
      const unknown = chooseUsableIssueType(config, 'login_failure', 'login');
      const subtask = chooseUsableIssueType(config, 'bw_record_high_risk', 'breachwatch');

      // Assess
      expect(unknown).toEqual({ issueTypeId: TASK, replaced: { id: '424242', problem: { kind: 'unknown' } } });
      expect(subtask.issueTypeId).toBe(TASK);
      expect(subtask.replaced?.problem.kind).toBe('subtask-without-parent');
    });

    it('prefers "not in the saved configuration" over the sub-task reason when both apply', () => {
      // Prepare
      const config = secConfig({ issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: SUBTASK } } });
      const { [SUBTASK]: _subtask, ...fieldMeta } = config.fieldMeta;

      // Act
      const choice = chooseUsableIssueType({ ...config, fieldMeta }, 'bw_record_high_risk', 'breachwatch');

      // Assess
      expect(choice.replaced?.problem.kind).toBe('no-create-metadata');
    });

    it('keeps a usable mapped type and uses the default as is', () => {
      // Prepare
      const config = secConfig({ defaultIssueTypeId: SUBTASK });

      // Act / Assess
      expect(chooseUsableIssueType(config, 'bw_record_high_risk', 'breachwatch')).toEqual({ issueTypeId: INCIDENT });
      expect(chooseUsableIssueType(config, 'share', 'sharing')).toEqual({ issueTypeId: SUBTASK });
    });
  });
});
