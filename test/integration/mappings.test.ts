/**
 * Mappings end to end (local runtime + Jira stand-in), as the admin site and Keeper use the relay:
 * discovery through the admin API, the versioned configuration, save-time validation against live
 * createmeta, priority and issue type by event and category, and Keeper's defaults ("Reset
 * configuration") with Keeper's documented example and every sample alert on the company-managed
 * project SEC. Field types: mappings-field-types.test.ts; team-managed OPS: mappings-team-managed.test.ts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraIssueTracker } from '#adapters/jira-rest-client.ts';
import type {
  ConfigDto,
  ConfigVersionDto,
  ErrorDto,
  EventDto,
  FieldDto,
  IssueTypeDto,
  KeeperFieldDto,
  PriorityDto,
  ProjectDto,
  ValidationProblemDto,
} from '#shared/admin-api-types.ts';
import {
  type ConfigDraft,
  codeBlocks,
  MappingHarness,
  PRIORITY,
  SAMPLES_DIR,
  SEC,
  uniqueAlert,
} from '#test-support/mapping-harness.ts';

let relay: MappingHarness;

beforeAll(async () => {
  relay = await MappingHarness.start('relay-mappings-');
});

afterAll(async () => {
  await relay?.close();
});

describe('admin API discovery', () => {
  it.each([
    ['GET', '/api/projects'],
    ['GET', '/api/projects/SEC/issue-types'],
    ['GET', `/api/projects/SEC/issue-types/${SEC.task}/fields`],
    ['GET', '/api/projects/SEC/priorities'],
    ['GET', '/api/events'],
    ['GET', '/api/keeper-fields'],
    ['GET', '/api/config'],
    ['GET', '/api/config/history'],
    ['GET', '/api/deliveries'],
    ['PUT', '/api/config'],
    ['POST', '/api/config/reset'],
  ])('answers %s %s with 401 without an administrator session', async (method, path) => {
    // Act
    const response = await fetch(`${relay.runtime.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'GET'
        ? {}
        : { body: JSON.stringify({ expectedVersion: 0, projectKey: 'SEC', defaultIssueTypeId: SEC.task }) }),
    });

    // Assess
    expect(response.status).toBe(401);
    expect(((await response.json()) as ErrorDto).error).toBe('UNAUTHENTICATED');
  });

  it('lists the company-managed and the team-managed project with their style', async () => {
    // Act
    const { status, body } = await relay.admin.call<{ projects: ProjectDto[] }>('GET', '/api/projects');

    // Assess
    expect(status).toBe(200);
    expect(body.projects).toEqual(
      expect.arrayContaining([
        { id: '10000', key: 'SEC', name: 'Security Operations', style: 'classic' },
        { id: '10001', key: 'OPS', name: 'Ops Team', style: 'next-gen' },
      ]),
    );
  });

  it('lists the issue types of each project with sub-tasks marked', async () => {
    // Act
    const sec = await relay.admin.call<{ issueTypes: IssueTypeDto[] }>('GET', '/api/projects/SEC/issue-types');
    const ops = await relay.admin.call<{ issueTypes: IssueTypeDto[] }>('GET', '/api/projects/OPS/issue-types');

    // Assess
    const summary = (types: IssueTypeDto[]) =>
      types.map((t) => `${t.id} ${t.name}${t.subtask ? ' (sub-task)' : ''}`).sort();
    expect(summary(sec.body.issueTypes)).toEqual([
      '10001 Task',
      '10002 Epic',
      '10003 Sub-task (sub-task)',
      '10004 Bug',
      '10005 Incident',
    ]);
    expect(summary(ops.body.issueTypes)).toEqual(['10010 Task', '10011 Incident', '10012 Subtask (sub-task)']);
    expect(sec.body.issueTypes.find((t) => t.id === SEC.epic)?.hierarchyLevel).toBe(1);
  });

  it('describes every field of SEC Task with its type, required flag and allowed values', async () => {
    // Act
    const { status, body } = await relay.admin.call<{ fields: FieldDto[] }>(
      'GET',
      `/api/projects/SEC/issue-types/${SEC.task}/fields`,
    );

    // Assess
    expect(status).toBe(200);
    expect(body.fields).toHaveLength(27);
    const byId = new Map(body.fields.map((f) => [f.id, f]));
    const types = Object.fromEntries(body.fields.map((f) => [f.id, f.type]));
    expect(types).toMatchObject({
      summary: 'text',
      description: 'paragraph',
      environment: 'paragraph',
      priority: 'priority',
      labels: 'labels',
      reporter: 'user',
      assignee: 'user',
      duedate: 'date',
      customfield_10050: 'text',
      customfield_10051: 'select',
      customfield_10052: 'text',
      customfield_10053: 'text',
      customfield_10054: 'date-time',
      customfield_10055: 'select',
      customfield_10060: 'paragraph',
      customfield_10061: 'url',
      customfield_10062: 'number',
      customfield_10063: 'date',
      customfield_10064: 'multi-select',
      customfield_10065: 'checkboxes',
      customfield_10066: 'radio',
      customfield_10067: 'labels',
      customfield_10068: 'user',
      customfield_10069: 'multi-user',
    });
    expect(byId.get('issuetype')?.mappable).toBe(false);
    // The Security Level field is on the screen (the connection may set it) but the relay cannot fill it.
    expect(byId.get('security')).toMatchObject({ type: 'other', mappable: false });
    expect(byId.get('summary')).toMatchObject({ required: true, hasDefaultValue: false });
    expect(byId.get('reporter')).toMatchObject({ required: true, hasDefaultValue: true });
    expect(byId.get('customfield_10055')?.required).toBe(false);
    expect(byId.get('customfield_10051')?.allowedValues?.map((v) => v.label)).toEqual([
      'Login',
      'BreachWatch',
      'Policy',
      'Sharing',
      'Account',
      'Security',
      'Other',
    ]);
    expect(byId.get('customfield_10066')?.allowedValues).toEqual([
      { id: '10140', label: 'Not started' },
      { id: '10141', label: 'In progress' },
      { id: '10142', label: 'Contained' },
    ]);
    expect(byId.get('priority')?.allowedValues?.map((v) => v.label)).toEqual([
      'Highest',
      'High',
      'Medium',
      'Low',
      'Lowest',
    ]);
  });

  it('marks Alert Severity required on SEC Incident', async () => {
    // Act
    const { body } = await relay.admin.call<{ fields: FieldDto[] }>(
      'GET',
      `/api/projects/SEC/issue-types/${SEC.incident}/fields`,
    );

    // Assess
    expect(body.fields.find((f) => f.id === 'customfield_10055')).toMatchObject({
      name: 'Alert Severity',
      type: 'select',
      required: true,
    });
    expect(body.fields.some((f) => f.id === 'customfield_10062')).toBe(false);
  });

  it('reads every page of createmeta: 27 SEC Task fields over three pages of ten', async () => {
    // Prepare: the relay's own Jira adapter and connection, with a page size that forces pagination.
    const { tokens } = relay.runtime.core;
    const tracker = new JiraIssueTracker({
      apiUrl: relay.runtime.jiraUrl,
      cloudId: () => tokens.cloudId(),
      accessToken: () => tokens.accessToken(),
      timeoutMs: 1_500,
      pageSize: 10,
    });
    const viaApi = await relay.admin.call<{ fields: FieldDto[] }>(
      'GET',
      `/api/projects/SEC/issue-types/${SEC.task}/fields`,
    );
    await tokens.accessToken();
    await relay.standIn('POST', '/reset-counters');

    // Act
    const fields = await tracker.listCreateFields('SEC', SEC.task);

    // Assess
    const counts = await relay.standIn<{ routes: Record<string, number> }>('GET', '/requests');
    expect(fields.map((f) => f.fieldId)).toEqual(viaApi.body.fields.map((f) => f.id));
    expect(new Set(fields.map((f) => f.fieldId)).size).toBe(27);
    const createmetaCalls = Object.entries(counts.routes)
      .filter(([route]) => route.includes('createmeta'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(createmetaCalls).toBe(3);
  });

  it('lists the five priorities of SEC and none for OPS, whose layouts have no Priority', async () => {
    // Act
    const sec = await relay.admin.call<{ priorities: PriorityDto[] }>('GET', '/api/projects/SEC/priorities');
    const ops = await relay.admin.call<{ priorities: PriorityDto[] }>('GET', '/api/projects/OPS/priorities');

    // Assess
    expect(sec.body.priorities).toEqual([
      { id: '1', name: 'Highest' },
      { id: '2', name: 'High' },
      { id: '3', name: 'Medium' },
      { id: '4', name: 'Low' },
      { id: '5', name: 'Lowest' },
    ]);
    expect(ops.status).toBe(200);
    expect(ops.body.priorities).toEqual([]);
  });

  it('serves the 316 Keeper events with title and category', async () => {
    // Act
    const { status, body } = await relay.admin.call<{ events: EventDto[]; categories: string[] }>('GET', '/api/events');

    // Assess
    expect(status).toBe(200);
    expect(body.events).toHaveLength(316);
    expect(new Set(body.events.map((e) => e.event)).size).toBe(316);
    for (const event of body.events) {
      expect(event.title.trim(), event.event).not.toBe('');
      expect(body.categories, event.event).toContain(event.category);
    }
    expect(body.events.find((e) => e.event === 'login_failure')).toEqual({
      event: 'login_failure',
      title: 'Failed Login',
      category: 'login',
    });
    expect(body.events.find((e) => e.event === 'audit_alert_resumed')).toEqual({
      event: 'audit_alert_resumed',
      title: 'Resumed Alert',
      category: 'policy',
    });
    expect(body.categories).toEqual(expect.arrayContaining(['breachwatch', 'login', 'policy', 'security', 'share']));
  });

  it('offers payload fields Keeper added, nested ones included, once an alert carried them', async () => {
    // Prepare
    await relay.mustSave({ projectKey: 'SEC', defaultIssueTypeId: SEC.task });
    await relay.deliver(uniqueAlert({ keeper_new_field_2031: 'x', event: { record_uid: 'rUid-0000000000000000001' } }));

    // Act
    const { body } = await relay.admin.call<{ fields: KeeperFieldDto[] }>('GET', '/api/keeper-fields');

    // Assess
    const origin = Object.fromEntries(body.fields.map((f) => [f.path, f.origin]));
    expect(origin['keeper_new_field_2031']).toBe('received');
    expect(origin['event.record_uid']).toBe('received');
    expect(origin['remote_address']).toBe('both');
    expect(origin['device_name']).toBe('documented');
  });
});

describe('configuration versions', () => {
  it('increments the version on every save and records who saved it and when', async () => {
    // Prepare
    const before = await relay.configVersion();
    const startedAt = Date.now();

    // Act
    const first = await relay.mustSave({
      projectKey: 'SEC',
      defaultIssueTypeId: SEC.task,
      summaryTemplate: 'Keeper: {audit_event}',
    });
    const second = await relay.mustSave({
      projectKey: 'SEC',
      defaultIssueTypeId: SEC.task,
      fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
    });
    const history = await relay.admin.call<{ versions: ConfigVersionDto[] }>('GET', '/api/config/history');

    // Assess
    expect(first.version).toBe(before + 1);
    expect(second.version).toBe(before + 2);
    expect(second.updatedBy.displayName).toBe('Alice Admin');
    expect(second.summaryTemplate).toBe('{alert_name}: {audit_event}');
    const versions = history.body.versions.map((v) => v.version);
    expect(versions).toEqual(expect.arrayContaining([before + 1, before + 2]));
    for (const entry of history.body.versions.filter((v) => v.version > before)) {
      expect(entry.updatedBy).toEqual({
        accountId: '712020:a11ce000-0000-4000-8000-000000000001',
        displayName: 'Alice Admin',
      });
      expect(Date.parse(entry.updatedAt)).toBeGreaterThanOrEqual(startedAt - 1_000);
    }
    // What changed: the second save reset the template and changed the field mappings.
    const summary = history.body.versions.find((v) => v.version === before + 2)?.summary ?? '';
    expect(summary).toContain('summary template "{alert_name}: {audit_event}"');
    expect(summary).toMatch(/field mappings: 1 added/);
  });

  it('refuses a save based on a stale version with 409 CONFLICT and keeps the newer configuration', async () => {
    // Prepare
    const current = await relay.mustSave({
      projectKey: 'SEC',
      defaultIssueTypeId: SEC.task,
      summaryTemplate: 'Current: {audit_event}',
    });

    // Act
    const stale = await relay.admin.call<ErrorDto>('PUT', '/api/config', {
      expectedVersion: current.version - 1,
      projectKey: 'SEC',
      defaultIssueTypeId: SEC.bug,
    });

    // Assess
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('CONFLICT');
    const after = await relay.admin.call<{ config: ConfigDto }>('GET', '/api/config');
    expect(after.body.config.version).toBe(current.version);
    expect(after.body.config.defaultIssueTypeId).toBe(SEC.task);
  });
});

describe('save-time validation against live createmeta', () => {
  const severity = { fieldId: 'customfield_10055', constant: 'High' };
  const cases: {
    name: string;
    draft: ConfigDraft;
    problem: Omit<Partial<ValidationProblemDto>, 'message'> & { message: RegExp };
  }[] = [
    {
      name: 'a field of another project (OPS Remote IP Address on SEC)',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        fieldMappings: [{ fieldId: 'customfield_10100', source: 'remote_address' }],
      },
      problem: {
        fieldId: 'customfield_10100',
        issueType: 'Task',
        project: 'SEC',
        message: /not on the create screen of issue type Task in project SEC/,
      },
    },
    {
      name: 'a SEC-Task-only field while alerts can land in Incident',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        fieldMappings: [severity, { fieldId: 'customfield_10062', source: 'risk_score' }],
        issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: SEC.incident } },
      },
      problem: {
        fieldId: 'customfield_10062',
        issueType: 'Incident',
        project: 'SEC',
        message: /Risk Score.*not on the create screen of issue type Incident in project SEC/,
      },
    },
    {
      name: 'a required field left unmapped (Alert Severity on Incident, mapped for an event)',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        issueTypeMapping: { byEvent: { bw_record_high_risk: SEC.incident }, byCategory: {} },
      },
      problem: {
        fieldId: 'customfield_10055',
        issueType: 'Incident',
        project: 'SEC',
        message: /Alert Severity.*required for issue type Incident in project SEC/,
      },
    },
    {
      name: 'a sub-task type without a parent issue',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        issueTypeMapping: { byEvent: { login_failure: SEC.subtask }, byCategory: {} },
      },
      problem: {
        path: 'issueTypeMapping.byEvent.login_failure',
        issueType: 'Sub-task',
        project: 'SEC',
        message: /sub-task type.*parent/,
      },
    },
    {
      name: 'a priority that does not exist',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        priorityMapping: { byEvent: { login_failure: '99' }, byCategory: {} },
      },
      problem: {
        fieldId: 'priority',
        issueType: 'Task',
        project: 'SEC',
        message: /Priority 99 does not exist for issue type Task in project SEC/,
      },
    },
    {
      name: 'a field the relay sets itself (issue type)',
      draft: {
        projectKey: 'SEC',
        defaultIssueTypeId: SEC.task,
        fieldMappings: [{ fieldId: 'issuetype', constant: 'Bug' }],
      },
      problem: { fieldId: 'issuetype', project: 'SEC', message: /set by the relay/ },
    },
  ];

  it.each(cases)('refuses $name with a problem naming field, issue type and project', async ({ draft, problem }) => {
    // Prepare
    const before = await relay.configVersion();

    // Act
    const response = await relay.save(draft);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('VALIDATION_FAILED');
    expect(response.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...problem, message: expect.stringMatching(problem.message) }),
      ]),
    );
    expect(await relay.configVersion()).toBe(before);
  });

  it('stores the createmeta of every issue type the mapping can choose with the configuration', async () => {
    // Act
    const saved = await relay.mustSave({
      projectKey: 'SEC',
      defaultIssueTypeId: SEC.task,
      fieldMappings: [severity],
      issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: SEC.incident } },
    });

    // Assess
    const stored = await relay.runtime.adapters.configs.get();
    expect(stored?.version).toBe(saved.version);
    expect(Object.keys(stored?.fieldMeta ?? {}).sort()).toEqual([SEC.task, SEC.incident]);
    expect(stored?.fieldMeta[SEC.incident]?.find((f) => f.fieldId === 'customfield_10055')).toMatchObject({
      required: true,
      allowedValues: expect.any(Array),
    });
  });
});

describe('priority and issue type by event and by category', () => {
  const routing: ConfigDraft = {
    projectKey: 'SEC',
    defaultIssueTypeId: SEC.task,
    // Alert Severity is required on Incident and optional on Task.
    fieldMappings: [{ fieldId: 'customfield_10055', constant: 'high' }],
    issueTypeMapping: { byEvent: { login_failure: SEC.task }, byCategory: { login: SEC.incident } },
    priorityMapping: {
      byEvent: { login_failure: PRIORITY.highest },
      byCategory: { login: PRIORITY.low },
      defaultPriorityId: PRIORITY.lowest,
    },
  };
  const { category: _category, ...withoutCategory } = uniqueAlert();

  beforeAll(async () => {
    await relay.mustSave(routing);
  });

  it.each([
    {
      rule: 'the event rule over the category rule',
      alert: { audit_event: 'login_failure', category: 'login' },
      type: 'Task',
      priority: 'Highest',
    },
    {
      rule: 'the payload category rule',
      alert: { audit_event: 'login_console', category: 'login' },
      type: 'Incident',
      priority: 'Low',
    },
    {
      rule: 'the catalog category when the payload has none',
      alert: { audit_event: 'login_console', category: undefined },
      type: 'Incident',
      priority: 'Low',
    },
    {
      rule: 'the defaults for an event without rules',
      alert: { audit_event: 'change_master_password', category: undefined },
      type: 'Task',
      priority: 'Lowest',
    },
    {
      rule: 'the payload category for an event not in the catalog',
      alert: { audit_event: 'quantum_vault_breach_2031', category: 'login' },
      type: 'Incident',
      priority: 'Low',
    },
    {
      rule: 'the defaults for an event not in the catalog without a category',
      alert: { audit_event: 'quantum_vault_breach_2031', category: undefined },
      type: 'Task',
      priority: 'Lowest',
    },
  ])('applies $rule ($alert.audit_event → $type, $priority)', async ({ alert, type, priority }) => {
    // Prepare
    const body = { ...withoutCategory, ...alert, nonce: Math.random().toString(36).slice(2) };

    // Act
    const { issue, record } = await relay.deliver(JSON.parse(JSON.stringify(body)) as Record<string, unknown>);

    // Assess
    expect(issue.fields.issuetype?.name).toBe(type);
    expect(issue.fields.priority?.name).toBe(priority);
    expect(record.priority).toBe(priority);
    expect(issue.fields['customfield_10055']).toMatchObject({ id: '10111', value: 'High' });
    expect(record.droppedFields).toBeUndefined();
  });
});

describe('Keeper defaults ("Reset configuration") on SEC', () => {
  let seedIssueKey = '';

  it('resets SEC to Keeper’s documented mapping', async () => {
    // Prepare
    const before = await relay.configVersion();

    // Act
    const { status, body } = await relay.admin.call<{ config: ConfigDto } & Partial<ErrorDto>>(
      'POST',
      '/api/config/reset',
      { projectKey: 'SEC' },
    );

    // Assess
    expect(status, JSON.stringify(body.problems)).toBe(200);
    expect(body.config.version).toBe(before + 1);
    expect(body.config.projectKey).toBe('SEC');
    expect(body.config.defaultIssueTypeId).toBe(SEC.task);
    expect(body.config.summaryTemplate).toBe('{alert_name}: {audit_event}');
    expect(body.config.fieldMappings).toEqual(
      expect.arrayContaining([
        { fieldId: 'description', source: 'description' },
        { fieldId: 'customfield_10052', source: 'audit_event' },
        { fieldId: 'customfield_10050', source: 'remote_address' },
        { fieldId: 'customfield_10054', source: 'timestamp' },
      ]),
    );
    expect(body.config.priorityMapping.byCategory).toMatchObject({
      breachwatch: PRIORITY.highest,
      security: PRIORITY.high,
      policy: PRIORITY.medium,
      login: PRIORITY.low,
    });
  });

  it('turns Keeper’s documented example into the documented Task', async () => {
    // Prepare
    const raw = await readFile(join(SAMPLES_DIR, '01-seed-jira-itsm-audit_alert_resumed.json'), 'utf8');

    // Act
    const { issue, record } = await relay.deliver(raw);
    seedIssueKey = issue.key;

    // Assess
    expect(issue.fields.issuetype?.name).toBe('Task');
    expect(issue.fields.summary).toBe('Jira Alerts: audit_alert_resumed');
    expect(issue.fields['customfield_10052']).toBe('audit_alert_resumed');
    expect(issue.fields['customfield_10050']).toBe('110.227.52.162');
    // 2025-11-05T05:00:28.091Z as Jira stores a date-time: 2025-11-05 05:00:28 UTC.
    expect(issue.fields['customfield_10054']).toBe('2025-11-05T05:00:28.091+0000');
    expect(issue.fields.priority?.name).toBe('Medium');
    const [rawBlock] = codeBlocks(issue.fields.description);
    expect(JSON.parse(rawBlock ?? '')).toEqual(JSON.parse(raw));
    expect(record).toMatchObject({ status: 'delivered', issueKey: issue.key });
    expect(record.droppedFields).toBeUndefined();
  });

  it('creates an issue the stand-in accepts for every other sample alert', async () => {
    // Prepare
    const files = (await readdir(SAMPLES_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(19);
    const before = (await relay.issues()).length;

    // Act / Assess
    for (const file of files) {
      const raw = await readFile(join(SAMPLES_DIR, file), 'utf8');
      const response = await relay.post(raw);
      if (file.startsWith('01-')) {
        // Delivered and checked by the previous test: the same alert is a duplicate of that issue.
        expect(response.status, file).toBe(200);
        expect(response.body.issueKey, file).toBe(seedIssueKey);
        continue;
      }
      expect(response.status, `${file}: ${JSON.stringify(response.body)}`).toBe(201);
      const issue = await relay.issue(response.body.issueKey);
      expect(issue.fields.project?.key, file).toBe('SEC');
      const record = await relay.delivery(response.body.alertId);
      expect(record?.status, file).toBe('delivered');
      expect(record?.droppedFields, `${file}: ${JSON.stringify(record?.droppedFields)}`).toBeUndefined();
    }
    expect((await relay.issues()).length - before).toBe(files.length - 1);
  });
});
