/**
 * The Jira project and issue type a ticket is created in once a rule has decided
 * (docs/rules-and-grouping.md, "Actions"). A rule may route to another project than the default
 * one; that project's metadata was resolved when the configuration was saved
 * (`config.routedProjects`), so routing costs no Jira call. Whatever cannot be honoured falls back
 * to the default configuration and is said as a DroppedField, never by losing the alert.
 */
import type { DroppedField } from '#domain/alert-record.ts';
import type { JiraIssueType } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { chooseUsableIssueType, type IssueTypeChoice, issueTypeProblems } from './choose-issue-type.ts';

/** The project a ticket goes to, with what its create screens accept. */
export interface ProjectTarget {
  readonly project: RelayConfig['project'];
  readonly issueTypes: readonly JiraIssueType[];
  /** createmeta by issue type id. */
  readonly fieldMeta: RelayConfig['fieldMeta'];
  /** The configuration's own project: its issue type mapping, default type and parent issue apply. */
  readonly isDefault: boolean;
  /** Set when the routed project is missing from the saved configuration and the default one is used. */
  readonly dropped?: DroppedField;
}

/**
 * The target for `projectKey` (compared case-insensitively): the default project, or a project a
 * rule routes to as resolved at save time. A routed project missing from the saved configuration
 * (saved by an older version, or edited outside the admin site) falls back to the default project
 * with a note.
 */
export function targetOf(config: RelayConfig, projectKey: string): ProjectTarget {
  const wanted = projectKey.trim().toUpperCase();
  const own: ProjectTarget = {
    project: config.project,
    issueTypes: config.issueTypes,
    fieldMeta: config.fieldMeta,
    isDefault: true,
  };
  if (wanted === '' || wanted === config.project.key.toUpperCase()) return own;
  const routed = Object.entries(config.routedProjects).find(([key]) => key.toUpperCase() === wanted)?.[1];
  if (routed !== undefined) {
    return { project: routed.project, issueTypes: routed.issueTypes, fieldMeta: routed.fieldMeta, isDefault: false };
  }
  return {
    ...own,
    dropped: {
      fieldId: 'project',
      fieldName: 'Project',
      reason: `project ${projectKey} is not in the saved configuration; the ticket was created in ${config.project.key}. Save the configuration again to route there`,
    },
  };
}

/** Where a ticket is created: project, issue type, and what had to give way on the way. */
export interface Route {
  readonly target: ProjectTarget;
  readonly issueTypeId: string;
  /** Fallbacks taken (project missing, rule's or mapping's issue type unusable), in the order they happened. */
  readonly dropped: readonly DroppedField[];
}

/**
 * The project and issue type for an alert: the rule's project (`projectKey`) and issue type
 * (`ruleIssueTypeId`) when they can take tickets, else the default project's issue type mapping.
 * In a routed project without a usable rule issue type, its first standard issue type whose create
 * screen is stored is used; without one, the default project.
 */
export function routeAlert(
  config: RelayConfig,
  alert: { readonly event: string; readonly category: string },
  projectKey: string,
  ruleIssueTypeId?: string,
  ruleName?: string,
): Route {
  const target = targetOf(config, projectKey);
  const dropped: DroppedField[] = target.dropped ? [target.dropped] : [];
  const from = ruleName === undefined ? 'the rule' : `rule "${ruleName}"`;
  if (ruleIssueTypeId !== undefined) {
    // Sub-tasks need a parent, and the configured parent issue lives in the default project.
    const parentIssueKey = target.isDefault ? config.parentIssueKey : undefined;
    const problems = issueTypeProblems(ruleIssueTypeId, { ...target, parentIssueKey });
    if (problems.length === 0) return { target, issueTypeId: ruleIssueTypeId, dropped };
    const problem = problems.find((p) => p.kind !== 'subtask-without-parent') ?? problems[0];
    const reason =
      problem?.kind === 'subtask-without-parent'
        ? `issue type ${problem.type.name} from ${from} is a sub-task type and no parent issue is configured for project ${target.project.key}`
        : `issue type ${ruleIssueTypeId} from ${from} is not in the saved configuration of project ${target.project.key}`;
    const fallback = fallbackIssueType(config, target, alert);
    dropped.push({
      fieldId: 'issuetype',
      fieldName: 'Issue Type',
      reason: `${reason}; used ${fallback.target.isDefault && !target.isDefault ? `project ${config.project.key} and ` : ''}issue type ${typeName(fallback.target, fallback.choice.issueTypeId)}`,
    });
    if (fallback.choice.replaced) dropped.push(replacedIssueType(fallback.choice.replaced));
    return { target: fallback.target, issueTypeId: fallback.choice.issueTypeId, dropped };
  }
  const fallback = fallbackIssueType(config, target, alert);
  if (fallback.target !== target) {
    dropped.push({
      fieldId: 'project',
      fieldName: 'Project',
      reason: `project ${target.project.key} has no issue type the relay can create tickets with; the ticket was created in ${config.project.key}`,
    });
  }
  if (fallback.choice.replaced) dropped.push(replacedIssueType(fallback.choice.replaced));
  return { target: fallback.target, issueTypeId: fallback.choice.issueTypeId, dropped };
}

/** Why a mapped issue type gave way to the default one. */
export function replacedIssueType(replaced: NonNullable<IssueTypeChoice['replaced']>): DroppedField {
  const { id, problem } = replaced;
  const reason =
    problem.kind === 'subtask-without-parent'
      ? `issue type ${problem.type.name} is a sub-task type and no parent issue is configured`
      : `issue type ${id} from the mapping is not in the saved configuration`;
  return { fieldId: 'issuetype', fieldName: 'Issue Type', reason: `${reason}; used the default issue type` };
}

/** The issue type an alert gets without a usable rule issue type. */
function fallbackIssueType(
  config: RelayConfig,
  target: ProjectTarget,
  alert: { readonly event: string; readonly category: string },
): { target: ProjectTarget; choice: IssueTypeChoice } {
  if (!target.isDefault) {
    const usable = target.issueTypes
      .filter((t) => issueTypeProblems(t.id, target).length === 0)
      .sort((a, b) => Math.abs(a.hierarchyLevel) - Math.abs(b.hierarchyLevel));
    const first = usable[0];
    if (first !== undefined) return { target, choice: { issueTypeId: first.id } };
  }
  const own = target.isDefault ? target : targetOf(config, config.project.key);
  return { target: own, choice: chooseUsableIssueType(config, alert.event, alert.category) };
}

function typeName(target: ProjectTarget, id: string): string {
  return target.issueTypes.find((t) => t.id === id)?.name ?? id;
}
