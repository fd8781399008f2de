/**
 * Routes that change an existing issue: edit (`PUT /issue/{key}`), comments, workflow transitions
 * and issue links. Each write names the issues it goes to (`writesTo`), so Jira's per-issue write
 * limits count it (rate-limits.ts). Texts of Jira's answers: README.md, "Issue updates".
 */
import {
  bad,
  can,
  findIssue,
  INVALID_JSON,
  noContent,
  noIssue,
  ok,
  pathIssue,
  type Route,
  type RouteContext,
  visibleIssue,
} from './api-context.ts';
import { type ApiResult, intParam, isRecord } from './http.ts';
import { validateEdit } from './issue-edit.ts';
import { commentJson, issueJson } from './issue-json.ts';
import { checkCommentBody, formatJiraDateTime, GENERIC_CREATE_ERROR } from './issue-validation.ts';
import { findIssueLinkType, findProject, issueLinkTypeJson } from './representations.ts';
import { ISSUE_LINK_TYPES, type ProjectDef } from './seed.ts';
import type { StoredComment, StoredIssue, StoredIssueLink } from './state.ts';
import { availableTransitions, findResolution, moveIssue, transitionJson } from './workflow.ts';

/** Jira's per-issue limits on comments and links. */
const MAX_COMMENTS_PER_ISSUE = 5000;
const MAX_LINKS_PER_ISSUE = 2000;

const NOT_AN_OBJECT = bad(400, [
  'Can not deserialize instance of com.atlassian.jira.rest.v2.issue.IssueUpdateBean out of VALUE token',
]);
const NO_BODY = bad(400, ['No content to map to Object due to end of input']);
const BAD_TRANSITION_ID = bad(400, ["'transition' identifier must be an integer"]);
const SELF_LINK = 'You cannot link an issue to itself.';

const tooManyComments = (): ApiResult =>
  bad(413, [`This issue has reached the limit of ${MAX_COMMENTS_PER_ISSUE} comments.`]);

function projectOf(issue: StoredIssue): ProjectDef {
  const project = findProject(issue.projectId);
  if (!project) throw new Error(`Issue ${issue.key} belongs to no seeded project`);
  return project;
}

/** Adds a comment to an issue (after its checks passed); `updated` moves with it. */
function storeComment(ctx: RouteContext, issue: StoredIssue, body: unknown): StoredComment {
  const created = formatJiraDateTime(ctx.state.now());
  const comment = { id: String(ctx.state.nextCommentId++), authorAccountId: ctx.user.accountId, body, created };
  issue.comments.push(comment);
  issue.fields['updated'] = created;
  return comment;
}

/** Replaces the stored field values of an issue with an accepted edit's. */
function replaceFields(issue: StoredIssue, fields: Record<string, unknown>, nowMs: number): void {
  for (const key of Object.keys(issue.fields)) if (!(key in fields)) delete issue.fields[key];
  Object.assign(issue.fields, fields, { updated: formatJiraDateTime(nowMs) });
}

function editIssue(ctx: RouteContext): ApiResult {
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  if (ctx.body === undefined) return NO_BODY;
  if (ctx.body === INVALID_JSON) return bad(400, ['Unexpected character in the request body: it is not valid JSON.']);
  const project = projectOf(issue);
  // Without Edit Issues no field is on the caller's edit screen.
  const screen = can(ctx.user, project, 'EDIT_ISSUES')
    ? (ctx.state.screens[project.key]?.[issue.issueTypeId] ?? [])
    : [];
  const edit = validateEdit(ctx.body, issue, project, screen, {
    links: ctx.links,
    caller: ctx.user,
    findIssue: (ref) => findIssue(ctx.state, ref),
  });
  if (!edit.ok) return { status: 400, body: edit.body };
  if (issue.comments.length + edit.comments.length > MAX_COMMENTS_PER_ISSUE) return tooManyComments();
  replaceFields(issue, edit.fields, ctx.state.now());
  for (const body of edit.comments) storeComment(ctx, issue, body);
  ctx.state.save();
  return ctx.query.get('returnIssue') === 'true' ? ok(issueJson(ctx, issue, ['*all'])) : noContent();
}

