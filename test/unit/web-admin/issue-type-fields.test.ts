import { describe, expect, it } from 'vitest';
import type { FieldDto } from '#shared/admin-api-types.ts';
import { issueTypeFieldView, issueTypesRulesCanChoose } from '../../../web-admin/src/views/issue-type-fields.ts';

const field = (id: string, name: string, extra: Partial<FieldDto> = {}): FieldDto => ({
  id,
  name,
  type: 'text',
  required: false,
  hasDefaultValue: false,
  mappable: true,
  ...extra,
});

const TASK = '10001';
const INCIDENT = '10005';
const ISSUE_TYPES = [
  { id: TASK, name: 'Task', subtask: false, hierarchyLevel: 0 },
  { id: INCIDENT, name: 'Incident', subtask: false, hierarchyLevel: 0 },
];
const FIELD_META = {
  [TASK]: [field('summary', 'Summary', { required: true }), field('customfield_10050', 'Remote IP Address')],
  [INCIDENT]: [
    field('summary', 'Summary', { required: true }),
    field('customfield_10061', 'Alert Severity', { type: 'select', required: true }),
    field('customfield_10062', 'Reporter Team', { required: true, hasDefaultValue: true }),
  ],
};

describe('issue-type-fields', () => {
  it('offers the default type, then each type the issue-type rules route to, once', () => {
    // Act
    const choices = issueTypesRulesCanChoose(
      { defaultIssueTypeId: TASK, issueTypes: ISSUE_TYPES },
      { byEvent: { login_failure: INCIDENT, role_added: TASK }, byCategory: { breachwatch: INCIDENT } },
    );

    // Assess
    expect(choices).toEqual([
      { id: TASK, name: 'Task', reason: 'default issue type' },
      { id: INCIDENT, name: 'Incident', reason: 'rules: event login_failure, category breachwatch' },
    ]);
  });

  it('shows for one type which mapped fields its screen has, lacks, and what it requires unmapped', () => {
    // Act
    const incident = issueTypeFieldView(INCIDENT, ['customfield_10050'], FIELD_META);
    const task = issueTypeFieldView(TASK, ['customfield_10050', 'customfield_10050'], FIELD_META);

    // Assess
    expect(incident).toEqual({
      known: true,
      onScreen: [],
      missing: ['customfield_10050'],
      requiredUnmapped: [FIELD_META[INCIDENT]?.[1]],
    });
    expect(task.onScreen.map((f) => f.name)).toEqual(['Remote IP Address']);
    expect(task.missing).toEqual([]);
    expect(task.requiredUnmapped).toEqual([]);
  });

  it('says when the saved configuration holds no screen for the type', () => {
    // Act / Assess
    expect(issueTypeFieldView('99999', ['customfield_10050'], FIELD_META)).toEqual({
      known: false,
      onScreen: [],
      missing: [],
      requiredUnmapped: [],
    });
  });
});
