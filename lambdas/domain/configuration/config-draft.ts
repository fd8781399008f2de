/**
 * The shapes save-time validation works on: the administrator's draft and the live Jira metadata
 * of a project. Their own module so the validation passes of different parts (mappings, rules) can
 * share them without importing each other.
 */
import type { JiraFieldMeta, JiraIssueType } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';

/** The administrator's choices; the rest of a RelayConfig is resolved from Jira when saving. */
export type ConfigDraft = Pick<
  RelayConfig,
  | 'defaultIssueTypeId'
  | 'summaryTemplate'
  | 'parentIssueKey'
  | 'fieldMappings'
  | 'priorityMapping'
  | 'issueTypeMapping'
  | 'rules'
  | 'counterEvents'
  | 'wontDoResolutions'
  | 'groupFields'
  | 'redactionRetentionDays'
>;

export interface JiraPriority {
  readonly id: string;
  readonly name: string;
}

/** Live metadata of the target project. */
export interface ProjectMeta {
  readonly project: RelayConfig['project'];
  readonly issueTypes: readonly JiraIssueType[];
  /** createmeta by issue type id; must cover every issue type the draft can choose. */
  readonly fieldMeta: Readonly<Record<string, readonly JiraFieldMeta[]>>;
  readonly priorities: readonly JiraPriority[];
}
