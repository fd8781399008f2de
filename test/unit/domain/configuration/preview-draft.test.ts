import { describe, expect, it } from 'vitest';
import { type MetadataReader, previewDraft } from '#domain/configuration/preview-draft.ts';
import { ValidationError } from '#domain/errors.ts';
import type { Rule } from '#domain/relay-config.ts';
import {
  EPIC,
  INCIDENT,
  OPS,
  OPS_ISSUE_TYPES,
  OPS_TASK,
  opsFieldMeta,
  SEC,
  SEC_ISSUE_TYPES,
  secConfig,
  secFieldMeta,
  TASK,
} from '#test-support/jira-fixtures.ts';

const context = { actor: { accountId: 'acc-1', displayName: 'Ada' }, now: new Date('2026-11-23T12:00:00.000Z') };

/** Jira's list calls over SEC and OPS, each remembered. */
function listingJira(): MetadataReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listProjects: async () => {
      calls.push('listProjects');
      return [SEC, OPS];
    },
    listIssueTypes: async (key) => {
      calls.push(`listIssueTypes ${key}`);
      return key === 'OPS' ? OPS_ISSUE_TYPES : SEC_ISSUE_TYPES;
    },
    listCreateFields: async (key, id) => {
      calls.push(`listCreateFields ${key} ${id}`);
      return (key === 'OPS' ? opsFieldMeta() : secFieldMeta())[id] ?? [];
    },
  };
}

const toOps = (issueTypeId?: string): Rule => ({
  id: 'to-ops',
  name: 'To OPS',
  enabled: true,
  when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
  actions: { route: { projectKey: 'OPS', ...(issueTypeId ? { issueTypeId } : {}) } },
});

describe('preview-draft', () => {
  it("puts the draft's choices over the saved metadata without asking Jira", async () => {
    // Prepare
    const jira = listingJira();
    const saved = secConfig();

    // Act
    const config = await previewDraft(
      jira,
      { projectKey: 'sec', defaultIssueTypeId: INCIDENT, summaryTemplate: '  ' },
      saved,
      context,
    );

    // Assess
    expect(jira.calls).toEqual([]);
    expect(config).toMatchObject({
      project: SEC,
      defaultIssueTypeId: INCIDENT,
      summaryTemplate: '{alert_name}: {audit_event}',
      fieldMappings: [],
      rules: [],
      issueTypes: saved.issueTypes,
      updatedBy: { accountId: 'acc-1', displayName: 'Ada' },
    });
    expect(config.counterEvents.length).toBeGreaterThan(0);
  });

  it('reads the create screen of a chosen issue type the saved configuration did not load', async () => {
    // Prepare
    const jira = listingJira();
    const { [EPIC]: _epic, ...fieldMeta } = secFieldMeta();
    const saved = secConfig({ fieldMeta });

    // Act
    const config = await previewDraft(jira, { projectKey: 'SEC', defaultIssueTypeId: EPIC }, saved, context);

    // Assess
    expect(jira.calls).toEqual([`listCreateFields SEC ${EPIC}`]);
    expect(config.fieldMeta[EPIC]).toBeDefined();
  });

  it('resolves a project a rule routes to for the first time, and reuses a saved one', async () => {
    // Prepare
    const jira = listingJira();
    const ops = { project: OPS, issueTypes: OPS_ISSUE_TYPES, fieldMeta: opsFieldMeta() };

    // Act
    const fresh = await previewDraft(
      jira,
      { projectKey: 'SEC', defaultIssueTypeId: TASK, rules: [toOps(OPS_TASK)] },
      secConfig(),
      context,
    );
    const firstCalls = [...jira.calls];
    const reused = await previewDraft(
      jira,
      { projectKey: 'SEC', defaultIssueTypeId: TASK, rules: [toOps(OPS_TASK)] },
      secConfig({ routedProjects: { OPS: ops } }),
      context,
    );

    // Assess
    expect(firstCalls).toEqual(['listProjects', 'listIssueTypes OPS', `listCreateFields OPS ${OPS_TASK}`]);
    expect(fresh.routedProjects['OPS']?.issueTypes).toEqual(OPS_ISSUE_TYPES);
    expect(jira.calls).toEqual(firstCalls);
    expect(reused.routedProjects['OPS']).toEqual(ops);
  });

  it('names the rule that routes to a project Jira does not list', async () => {
    // Prepare
    const jira = listingJira();
    const rule = { ...toOps(), actions: { route: { projectKey: 'GONE' } } };

    // Act
    const refused = await previewDraft(
      jira,
      { projectKey: 'SEC', defaultIssueTypeId: TASK, rules: [rule] },
      secConfig(),
      context,
    ).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details).toEqual([
      { path: 'rules.0.actions.route.projectKey', message: 'Project GONE not found', project: 'GONE' },
    ]);
  });
});
