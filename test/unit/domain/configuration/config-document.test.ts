import { describe, expect, it } from 'vitest';
import {
  CONFIG_DOCUMENT_FORMAT,
  configChoices,
  readConfigDocument,
  toConfigDocument,
} from '#domain/configuration/config-document.ts';
import { ValidationError } from '#domain/errors.ts';
import type { Rule } from '#domain/relay-config.ts';
import { F, INCIDENT, OPS, opsConfig, PRIORITY, secConfig } from '#test-support/jira-fixtures.ts';

const EXPORTED_AT = new Date('2026-11-23T12:00:00.000Z');

const grouping: Rule = {
  id: 'failed-logins',
  name: 'Failed logins per user',
  enabled: true,
  when: {
    match: 'all',
    clauses: [
      { kind: 'event', in: ['login_failure'] },
      { kind: 'field', path: 'remote_address', op: 'cidr', values: ['10.0.0.0/8'] },
    ],
  },
  actions: {
    priorityId: PRIORITY.high,
    redact: ['remote_address'],
    grouping: {
      key: ['audit_event', 'username'],
      windowMinutes: 30,
      commentIntervalSeconds: 120,
      reopenWindowHours: 4,
    },
    escalation: { occurrences: 10, withinMinutes: 15, priorityId: PRIORITY.highest },
    stormCap: 20,
  },
};

/** A saved configuration with every kind of choice, and metadata resolved from Jira. */
function savedWithRules() {
  const ops = opsConfig();
  return secConfig({
    parentIssueKey: 'SEC-1',
    fieldMappings: [
      { fieldId: F.remoteIp, source: 'remote_address' },
      { fieldId: F.owner, constant: 'jane.roe@example.com' },
    ],
    priorityMapping: { byEvent: { login_failure: PRIORITY.medium }, byCategory: {}, defaultPriorityId: PRIORITY.low },
    rules: [grouping, { ...grouping, id: 'to-ops', name: 'To OPS', actions: { route: { projectKey: 'OPS' } } }],
    counterEvents: [{ open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] }],
    wontDoResolutions: ["Won't Do"],
    groupFields: { occurrencesFieldId: F.riskScore },
    redactionRetentionDays: 7,
    routedProjects: { OPS: { project: OPS, issueTypes: ops.issueTypes, fieldMeta: ops.fieldMeta } },
  });
}

