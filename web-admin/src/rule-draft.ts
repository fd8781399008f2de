/**
 * The Rules tab's editable model: rules, counter-event pairs and grouping settings as the forms
 * hold them (numbers still as typed), and the conversions to and from the configuration's shape.
 * Also the list operations the editor offers (new ids, duplicate, reorder). Pure: no DOM.
 */
import type { ConfigDto, ConfigInputDto, CounterEventDto, RuleDto } from '#shared/admin-api-types.ts';

export type MatchMode = 'all' | 'any';
export type FieldOp = 'equals' | 'in' | 'matches' | 'cidr';

export interface EventClauseDraft {
  kind: 'event';
  in: string[];
}

export interface CategoryClauseDraft {
  kind: 'category';
  in: string[];
}

export type ListClauseDraft = EventClauseDraft | CategoryClauseDraft;

export interface FieldClauseDraft {
  kind: 'field';
  path: string;
  op: FieldOp;
  values: string[];
}

export type LeafClauseDraft = ListClauseDraft | FieldClauseDraft;

/** One level of nesting, as the configuration allows. */
export interface GroupClauseDraft {
  kind: 'group';
  match: MatchMode;
  clauses: LeafClauseDraft[];
}

export type ClauseDraft = LeafClauseDraft | GroupClauseDraft;
export type ClauseKind = ClauseDraft['kind'];

export interface ConditionDraft {
  match: MatchMode;
  clauses: ClauseDraft[];
}

/** Numbers are kept as typed, so a half-typed value can be reported instead of silently dropped. */
export interface ActionsDraft {
  projectKey: string;
  issueTypeId: string;
  priorityId: string;
  assigneeAccountId: string;
  labels: string[];
  securityLevelId: string;
  suppress: boolean;
  redact: string[];
  grouping: {
    on: boolean;
    key: string[];
    windowMinutes: string;
    commentIntervalSeconds: string;
    reopenWindowHours: string;
  };
  escalation: { on: boolean; occurrences: string; withinMinutes: string; priorityId: string };
  stormCap: { on: boolean; perHour: string };
}

export interface RuleDraft {
  id: string;
  name: string;
  enabled: boolean;
  when: ConditionDraft;
  actions: ActionsDraft;
}

export interface CounterEventDraft {
  open: string;
  close: string;
  key: string[];
}

export interface SettingsDraft {
  counterEvents: CounterEventDraft[];
  wontDoResolutions: string[];
  occurrencesFieldId: string;
  lastSeenFieldId: string;
  redactionRetentionDays: string;
}

/**
 * Copies of the relay's defaults (`lambdas/domain/relay-config.ts`; the site may import only API
 * types from the back end). A unit test keeps them equal.
 */
export const GROUPING_DEFAULTS = {
  key: ['audit_event', 'username'],
  windowMinutes: 60,
  commentIntervalSeconds: 60,
  reopenWindowHours: 24,
} as const;

/** What the storm cap field suggests when it is switched on. */
export const SUGGESTED_STORM_CAP = 50;

/** Keeper's pairs of an event and the event that undoes it. */
export const KEEPER_COUNTER_EVENTS: readonly CounterEventDto[] = [
  { open: 'audit_alert_paused', close: 'audit_alert_resumed', key: [] },
  { open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] },
  { open: 'device_user_locked', close: 'device_user_unlocked', key: ['username'] },
  { open: 'folder_remove_user', close: 'folder_add_user', key: ['shared_folder_uid', 'to_username'] },
  { open: 'folder_remove_team', close: 'folder_add_team', key: ['shared_folder_uid', 'team_uid'] },
  { open: 'folder_remove_record', close: 'folder_add_record', key: ['shared_folder_uid', 'record_uid'] },
  { open: 'msp_pauses_mc', close: 'msp_resumes_mc', key: ['enterprise_id'] },
];

export const DEFAULT_WONT_DO_RESOLUTIONS: readonly string[] = [
  "Won't Do",
  "Won't Fix",
  'Duplicate',
  'Declined',
  'Cannot Reproduce',
];

export const DEFAULT_REDACTION_RETENTION_DAYS = 30;

/** Group-key paths offered as one-click additions next to the default key. */
export const GROUP_KEY_QUICK_PICKS: readonly { path: string; label: string }[] = [
  { path: 'remote_address', label: 'remote address' },
  { path: 'record_uid', label: 'record uid' },
];

// --- Rules ---------------------------------------------------------------------------------------

export const RULE_ID_PATTERN = /^[a-z0-9-]{1,40}$/;

