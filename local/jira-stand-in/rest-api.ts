/**
 * Jira Cloud REST v3 routes of the stand-in (paths relative to /ex/jira/{cloudId}/rest/api/3).
 * Each route declares the OAuth scope it needs (docs/jira-cloud-facts.md, "Scopes") and returns
 * an ApiResult. Writes to existing issues (edit, comments, transitions, links) are in issue-updates.ts.
 */
import { createHash } from 'node:crypto';
import {
  bad,
  can,
  findIssue,
  INVALID_JSON,
  noIssue,
  noProject,
  ok,
  pathIssue,
  type Route,
  type RouteContext,
  visibleIssue,
  visibleProject,
} from './api-context.ts';
import {
  attachmentJson,
  isMultipart,
  MAX_ATTACHMENTS_PER_ISSUE,
  MAX_FILES_PER_REQUEST,
  sitePath,
  tooLarge,
  XSRF_FAILED,
} from './attachments.ts';
import { type ApiResult, intParam, isRecord } from './http.ts';
import { issueAttachments, issueJson } from './issue-json.ts';
import { ISSUE_UPDATE_ROUTES } from './issue-updates.ts';
import { formatJiraDateTime, projectIssueTypes, validateCreate, visibleScreen } from './issue-validation.ts';
import { JqlError, parseJql, runJql } from './jql.ts';
import {
  fieldDetailsJson,
  findField,
  findIssueType,
  findPriority,
  findProject,
  issueTypeJson,
  type Links,
  optionJson,
  priorityJson,
  projectJson,
  securityLevelJson,
  userJson,
} from './representations.ts';
import {
  DEFAULT_PRIORITY_ID,
  FIELDS,
  type FieldDef,
  PERMISSIONS,
  PRIORITIES,
  PROJECTS,
  type ProjectDef,
  type SeedUser,
  USERS,
} from './seed.ts';
import type { StoredAttachment, StoredIssue } from './state.ts';
import { initialStatus, statusJson } from './workflow.ts';

export { INVALID_JSON, type Route, type RouteContext };

export const REMOVED_SEARCH_API =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const CREATEMETA_MAX = 200;

const noAttachment = (id: string): ApiResult => bad(404, [`The attachment with id '${id}' does not exist.`]);

/** An attachment the caller may see (Browse projects on its issue's project). */
function visibleAttachment(ctx: RouteContext, id: string): StoredAttachment | undefined {
  const attachment = ctx.state.attachments.find((a) => a.id === id);
  return attachment && visibleIssue(ctx, attachment.issueId) ? attachment : undefined;
}

/** POST /issue/{key}/attachments: Jira's checks in Jira's order (media type, XSRF, issue, size, count). */
function addAttachments(ctx: RouteContext): ApiResult {
  // The resource only consumes multipart; other bodies never reach the XSRF filter, which looks at form types.
  if (
    !isMultipart(typeof ctx.headers['content-type'] === 'string' ? ctx.headers['content-type'] : undefined) ||
    !ctx.multipart
  ) {
    return bad(415, ['Unsupported Media Type: the request must be multipart/form-data.']);
  }
  if (ctx.headers['x-atlassian-token'] !== 'no-check') return XSRF_FAILED;
  const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
  if (!issue) return noIssue();
  const body = ctx.multipart;
  if (body.kind === 'too-large')
    return tooLarge(`The attachments exceed the maximum attachment size of ${ctx.uploadLimit} bytes.`);
  if (body.kind === 'invalid') return bad(400, ['The multipart/form-data body could not be read.']);
  // Parts under any other name are ignored: Jira answers 200 with an empty list, a silent failure.
  const files = body.files.filter((f) => f.field === 'file');
  if (files.length > MAX_FILES_PER_REQUEST)
    return tooLarge(`No more than ${MAX_FILES_PER_REQUEST} files can be attached in one request.`);
  const oversized = files.find((f) => f.content.length > ctx.uploadLimit);
  if (oversized)
    return tooLarge(
      `The file '${oversized.filename}' is too large to attach. The maximum attachment size is ${ctx.uploadLimit} bytes.`,
    );
  if (issueAttachments(ctx.state, issue).length + files.length > MAX_ATTACHMENTS_PER_ISSUE) {
    return tooLarge(`This issue has reached the limit of ${MAX_ATTACHMENTS_PER_ISSUE} attachments.`);
  }
  const created = formatJiraDateTime(ctx.state.now());
  const stored = files.map(
    (f): StoredAttachment => ({
      id: String(ctx.state.nextAttachmentId++),
      issueId: issue.id,
      filename: f.filename,
      mimeType: f.mimeType,
      created,
      authorAccountId: ctx.user.accountId,
      content: f.content,
    }),
  );
  ctx.state.attachments.push(...stored);
  ctx.state.save();
  return ok(stored.map((a) => attachmentJson(ctx.links, a)));
}

