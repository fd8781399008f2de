/**
 * The relay configuration: where alerts go and how they become issues. Saved by the admin API
 * after validation against live Jira metadata; everything delivery needs (field schemas, allowed
 * values, account ids) is stored here so delivering an alert costs one Jira call.
 */
import * as z from 'zod/mini';

export const DEFAULT_SUMMARY_TEMPLATE = '{alert_name}: {audit_event}';

const actorSchema = z.object({ accountId: z.string(), displayName: z.string() });

export const fieldMetaSchema = z.object({
  fieldId: z.string(),
  name: z.string(),
  required: z.boolean(),
  hasDefaultValue: z.boolean(),
  schema: z.object({
    type: z.string(),
    items: z.optional(z.string()),
    system: z.optional(z.string()),
    custom: z.optional(z.string()),
  }),
  allowedValues: z.optional(
    z.readonly(z.array(z.object({ id: z.string(), value: z.optional(z.string()), name: z.optional(z.string()) }))),
  ),
});

export const issueTypeSchema = z.object({
  id: z.string(),
  name: z.string(),
  subtask: z.boolean(),
  hierarchyLevel: z.number(),
});

/** One mapping: a payload field (dot path, e.g. `event.record_uid`) or a constant → a Jira field id. */
export const fieldMappingSchema = z
  .object({
    fieldId: z.string().check(z.minLength(1)),
    source: z.optional(z.string().check(z.minLength(1))),
    constant: z.optional(z.string()),
  })
  .check(
    z.refine((m) => (m.source === undefined) !== (m.constant === undefined), {
      message: 'a mapping takes either a payload field (source) or a constant value',
    }),
  );

export const ruleMapSchema = z.record(z.string(), z.string());

/** One test on an alert. Paths are dot paths into the payload (`event.record_uid`); values compare as text. */
export const clauseSchema = z.union([
  z.object({ kind: z.literal('event'), in: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
  z.object({ kind: z.literal('category'), in: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
  z.object({
    kind: z.literal('field'),
    path: z.string().check(z.minLength(1)),
    /** `equals` one value, `in` a list, `matches` a regular expression (whole value), `cidr` an IPv4/IPv6 range. */
    op: z.enum(['equals', 'in', 'matches', 'cidr']),
    values: z.array(z.string()).check(z.minLength(1)),
  }),
]);

/** Clauses combined with and (`all`) or or (`any`); a clause may itself be one nested group. */
export const conditionSchema = z.object({
  match: z.enum(['all', 'any']),
  clauses: z.array(
    z.union([clauseSchema, z.object({ match: z.enum(['all', 'any']), clauses: z.array(clauseSchema) })]),
  ),
});

export const DEFAULT_GROUP_KEY: readonly string[] = ['audit_event', 'username'];
export const DEFAULT_GROUP_WINDOW_MINUTES = 60;
export const DEFAULT_COMMENT_INTERVAL_SECONDS = 60;
export const DEFAULT_REOPEN_WINDOW_HOURS = 24;

/** Later alerts with the same key values join the first one's issue while it is in its window. */
export const groupingSchema = z.object({
  /** Payload paths whose values make the group key (default: event + username). */
  key: z._default(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), [...DEFAULT_GROUP_KEY]),
  /** A repeat joins the group while it arrives within this many minutes of the group's last alert. */
  windowMinutes: z._default(
    z.number().check(z.int(), z.minimum(1), z.maximum(7 * 24 * 60)),
    DEFAULT_GROUP_WINDOW_MINUTES,
  ),
  /** At most one comment (one Jira edit) per group per interval. */
  commentIntervalSeconds: z._default(
    z.number().check(z.int(), z.minimum(10), z.maximum(3600)),
    DEFAULT_COMMENT_INTERVAL_SECONDS,
  ),
  /** A done issue is reopened by a repeat within this many hours of its resolution; later repeats start a linked issue. */
  reopenWindowHours: z._default(
    z.number().check(z.int(), z.minimum(0), z.maximum(24 * 90)),
    DEFAULT_REOPEN_WINDOW_HOURS,
  ),
});

/** Raise the group issue's priority once `occurrences` alerts arrived within `withinMinutes`. */
export const escalationSchema = z.object({
  occurrences: z.number().check(z.int(), z.minimum(2)),
  withinMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 60)),
  priorityId: z.string().check(z.minLength(1)),
});

export const ruleActionsSchema = z.object({
  /** Another project and/or issue type than the default. */
  route: z.optional(z.object({ projectKey: z.optional(z.string()), issueTypeId: z.optional(z.string()) })),
  priorityId: z.optional(z.string()),
  /** Checked against Jira's assignable users of the target project at save time. */
  assigneeAccountId: z.optional(z.string()),
  labels: z.optional(z.array(z.string())),
  /** An issue security level of the target project's security scheme. */
  securityLevelId: z.optional(z.string()),
  /** No ticket: the ledger records the alert as suppressed. */
  suppress: z.optional(z.boolean()),
  /** Payload paths shown as `[redacted]` everywhere in the ticket, raw block included. */
  redact: z.optional(z.array(z.string().check(z.minLength(1)))),
  grouping: z.optional(groupingSchema),
  escalation: z.optional(escalationSchema),
  /** New issues per hour this rule may open; past it, alerts join one storm issue per rule and hour. */
  stormCap: z.optional(z.number().check(z.int(), z.minimum(1))),
});

export const ruleSchema = z.object({
  /** Stable id (the ledger and groups name it); the admin site generates it. */
  id: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/)),
  name: z.string().check(z.minLength(1), z.maxLength(120)),
  enabled: z._default(z.boolean(), true),
  when: conditionSchema,
  actions: ruleActionsSchema,
});

