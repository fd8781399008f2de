import { describe, expect, it } from 'vitest';
import { choosePriorityId, priorityOnScreen } from '#domain/routing/choose-priority.ts';
import { OPS_TASK, opsConfig, PRIORITY, secConfig, TASK } from '#test-support/jira-fixtures.ts';

describe('choose-priority', () => {
  describe('choosePriorityId', () => {
    it('takes a resolved priority mapping, else per-event, else per-category, else the default', () => {
      // Prepare
      const config = secConfig({
        priorityMapping: {
          byEvent: { login_failure: PRIORITY.medium },
          byCategory: { login: PRIORITY.low },
          defaultPriorityId: PRIORITY.lowest,
        },
      });

      // Act / Assess
      expect(choosePriorityId(config, 'login_failure', 'login', PRIORITY.highest)).toBe(PRIORITY.highest);
      expect(choosePriorityId(config, 'login_failure', 'login')).toBe(PRIORITY.medium);
      expect(choosePriorityId(config, 'login_success', 'login')).toBe(PRIORITY.low);
      expect(choosePriorityId(config, 'share', 'sharing')).toBe(PRIORITY.lowest);
      expect(choosePriorityId(secConfig(), 'share', 'sharing')).toBeUndefined();
    });

    it('ignores Object.prototype names used as events or categories', () => {
      // Prepare
      const config = secConfig();

      // Act / Assess
      expect(choosePriorityId(config, '__proto__', 'hasOwnProperty')).toBeUndefined();
    });
  });

  describe('priorityOnScreen', () => {
    it('accepts an allowed priority with the name Jira lists for it', () => {
      // Act / Assess
      expect(priorityOnScreen(secConfig().fieldMeta[TASK], PRIORITY.high)).toEqual({
        ok: true,
        id: PRIORITY.high,
        name: 'High',
      });
    });

    it('refuses a priority the screen does not allow, naming the field', () => {
      // Act / Assess
      expect(priorityOnScreen(secConfig().fieldMeta[TASK], '99')).toEqual({
        ok: false,
        reason: 'not-allowed',
        fieldName: 'Priority',
      });
    });

    it('refuses any priority when the screen has no Priority field or is not stored', () => {
      // Act / Assess
      expect(priorityOnScreen(opsConfig().fieldMeta[OPS_TASK], PRIORITY.high)).toEqual({
        ok: false,
        reason: 'not-on-screen',
      });
      expect(priorityOnScreen(undefined, PRIORITY.high)).toEqual({ ok: false, reason: 'not-on-screen' });
    });

    it('takes any id when the Priority field lists no allowed values', () => {
      // Prepare
      const screen = (secConfig().fieldMeta[TASK] ?? []).map((f) =>
        f.fieldId === 'priority' ? { ...f, allowedValues: undefined } : f,
      );

      // Act / Assess
      expect(priorityOnScreen(screen, '99')).toEqual({ ok: true, id: '99' });
    });
  });
});
