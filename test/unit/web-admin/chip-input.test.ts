import { describe, expect, it } from 'vitest';
import { rankSuggestions } from '../../../web-admin/src/chip-input.ts';

const EVENTS = [
  { value: 'login_failure', label: 'Failed Login (login_failure) · login', search: 'Failed Login' },
  { value: 'login', label: 'Login (login) · login', search: 'Login' },
  {
    value: 'bw_record_high_risk',
    label: 'High-Risk Password (bw_record_high_risk) · breachwatch',
    search: 'High-Risk Password',
  },
  { value: 'failed_2fa', label: 'Failed 2FA (failed_2fa) · login', search: 'Failed 2FA' },
];

describe('chip-input', () => {
  it('finds events by code or title (not by category), codes that start with the text first', () => {
    // Act / Assess
    expect(rankSuggestions(EVENTS, 'login').map((s) => s.value)).toEqual(['login', 'login_failure']);
    expect(rankSuggestions(EVENTS, 'FAILED').map((s) => s.value)).toEqual(['failed_2fa', 'login_failure']);
    expect(rankSuggestions(EVENTS, 'high-risk').map((s) => s.value)).toEqual(['bw_record_high_risk']);
  });

  it('leaves out what is already chosen and caps the list', () => {
    // Prepare
    const many = Array.from({ length: 40 }, (_, i) => ({ value: `e${i}`, label: `Event ${i}` }));
    // Act / Assess
    expect(rankSuggestions(EVENTS, 'login', ['login']).map((s) => s.value)).toEqual(['login_failure']);
    expect(rankSuggestions(many, '')).toHaveLength(12);
  });
});
