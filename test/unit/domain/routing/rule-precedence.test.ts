import { describe, expect, it } from 'vitest';
import { ruleFor } from '#domain/routing/rule-precedence.ts';

describe('rule-precedence', () => {
  describe('ruleFor', () => {
    it('lets the per-event rule win over the per-category one', () => {
      // Prepare
      const rules = { byEvent: { login_failure: 'by-event' }, byCategory: { login: 'by-category' } };

      // Act / Assess
      expect(ruleFor(rules, 'login_failure', 'login')).toBe('by-event');
      expect(ruleFor(rules, 'login', 'login')).toBe('by-category');
      expect(ruleFor(rules, 'share', 'sharing')).toBeUndefined();
    });

    it('finds own keys only, never Object.prototype members', () => {
      // Prepare
      const rules = { byEvent: {}, byCategory: {} };

      // Act / Assess
      expect(ruleFor(rules, 'constructor', 'toString')).toBeUndefined();
      expect(ruleFor(rules, '__proto__', 'hasOwnProperty')).toBeUndefined();
    });
  });
});
