import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COMMENT_INTERVAL_SECONDS,
  DEFAULT_GROUP_KEY,
  DEFAULT_GROUP_WINDOW_MINUTES,
  DEFAULT_REOPEN_WINDOW_HOURS,
  KEEPER_COUNTER_EVENTS as DOMAIN_COUNTER_EVENTS,
  DEFAULT_WONT_DO_RESOLUTIONS as DOMAIN_WONT_DO,
  ruleSchema,
} from '#domain/relay-config.ts';
import type { ConfigDto, RuleDto } from '#shared/admin-api-types.ts';
import {
  DEFAULT_WONT_DO_RESOLUTIONS,
  draftFromRule,
  dropTarget,
  duplicateRule,
  GROUPING_DEFAULTS,
  KEEPER_COUNTER_EVENTS,
  moveAnnouncement,
  moveItem,
  newRule,
  newRuleId,
  RULE_ID_PATTERN,
  ruleFromDraft,
  rulesPart,
  settingsFromConfig,
} from '../../../web-admin/src/rule-draft.ts';

const FULL_RULE: RuleDto = {
  id: 'rule-abc12345',
  name: 'Failed logins from outside',
  enabled: false,
  when: {
    match: 'all',
    clauses: [
      { kind: 'event', in: ['login_failure', 'login_failure_2fa'] },
      { match: 'any', clauses: [{ kind: 'field', path: 'remote_address', op: 'cidr', values: ['10.0.0.0/8'] }] },
    ],
  },
  actions: {
    route: { projectKey: 'OPS', issueTypeId: '10010' },
    priorityId: '2',
    assigneeAccountId: '5b10ac8d82e05b22cc7d4ef5',
    labels: ['keeper', 'login'],
    securityLevelId: '10001',
    redact: ['username'],
    grouping: {
      key: ['audit_event', 'username'],
      windowMinutes: 30,
      commentIntervalSeconds: 120,
      reopenWindowHours: 12,
    },
    escalation: { occurrences: 10, withinMinutes: 15, priorityId: '1' },
    stormCap: 50,
  },
};

describe('rule-draft', () => {
  it('keeps the relay’s defaults: counter-event pairs, resolutions and grouping', () => {
    // Assess
    expect(KEEPER_COUNTER_EVENTS).toEqual(DOMAIN_COUNTER_EVENTS);
    expect(DEFAULT_WONT_DO_RESOLUTIONS).toEqual(DOMAIN_WONT_DO);
    expect(GROUPING_DEFAULTS).toEqual({
      key: DEFAULT_GROUP_KEY,
      windowMinutes: DEFAULT_GROUP_WINDOW_MINUTES,
      commentIntervalSeconds: DEFAULT_COMMENT_INTERVAL_SECONDS,
      reopenWindowHours: DEFAULT_REOPEN_WINDOW_HOURS,
    });
  });

  it('makes rule ids the configuration accepts, never one already taken', () => {
    // Prepare
    let n = 0;
    const repeating = (): number => [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9][n++ % 9] ?? 0;
    const taken = newRuleId([], () => 0.1);
    // Act
    const next = newRuleId([taken], repeating);
    // Assess
    expect(taken).toMatch(RULE_ID_PATTERN);
    expect(next).toMatch(RULE_ID_PATTERN);
    expect(next).not.toBe(taken);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999_999, noNaN: true }), (r) =>
        RULE_ID_PATTERN.test(newRuleId([], () => r)),
      ),
    );
  });

  it('turns a saved rule into a draft and back without losing anything', () => {
    // Act
    const back = ruleFromDraft(draftFromRule(FULL_RULE));
    // Assess
    expect(back).toEqual(FULL_RULE);
  });

  it('builds rules the configuration schema accepts from a new rule filled in', () => {
    // Prepare
    const draft = newRule('rule-new00001', ' Repeated failures ');
    draft.when.clauses = [{ kind: 'event', in: ['login_failure'] }];
    draft.actions.grouping.on = true;
    draft.actions.stormCap.on = true;
    // Act
    const rule = ruleFromDraft(draft);
    // Assess
    expect(ruleSchema.safeParse(rule).success).toBe(true);
    expect(rule.name).toBe('Repeated failures');
    expect(rule.actions).toEqual({
      grouping: {
        key: ['audit_event', 'username'],
        windowMinutes: 60,
        commentIntervalSeconds: 60,
        reopenWindowHours: 24,
      },
      stormCap: 50,
    });
  });

  it('keeps only suppress for a suppressing rule, whatever else the form still holds', () => {
    // Prepare
    const draft = draftFromRule(FULL_RULE);
    draft.actions.suppress = true;
    // Act
    const rule = ruleFromDraft(draft);
    // Assess
    expect(rule.actions).toEqual({ suppress: true });
    expect(draft.actions.priorityId).toBe('2');
  });

  it('duplicates a rule deeply under a new id and name', () => {
    // Prepare
    const original = draftFromRule(FULL_RULE);
    // Act
    const copy = duplicateRule(original, 'rule-copy0001');
    copy.actions.labels.push('extra');
    // Assess
    expect(copy.id).toBe('rule-copy0001');
    expect(copy.name).toBe('Copy of Failed logins from outside');
    expect(original.actions.labels).toEqual(['keeper', 'login']);
  });

  it('moves an item and keeps every other item in order', () => {
    // Act / Assess
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(['a', 'b'], 1, 9)).toEqual(['a', 'b']);
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (list, f, t) => {
        const from = f % list.length;
        const to = t % list.length;
        const moved = moveItem(list, from, to);
        return moved[to] === list[from] && [...moved].sort().join() === [...list].sort().join();
      }),
    );
  });

  it('drops a dragged card before or after the one under the pointer', () => {
    // Act / Assess: four cards, the first dragged
    expect(dropTarget(0, 2, false)).toBe(1);
    expect(dropTarget(0, 2, true)).toBe(2);
    expect(dropTarget(3, 0, false)).toBe(0);
    expect(dropTarget(3, 1, true)).toBe(2);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.nat(), fc.nat(), fc.boolean(), (n, f, o, after) => {
        const from = f % n;
        const over = o % n;
        const list = Array.from({ length: n }, (_, i) => i);
        const moved = moveItem(list, from, dropTarget(from, over, after));
        if (over === from) return true;
        const at = moved.indexOf(from);
        return after ? moved[at - 1] === over : moved[at + 1] === over;
      }),
    );
  });

  it('announces a move with the rule’s name and position', () => {
    // Act / Assess
    expect(moveAnnouncement('Failed logins', 2, 5)).toBe('Rule Failed logins moved to position 2 of 5');
    expect(moveAnnouncement('  ', 1, 1)).toBe('Rule without a name moved to position 1 of 1');
  });

  it('builds the rules part of a configuration from the rules and settings drafts', () => {
    // Prepare
    const settings = settingsFromConfig({
      counterEvents: [{ open: 'a', close: 'b', key: ['username'] }],
      wontDoResolutions: ['Declined'],
      groupFields: { lastSeenFieldId: 'customfield_10071' },
      redactionRetentionDays: 30,
    } as unknown as ConfigDto);
    settings.redactionRetentionDays = ' 7 ';
    // Act
    const part = rulesPart([draftFromRule(FULL_RULE)], settings);
    // Assess
    expect(part).toEqual({
      rules: [FULL_RULE],
      counterEvents: [{ open: 'a', close: 'b', key: ['username'] }],
      wontDoResolutions: ['Declined'],
      groupFields: { lastSeenFieldId: 'customfield_10071' },
      redactionRetentionDays: 7,
    });
  });
});
