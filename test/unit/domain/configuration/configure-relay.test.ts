import { describe, expect, it } from 'vitest';
import { type ConfigInput, saveConfiguration } from '#domain/configuration/configure-relay.ts';
import { ValidationError } from '#domain/errors.ts';
import type { JiraFieldMeta, JiraIssueType, JiraProject } from '#domain/ports.ts';
import type { Rule } from '#domain/relay-config.ts';
import {
  ManualClock,
  MemoryConfigStore,
  MemoryLedger,
  RecordingQueue,
  ScriptedTracker,
} from '#test-support/in-memory-ports.ts';
import {
  EPIC,
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

/** Jira with the SEC and OPS projects of the fixtures; remembers which createmeta was asked for. */
class ProjectsTracker extends ScriptedTracker {
  readonly createmeta: string[] = [];
  override async listProjects(): Promise<JiraProject[]> {
    return [SEC, OPS];
  }
  override async listIssueTypes(projectKey: string): Promise<JiraIssueType[]> {
    return projectKey === 'OPS' ? OPS_ISSUE_TYPES : SEC_ISSUE_TYPES;
  }
  override async listCreateFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]> {
    this.createmeta.push(`${projectKey}/${issueTypeId}`);
    return (projectKey === 'OPS' ? opsFieldMeta() : secFieldMeta())[issueTypeId] ?? [];
  }
}

const ADMIN = { accountId: 'admin-1', displayName: 'Jira Admin' };

function setup() {
  const tracker = new ProjectsTracker();
  tracker.assignable = [{ accountId: 'acc-ops', displayName: 'Ops Person' }];
  tracker.securityLevels = [{ id: '10400', name: 'Security team' }];
  const configs = new MemoryConfigStore();
  const deps = { tracker, configs, ledger: new MemoryLedger(), queue: new RecordingQueue(), clock: new ManualClock() };
  return { deps, tracker, configs };
}

function input(rules: Rule[]): ConfigInput {
  const config = secConfig();
  return {
    expectedVersion: 0,
    projectKey: 'SEC',
    defaultIssueTypeId: TASK,
    fieldMappings: config.fieldMappings,
    priorityMapping: config.priorityMapping,
    issueTypeMapping: config.issueTypeMapping,
    rules,
  };
}

function rule(actions: Rule['actions'], id = 'logins'): Rule {
  return {
    id,
    name: 'Logins',
    enabled: true,
    when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
    actions,
  };
}

describe('configure-relay', () => {
  describe('saveConfiguration', () => {
    it('stores the metadata of the projects rules route to, with the createmeta of their issue types', async () => {
      // Prepare
      const { deps, tracker } = setup();

      // Act
      const saved = await saveConfiguration(
        deps,
        input([rule({ route: { projectKey: 'ops', issueTypeId: OPS_TASK }, assigneeAccountId: 'acc-ops' })]),
        ADMIN,
      );

      // Assess
      expect(Object.keys(saved.routedProjects)).toEqual(['OPS']);
      expect(saved.routedProjects['OPS']).toEqual({
        project: OPS,
        issueTypes: OPS_ISSUE_TYPES,
        fieldMeta: { [OPS_TASK]: opsFieldMeta()[OPS_TASK] },
      });
      expect(tracker.createmeta).toContain(`OPS/${OPS_TASK}`);
      expect(saved.rules).toHaveLength(1);
    });

    it('loads the create screen of a rule’s issue type in the default project', async () => {
      // Prepare
      const { deps, tracker } = setup();

      // Act
      const saved = await saveConfiguration(deps, input([rule({ route: { issueTypeId: EPIC } })]), ADMIN);

      // Assess
      expect(tracker.createmeta).toContain(`SEC/${EPIC}`);
      expect(saved.fieldMeta[EPIC]).toEqual(secFieldMeta()[EPIC]);
      expect(saved.routedProjects).toEqual({});
    });

    it('refuses a rule whose project, assignee or security level Jira does not have, with a path for each', async () => {
      // Prepare
      const { deps, configs } = setup();
      const rules = [
        rule({ route: { projectKey: 'NOPE', issueTypeId: '1' } }, 'a'),
        rule({ route: { projectKey: 'OPS', issueTypeId: OPS_TASK }, assigneeAccountId: 'acc-stranger' }, 'b'),
        rule({ securityLevelId: '10499' }, 'c'),
      ];

      // Act
      const error = await saveConfiguration(deps, input(rules), ADMIN).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).details.map((p) => p.path);
      expect(paths).toContain('rules.0.actions.route.projectKey');
      expect(paths).toContain('rules.1.actions.assigneeAccountId');
      expect(paths).toContain('rules.2.actions.securityLevelId');
      expect(configs.versions).toEqual([]);
    });
  });
});
