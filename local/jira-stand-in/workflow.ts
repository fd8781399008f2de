/**
 * Issue status, transitions and resolution, as the seeded workflows define them (seed.ts, README.md
 * "Workflows"): which transitions an issue offers in its current status, and what taking one does.
 * Entering a done status sets the transition's resolution and `resolutiondate`; leaving it clears both.
 */
import { formatJiraDateTime } from './issue-validation.ts';
import type { Links } from './representations.ts';
import {
  type ProjectDef,
  RESOLUTIONS,
  type ResolutionDef,
  STATUS_CATEGORIES,
  type StatusDef,
  type TransitionDef,
} from './seed.ts';
import type { StoredIssue } from './state.ts';

export function statusJson(links: Links, status: StatusDef): Record<string, unknown> {
  const category = STATUS_CATEGORIES[status.category];
  return {
    self: `${links.api}/status/${status.id}`,
    description: status.description,
    iconUrl: `${links.site}/images/icons/statuses/generic.png`,
    name: status.name,
    untranslatedName: status.name,
    id: status.id,
    statusCategory: {
      self: `${links.api}/statuscategory/${category.id}`,
      id: category.id,
      key: category.key,
      colorName: category.colorName,
      name: category.name,
    },
    ...(status.scopeProjectId ? { scope: { type: 'PROJECT', project: { id: status.scopeProjectId } } } : {}),
  };
}

export function resolutionJson(links: Links, resolution: ResolutionDef): Record<string, unknown> {
  return {
    self: `${links.api}/resolution/${resolution.id}`,
    id: resolution.id,
    description: resolution.description,
    name: resolution.name,
  };
}

/** The stored status of an issue; one the workflow no longer knows falls back to the initial status. */
export function currentStatus(project: ProjectDef, issue: StoredIssue): StatusDef {
  const stored = issue.fields['status'];
  const id = typeof stored === 'object' && stored !== null && 'id' in stored ? String(stored.id) : undefined;
  const { statuses, initial } = project.workflow;
  const found = statuses.find((s) => s.id === id) ?? statuses.find((s) => s.id === initial);
  if (!found) throw new Error(`Workflow of ${project.key} has no status ${initial}`);
  return found;
}

export function initialStatus(project: ProjectDef): StatusDef {
  const found = project.workflow.statuses.find((s) => s.id === project.workflow.initial);
  if (!found) throw new Error(`Workflow of ${project.key} has no status ${project.workflow.initial}`);
  return found;
}

/**
 * The transitions the issue offers now. A global transition to the status the issue is already in
 * is left out (a team-managed board does not offer "move to the column it is in").
 */
export function availableTransitions(project: ProjectDef, issue: StoredIssue): TransitionDef[] {
  const status = currentStatus(project, issue);
  return project.workflow.transitions.filter((t) =>
    t.from === 'any' ? t.to !== status.id : t.from.includes(status.id),
  );
}

export function findStatus(project: ProjectDef, idOrName: string): StatusDef | undefined {
  const wanted = idOrName.toLowerCase();
  return project.workflow.statuses.find((s) => s.id === idOrName || s.name.toLowerCase() === wanted);
}

export function findResolution(idOrName: string): ResolutionDef | undefined {
  const wanted = idOrName.toLowerCase();
  return RESOLUTIONS.find((r) => r.id === idOrName || r.name.toLowerCase() === wanted);
}

export function transitionJson(links: Links, project: ProjectDef, transition: TransitionDef): Record<string, unknown> {
  const to = project.workflow.statuses.find((s) => s.id === transition.to);
  return {
    id: transition.id,
    name: transition.name,
    ...(to ? { to: statusJson(links, to) } : {}),
    hasScreen: false,
    isGlobal: transition.from === 'any',
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
  };
}

/**
 * Puts the issue in `status`: a done status takes `resolution` (Jira's post function sets it) and
 * the resolution date; any other status clears both. `updated` moves with every change.
 */
export function moveIssue(
  links: Links,
  issue: StoredIssue,
  status: StatusDef,
  resolution: ResolutionDef | undefined,
  nowMs: number,
): void {
  const fields = issue.fields;
  const wasDone = fields['resolution'] !== null && fields['resolution'] !== undefined;
  fields['status'] = statusJson(links, status);
  if (status.category === 'done') {
    const kept = resolution ?? findResolution('Done');
    fields['resolution'] = kept ? resolutionJson(links, kept) : null;
    // Moving between two done statuses keeps the date the issue was first resolved.
    if (!wasDone || resolution !== undefined) fields['resolutiondate'] = formatJiraDateTime(nowMs);
  } else {
    fields['resolution'] = null;
    fields['resolutiondate'] = null;
  }
  fields['updated'] = formatJiraDateTime(nowMs);
}