/** Page parameters of createmeta: default 50 like Jira, more than 200 is the documented 400. */
function createMetaPage(query: URLSearchParams): { startAt: number; maxResults: number } | ApiResult {
  const startAt = intParam(query, 'startAt', 0);
  const maxResults = intParam(query, 'maxResults', 50);
  if (maxResults > CREATEMETA_MAX) {
    return {
      status: 400,
      body: {
        errorMessages: [`Parameter 'maxResults' must not exceed the limit '${CREATEMETA_MAX}'`],
        errors: {},
        httpStatusCode: { empty: false, present: true },
      },
    };
  }
  if (Number.isNaN(startAt) || Number.isNaN(maxResults) || startAt < 0 || maxResults < 0) {
    return bad(400, ["Parameters 'startAt' and 'maxResults' must be non-negative integers."]);
  }
  return { startAt, maxResults };
}

function fieldMeta(
  links: Links,
  project: ProjectDef,
  field: FieldDef,
  required: boolean,
  issueTypeId: string,
): Record<string, unknown> {
  const base: Record<string, unknown> = {
    required,
    schema: field.schema,
    name: field.name,
    key: field.id,
    fieldId: field.id,
    hasDefaultValue: false,
    operations: ['set'],
  };
  switch (field.id) {
    case 'priority': {
      const medium = findPriority(DEFAULT_PRIORITY_ID);
      return {
        ...base,
        hasDefaultValue: true,
        allowedValues: PRIORITIES.map((p) => priorityJson(links, p)),
        ...(medium ? { defaultValue: priorityJson(links, medium) } : {}),
      };
    }
    case 'issuetype': {
      const type = findIssueType(issueTypeId);
      return { ...base, operations: [], allowedValues: type ? [issueTypeJson(links, type)] : [] };
    }
    case 'project':
      return { ...base, allowedValues: [projectJson(links, project)] };
    case 'reporter':
      return { ...base, hasDefaultValue: true, autoCompleteUrl: `${links.api}/user/search?query=` };
    case 'assignee':
      return { ...base, autoCompleteUrl: `${links.api}/user/assignable/search?project=${project.key}&query=` };
    case 'security':
      return { ...base, allowedValues: (project.securityScheme?.levels ?? []).map((l) => securityLevelJson(links, l)) };
    case 'labels':
      return {
        ...base,
        operations: ['add', 'set', 'remove'],
        autoCompleteUrl: `${links.site}/rest/api/1.0/labels/suggest?query=`,
      };
    default:
      break;
  }
  const custom = field.schema.custom?.split(':')[1];
  if (field.options)
    return {
      ...base,
      ...(field.schema.type === 'array' ? { operations: ['add', 'set', 'remove'] } : {}),
      allowedValues: field.options.map((o) => optionJson(links, o)),
    };
  if (custom === 'labels')
    return {
      ...base,
      operations: ['add', 'set', 'remove'],
      autoCompleteUrl: `${links.site}/rest/api/1.0/labels/${field.schema.customId ?? ''}/suggest?customFieldId=${field.schema.customId ?? ''}&query=`,
    };
  if (custom === 'userpicker' || custom === 'multiuserpicker')
    return { ...base, autoCompleteUrl: `${links.api}/user/search?query=` };
  return base;
}

function userMatches(user: SeedUser, query: string): boolean {
  const q = query.toLowerCase();
  const name = user.displayName.toLowerCase();
  const byName = name.startsWith(q) || name.split(/\s+/).some((word) => word.startsWith(q));
  // Privacy: a hidden e-mail never matches (Jira Cloud does not reveal it through search either).
  return byName || (user.emailVisible && user.email.toLowerCase().startsWith(q));
}

function encodePageToken(jql: string, offset: number): string {
  const hash = createHash('sha256').update(jql).digest('hex').slice(0, 12);
  return Buffer.from(JSON.stringify({ o: offset, q: hash })).toString('base64url');
}

function decodePageToken(token: string, jql: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const hash = createHash('sha256').update(jql).digest('hex').slice(0, 12);
    if (isRecord(parsed) && typeof parsed['o'] === 'number' && parsed['q'] === hash) return parsed['o'];
  } catch {
    // fall through: Jira answers 400 for tokens it did not issue
  }
  return undefined;
}

