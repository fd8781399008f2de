/**
 * Which Jira issue type an alert lands in, and when a mapped type cannot be used. Delivery,
 * save-time validation and Keeper's defaults all decide here, so a configuration that passes
 * validation is routed at delivery exactly as validation assumed.
 */
import type { JiraIssueType } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { ruleFor } from './rule-precedence.ts';

/** What the issue type checks need from a saved configuration or a draft with live metadata. */
export interface IssueTypeTarget {
  readonly issueTypes: readonly JiraIssueType[];
  /** createmeta by issue type id. */
  readonly fieldMeta: Readonly<Record<string, unknown>>;
  readonly parentIssueKey?: string | undefined;
}

/** Why tickets cannot be created with an issue type. */
export type IssueTypeProblem =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'subtask-without-parent'; readonly type: JiraIssueType }
  | { readonly kind: 'no-create-metadata'; readonly type: JiraIssueType };

/**
 * The issue type for an event: per-event mapping, else per-category, else the default.
 * Shared with validation and defaults so all three agree on which types an alert can land in.
 */
export function chooseIssueTypeId(
  config: Pick<RelayConfig, 'issueTypeMapping' | 'defaultIssueTypeId'>,
  event: string,
  category: string,
): string {
  return ruleFor(config.issueTypeMapping, event, category) ?? config.defaultIssueTypeId;
}

/**
 * Every reason issue type `id` cannot take tickets, in the order save-time validation reports
 * them; empty when it can. An unknown type has no other problem worth naming.
 */
export function issueTypeProblems(id: string, target: IssueTypeTarget): IssueTypeProblem[] {
  const type = target.issueTypes.find((t) => t.id === id);
  if (type === undefined) return [{ kind: 'unknown' }];
  const problems: IssueTypeProblem[] = [];
  // Jira refuses a sub-task without a parent; the relay only has the configured parent key.
  if (type.subtask && !target.parentIssueKey) problems.push({ kind: 'subtask-without-parent', type });
  // Without createmeta no field of the ticket could be checked or converted.
  if (target.fieldMeta[id] === undefined) problems.push({ kind: 'no-create-metadata', type });
  return problems;
}

/** The issue type a ticket is created with, and the mapped type it replaces when that one was unusable. */
export interface IssueTypeChoice {
  readonly issueTypeId: string;
  readonly replaced?: { readonly id: string; readonly problem: IssueTypeProblem };
}

/**
 * The issue type an alert is delivered with: the chosen one, or the default when the chosen
 * one cannot take tickets (a mapping gone stale since the save). Never loses the alert over a
 * stale mapping: the default type is always used as is.
 */
export function chooseUsableIssueType(
  config: Pick<RelayConfig, 'issueTypeMapping' | 'defaultIssueTypeId' | 'issueTypes' | 'fieldMeta' | 'parentIssueKey'>,
  event: string,
  category: string,
): IssueTypeChoice {
  const chosen = chooseIssueTypeId(config, event, category);
  if (chosen === config.defaultIssueTypeId) return { issueTypeId: chosen };
  const problems = issueTypeProblems(chosen, config);
  // A type missing from the saved configuration is the more telling reason when both apply.
  const problem = problems.find((p) => p.kind !== 'subtask-without-parent') ?? problems[0];
  return problem === undefined
    ? { issueTypeId: chosen }
    : { issueTypeId: config.defaultIssueTypeId, replaced: { id: chosen, problem } };
}
