import { describe, expect, it } from 'vitest';
import { parseCidr, patternProblem as serverPatternProblem } from '#domain/routing/rule-conditions.ts';
import { newRule, type RuleDraft, type SettingsDraft } from '../../../web-admin/src/rule-draft.ts';
import {
  cidrProblem,
  patternProblem,
  problemPlace,
  ruleProblems,
  rulesTabProblems,
  settingsProblems,
  wholeNumberProblem,
} from '../../../web-admin/src/rule-validation.ts';

function filledRule(id = 'rule-aaaa0001'): RuleDraft {
  const rule = newRule(id, 'Failed logins');
  rule.when.clauses = [{ kind: 'event', in: ['login_failure'] }];
  return rule;
}

const SETTINGS: SettingsDraft = {
  counterEvents: [],
  wontDoResolutions: [],
  occurrencesFieldId: '',
  lastSeenFieldId: '',
  redactionRetentionDays: '30',
};

describe('rule-validation', () => {
  it('accepts the CIDR ranges the relay accepts and refuses the others', () => {
    // Prepare
    const ranges = [
      '10.0.0.0/8',
      '192.168.1.7',
      '0.0.0.0/0',
      '2001:db8::/32',
      '::1',
      '::ffff:10.0.0.0/104',
      'fe80::1/64',
      '10.0.0.0/33',
      '10.0.0/8',
      '256.1.1.1/8',
      '10.0.0.0/8/1',
      'example.com/8',
      '2001:db8:::1/64',
      '1:2:3:4:5:6:7:8:9/64',
      '01.2.3.4/8',
      '10.0.0.0/',
    ];
    // Act / Assess: the browser's check agrees with the relay's parser on each
    for (const range of ranges) expect(cidrProblem(range) === undefined, range).toBe(parseCidr(range) !== undefined);
  });

  it('checks patterns as the relay compiles them', () => {
    // Act / Assess
    for (const pattern of ['.*@example\\.com', 'a{1,3}', '(unclosed', '[a-', '\\p{L}+', 'a'.repeat(501)])
      expect(patternProblem(pattern) === undefined, pattern).toBe(serverPatternProblem(pattern) === undefined);
  });

  it('asks for whole numbers within the range', () => {
    // Act / Assess
    expect(wholeNumberProblem('60', { min: 1, max: 10080 })).toBeUndefined();
    expect(wholeNumberProblem('', { min: 1, max: 10 })).toBe('Enter a whole number from 1 to 10.');
    expect(wholeNumberProblem('1.5', { min: 1, max: 10 })).toContain('not a whole number');
    expect(wholeNumberProblem('0', { min: 1, max: 10 })).toBe('Enter a number from 1 to 10.');
  });

  it('accepts a complete rule', () => {
    // Act / Assess
    expect(ruleProblems(filledRule(), 0)).toEqual([]);
  });

  it('names the control at fault by its configuration path', () => {
    // Prepare
    const rule = newRule('rule-aaaa0001', '');
    rule.when.clauses = [
      { kind: 'event', in: [] },
      { kind: 'field', path: 'remote_address', op: 'cidr', values: ['10.0.0.0/8', 'nonsense'] },
      { kind: 'group', match: 'any', clauses: [{ kind: 'field', path: '', op: 'matches', values: ['(oops'] }] },
    ];
    rule.actions.grouping = {
      on: true,
      key: [],
      windowMinutes: '0',
      commentIntervalSeconds: '5',
      reopenWindowHours: 'x',
    };
    rule.actions.escalation = { on: true, occurrences: '1', withinMinutes: '30', priorityId: '' };
    rule.actions.stormCap = { on: true, perHour: '' };
    rule.actions.labels = ['has space'];
    rule.actions.projectKey = 'OPS';
    // Act
    const paths = ruleProblems(rule, 2).map((p) => p.path);
    // Assess
    expect(paths).toEqual([
      'rules.2.name',
      'rules.2.when.clauses.0.in',
      'rules.2.when.clauses.1.values',
      'rules.2.when.clauses.2.clauses.0.path',
      'rules.2.when.clauses.2.clauses.0.values',
      'rules.2.actions.route.issueTypeId',
      'rules.2.actions.labels',
      'rules.2.actions.grouping.key',
      'rules.2.actions.grouping.windowMinutes',
      'rules.2.actions.grouping.commentIntervalSeconds',
      'rules.2.actions.grouping.reopenWindowHours',
      'rules.2.actions.escalation.occurrences',
      'rules.2.actions.escalation.priorityId',
      'rules.2.actions.stormCap',
    ]);
  });

  it('requires at least one condition, and one inside every group', () => {
    // Prepare
    const none = filledRule();
    none.when.clauses = [];
    const emptyGroup = filledRule();
    emptyGroup.when.clauses = [{ kind: 'group', match: 'all', clauses: [] }];
    // Act / Assess
    expect(ruleProblems(none, 0)).toEqual([{ path: 'rules.0.when.clauses', message: 'Add at least one condition.' }]);
    expect(ruleProblems(emptyGroup, 1).map((p) => p.path)).toEqual(['rules.1.when.clauses.0.clauses']);
  });

  it('compares with one value under “equals”', () => {
    // Prepare
    const rule = filledRule();
    rule.when.clauses = [{ kind: 'field', path: 'username', op: 'equals', values: ['a', 'b'] }];
    // Act / Assess
    expect(ruleProblems(rule, 0)[0]?.message).toContain('is in list');
  });

  it('checks nothing but the condition of a suppressing rule', () => {
    // Prepare
    const rule = filledRule();
    rule.actions.suppress = true;
    rule.actions.grouping.on = true;
    rule.actions.grouping.windowMinutes = 'nonsense';
    // Act / Assess
    expect(ruleProblems(rule, 0)).toEqual([]);
  });

  it('checks counter-event pairs and the retention days', () => {
    // Act
    const problems = settingsProblems({
      ...SETTINGS,
      counterEvents: [
        { open: '', close: 'b', key: [] },
        { open: 'a', close: 'a', key: [] },
      ],
      redactionRetentionDays: '400',
    });
    // Assess
    expect(problems.map((p) => p.path)).toEqual([
      'counterEvents.0.open',
      'counterEvents.1.close',
      'redactionRetentionDays',
    ]);
  });

  it('refuses two rules with one id', () => {
    // Act
    const problems = rulesTabProblems([filledRule('rule-same0001'), filledRule('rule-same0001')], SETTINGS);
    // Assess
    expect(problems.map((p) => p.path)).toEqual(['rules.1.id']);
  });

  it('says in words which rule or setting a problem concerns', () => {
    // Prepare
    const rules = [{ name: 'Failed logins' }, { name: ' ' }];
    // Act / Assess
    expect(problemPlace('rules.0.actions.grouping.key', rules)).toBe('Rule 1 “Failed logins”');
    expect(problemPlace('rules[1].name', rules)).toBe('Rule 2');
    expect(problemPlace('counterEvents.2.close', rules)).toBe('Counter-event pair 3');
    expect(problemPlace('redactionRetentionDays', rules)).toBe('Redacted alerts');
    expect(problemPlace('projectKey', rules)).toBe('Configuration');
  });

  it('asks for grouping when the priority is to be raised, as the relay does', () => {
    // Prepare
    const rule = filledRule();
    rule.actions.escalation = { on: true, occurrences: '10', withinMinutes: '10', priorityId: '2' };
    // Act / Assess
    expect(ruleProblems(rule, 0).map((p) => p.path)).toEqual(['rules.0.actions.escalation']);
    rule.actions.grouping.on = true;
    expect(ruleProblems(rule, 0)).toEqual([]);
  });
});
