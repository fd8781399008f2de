import { describe, expect, it } from 'vitest';
import {
  matchProblems,
  normalizePath,
  placeProblems,
  problemsInSection,
  ruleIndices,
} from '../../../web-admin/src/problems.ts';

describe('problems', () => {
  it('normalizes bracket and slash paths to dot paths', () => {
    // Act / Assess
    expect(normalizePath('fieldMappings[2].constant')).toBe('fieldMappings.2.constant');
    expect(normalizePath('/fieldMappings/0')).toBe('fieldMappings.0');
    expect(normalizePath('priorityMapping.byEvent["login_failure"]')).toBe('priorityMapping.byEvent.login_failure');
  });

  it('attaches a problem to the row whose path it is under', () => {
    // Prepare
    const targets = [0, 1, 2].map((i) => ({ key: String(i), paths: [`fieldMappings.${i}`] }));
    // Act
    const matched = matchProblems([{ path: 'fieldMappings.2.constant', message: 'not an allowed value' }], targets);
    // Assess
    expect(matched.byKey.get('2')?.map((p) => p.message)).toEqual(['not an allowed value']);
    expect(matched.unmatched).toEqual([]);
  });

  it('does not confuse row 1 with row 10', () => {
    // Prepare
    const targets = Array.from({ length: 11 }, (_, i) => ({ key: String(i), paths: [`fieldMappings.${i}`] }));
    // Act
    const matched = matchProblems([{ path: 'fieldMappings.10', message: 'x' }], targets);
    // Assess
    expect([...matched.byKey.keys()]).toEqual(['10']);
  });

  it('falls back to the Jira field id when the path names no row', () => {
    // Prepare
    const targets = [
      { key: '0', paths: ['fieldMappings.0'], fieldIds: ['customfield_10050'] },
      { key: '1', paths: ['fieldMappings.1'], fieldIds: ['customfield_10051'] },
    ];
    // Act
    const matched = matchProblems(
      [{ path: 'fieldMappings', fieldId: 'customfield_10051', message: 'refused' }],
      targets,
    );
    // Assess
    expect(matched.byKey.get('1')).toHaveLength(1);
    expect(matched.byKey.has('0')).toBe(false);
  });

  it('keeps problems that concern no control for the summary', () => {
    // Act
    const matched = matchProblems(
      [{ path: 'fieldMappings', fieldId: 'customfield_10055', message: 'Alert Severity is required' }],
      [{ key: '0', paths: ['fieldMappings.0'], fieldIds: ['customfield_10050'] }],
    );
    // Assess
    expect(matched.unmatched.map((p) => p.message)).toEqual(['Alert Severity is required']);
  });

  it('prefers the most specific path', () => {
    // Act
    const matched = matchProblems(
      [{ path: 'priorityMapping.byEvent.login_failure', message: 'unknown priority' }],
      [
        { key: 'section', paths: ['priorityMapping'] },
        { key: 'row', paths: ['priorityMapping.byEvent.login_failure'] },
      ],
    );
    // Assess
    expect([...matched.byKey.keys()]).toEqual(['row']);
  });

  it('selects the problems of one config section plus those without a path', () => {
    // Prepare
    const problems = [
      { path: 'fieldMappings.0', message: 'a' },
      { path: 'priorityMapping.defaultPriorityId', message: 'b' },
      { path: '', message: 'c' },
    ];
    // Act / Assess
    expect(problemsInSection(problems, 'fieldMappings').map((p) => p.message)).toEqual(['a', 'c']);
  });
});

describe('problems on the rules tab', () => {
  const CONTROLS = [
    'rules.0',
    'rules.0.name',
    'rules.2',
    'rules.2.actions.assigneeAccountId',
    'rules.2.actions.grouping.key',
    'rules.2.when.clauses.0.values',
    'counterEvents.1.close',
  ];

  it('puts a server problem on the control its path names', () => {
    // Act
    const placed = placeProblems(
      [
        { path: 'rules.2.actions.assigneeAccountId', message: 'cannot be assigned' },
        { path: 'rules[2].actions.grouping.key[1]', message: 'not a field' },
        { path: 'counterEvents.1.close', message: 'unknown event' },
      ],
      CONTROLS,
    );
    // Assess
    expect(Object.fromEntries([...placed.byPath].map(([path, list]) => [path, list.map((p) => p.message)]))).toEqual({
      'rules.2.actions.assigneeAccountId': ['cannot be assigned'],
      'rules.2.actions.grouping.key': ['not a field'],
      'counterEvents.1.close': ['unknown event'],
    });
    expect(placed.unmatched).toEqual([]);
  });

  it('falls back to the rule’s card for a path without a control of its own', () => {
    // Act
    const placed = placeProblems([{ path: 'rules.2.actions.route.projectKey', message: 'no such project' }], CONTROLS);
    // Assess
    expect([...placed.byPath.keys()]).toEqual(['rules.2']);
  });

  it('leaves problems of other sections for the summary', () => {
    // Act
    const placed = placeProblems([{ path: 'fieldMappings.0', message: 'x' }], CONTROLS);
    // Assess
    expect(placed.unmatched).toHaveLength(1);
  });

  it('tells which rules hold problems, so their editors open', () => {
    // Act / Assess
    expect([...ruleIndices(['rules.0.name', 'rules.12.when', 'rules', 'counterEvents.1', 'rules[3].id'])]).toEqual([
      0, 12, 3,
    ]);
  });
});