function searchJql(
  ctx: RouteContext,
  input: {
    jql: unknown;
    fields: readonly string[];
    maxResults: unknown;
    nextPageToken: unknown;
    reconcileIssues: unknown;
  },
): ApiResult {
  const jql = typeof input.jql === 'string' ? input.jql : '';
  let parsed: ReturnType<typeof parseJql>;
  try {
    parsed = parseJql(jql);
  } catch (error) {
    if (error instanceof JqlError) return bad(400, [error.message]);
    throw error;
  }
  if (Array.isArray(input.reconcileIssues) && input.reconcileIssues.length > 50) {
    return bad(400, ['The reconcileIssues list can contain at most 50 issue ids.']);
  }
  const maxResults =
    typeof input.maxResults === 'number' ? Math.min(Math.max(Math.trunc(input.maxResults), 1), 5000) : 50;
  let offset = 0;
  if (input.nextPageToken !== undefined && input.nextPageToken !== null) {
    const decoded = typeof input.nextPageToken === 'string' ? decodePageToken(input.nextPageToken, jql) : undefined;
    if (decoded === undefined) return bad(400, ['The provided next page token is invalid or expired.']);
    offset = decoded;
  }
  const visible = ctx.state.issues.filter((i) => {
    const p = findProject(i.projectId);
    return p !== undefined && can(ctx.user, p, 'BROWSE_PROJECTS');
  });
  const hits = runJql(parsed, visible, ctx.user.accountId);
  const page = hits.slice(offset, offset + maxResults);
  const wantsFields = input.fields.length > 0 && !(input.fields.length === 1 && input.fields[0] === 'id');
  const isLast = offset + page.length >= hits.length;
  return ok({
    issues: page.map((issue) => (wantsFields ? issueJson(ctx, issue, input.fields) : { id: issue.id })),
    ...(isLast ? {} : { nextPageToken: encodePageToken(jql, offset + page.length) }),
    isLast,
  });
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? value.split(',') : [];
}

