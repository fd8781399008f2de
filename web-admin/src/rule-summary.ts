/**
 * A rule in one or two lines of words, for the collapsed rule cards: what it matches and what it
 * does. Catalogue titles and Jira names come through `names`, so the text reads like the screens
 * the administrator knows. Pure: no DOM.
 */
import type { ActionsDraft, ClauseDraft, ConditionDraft, FieldOp, LeafClauseDraft } from './rule-draft.ts';

export interface SummaryNames {
  /** The catalogue title of an event code, or the code. */
  event(code: string): string;
  priority(id: string): string;
  issueType(projectKey: string, id: string): string;
  /** The key of the default project, for routes that leave it out. */
  defaultProject: string;
}

const OP_WORDS: Record<FieldOp, string> = {
  equals: 'equals',
  in: 'is one of',
  matches: 'matches',
  cidr: 'is in',
};

/** "A", "A or B", "A, B or C", "A, B, C or 4 more". */
export function listWords(items: readonly string[], joiner: 'or' | 'and' = 'or', max = 3): string {
  if (items.length === 0) return '…';
  if (items.length === 1) return items[0] ?? '';
  const shown = items.length > max ? items.slice(0, max) : items.slice(0, -1);
  const last = items.length > max ? `${items.length - max} more` : (items[items.length - 1] ?? '');
  return `${shown.join(', ')} ${joiner} ${last}`;
}

function leafWords(clause: LeafClauseDraft, names: SummaryNames): string {
  if (clause.kind === 'event') return `event is ${listWords(clause.in.map((code) => names.event(code)))}`;
  if (clause.kind === 'category') return `category is ${listWords(clause.in)}`;
  const path = clause.path.trim() || '(field)';
  const values =
    clause.op === 'matches'
      ? listWords(clause.values.map((v) => `/${v}/`))
      : clause.op === 'equals'
        ? clause.values.map((v) => `“${v}”`).join(', ') || '…'
        : listWords(clause.values);
  return `${path} ${OP_WORDS[clause.op]} ${values}`;
}

function clauseWords(clause: ClauseDraft, names: SummaryNames): string {
  if (clause.kind !== 'group') return leafWords(clause, names);
  const inner = clause.clauses.map((c) => leafWords(c, names));
  return inner.length === 0 ? '(empty group)' : `(${inner.join(clause.match === 'all' ? ' and ' : ' or ')})`;
}

/** "When event is Failed Login and username is one of a, b". */
export function conditionSummary(when: ConditionDraft, names: SummaryNames): string {
  if (when.clauses.length === 0) return 'No condition yet: the rule matches nothing.';
  const parts = when.clauses.map((c) => clauseWords(c, names));
  return `When ${parts.join(when.match === 'all' ? ' and ' : ' or ')}`;
}

/** "Group by audit_event + username for 60 min · priority High · labels keeper, login". */
export function actionsSummary(actions: ActionsDraft, names: SummaryNames): string {
  if (actions.suppress) return 'Suppress: no ticket, the alert is only recorded.';
  const parts: string[] = [];
  if (actions.projectKey || actions.issueTypeId) {
    const project = actions.projectKey || names.defaultProject;
    parts.push(
      actions.issueTypeId
        ? `create in ${project} as ${names.issueType(project, actions.issueTypeId)}`
        : `create in ${project}`,
    );
  }
  if (actions.priorityId) parts.push(`priority ${names.priority(actions.priorityId)}`);
  if (actions.assigneeAccountId.trim()) parts.push(`assign to ${actions.assigneeAccountId.trim()}`);
  if (actions.labels.length > 0) parts.push(`labels ${actions.labels.join(', ')}`);
  if (actions.securityLevelId.trim()) parts.push(`security level ${actions.securityLevelId.trim()}`);
  if (actions.redact.length > 0) parts.push(`redact ${listWords(actions.redact, 'and')}`);
  if (actions.grouping.on)
    parts.push(`group by ${actions.grouping.key.join(' + ') || '…'} for ${actions.grouping.windowMinutes || '…'} min`);
  if (actions.escalation.on)
    parts.push(
      `escalate to ${actions.escalation.priorityId ? names.priority(actions.escalation.priorityId) : '…'} after ${actions.escalation.occurrences || '…'} in ${actions.escalation.withinMinutes || '…'} min`,
    );
  if (actions.stormCap.on) parts.push(`at most ${actions.stormCap.perHour || '…'} new issues an hour`);
  if (parts.length === 0) return 'A ticket as the mappings decide (no actions yet).';
  const text = parts.join(' · ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