/** `rule-` and eight base-36 characters, unused among `existing`. */
export function newRuleId(existing: Iterable<string>, random: () => number = Math.random): string {
  const taken = new Set(existing);
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 8; i += 1) suffix += Math.floor(random() * 36).toString(36);
    const id = `rule-${suffix}`;
    if (!taken.has(id)) return id;
  }
}

export function emptyActions(): ActionsDraft {
  return {
    projectKey: '',
    issueTypeId: '',
    priorityId: '',
    assigneeAccountId: '',
    labels: [],
    securityLevelId: '',
    suppress: false,
    redact: [],
    grouping: {
      on: false,
      key: [...GROUPING_DEFAULTS.key],
      windowMinutes: String(GROUPING_DEFAULTS.windowMinutes),
      commentIntervalSeconds: String(GROUPING_DEFAULTS.commentIntervalSeconds),
      reopenWindowHours: String(GROUPING_DEFAULTS.reopenWindowHours),
    },
    escalation: { on: false, occurrences: '10', withinMinutes: '30', priorityId: '' },
    stormCap: { on: false, perHour: String(SUGGESTED_STORM_CAP) },
  };
}

/** A new rule: enabled, one empty event condition to fill in, no actions yet. */
export function newRule(id: string, name = ''): RuleDraft {
  return { id, name, enabled: true, when: { match: 'all', clauses: [emptyClause('event')] }, actions: emptyActions() };
}

export function emptyClause(kind: 'event' | 'category' | 'field'): LeafClauseDraft;
export function emptyClause(kind: ClauseKind): ClauseDraft;
export function emptyClause(kind: ClauseKind): ClauseDraft {
  if (kind === 'group') return { kind: 'group', match: 'any', clauses: [emptyClause('event')] };
  if (kind === 'field') return { kind: 'field', path: '', op: 'equals', values: [] };
  return { kind, in: [] };
}

type RuleClause = RuleDto['when']['clauses'][number];
type LeafClause = Exclude<RuleClause, { match: unknown }>;

function leafDraft(clause: LeafClause): LeafClauseDraft {
  if (clause.kind === 'field') return { kind: 'field', path: clause.path, op: clause.op, values: [...clause.values] };
  return { kind: clause.kind, in: [...clause.in] };
}

function leafRule(clause: LeafClauseDraft): LeafClause {
  if (clause.kind === 'field') return { kind: 'field', path: clause.path.trim(), op: clause.op, values: clause.values };
  return { kind: clause.kind, in: clause.in };
}

export function draftFromRule(rule: RuleDto): RuleDraft {
  const a = rule.actions;
  const defaults = emptyActions();
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    when: {
      match: rule.when.match,
      clauses: rule.when.clauses.map((clause) =>
        'match' in clause
          ? { kind: 'group', match: clause.match, clauses: clause.clauses.map(leafDraft) }
          : leafDraft(clause),
      ),
    },
    actions: {
      projectKey: a.route?.projectKey ?? '',
      issueTypeId: a.route?.issueTypeId ?? '',
      priorityId: a.priorityId ?? '',
      assigneeAccountId: a.assigneeAccountId ?? '',
      labels: [...(a.labels ?? [])],
      securityLevelId: a.securityLevelId ?? '',
      suppress: a.suppress === true,
      redact: [...(a.redact ?? [])],
      grouping: a.grouping
        ? {
            on: true,
            key: [...a.grouping.key],
            windowMinutes: String(a.grouping.windowMinutes),
            commentIntervalSeconds: String(a.grouping.commentIntervalSeconds),
            reopenWindowHours: String(a.grouping.reopenWindowHours),
          }
        : defaults.grouping,
      escalation: a.escalation
        ? {
            on: true,
            occurrences: String(a.escalation.occurrences),
            withinMinutes: String(a.escalation.withinMinutes),
            priorityId: a.escalation.priorityId,
          }
        : defaults.escalation,
      stormCap: a.stormCap !== undefined ? { on: true, perHour: String(a.stormCap) } : defaults.stormCap,
    },
  };
}

/** Text typed into a number field, as a number (validation has refused what is not one). */
function numberOf(text: string): number {
  return Number(text.trim());
}

/**
 * The rule as saved. A suppressed rule keeps only `suppress`: its other actions would never run,
 * and the form keeps them only so that unticking Suppress brings them back.
 */