function listTransitions(ctx: RouteContext): ApiResult {
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  const project = projectOf(issue);
  const wanted = ctx.query.get('transitionId');
  // Without Transition Issues Jira lists nothing; an id the issue does not offer gives an empty list too.
  const transitions = can(ctx.user, project, 'TRANSITION_ISSUES')
    ? availableTransitions(project, issue).filter((t) => wanted === null || t.id === wanted)
    : [];
  const withFields = (ctx.query.get('expand') ?? '').split(',').includes('transitions.fields');
  return ok({
    expand: 'transitions',
    transitions: transitions.map((t) => ({
      ...transitionJson(ctx.links, project, t),
      ...(withFields ? { fields: {} } : {}),
    })),
  });
}

function takeTransition(ctx: RouteContext): ApiResult {
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  if (ctx.body === undefined) return NO_BODY;
  if (!isRecord(ctx.body)) return NOT_AN_OBJECT;
  const ref = ctx.body['transition'];
  const rawId = isRecord(ref) ? ref['id'] : undefined;
  const id = typeof rawId === 'number' ? String(rawId) : rawId;
  if (typeof id !== 'string' || !/^\d+$/.test(id)) return BAD_TRANSITION_ID;
  const project = projectOf(issue);
  const transition = can(ctx.user, project, 'TRANSITION_ISSUES')
    ? availableTransitions(project, issue).find((t) => t.id === id)
    : undefined;
  if (!transition) return bad(400, [`Transition id '${id}' is not valid for this issue.`]);
  const target = project.workflow.statuses.find((s) => s.id === transition.to);
  if (!target) throw new Error(`Transition ${id} of ${project.key} goes to no status`);
  // The seeded transitions have no screen: any field is refused, a comment is welcome.
  const edit = validateEdit({ fields: ctx.body['fields'], update: ctx.body['update'] }, issue, project, [], {
    links: ctx.links,
    caller: ctx.user,
    findIssue: (r) => findIssue(ctx.state, r),
  });
  if (!edit.ok) return { status: 400, body: edit.body };
  if (issue.comments.length + edit.comments.length > MAX_COMMENTS_PER_ISSUE) return tooManyComments();
  moveIssue(
    ctx.links,
    issue,
    target,
    transition.resolution ? findResolution(transition.resolution) : undefined,
    ctx.state.now(),
  );
  for (const body of edit.comments) storeComment(ctx, issue, body);
  ctx.state.save();
  return noContent();
}

function addComment(ctx: RouteContext): ApiResult {
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  const checked = checkCommentBody(isRecord(ctx.body) ? ctx.body['body'] : undefined);
  if ('error' in checked) return bad(400, [], { comment: checked.error });
  if ('invalidAdf' in checked) return bad(400, [GENERIC_CREATE_ERROR]);
  if (issue.comments.length >= MAX_COMMENTS_PER_ISSUE) return tooManyComments();
  const comment = storeComment(ctx, issue, checked.value);
  ctx.state.save();
  return ok(commentJson(ctx, issue, comment), 201);
}

function listComments(ctx: RouteContext): ApiResult {
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  const startAt = Math.max(intParam(ctx.query, 'startAt', 0) || 0, 0);
  const maxResults = Math.min(Math.max(intParam(ctx.query, 'maxResults', 100) || 100, 1), 5000);
  const page = issue.comments.slice(startAt, startAt + maxResults);
  return ok({
    comments: page.map((c) => commentJson(ctx, issue, c)),
    maxResults,
    startAt,
    total: issue.comments.length,
  });
}

/** `{key}` or `{id}` of an issue in a link request. */
function issueRef(value: unknown): string {
  if (!isRecord(value)) return '';
  const ref = value['key'] ?? value['id'];
  return typeof ref === 'string' || typeof ref === 'number' ? String(ref) : '';
}

function linksOf(ctx: RouteContext, issue: StoredIssue): StoredIssueLink[] {
  return ctx.state.issueLinks.filter((l) => l.inwardIssueId === issue.id || l.outwardIssueId === issue.id);
}