/** An opening event and the event that ends it, for the same values of `key` (payload paths). */
export const counterEventSchema = z.object({
  open: z.string().check(z.minLength(1)),
  close: z.string().check(z.minLength(1)),
  key: z.array(z.string().check(z.minLength(1))),
});

/** Keeper's pairs: an event and the event that undoes it, keyed by who or what it concerns. */
export const KEEPER_COUNTER_EVENTS: readonly CounterEvent[] = [
  { open: 'audit_alert_paused', close: 'audit_alert_resumed', key: [] },
  { open: 'set_two_factor_off', close: 'set_two_factor_on', key: ['username'] },
  { open: 'device_user_locked', close: 'device_user_unlocked', key: ['username'] },
  { open: 'folder_remove_user', close: 'folder_add_user', key: ['shared_folder_uid', 'to_username'] },
  { open: 'folder_remove_team', close: 'folder_add_team', key: ['shared_folder_uid', 'team_uid'] },
  { open: 'folder_remove_record', close: 'folder_add_record', key: ['shared_folder_uid', 'record_uid'] },
  { open: 'msp_pauses_mc', close: 'msp_resumes_mc', key: ['enterprise_id'] },
];

/** Resolutions that mean "this is not a problem": a repeat starts a new linked issue instead of reopening. */
export const DEFAULT_WONT_DO_RESOLUTIONS: readonly string[] = [
  "Won't Do",
  "Won't Fix",
  'Duplicate',
  'Declined',
  'Cannot Reproduce',
];

/** Metadata of a project a rule routes to, resolved at save time like the default project's. */
export const routedProjectSchema = z.object({
  project: z.object({ id: z.string(), key: z.string(), name: z.string(), style: z.enum(['classic', 'next-gen']) }),
  issueTypes: z.array(z.object({ id: z.string(), name: z.string(), subtask: z.boolean(), hierarchyLevel: z.number() })),
  fieldMeta: z.record(z.string(), z.array(fieldMetaSchema)),
});

export const relayConfigSchema = z.object({
  version: z.number().check(z.int(), z.nonnegative()),
  updatedAt: z.string(),
  updatedBy: actorSchema,
  project: z.object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    style: z.enum(['classic', 'next-gen']),
  }),
  defaultIssueTypeId: z.string(),
  summaryTemplate: z._default(z.string(), DEFAULT_SUMMARY_TEMPLATE),
  /** Needed only when a sub-task type can be chosen. */
  parentIssueKey: z.optional(z.string()),
  fieldMappings: z._default(z.array(fieldMappingSchema), []),
  /** Values are Jira priority ids. Event wins over category, then the default. */
  priorityMapping: z._default(
    z.object({ byEvent: ruleMapSchema, byCategory: ruleMapSchema, defaultPriorityId: z.optional(z.string()) }),
    { byEvent: {}, byCategory: {} },
  ),
  /** Values are Jira issue type ids. Event wins over category, then `defaultIssueTypeId`. */
  issueTypeMapping: z._default(z.object({ byEvent: ruleMapSchema, byCategory: ruleMapSchema }), {
    byEvent: {},
    byCategory: {},
  }),
  /** Resolved at save time. */
  issueTypes: z.array(issueTypeSchema),
  /** createmeta of every issue type the mapping can choose, by issue type id. */
  fieldMeta: z.record(z.string(), z.array(fieldMetaSchema)),
  /** Lower-cased e-mail → accountId, for user-picker mappings; resolved at save time. */
  userDirectory: z._default(z.record(z.string(), z.string()), {}),
  /** Evaluated in order after the mappings above; the first enabled rule that matches decides. */
  rules: z._default(z.array(ruleSchema), []),
  counterEvents: z._default(z.array(counterEventSchema), [...KEEPER_COUNTER_EVENTS]),
  wontDoResolutions: z._default(z.array(z.string()), [...DEFAULT_WONT_DO_RESOLUTIONS]),
  /** Fields that show a group's occurrence count (number) and last-seen time (date-time), when mapped. */
  groupFields: z._default(
    z.object({ occurrencesFieldId: z.optional(z.string()), lastSeenFieldId: z.optional(z.string()) }),
    {},
  ),
  /** Days the ledger keeps the original body of an alert whose ticket was redacted. */
  redactionRetentionDays: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(365)), 30),
  /** Projects other than `project` that rules route to, by project key; resolved at save time. */
  routedProjects: z._default(z.record(z.string(), routedProjectSchema), {}),
});

export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type Clause = z.infer<typeof clauseSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Grouping = z.infer<typeof groupingSchema>;
export type Escalation = z.infer<typeof escalationSchema>;
export type RuleActions = z.infer<typeof ruleActionsSchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type CounterEvent = z.infer<typeof counterEventSchema>;
export type RoutedProject = z.infer<typeof routedProjectSchema>;
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** The rule-related settings of a configuration saved before rules existed (what the schema's defaults give). */
export function ruleSettingsDefaults(): Pick<
  RelayConfig,
  'rules' | 'counterEvents' | 'wontDoResolutions' | 'groupFields' | 'redactionRetentionDays' | 'routedProjects'
> {
  return {
    rules: [],
    counterEvents: KEEPER_COUNTER_EVENTS.map((pair) => ({ ...pair, key: [...pair.key] })),
    wontDoResolutions: [...DEFAULT_WONT_DO_RESOLUTIONS],
    groupFields: {},
    redactionRetentionDays: 30,
    routedProjects: {},
  };
}