export function ruleFromDraft(draft: RuleDraft): RuleDto {
  const a = draft.actions;
  const actions: RuleDto['actions'] = {};
  if (a.suppress) {
    actions.suppress = true;
  } else {
    const projectKey = a.projectKey.trim();
    const issueTypeId = a.issueTypeId.trim();
    if (projectKey || issueTypeId)
      actions.route = { ...(projectKey ? { projectKey } : {}), ...(issueTypeId ? { issueTypeId } : {}) };
    if (a.priorityId) actions.priorityId = a.priorityId;
    if (a.assigneeAccountId.trim()) actions.assigneeAccountId = a.assigneeAccountId.trim();
    if (a.labels.length > 0) actions.labels = [...a.labels];
    if (a.securityLevelId.trim()) actions.securityLevelId = a.securityLevelId.trim();
    if (a.redact.length > 0) actions.redact = [...a.redact];
    if (a.grouping.on)
      actions.grouping = {
        key: [...a.grouping.key],
        windowMinutes: numberOf(a.grouping.windowMinutes),
        commentIntervalSeconds: numberOf(a.grouping.commentIntervalSeconds),
        reopenWindowHours: numberOf(a.grouping.reopenWindowHours),
      };
    if (a.escalation.on)
      actions.escalation = {
        occurrences: numberOf(a.escalation.occurrences),
        withinMinutes: numberOf(a.escalation.withinMinutes),
        priorityId: a.escalation.priorityId,
      };
    if (a.stormCap.on) actions.stormCap = numberOf(a.stormCap.perHour);
  }
  return {
    id: draft.id,
    name: draft.name.trim(),
    enabled: draft.enabled,
    when: {
      match: draft.when.match,
      clauses: draft.when.clauses.map((clause) =>
        clause.kind === 'group' ? { match: clause.match, clauses: clause.clauses.map(leafRule) } : leafRule(clause),
      ),
    },
    actions,
  };
}

/** A deep copy under a new id, named "Copy of …". */
export function duplicateRule(draft: RuleDraft, id: string): RuleDraft {
  const copy = JSON.parse(JSON.stringify(draft)) as RuleDraft;
  return { ...copy, id, name: draft.name.trim() ? `Copy of ${draft.name.trim()}` : '' };
}

/** The list with the item at `from` moved to `to` (both clamped); the input is left as it is. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const result = [...list];
  if (from < 0 || from >= result.length) return result;
  const target = Math.max(0, Math.min(result.length - 1, to));
  const [item] = result.splice(from, 1);
  result.splice(target, 0, item as T);
  return result;
}

/**
 * Where the dragged item at `from` lands when dropped before or after the item at `over`
 * (indices of the list before the move).
 */
export function dropTarget(from: number, over: number, after: boolean): number {
  const slot = after ? over + 1 : over;
  return slot > from ? slot - 1 : slot;
}

/** What a screen reader hears after a move. */
export function moveAnnouncement(name: string, position: number, total: number): string {
  return `Rule ${name.trim() || 'without a name'} moved to position ${position} of ${total}`;
}

// --- Settings and the configuration ------------------------------------------------------------

export function settingsFromConfig(config: ConfigDto): SettingsDraft {
  return {
    counterEvents: config.counterEvents.map((pair) => ({ open: pair.open, close: pair.close, key: [...pair.key] })),
    wontDoResolutions: [...config.wontDoResolutions],
    occurrencesFieldId: config.groupFields.occurrencesFieldId ?? '',
    lastSeenFieldId: config.groupFields.lastSeenFieldId ?? '',
    redactionRetentionDays: String(config.redactionRetentionDays),
  };
}

export function keeperCounterEvents(): CounterEventDraft[] {
  return KEEPER_COUNTER_EVENTS.map((pair) => ({ open: pair.open, close: pair.close, key: [...pair.key] }));
}

export type RulesPart = Required<
  Pick<ConfigInputDto, 'rules' | 'counterEvents' | 'wontDoResolutions' | 'groupFields' | 'redactionRetentionDays'>
>;

/** What the Rules tab contributes to a configuration (validation has accepted the drafts). */
export function rulesPart(rules: readonly RuleDraft[], settings: SettingsDraft): RulesPart {
  return {
    rules: rules.map(ruleFromDraft),
    counterEvents: settings.counterEvents.map((pair) => ({
      open: pair.open.trim(),
      close: pair.close.trim(),
      key: [...pair.key],
    })),
    wontDoResolutions: [...settings.wontDoResolutions],
    groupFields: {
      ...(settings.occurrencesFieldId ? { occurrencesFieldId: settings.occurrencesFieldId } : {}),
      ...(settings.lastSeenFieldId ? { lastSeenFieldId: settings.lastSeenFieldId } : {}),
    },
    redactionRetentionDays: numberOf(settings.redactionRetentionDays),
  };
}