function problemsOf(act: () => unknown): { message: string; details: readonly { path: string; message: string }[] } {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('config-document', () => {
  describe('toConfigDocument', () => {
    it('holds the choices only, with where and when it was exported', () => {
      // Prepare
      const config = savedWithRules();

      // Act
      const document = toConfigDocument(config, 'https://acme.atlassian.net', EXPORTED_AT);

      // Assess
      expect(document).toMatchObject({
        format: CONFIG_DOCUMENT_FORMAT,
        formatVersion: 1,
        exportedAt: '2026-11-23T12:00:00.000Z',
        source: { site: 'https://acme.atlassian.net', configVersion: 3 },
      });
      expect(Object.keys(document.config).sort()).toEqual(
        [
          'counterEvents',
          'defaultIssueTypeId',
          'fieldMappings',
          'groupFields',
          'issueTypeMapping',
          'parentIssueKey',
          'priorityMapping',
          'projectKey',
          'redactionRetentionDays',
          'rules',
          'summaryTemplate',
          'wontDoResolutions',
        ].sort(),
      );
      const text = JSON.stringify(document);
      expect(text).not.toContain('acc-jane');
      expect(text).not.toContain('allowedValues');
      expect(text).not.toContain('Operations');
    });

    it('does not share arrays with the configuration it came from', () => {
      // Prepare
      const config = savedWithRules();

      // Act
      const document = toConfigDocument(config, 'https://acme.atlassian.net', EXPORTED_AT);
      document.config.rules?.pop();

      // Assess
      expect(config.rules).toHaveLength(2);
    });
  });

  describe('readConfigDocument', () => {
    it('gives back the same choices after an export written to a file and read again', () => {
      // Prepare
      const config = savedWithRules();
      const file = JSON.stringify(toConfigDocument(config, 'https://acme.atlassian.net', EXPORTED_AT), null, 2);

      // Act
      const choices = readConfigDocument(JSON.parse(file));

      // Assess
      expect(choices).toEqual(configChoices(config));
      expect(choices.rules?.[0]?.actions.grouping?.windowMinutes).toBe(30);
    });

    it('fills what an older document left out the way the schema defaults it', () => {
      // Prepare: a rule without `enabled`, from a hand-written file
      const { enabled: _enabled, ...written } = grouping;

      // Act
      const choices = readConfigDocument({
        format: CONFIG_DOCUMENT_FORMAT,
        formatVersion: 1,
        config: { projectKey: 'SEC', defaultIssueTypeId: INCIDENT, rules: [written] },
      });

      // Assess
      expect(choices.rules?.[0]?.enabled).toBe(true);
      expect(choices.fieldMappings).toBeUndefined();
    });

    it.each([
      ['null', null],
      ['an array', [1, 2]],
      ['a string', 'keeper-jira-relay/config'],
    ])('refuses %s as not a JSON object', (_name, json) => {
      // Act
      const refused = problemsOf(() => readConfigDocument(json));

      // Assess
      expect(refused.message).toBe('The file is not a relay configuration: it is not a JSON object');
    });

    it('refuses another format, naming it and the one expected', () => {
      // Act
      const refused = problemsOf(() => readConfigDocument({ format: 'something/else', formatVersion: 1, config: {} }));

      // Assess
      expect(refused.message).toBe(
        'The file is not a relay configuration: it has format "something/else", expected "keeper-jira-relay/config"',
      );
      expect(refused.details).toEqual([{ path: 'format', message: 'expected "keeper-jira-relay/config"' }]);
    });

    it('refuses a newer format version, naming both versions', () => {
      // Act
      const refused = problemsOf(() =>
        readConfigDocument({ format: CONFIG_DOCUMENT_FORMAT, formatVersion: 2, config: {} }),
      );

      // Assess
      expect(refused.message).toContain('format version 2, newer than version 1 that this relay understands');
      expect(refused.details[0]?.path).toBe('formatVersion');
    });

    it('refuses a missing or broken format version', () => {
      // Act
      const missing = problemsOf(() => readConfigDocument({ format: CONFIG_DOCUMENT_FORMAT, config: {} }));
      const broken = problemsOf(() => readConfigDocument({ format: CONFIG_DOCUMENT_FORMAT, formatVersion: '1' }));

      // Assess
      expect(missing.details[0]?.path).toBe('formatVersion');
      expect(broken.details[0]?.path).toBe('formatVersion');
    });

    it('names every schema problem of the configuration by its path', () => {
      // Prepare
      const document = {
        format: CONFIG_DOCUMENT_FORMAT,
        formatVersion: 1,
        config: {
          projectKey: 'SEC',
          defaultIssueTypeId: '',
          rules: [grouping, { ...grouping, id: 'Not An Id!', actions: { ...grouping.actions, stormCap: 0 } }],
          counterEvents: [{ open: 'set_two_factor_off', key: [] }],
        },
      };

      // Act
      const refused = problemsOf(() => readConfigDocument(document));

      // Assess
      expect(refused.message).toMatch(/^The configuration document was not imported: \d+ problem\(s\)/);
      const paths = refused.details.map((p) => p.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'defaultIssueTypeId',
          'rules.1.id',
          'rules.1.actions.stormCap',
          'counterEvents.0.close',
        ]),
      );
      expect(refused.details.every((p) => p.message !== 'Invalid input')).toBe(true);
    });

    it('refuses a document without a configuration', () => {
      // Act
      const refused = problemsOf(() => readConfigDocument({ format: CONFIG_DOCUMENT_FORMAT, formatVersion: 1 }));

      // Assess
      expect(refused.details[0]?.path).toBe('config');
    });
  });
});
