/**
 * Mappings on the team-managed project OPS (local runtime + Jira stand-in): its own field ids, no
 * Priority and no Reporter on its layouts. Priority rules are refused when saving, alerts become
 * issues without priority, and every Keeper sample alert is accepted under Keeper's defaults.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigDto, ErrorDto, FieldDto } from '#shared/admin-api-types.ts';
import { MappingHarness, OPS, PRIORITY, SAMPLES_DIR, SEC, uniqueAlert } from '#test-support/mapping-harness.ts';

let relay: MappingHarness;

beforeAll(async () => {
  relay = await MappingHarness.start('relay-ops-');
});

afterAll(async () => {
  await relay?.close();
});

describe('team-managed project OPS', () => {
  it('offers OPS’s own fields, without Priority or Reporter', async () => {
    // Act
    const task = await relay.admin.call<{ fields: FieldDto[] }>(
      'GET',
      `/api/projects/OPS/issue-types/${OPS.task}/fields`,
    );
    const incident = await relay.admin.call<{ fields: FieldDto[] }>(
      'GET',
      `/api/projects/OPS/issue-types/${OPS.incident}/fields`,
    );

    // Assess
    expect(task.body.fields.map((f) => f.id).sort()).toEqual(
      [
        'assignee',
        'customfield_10100',
        'customfield_10101',
        'description',
        'issuetype',
        'labels',
        'project',
        'summary',
      ].sort(),
    );
    expect(task.body.fields.find((f) => f.id === 'customfield_10101')?.allowedValues?.map((v) => v.label)).toEqual([
      'Login',
      'BreachWatch',
      'Sharing',
      'Other',
    ]);
    expect(incident.body.fields.find((f) => f.id === 'customfield_10102')).toMatchObject({
      name: 'Alert Severity',
      type: 'select',
      required: false,
    });
  });

  it('refuses a priority rule on OPS, naming the field, issue type and project', async () => {
    // Prepare
    const before = await relay.configVersion();

    // Act
    const response = await relay.save({
      projectKey: 'OPS',
      defaultIssueTypeId: OPS.task,
      priorityMapping: { byEvent: {}, byCategory: { login: PRIORITY.high } },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('VALIDATION_FAILED');
    expect(response.body.problems).toEqual([
      expect.objectContaining({
        path: 'priorityMapping.byCategory.login',
        fieldId: 'priority',
        issueType: 'Task',
        project: 'OPS',
        message: expect.stringMatching(
          /the Priority field is not on its create screen; team-managed projects have it only where it was added/,
        ),
      }),
    ]);
    expect(await relay.configVersion()).toBe(before);
  });

  it('refuses a SEC field on OPS, naming the field, issue type and project', async () => {
    // Act
    const response = await relay.save({
      projectKey: 'OPS',
      defaultIssueTypeId: OPS.task,
      fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      expect.objectContaining({
        fieldId: 'customfield_10050',
        issueType: 'Task',
        project: 'OPS',
        message: expect.stringMatching(/not on the create screen of issue type Task in project OPS/),
      }),
    ]);
  });

  it('refuses a reporter mapping on OPS, whose layouts have no Reporter', async () => {
    // Act
    const response = await relay.save({
      projectKey: 'OPS',
      defaultIssueTypeId: OPS.task,
      fieldMappings: [{ fieldId: 'reporter', constant: 'alice.admin@example.com' }],
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      expect.objectContaining({
        fieldId: 'reporter',
        issueType: 'Task',
        project: 'OPS',
        message: expect.stringMatching(/not on the create screen of issue type Task in project OPS/),
      }),
    ]);
  });

  it('refuses an issue type of another project', async () => {
    // Act
    const response = await relay.save({ projectKey: 'OPS', defaultIssueTypeId: SEC.task });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      expect.objectContaining({
        path: 'defaultIssueTypeId',
        project: 'OPS',
        message: expect.stringMatching(/Issue type 10001 does not exist in project OPS/),
      }),
    ]);
  });

  it('fills OPS’s own fields and creates issues without priority', async () => {
    // Prepare
    await relay.mustSave({
      projectKey: 'OPS',
      defaultIssueTypeId: OPS.task,
      fieldMappings: [
        { fieldId: 'customfield_10100', source: 'remote_address' },
        { fieldId: 'customfield_10101', source: 'category' },
      ],
      issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: OPS.incident } },
    });

    // Act
    const login = await relay.deliver(uniqueAlert({ category: 'LOGIN' }));
    const breach = await relay.deliver(
      uniqueAlert({ audit_event: 'bw_record_high_risk', category: 'breachwatch', remote_address: '203.0.113.50' }),
    );

    // Assess
    expect(login.issue.fields.project?.key).toBe('OPS');
    expect(login.issue.fields.issuetype?.name).toBe('Task');
    expect(login.issue.fields['customfield_10100']).toBe('198.51.100.77');
    expect(login.issue.fields['customfield_10101']).toMatchObject({ id: '10200', value: 'Login' });
    expect(breach.issue.fields.issuetype?.name).toBe('Incident');
    expect(breach.issue.fields['customfield_10101']).toMatchObject({ id: '10201', value: 'BreachWatch' });
    for (const { issue, record } of [login, breach]) {
      expect(issue.fields).not.toHaveProperty('priority');
      expect(record.priority).toBeUndefined();
      expect(record.droppedFields).toBeUndefined();
    }
  });

  it('resets OPS to the Keeper defaults it can hold: no priority rules, OPS field ids', async () => {
    // Act
    const { status, body } = await relay.admin.call<{ config: ConfigDto } & Partial<ErrorDto>>(
      'POST',
      '/api/config/reset',
      { projectKey: 'OPS' },
    );

    // Assess
    expect(status, JSON.stringify(body.problems)).toBe(200);
    expect(body.config.projectKey).toBe('OPS');
    expect(body.config.defaultIssueTypeId).toBe(OPS.task);
    expect(body.config.priorityMapping).toEqual({ byEvent: {}, byCategory: {} });
    expect(body.config.priorities).toEqual([]);
    expect(body.config.fieldMappings).toEqual(
      expect.arrayContaining([{ fieldId: 'customfield_10100', source: 'remote_address' }]),
    );
    expect(body.config.fieldMappings.every((m) => !m.fieldId.startsWith('customfield_1005'))).toBe(true);
  });

  it('creates an issue the stand-in accepts for every sample alert under the OPS defaults', async () => {
    // Prepare
    const files = (await readdir(SAMPLES_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(19);

    // Act / Assess
    for (const file of files) {
      const raw = await readFile(join(SAMPLES_DIR, file), 'utf8');
      const response = await relay.post(raw);
      expect(response.status, `${file}: ${JSON.stringify(response.body)}`).toBe(201);
      const issue = await relay.issue(response.body.issueKey);
      expect(issue.fields.project?.key, file).toBe('OPS');
      expect(issue.fields, file).not.toHaveProperty('priority');
      const record = await relay.delivery(response.body.alertId);
      expect(record?.status, file).toBe('delivered');
      expect(record?.droppedFields, `${file}: ${JSON.stringify(record?.droppedFields)}`).toBeUndefined();
    }
  });
});
