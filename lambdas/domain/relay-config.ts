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
});

export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type FieldMapping = z.infer<typeof fieldMappingSchema>;