/** POST /issueLink: type, both issues, then the optional comment (added to the outward issue). */
function linkIssues(ctx: RouteContext): ApiResult {
  if (ctx.body === undefined) return NO_BODY;
  if (!isRecord(ctx.body)) return NOT_AN_OBJECT;
  const body = ctx.body;
  const typeRef = isRecord(body['type']) ? body['type'] : {};
  const type = findIssueLinkType(typeRef);
  if (!type) {
    return typeRef['id'] !== undefined
      ? bad(404, [`No issue link type with id '${String(typeRef['id'])}' found.`])
      : bad(404, [`No issue link type with name '${String(typeRef['name'] ?? '')}' found.`]);
  }
  const inward = visibleIssue(ctx, issueRef(body['inwardIssue']));
  const outward = visibleIssue(ctx, issueRef(body['outwardIssue']));
  if (!inward || !outward) return noIssue();
  if (inward.id === outward.id) return bad(400, [SELF_LINK]);
  if (!can(ctx.user, projectOf(outward), 'LINK_ISSUES'))
    return bad(404, [`You do not have the permission to link issues in project '${projectOf(outward).key}'.`]);
  let comment: unknown;
  if (body['comment'] !== undefined) {
    const checked = checkCommentBody(isRecord(body['comment']) ? body['comment']['body'] : undefined);
    if ('error' in checked) return bad(400, [], { comment: checked.error });
    if ('invalidAdf' in checked) return bad(400, [GENERIC_CREATE_ERROR]);
    if (outward.comments.length >= MAX_COMMENTS_PER_ISSUE) return tooManyComments();
    comment = checked.value;
  }
  const existing = ctx.state.issueLinks.find(
    (l) => l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id,
  );
  // Linking twice answers 201 like the first time, and keeps one link.
  if (!existing) {
    if ([inward, outward].some((i) => linksOf(ctx, i).length >= MAX_LINKS_PER_ISSUE))
      return bad(413, [`This issue has reached the limit of ${MAX_LINKS_PER_ISSUE} issue links.`]);
    ctx.state.issueLinks.push({
      id: String(ctx.state.nextIssueLinkId++),
      typeId: type.id,
      inwardIssueId: inward.id,
      outwardIssueId: outward.id,
    });
    const now = formatJiraDateTime(ctx.state.now());
    inward.fields['updated'] = now;
    outward.fields['updated'] = now;
  }
  if (comment !== undefined) storeComment(ctx, outward, comment);
  ctx.state.save();
  return { status: 201, body: undefined };
}

export const ISSUE_UPDATE_ROUTES: readonly Route[] = [
  {
    method: 'PUT',
    template: '/issue/{issueIdOrKey}',
    scope: 'write:jira-work',
    handle: editIssue,
    writesTo: pathIssue,
  },
  {
    method: 'POST',
    template: '/issue/{issueIdOrKey}/comment',
    scope: 'write:jira-work',
    handle: addComment,
    writesTo: pathIssue,
  },
  { method: 'GET', template: '/issue/{issueIdOrKey}/comment', scope: 'read:jira-work', handle: listComments },
  { method: 'GET', template: '/issue/{issueIdOrKey}/transitions', scope: 'read:jira-work', handle: listTransitions },
  {
    method: 'POST',
    template: '/issue/{issueIdOrKey}/transitions',
    scope: 'write:jira-work',
    handle: takeTransition,
    writesTo: pathIssue,
  },
  {
    method: 'POST',
    template: '/issueLink',
    scope: 'write:jira-work',
    handle: linkIssues,
    // A link changes both issues: it counts against the write limits of each.
    writesTo: (_params, body) =>
      isRecord(body) ? [issueRef(body['inwardIssue']), issueRef(body['outwardIssue'])].filter(Boolean) : [],
  },
  {
    method: 'GET',
    template: '/issueLinkType',
    scope: 'read:jira-work',
    handle: (ctx) => ok({ issueLinkTypes: ISSUE_LINK_TYPES.map((t) => issueLinkTypeJson(ctx.links, t)) }),
  },
];
