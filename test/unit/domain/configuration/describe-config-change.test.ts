import { describe, expect, it } from 'vitest';
import { describeConfigChange } from '#domain/configuration/describe-config-change.ts';
import { F, INCIDENT, PRIORITY, secConfig } from '#test-support/jira-fixtures.ts';

describe('config-changes', () => {
  it('describes a first version by its target', () => {
    expect(describeConfigChange(undefined, secConfig())).toMatch(
      /^Target SEC, default issue type Task, \d+ field mapping/,
    );
  });

  it('lists what a later version changed: default type, mappings and rules', () => {
    // Prepare
    const before = secConfig({ fieldMappings: [{ fieldId: F.remoteIp, source: 'remote_address' }] });
    const after = secConfig({
      defaultIssueTypeId: INCIDENT,
      fieldMappings: [{ fieldId: F.eventType, source: 'audit_event' }],
      priorityMapping: { byEvent: { login_failure: PRIORITY.high }, byCategory: {} },
    });

    // Act
    const text = describeConfigChange(before, after);

    // Assess
    expect(text).toContain('default issue type Task → Incident');
    expect(text).toContain('field mappings: 1 added, 1 removed');
    expect(text).toContain('priority by event: 1 changed');
    expect(text).toContain('priority by category: 4 removed');
  });

  it('says when a save changed nothing', () => {
    expect(describeConfigChange(secConfig(), secConfig())).toMatch(/without changes/);
  });
});
