import { describe, expect, it } from 'vitest';
import { emptyActions } from '../../../web-admin/src/rule-draft.ts';
import { actionsSummary, conditionSummary, listWords, type SummaryNames } from '../../../web-admin/src/rule-summary.ts';

const NAMES: SummaryNames = {
  defaultProject: 'SEC',
  event: (code) => ({ login_failure: 'Failed Login', login_failure_2fa: 'Failed 2FA' })[code] ?? code,
  priority: (id) => ({ '1': 'Highest', '2': 'High' })[id] ?? id,
  issueType: (project, id) => (project === 'OPS' && id === '10010' ? 'Incident' : id),
};

describe('rule-summary', () => {
  it('lists a few items and counts the rest', () => {
    // Act / Assess
    expect(listWords([])).toBe('…');
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b'])).toBe('a or b');
    expect(listWords(['a', 'b', 'c'], 'and')).toBe('a, b and c');
    expect(listWords(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c or 2 more');
  });

  it('says what a rule matches with catalogue titles, nested groups in parentheses', () => {
    // Act
    const text = conditionSummary(
      {
        match: 'all',
        clauses: [
          { kind: 'event', in: ['login_failure', 'login_failure_2fa'] },
          {
            kind: 'group',
            match: 'any',
            clauses: [
              { kind: 'field', path: 'remote_address', op: 'cidr', values: ['10.0.0.0/8'] },
              { kind: 'field', path: 'username', op: 'matches', values: ['.*@contractor\\.example'] },
            ],
          },
          { kind: 'field', path: 'username', op: 'equals', values: ['jane'] },
        ],
      },
      NAMES,
    );
    // Assess
    expect(text).toBe(
      'When event is Failed Login or Failed 2FA and (remote_address is in 10.0.0.0/8 or username matches /.*@contractor\\.example/) and username equals “jane”',
    );
  });

  it('says when a rule has no condition yet', () => {
    // Act / Assess
    expect(conditionSummary({ match: 'any', clauses: [] }, NAMES)).toContain('matches nothing');
  });

  it('says what a rule does, in the order an admin reads a ticket', () => {
    // Prepare
    const actions = emptyActions();
    actions.projectKey = 'OPS';
    actions.issueTypeId = '10010';
    actions.priorityId = '2';
    actions.labels = ['keeper'];
    actions.redact = ['username', 'remote_address'];
    actions.grouping.on = true;
    actions.escalation = { on: true, occurrences: '10', withinMinutes: '30', priorityId: '1' };
    actions.stormCap.on = true;
    // Act
    const text = actionsSummary(actions, NAMES);
    // Assess
    expect(text).toBe(
      'Create in OPS as Incident · priority High · labels keeper · redact username and remote_address · group by audit_event + username for 60 min · escalate to Highest after 10 in 30 min · at most 50 new issues an hour',
    );
  });

  it('says a suppressing rule creates no ticket, and an empty one follows the mappings', () => {
    // Prepare
    const suppress = { ...emptyActions(), suppress: true, priorityId: '2' };
    // Act / Assess
    expect(actionsSummary(suppress, NAMES)).toBe('Suppress: no ticket, the alert is only recorded.');
    expect(actionsSummary(emptyActions(), NAMES)).toContain('as the mappings decide');
  });
});
