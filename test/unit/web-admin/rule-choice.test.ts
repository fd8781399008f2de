import { describe, expect, it } from 'vitest';
import { eventLabel, type RuleVocabulary, resolveRuleChoice } from '../../../web-admin/src/rule-choice.ts';

const HIGH_RISK = { event: 'bw_record_high_risk', title: 'High-Risk Password', category: 'breachwatch' };
const vocabulary: RuleVocabulary = {
  events: [
    { event: 'login_failure', title: 'Failed Login', category: 'login' },
    HIGH_RISK,
    { event: 'role_added', title: 'Role Changed', category: 'security' },
    { event: 'role_removed', title: 'Role Changed', category: 'security' },
  ],
  categories: ['breachwatch', 'login', 'security', 'data_breach'],
};

describe('rule-choice', () => {
  it('takes a catalogue event by its code, its title or its picker label, and stores the code', () => {
    // Act
    const byCode = resolveRuleChoice('event', ' LOGIN_FAILURE ', vocabulary);
    const byTitle = resolveRuleChoice('event', 'failed login', vocabulary);
    const byLabel = resolveRuleChoice('event', eventLabel(HIGH_RISK), vocabulary);

    // Assess
    expect(byCode).toEqual({ ok: true, value: 'login_failure', label: 'Failed Login (login_failure) · login' });
    expect(byTitle).toMatchObject({ ok: true, value: 'login_failure' });
    expect(byLabel).toMatchObject({ ok: true, value: 'bw_record_high_risk' });
  });

  it('refuses free text that names no event, and a title shared by several events', () => {
    // Act
    const unknown = resolveRuleChoice('event', 'login failed', vocabulary);
    const shared = resolveRuleChoice('event', 'Role Changed', vocabulary);
    const empty = resolveRuleChoice('event', '  ', vocabulary);

    // Assess
    expect(unknown).toEqual({
      ok: false,
      message:
        "“login failed” is not an event in Keeper's catalogue. Search the list by title or code and pick one, or match on a category.",
    });
    expect(shared).toEqual({
      ok: false,
      message: 'Several events are called “Role Changed” (role_added, role_removed); type the event code.',
    });
    expect(empty).toEqual({ ok: false, message: 'Choose an event.' });
  });

  it('takes a known category in any case and refuses an unknown one', () => {
    // Act
    const known = resolveRuleChoice('category', 'Data_Breach', vocabulary);
    const unknown = resolveRuleChoice('category', 'breaches', vocabulary);

    // Assess
    expect(known).toEqual({ ok: true, value: 'data_breach', label: 'data_breach' });
    expect(unknown).toEqual({
      ok: false,
      message:
        '“breaches” is not a known category. Choose one from the list: breachwatch, login, security, data_breach.',
    });
  });
});
