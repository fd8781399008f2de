/**
 * An issue as `GET /issue/{key}` returns it: stored field values, plus the fields Jira computes on
 * read (attachments, comments, links to other issues, whose status may have moved since).
 */
import type { RouteContext } from './api-context.ts';
import { attachmentJson } from './attachments.ts';
import { findField, findIssueLinkType, issueLinkTypeJson, userJson } from './representations.ts';
import { FIELDS, USERS } from './seed.ts';
import type { StandInState, StoredAttachment, StoredComment, StoredIssue } from './state.ts';

export function issueAttachments(state: StandInState, issue: StoredIssue): StoredAttachment[] {
  return state.attachments.filter((a) => a.issueId === issue.id);
}

export function commentJson(ctx: RouteContext, issue: StoredIssue, comment: StoredComment): Record<string, unknown> {
  const author = USERS.find((u) => u.accountId === comment.authorAccountId);
  const authorJson = author ? userJson(ctx.links, author) : { accountId: comment.authorAccountId };
  return {
    self: `${ctx.links.api}/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: authorJson,
    body: comment.body,
    updateAuthor: authorJson,
    created: comment.created,
    updated: comment.created,
    jsdPublic: true,
  };
}

/** The other issue of a link, with the few fields Jira embeds (its status as it is now). */
function linkedIssueJson(ctx: RouteContext, issue: StoredIssue): Record<string, unknown> {
  const f = issue.fields;
  return {
    id: issue.id,
    key: issue.key,
    self: `${ctx.links.api}/issue/${issue.id}`,
    fields: {
      summary: f['summary'] ?? null,
      status: f['status'] ?? null,
      ...(f['priority'] ? { priority: f['priority'] } : {}),
      issuetype: f['issuetype'] ?? null,
    },
  };
}

/**
 * `fields.issuelinks`: on the link's inward issue the other one shows as `outwardIssue`, and on the
 * outward issue as `inwardIssue`.
 */
export function issueLinksJson(ctx: RouteContext, issue: StoredIssue): Record<string, unknown>[] {
  return ctx.state.issueLinks.flatMap((link) => {
    const type = findIssueLinkType({ id: link.typeId });
    if (!type) return [];
    const isInward = link.inwardIssueId === issue.id;
    if (!isInward && link.outwardIssueId !== issue.id) return [];
    const other = ctx.state.issues.find((i) => i.id === (isInward ? link.outwardIssueId : link.inwardIssueId));
    if (!other) return [];
    return [
      {
        id: link.id,
        self: `${ctx.links.api}/issueLink/${link.id}`,
        type: issueLinkTypeJson(ctx.links, type),
        [isInward ? 'outwardIssue' : 'inwardIssue']: linkedIssueJson(ctx, other),
      },
    ];
  });
}

function computedField(ctx: RouteContext, issue: StoredIssue, fieldId: string): unknown {
  switch (fieldId) {
    case 'attachment':
      return issueAttachments(ctx.state, issue).map((a) => attachmentJson(ctx.links, a));
    case 'issuelinks':
      return issueLinksJson(ctx, issue);
    case 'comment':
      return {
        comments: issue.comments.map((c) => commentJson(ctx, issue, c)),
        self: `${ctx.links.api}/issue/${issue.id}/comment`,
        maxResults: issue.comments.length,
        total: issue.comments.length,
        startAt: 0,
      };
    default:
      return issue.fields[fieldId] ?? null;
  }
}

/** The value of a stored issue as GET issue returns it, limited by `fields` (`*all`, `-x`, names). */
export function selectFields(
  ctx: RouteContext,
  issue: StoredIssue,
  requested: readonly string[],
): Record<string, unknown> {
  const all = issue.fields;
  const wanted = requested
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  const include = wanted.filter((w) => !w.startsWith('-'));
  const exclude = new Set(wanted.filter((w) => w.startsWith('-')).map((w) => w.slice(1)));
  const everything = include.length === 0 || include.includes('*all') || include.includes('*navigable');
  const out: Record<string, unknown> = {};
  const keys = everything ? FIELDS.map((f) => f.id).filter((id) => id in all || !findField(id)?.custom) : include;
  for (const key of keys) {
    if (exclude.has(key) || !findField(key)) continue;
    out[key] = computedField(ctx, issue, key);
  }
  return out;
}

export function issueJson(
  ctx: RouteContext,
  issue: StoredIssue,
  requested: readonly string[],
): Record<string, unknown> {
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${ctx.links.api}/issue/${issue.id}`,
    key: issue.key,
    fields: selectFields(ctx, issue, requested),
  };
}
