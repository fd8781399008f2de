import { describe, expect, it } from 'vitest';
import type { ConfigDto } from '#shared/admin-api-types.ts';
import { inputFromConfig, previewRequest, setupInput } from '../../../web-admin/src/config-input.ts';

const CONFIG: ConfigDto = {
  version: 4,
  updatedAt: '2025-11-05T10:00:00Z',
  updatedBy: { accountId: 'a1', displayName: 'Alice Admin' },
  project: { id: '10000', key: 'SEC', name: 'Security Operations', style: 'classic' },
  projectKey: 'SEC',
  defaultIssueTypeId: '10001',
  summaryTemplate: '{alert_name}: {audit_event}',
  fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
  priorityMapping: { byEvent: { login_failure: '2' }, byCategory: {}, defaultPriorityId: '3' },
  issueTypeMapping: { byEvent: {}, byCategory: { security: '10005' } },
  rules: [
    {
      id: 'rule-failed-logins',
      name: 'Failed logins',
      enabled: true,
      when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
      actions: {
        grouping: {
          key: ['audit_event', 'username'],
          windowMinutes: 60,
          commentIntervalSeconds: 60,
          reopenWindowHours: 24,
        },
      },
    },
  ],
  counterEvents: [{ open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] }],
  wontDoResolutions: ["Won't Do"],
  groupFields: { occurrencesFieldId: 'customfield_10070' },
  redactionRetentionDays: 30,
  issueTypes: [],
  priorities: [],
  fieldMeta: {},
};

describe('config-input', () => {
  it('keeps every section as loaded and uses the loaded version', () => {
    // Act
    const input = inputFromConfig(CONFIG);
    // Assess
    expect(input).toEqual({
      expectedVersion: 4,
      projectKey: 'SEC',
      defaultIssueTypeId: '10001',
      summaryTemplate: '{alert_name}: {audit_event}',
      fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
      priorityMapping: { byEvent: { login_failure: '2' }, byCategory: {}, defaultPriorityId: '3' },
      issueTypeMapping: { byEvent: {}, byCategory: { security: '10005' } },
      rules: CONFIG.rules,
      counterEvents: CONFIG.counterEvents,
      wontDoResolutions: ["Won't Do"],
      groupFields: { occurrencesFieldId: 'customfield_10070' },
      redactionRetentionDays: 30,
    });
  });

  it('does not share arrays with the loaded config', () => {
    // Act
    const input = inputFromConfig(CONFIG);
    input.fieldMappings?.push({ fieldId: 'x', constant: 'y' });
    input.rules?.[0]?.when.clauses.push({ kind: 'category', in: ['login'] });
    input.counterEvents?.[0]?.key.push('x');
    // Assess
    expect(CONFIG.fieldMappings).toHaveLength(1);
    expect(CONFIG.rules[0]?.when.clauses).toHaveLength(1);
    expect(CONFIG.counterEvents[0]?.key).toEqual(['username']);
  });

  it('builds a preview request from the saved configuration and the draft, without version or section', () => {
    // Act
    const request = previewRequest(CONFIG, { rules: [], redactionRetentionDays: 7 });
    // Assess
    expect(request.draft).not.toHaveProperty('expectedVersion');
    expect(request.draft).not.toHaveProperty('section');
    expect(request.draft.rules).toEqual([]);
    expect(request.draft.redactionRetentionDays).toBe(7);
    expect(request.draft.fieldMappings).toEqual(CONFIG.fieldMappings);
  });

  it('starts a first save at version 0 with only project and issue type', () => {
    // Act / Assess
    expect(setupInput(null, 'SEC', '10001')).toEqual({
      expectedVersion: 0,
      projectKey: 'SEC',
      defaultIssueTypeId: '10001',
    });
  });

  it('changes only the default issue type within the same project', () => {
    // Act
    const input = setupInput(CONFIG, 'SEC', '10005');
    // Assess
    expect(input.defaultIssueTypeId).toBe('10005');
    expect(input.fieldMappings).toEqual(CONFIG.fieldMappings);
    expect(input.expectedVersion).toBe(4);
  });

  it('empties project-specific mappings and rules when the project changes, keeping Keeper-wide settings', () => {
    // Act
    const input = setupInput(CONFIG, 'OPS', '10010');
    // Assess
    expect(input).toEqual({
      expectedVersion: 4,
      projectKey: 'OPS',
      defaultIssueTypeId: '10010',
      summaryTemplate: '{alert_name}: {audit_event}',
      fieldMappings: [],
      priorityMapping: { byEvent: {}, byCategory: {} },
      issueTypeMapping: { byEvent: {}, byCategory: {} },
      rules: [],
      groupFields: {},
      counterEvents: CONFIG.counterEvents,
      wontDoResolutions: ["Won't Do"],
      redactionRetentionDays: 30,
    });
  });
});