const gone: Route['handle'] = () => bad(410, [REMOVED_SEARCH_API]);

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    template: '/myself',
    scope: 'read:jira-user',
    handle: ({ user, links }) =>
      ok({
        ...userJson(links, user),
        groups: { size: 3, items: [] },
        applicationRoles: { size: 1, items: [] },
        expand: 'groups,applicationRoles',
      }),
  },
  {
    method: 'GET',
    template: '/mypermissions',
    scope: 'read:jira-work',
    handle: ({ user, query, state }) => {
      const keys = (query.get('permissions') ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (keys.length === 0) return bad(400, ["The 'permissions' query parameter is required."]);
      const unknown = keys.filter((k) => !(k in PERMISSIONS));
      if (unknown.length > 0) return bad(400, [`Unrecognized permission keys: ${unknown.join(', ')}`]);
      const projectRef = query.get('projectId') ?? query.get('projectKey');
      let project: ProjectDef | undefined;
      if (projectRef) {
        project = visibleProject(user, projectRef);
        if (!project) return noProject(projectRef);
      }
      const permissions: Record<string, unknown> = {};
      for (const key of keys) {
        const info = PERMISSIONS[key as keyof typeof PERMISSIONS];
        const have =
          info.type === 'GLOBAL'
            ? state.hasGlobal(user, key)
            : project
              ? can(user, project, key)
              : PROJECTS.some((p) => can(user, p, key));
        permissions[key] = {
          id: info.id,
          key,
          name: info.name,
          type: info.type,
          description: info.description,
          havePermission: have,
        };
      }
      return ok({ permissions });
    },
  },
  {
    method: 'GET',
    template: '/project/search',
    scope: 'read:jira-work',
    handle: ({ user, query, links }) => {
      const startAt = Math.max(intParam(query, 'startAt', 0) || 0, 0);
      // Jira silently caps maxResults at 100 here (unlike createmeta, which refuses > 200).
      const maxResults = Math.min(Math.max(intParam(query, 'maxResults', 50) || 50, 1), 100);
      const text = (query.get('query') ?? '').toLowerCase();
      const keys = query
        .getAll('keys')
        .flatMap((k) => k.split(','))
        .map((k) => k.toUpperCase());
      const ids = query.getAll('id');
      const action = query.get('action') ?? 'view';
      const expand = (query.get('expand') ?? '').split(',');
      const filtered = PROJECTS.filter((p) => can(user, p, 'BROWSE_PROJECTS'))
        .filter((p) => action !== 'create' || can(user, p, 'CREATE_ISSUES'))
        .filter((p) => action !== 'edit' || can(user, p, 'ADMINISTER_PROJECTS'))
        .filter((p) => !text || p.key.toLowerCase().includes(text) || p.name.toLowerCase().includes(text))
        .filter((p) => keys.length === 0 || keys.includes(p.key))
        .filter((p) => ids.length === 0 || ids.includes(p.id))
        .sort((a, b) => (query.get('orderBy') === 'name' ? a.name.localeCompare(b.name) : a.key.localeCompare(b.key)));
      if (filtered.length === 0 && (text || keys.length > 0 || ids.length > 0))
        return bad(404, ['No projects found matching the search criteria.']);
      const values = filtered.slice(startAt, startAt + maxResults);
      const isLast = startAt + values.length >= filtered.length;
      const self = `${links.api}/project/search?startAt=${startAt}&maxResults=${maxResults}`;
      return ok({
        self,
        ...(isLast
          ? {}
          : { nextPage: `${links.api}/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
        maxResults,
        startAt,
        total: filtered.length,
        isLast,
        values: values.map((p) => projectJson(links, p, expand)),
      });
    },
  },
  {
    method: 'GET',
    template: '/project/{projectIdOrKey}',
    scope: 'read:jira-work',
    handle: ({ user, params, links }) => {
      const ref = params['projectIdOrKey'] ?? '';
      const project = visibleProject(user, ref);
      return project ? ok(projectJson(links, project, ['description', 'lead', 'issueTypes'])) : noProject(ref);
    },
  },
  {
    method: 'GET',
    template: '/issue/createmeta/{projectIdOrKey}/issuetypes',
    scope: 'read:jira-work',
    handle: ({ user, params, query, links }) => {
      const ref = params['projectIdOrKey'] ?? '';
      const project = visibleProject(user, ref);
      if (!project || !can(user, project, 'CREATE_ISSUES')) return noProject(ref);
      const pageParams = createMetaPage(query);
      if ('status' in pageParams) return pageParams;
      const all = projectIssueTypes(project);
      return ok({
        issueTypes: all
          .slice(pageParams.startAt, pageParams.startAt + pageParams.maxResults)
          .map((t) => issueTypeJson(links, t)),
        maxResults: pageParams.maxResults,
        startAt: pageParams.startAt,
        total: all.length,
      });
    },
  },
  {
    method: 'GET',
    template: '/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
    scope: 'read:jira-work',
    handle: ({ user, params, query, links, state }) => {
      const ref = params['projectIdOrKey'] ?? '';
      const project = visibleProject(user, ref);
      if (!project || !can(user, project, 'CREATE_ISSUES')) return noProject(ref);
      const typeId = params['issueTypeId'] ?? '';
      if (!project.issueTypeIds.includes(typeId))
        return bad(404, [
          `Issue type with id '${typeId}' does not exist or is not available in project '${project.key}'.`,
        ]);
      const pageParams = createMetaPage(query);
      if ('status' in pageParams) return pageParams;
      const screen = visibleScreen(state.screens[project.key]?.[typeId] ?? [], user, project);
      const all = screen.flatMap((s) => {
        const field = findField(s.fieldId);
        return field ? [fieldMeta(links, project, field, s.required, typeId)] : [];
      });
      return ok({
        fields: all.slice(pageParams.startAt, pageParams.startAt + pageParams.maxResults),
        maxResults: pageParams.maxResults,
        startAt: pageParams.startAt,
        total: all.length,
      });
    },
  },
  {
    method: 'GET',
    template: '/field',
    scope: 'read:jira-work',
    handle: () => ok(FIELDS.map(fieldDetailsJson)),
  },
  {
    method: 'GET',
    template: '/priority',
    scope: 'read:jira-work',
    handle: ({ links }) =>
      ok(
        PRIORITIES.map((p) => ({ ...priorityJson(links, p), description: p.description, statusColor: p.statusColor })),
      ),
  },
  {
    method: 'GET',
    template: '/priority/{id}',
    scope: 'read:jira-work',
    handle: ({ params, links }) => {
      const p = findPriority(params['id'] ?? '');
      return p
        ? ok({ ...priorityJson(links, p), description: p.description, statusColor: p.statusColor })
        : bad(404, [`The priority with ID '${params['id'] ?? ''}' does not exist.`]);
    },
  },
  {
    method: 'GET',
    template: '/user/search',
    scope: 'read:jira-user',
    handle: ({ user, query, links }) => {
      if (query.has('username'))
        return bad(400, ["The query parameter 'username' is not supported in GDPR strict mode."]);
      const text = query.get('query');
      const accountId = query.get('accountId');
      if (!text && !accountId && !query.get('property'))
        return bad(400, ["One of 'query' or 'accountId' or 'property' query parameters must be provided."]);
      // Without "Browse users and groups" Jira answers an empty list, not an error.
      if (!user.global.includes('USER_PICKER')) return ok([]);
      const startAt = Math.max(intParam(query, 'startAt', 0) || 0, 0);
      const maxResults = Math.min(Math.max(intParam(query, 'maxResults', 50) || 50, 1), 1000);
      const found = USERS.filter((u) => (accountId ? u.accountId === accountId : userMatches(u, text ?? '')));
      return ok(found.slice(startAt, startAt + maxResults).map((u) => userJson(links, u)));
    },
  },
  {
    method: 'GET',
    template: '/user/assignable/search',
    scope: 'read:jira-user',
    handle: (ctx) => {
      const { query, user, links } = ctx;
      if (query.has('username'))
        return bad(400, ["The query parameter 'username' is not supported in GDPR strict mode."]);
      const projectRef = query.get('project');
      const issueRef = query.get('issueKey') ?? query.get('issueId');
      if (!projectRef && !issueRef) return bad(400, ['No project, issue key or issue ID was provided']);
      const text = query.get('query');
      const accountId = query.get('accountId');
      if (text !== null && accountId !== null)
        return bad(400, ["Only one of the 'query' and 'accountId' query parameters can be provided."]);
      if (text === null && accountId === null)
        return bad(400, ["One of the 'query' or 'accountId' query parameters must be provided."]);
      let project: ProjectDef | undefined;
      if (issueRef) {
        const issue = visibleIssue(ctx, issueRef);
        if (!issue) return noIssue();
        project = findProject(issue.projectId);
      } else if (projectRef) {
        project = visibleProject(user, projectRef);
        if (!project) return noProject(projectRef);
      }
      // Needs Browse users and groups, or Assign issues in the project; without either, nobody.
      if (!project || !(user.global.includes('USER_PICKER') || can(user, project, 'ASSIGN_ISSUES'))) return ok([]);
      const key = project.key;
      const startAt = Math.max(intParam(query, 'startAt', 0) || 0, 0);
      const maxResults = Math.min(Math.max(intParam(query, 'maxResults', 50) || 50, 1), 1000);
      const found = USERS.filter((u) => (u.projects[key] ?? []).includes('ASSIGNABLE_USER')).filter((u) =>
        accountId !== null ? u.accountId === accountId : userMatches(u, text ?? ''),
      );
      return ok(found.slice(startAt, startAt + maxResults).map((u) => userJson(links, u)));
    },
  },
  {
    method: 'GET',
    template: '/project/{projectKeyOrId}/securitylevel',
    scope: 'read:jira-work',
    handle: ({ user, params, links }) => {
      const ref = params['projectKeyOrId'] ?? '';
      const project = visibleProject(user, ref);
      if (!project) return noProject(ref);
      // Levels are listed only to users who may set them (Set Issue Security).
      const levels = can(user, project, 'SET_ISSUE_SECURITY') ? (project.securityScheme?.levels ?? []) : [];
      return ok({ levels: levels.map((l) => securityLevelJson(links, l)) });
    },
  },
  {
    method: 'POST',
    template: '/issue',
    scope: 'write:jira-work',
    handle: (ctx) => {
      if (ctx.body === INVALID_JSON)
        return bad(400, ['Unexpected character in the request body: it is not valid JSON.']);
      const result = validateCreate(ctx.body, {
        links: ctx.links,
        screens: ctx.state.screens,
        caller: ctx.user,
        findIssue: (ref) => findIssue(ctx.state, ref),
      });
      if (!result.ok) return { status: 400, body: result.body };
      const { state } = ctx;
      const id = String(state.nextIssueId++);
      const number = (state.issueCounters[result.project.key] ?? 0) + 1;
      state.issueCounters[result.project.key] = number;
      const created = formatJiraDateTime(state.now());
      const issue: StoredIssue = {
        id,
        key: `${result.project.key}-${number}`,
        projectId: result.project.id,
        issueTypeId: result.issueType.id,
        fields: {
          ...result.fields,
          status: statusJson(ctx.links, initialStatus(result.project)),
          resolution: null,
          resolutiondate: null,
          creator: userJson(ctx.links, ctx.user),
          created,
          updated: created,
        },
        created,
        creatorAccountId: ctx.user.accountId,
        comments: [],
      };
      state.issues.push(issue);
      state.save();
      return ok({ id: issue.id, key: issue.key, self: `${ctx.links.api}/issue/${issue.id}` }, 201);
    },
  },
  {
    method: 'GET',
    template: '/issue/{issueIdOrKey}',
    scope: 'read:jira-work',
    handle: (ctx) => {
      const issue = visibleIssue(ctx, ctx.params['issueIdOrKey'] ?? '');
      return issue ? ok(issueJson(ctx, issue, ctx.query.getAll('fields'))) : noIssue();
    },
  },
  {
    method: 'POST',
    template: '/issue/{issueIdOrKey}/attachments',
    scope: 'write:jira-work',
    handle: addAttachments,
    writesTo: pathIssue,
  },
  {
    method: 'GET',
    template: '/attachment/meta',
    scope: 'read:jira-work',
    handle: (ctx) => ok({ enabled: true, uploadLimit: ctx.uploadLimit }),
  },
  {
    method: 'GET',
    template: '/attachment/{id}',
    scope: 'read:jira-work',
    handle: (ctx) => {
      const id = ctx.params['id'] ?? '';
      const attachment = visibleAttachment(ctx, id);
      // This one answers the id as a number (AttachmentMetadata), unlike the upload and the issue field.
      return attachment
        ? ok({ ...attachmentJson(ctx.links, attachment), id: Number(attachment.id), properties: {} })
        : noAttachment(id);
    },
  },
  {
    method: 'GET',
    template: '/attachment/content/{id}',
    scope: 'read:jira-work',
    handle: (ctx) => {
      const id = ctx.params['id'] ?? '';
      const attachment = visibleAttachment(ctx, id);
      if (!attachment) return noAttachment(id);
      // By default Jira redirects (303) to where the bytes are served; `redirect=false` answers them at once.
      if (ctx.query.get('redirect') !== 'false') {
        return {
          status: 303,
          body: '',
          contentType: 'text/plain;charset=UTF-8',
          headers: { location: `${ctx.links.site}${sitePath(attachment)}` },
        };
      }
      return {
        status: 200,
        body: attachment.content,
        contentType: attachment.mimeType,
        headers: { 'content-disposition': 'attachment' },
      };
    },
  },
  {
    method: 'POST',
    template: '/search/jql',
    scope: 'read:jira-work',
    handle: (ctx) => {
      if (!isRecord(ctx.body)) return bad(400, ['The request body is not a valid JSON object.']);
      const b = ctx.body;
      return searchJql(ctx, {
        jql: b['jql'],
        fields: stringList(b['fields']),
        maxResults: b['maxResults'],
        nextPageToken: b['nextPageToken'],
        reconcileIssues: b['reconcileIssues'],
      });
    },
  },
  {
    method: 'GET',
    template: '/search/jql',
    scope: 'read:jira-work',
    handle: (ctx) => {
      const q = ctx.query;
      const max = q.get('maxResults');
      return searchJql(ctx, {
        jql: q.get('jql') ?? '',
        fields: q.getAll('fields').flatMap((f) => f.split(',')),
        maxResults: max === null ? undefined : Number(max),
        nextPageToken: q.get('nextPageToken') ?? undefined,
        reconcileIssues: q.getAll('reconcileIssues'),
      });
    },
  },
  // Removed for good in Cloud (CHANGE-2046): clients still calling them must notice.
  { method: 'GET', template: '/search', scope: 'read:jira-work', handle: gone },
  { method: 'POST', template: '/search', scope: 'read:jira-work', handle: gone },
  { method: 'GET', template: '/search/id', scope: 'read:jira-work', handle: gone },
  { method: 'POST', template: '/search/id', scope: 'read:jira-work', handle: gone },
  ...ISSUE_UPDATE_ROUTES,
];

/** Matches `/issue/SEC-1/comment` against the templates; returns the route and its path parameters. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
  const parts = path.split('/').filter(Boolean);
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const tparts = route.template.split('/').filter(Boolean);
    if (tparts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = tparts.every((t, i) => {
      const actual = parts[i] ?? '';
      if (t.startsWith('{') && t.endsWith('}')) {
        params[t.slice(1, -1)] = decodeURIComponent(actual);
        return true;
      }
      return t === actual;
    });
    if (!fits) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}
