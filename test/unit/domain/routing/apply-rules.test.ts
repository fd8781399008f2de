import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { Rule } from '#domain/relay-config.ts';
import { decideAlert, matchingRule } from '#domain/routing/apply-rules.ts';
import { INCIDENT, PRIORITY, secConfig } from '#test-support/jira-fixtures.ts';

const loginFailure = parseAlertBody(JSON.stringify({ audit_event: 'login_failure', username: 'alice@example.com' }));

function rule(id: string, events: string[], actions: Rule['actions'] = {}, enabled = true): Rule {
  return { id, name: `Rule ${id}`, enabled, when: { match: 'all', clauses: [{ kind: 'event', in: events }] }, actions };
}

describe('apply-rules', () => {
  describe('matchingRule', () => {
    it('returns the first enabled rule that matches, in order', () => {
      // Prepare
      const rules = [
        rule('a', ['login_success']),
        rule('b', ['login_failure'], {}, false),
        rule('c', ['login_failure']),
        rule('d', ['login_failure']),
      ];

      // Act / Assess
      expect(matchingRule(rules, loginFailure)?.id).toBe('c');
      expect(matchingRule([], loginFailure)).toBeUndefined();
    });
  });

  describe('decideAlert', () => {
    it('follows the default configuration when no rule matches', () => {
      // Prepare
      const config = secConfig({ rules: [rule('a', ['login_success'], { suppress: true })] });

      // Act
      const decision = decideAlert(loginFailure, config);

      // Assess
      expect(decision).toEqual({ suppress: false, projectKey: 'SEC', labels: [], redact: [] });
    });

    it('takes every action of the first matching rule', () => {
      // Prepare
      const grouping = {
        key: ['audit_event', 'username'],
        windowMinutes: 60,
        commentIntervalSeconds: 60,
        reopenWindowHours: 24,
      };
      const escalation = { occurrences: 10, withinMinutes: 10, priorityId: PRIORITY.high };
      const config = secConfig({
        rules: [
          rule('disabled', ['login_failure'], { suppress: true }, false),
          rule('logins', ['login_failure'], {
            route: { projectKey: 'ops', issueTypeId: '10200' },
            priorityId: PRIORITY.high,
            assigneeAccountId: 'acc-jane',
            labels: ['brute force'],
            securityLevelId: '10300',
            redact: ['username'],
            grouping,
            escalation,
            stormCap: 20,
          }),
          rule('later', ['login_failure'], { suppress: true }),
        ],
      });

      // Act
      const decision = decideAlert(loginFailure, config);

      // Assess
      expect(decision).toEqual({
        rule: { id: 'logins', name: 'Rule logins' },
        suppress: false,
        projectKey: 'OPS',
        issueTypeId: '10200',
        priorityId: PRIORITY.high,
        assigneeAccountId: 'acc-jane',
        labels: ['brute force'],
        securityLevelId: '10300',
        redact: ['username'],
        grouping,
        escalation,
        stormCap: 20,
      });
    });

    it('keeps the default project when the rule routes only the issue type or names the default project', () => {
      // Prepare
      const config = secConfig({
        rules: [rule('a', ['login_failure'], { route: { issueTypeId: INCIDENT } })],
      });
      const sameProject = secConfig({ rules: [rule('b', ['login_failure'], { route: { projectKey: ' sec ' } })] });

      // Act / Assess
      expect(decideAlert(loginFailure, config)).toMatchObject({ projectKey: 'SEC', issueTypeId: INCIDENT });
      expect(decideAlert(loginFailure, sameProject).projectKey).toBe('SEC');
    });

    it('suppresses when the matching rule says so', () => {
      // Prepare
      const config = secConfig({ rules: [rule('quiet', ['login_failure'], { suppress: true })] });

      // Act / Assess
      expect(decideAlert(loginFailure, config)).toMatchObject({ suppress: true, rule: { id: 'quiet' } });
    });
  });
});
