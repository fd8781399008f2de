import { describe, expect, it } from 'vitest';
import type { ConfigDto } from '#shared/admin-api-types.ts';
import { inputFromConfig, setupInput } from '../../../web-admin/src/config-input.ts';

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
  rules: [],
  counterEvents: [],
  wontDoResolutions: [],
  groupFields: {},
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
    });
  });

  it('does not share arrays with the loaded config', () => {
    // Act
    const input = inputFromConfig(CONFIG);
    input.fieldMappings?.push({ fieldId: 'x', constant: 'y' });
    // Assess
    expect(CONFIG.fieldMappings).toHaveLength(1);
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

  it('empties project-specific mappings when the project changes', () => {
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
    });
  });
});
