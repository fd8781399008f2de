/**
 * IssueTracker on Jira Cloud REST v3 through the Atlassian gateway
 * (`{apiUrl}/ex/jira/{cloudId}/rest/api/3/...`) with the relay's OAuth access token.
 * The token comes from an injected provider (it rotates; another instance may refresh it), and a 401
 * makes the adapter ask for a fresh one and retry exactly once.
 * Over 350 lines because each REST call carries its own response schema and paging rule.
 */
import type { AxiosInstance } from 'axios';
import * as z from 'zod/mini';
import type { JiraSignal } from '#domain/delivery/jira-governor.ts';
import { JiraRejectedError } from '#domain/errors.ts';
import type {
  AdfDocument,
  CreatedIssue,
  IssueAttachment,
  IssueState,
  IssueTracker,
  IssueTransition,
  JiraFieldMeta,
  JiraIssueType,
  JiraProject,
  JiraUser,
  SecurityLevel,
  StatusCategory,
} from '#domain/ports.ts';
import {
  createAtlassianHttp,
  type HttpAnswer,
  type HttpCall,
  jiraFailure,
  parseBody,
  send,
  signalFrom,
  transportSignal,
  trimSlash,
} from './atlassian-http.ts';

export interface JiraIssueTrackerOptions {
  /** e.g. https://api.atlassian.com (ATLASSIAN_API_URL). */
  readonly apiUrl: string;
  readonly cloudId: () => Promise<string> | string;
  /** Current access token (refreshing it first when it is about to expire). */
  readonly accessToken: () => Promise<string>;
  /** Called after a 401 so the next `accessToken()` returns a refreshed token. */
  readonly onUnauthorized?: () => Promise<void>;
  readonly timeoutMs?: number;
  /** Page size for paginated reads (Jira's default is 50; createmeta allows up to 200). */
  readonly pageSize?: number;
  /** Told of every answer (and every missing one): the governor learns Jira's health and limits. */
  readonly observe?: (signal: JiraSignal) => Promise<void>;
}

/** Jira caps the number of pages we will follow: a runaway `isLast: false` must not loop forever. */
const MAX_PAGES = 200;

const createdSchema = z.object({ id: z.string(), key: z.string() });

const searchSchema = z.object({
  issues: z.array(z.object({ id: z.string(), key: z.optional(z.string()) })),
});

const projectPageSchema = z.object({
  values: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      name: z.string(),
      style: z.optional(z.string()),
      simplified: z.optional(z.boolean()),
    }),
  ),
  isLast: z.optional(z.boolean()),
  total: z.optional(z.number()),
});

const issueTypePageSchema = z.object({
  issueTypes: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      subtask: z._default(z.boolean(), false),
      hierarchyLevel: z.optional(z.number()),
    }),
  ),
  total: z.optional(z.number()),
});

const allowedValueSchema = z.looseObject({
  id: z.optional(z.union([z.string(), z.number()])),
  value: z.optional(z.string()),
  name: z.optional(z.string()),
});

const fieldPageSchema = z.object({
  fields: z.array(
    z.object({
      fieldId: z.string(),
      name: z.string(),
      required: z.boolean(),
      hasDefaultValue: z.optional(z.boolean()),
      schema: z.object({
        type: z.string(),
        items: z.optional(z.string()),
        system: z.optional(z.string()),
        custom: z.optional(z.string()),
      }),
      allowedValues: z.optional(z.array(allowedValueSchema)),
    }),
  ),
  total: z.optional(z.number()),
});

const attachmentSchema = z.object({ id: z.union([z.string(), z.number()]), filename: z.string(), size: z.number() });

const attachmentsSchema = z.array(attachmentSchema);

const issueAttachmentsSchema = z.object({
  fields: z.object({ attachment: z._default(z.array(attachmentSchema), []) }),
});

const usersSchema = z.array(
  z.object({
    accountId: z.string(),
    accountType: z.optional(z.string()),
    displayName: z._default(z.string(), ''),
    emailAddress: z.optional(z.string()),
    active: z.optional(z.boolean()),
  }),
);

const statusCategorySchema = z.object({ key: z.string() });

const issueStateSchema = z.object({
  key: z.string(),
  fields: z.object({
    status: z.object({ name: z.string(), statusCategory: statusCategorySchema }),
    resolution: z.nullish(z.object({ name: z.string() })),
    resolutiondate: z.nullish(z.string()),
  }),
});

function toIssueState({ key, fields }: z.output<typeof issueStateSchema>): IssueState {
  return {
    key,
    statusName: fields.status.name,
    statusCategory: statusCategory(fields.status.statusCategory.key),
    ...(fields.resolution ? { resolution: fields.resolution.name } : {}),
    ...(fields.resolutiondate ? { resolutionDate: fields.resolutiondate } : {}),
  };
}

const transitionsSchema = z.object({
  transitions: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      to: z.object({ name: z.string(), statusCategory: statusCategorySchema }),
      isAvailable: z.optional(z.boolean()),
    }),
  ),
});

const securityLevelsSchema = z.object({ levels: z.array(z.object({ id: z.string(), name: z.string() })) });

/**
 * Jira's status category keys. Besides `new`, `indeterminate` and `done` it knows `undefined` (a
 * status without a category): the relay treats that like a status where work has not started.
 */
function statusCategory(key: string): StatusCategory {
  return key === 'done' || key === 'indeterminate' ? key : 'new';
}

/** `update.comment` of an edit or a transition: the comment travels in the same call. */
function commentUpdate(comment: AdfDocument | undefined): { update?: { comment: { add: { body: AdfDocument } }[] } } {
  return comment === undefined ? {} : { update: { comment: [{ add: { body: comment } }] } };
}

/** JQL string literal: quotes and backslashes escaped so a label can never change the query. */
export function jqlString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export class JiraIssueTracker implements IssueTracker {
  private readonly http: AxiosInstance;
  private readonly apiUrl: string;
  private readonly pageSize: number;

  constructor(private readonly options: JiraIssueTrackerOptions) {
    this.http = createAtlassianHttp(options.timeoutMs);
    this.apiUrl = trimSlash(options.apiUrl);
    this.pageSize = options.pageSize ?? 50;
  }

  async createIssue(fields: Record<string, unknown>): Promise<CreatedIssue> {
    const body = await this.call({ method: 'POST', path: '/issue', data: { fields }, creates: true });
    const created = parseBody(createdSchema, body, { what: 'POST /issue', creates: true });
    return { id: created.id, key: created.key };
  }

  async findIssueByLabel(projectKey: string, label: string): Promise<CreatedIssue | undefined> {
    // Bounded JQL (project + label): Jira Cloud refuses unbounded queries on /search/jql.
    const jql = `project = ${jqlString(projectKey)} AND labels = ${jqlString(label)} ORDER BY created ASC`;
    const answer = await this.call({
      method: 'POST',
      path: '/search/jql',
      data: { jql, fields: ['summary'], maxResults: 1 },
    });
    const found = parseBody(searchSchema, answer, { what: 'POST /search/jql' }).issues[0];
    return found?.key ? { id: found.id, key: found.key } : undefined;
  }

  async addAttachment(
    issueKey: string,
    filename: string,
    content: string | Uint8Array,
    mimeType: string,
  ): Promise<IssueAttachment> {
    const what = `POST /issue/${issueKey}/attachments`;
    // Jira takes files only as multipart parts named `file`, behind its XSRF check (docs/jira-cloud-facts.md).
    const form = (): FormData => {
      const data = new FormData();
      // A string goes in as its UTF-8 bytes; bytes are copied so the Blob owns a plain ArrayBuffer.
      data.append(
        'file',
        new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type: mimeType }),
        filename,
      );
      return data;
    };
    const answer = await this.call({
      method: 'POST',
      path: `/issue/${encodeURIComponent(issueKey)}/attachments`,
      data: form,
      headers: { 'X-Atlassian-Token': 'no-check' },
      issueKey,
    });
    const stored = parseBody(attachmentsSchema, answer, { what }).find((a) => a.filename === filename);
    // Jira answers 200 with an empty list when it found no part it takes: nothing was attached.
    if (stored === undefined)
      throw new JiraRejectedError(`${what}: Jira attached nothing`, answer.status, {}, ['No file was attached']);
    return { id: String(stored.id), filename: stored.filename, size: stored.size };
  }

  async listAttachments(issueKey: string): Promise<IssueAttachment[]> {
    const answer = await this.call({
      method: 'GET',
      path: `/issue/${encodeURIComponent(issueKey)}`,
      params: { fields: 'attachment' },
    });
    return parseBody(issueAttachmentsSchema, answer, { what: 'GET /issue?fields=attachment' }).fields.attachment.map(
      (a) => ({
        id: String(a.id),
        filename: a.filename,
        size: a.size,
      }),
    );
  }

  async getIssueState(issueKey: string): Promise<IssueState | undefined> {
    const answer = await this.call({
      method: 'GET',
      path: `/issue/${encodeURIComponent(issueKey)}`,
      params: { fields: 'status,resolution,resolutiondate' },
      // Deleted, or moved out of the relay's sight: for the relay the issue is gone.
      emptyOn404: true,
    });
    if (answer.status === 404) return undefined;
    return toIssueState(parseBody(issueStateSchema, answer, { what: 'GET /issue?fields=status' }));
  }

  /**
   * An edit with neither fields nor a comment changes nothing and is not sent (it would cost a
   * per-issue write). `returnIssue` makes Jira answer the issue as GET issue does, so the edit also
   * tells the issue's status; an answer without a readable status (204) is undefined.
   */
  async editIssue(
    issueKey: string,
    edit: { fields?: Record<string, unknown>; comment?: AdfDocument },
  ): Promise<IssueState | undefined> {
    const fields = edit.fields && Object.keys(edit.fields).length > 0 ? { fields: edit.fields } : {};
    const update = commentUpdate(edit.comment);
    if (!('fields' in fields) && !('update' in update)) return undefined;
    const answer = await this.call({
      method: 'PUT',
      path: `/issue/${encodeURIComponent(issueKey)}`,
      params: { returnIssue: 'true' },
      data: { ...fields, ...update },
      issueKey,
    });
    const issue = issueStateSchema.safeParse(answer.body);
    return issue.success ? toIssueState(issue.data) : undefined;
  }

  async listTransitions(issueKey: string): Promise<IssueTransition[]> {
    const answer = await this.call({ method: 'GET', path: `/issue/${encodeURIComponent(issueKey)}/transitions` });
    return parseBody(transitionsSchema, answer, { what: 'GET /issue/transitions' })
      .transitions.filter((t) => t.isAvailable !== false)
      .map((t) => ({
        id: t.id,
        name: t.name,
        toStatusName: t.to.name,
        toStatusCategory: statusCategory(t.to.statusCategory.key),
      }));
  }

  async transitionIssue(issueKey: string, transitionId: string, comment?: AdfDocument): Promise<void> {
    await this.call({
      method: 'POST',
      path: `/issue/${encodeURIComponent(issueKey)}/transitions`,
      data: { transition: { id: transitionId }, ...commentUpdate(comment) },
      issueKey,
    });
  }

  async linkIssues(typeName: string, inwardKey: string, outwardKey: string): Promise<void> {
    await this.call({
      method: 'POST',
      path: '/issueLink',
      data: { type: { name: typeName }, inwardIssue: { key: inwardKey }, outwardIssue: { key: outwardKey } },
      // A link writes to both issues; a per-issue 429 names neither, so the hold goes to the outward
      // ("from") issue, the one Jira links from and adds the link's comment to.
      issueKey: outwardKey,
    });
  }

  async findAssignableUsers(projectKey: string, query: { accountId?: string; query?: string }): Promise<JiraUser[]> {
    // Jira wants exactly one of `accountId` and `query`; an empty query lists every assignable user.
    const params: Record<string, string | number> =
      query.accountId !== undefined
        ? { project: projectKey, accountId: query.accountId }
        : { project: projectKey, query: query.query ?? '', maxResults: 50 };
    const answer = await this.call({ method: 'GET', path: '/user/assignable/search', params });
    const users = parseBody(usersSchema, answer, { what: 'GET /user/assignable/search' });
    return users
      .filter((u) => u.accountType === undefined || u.accountType === 'atlassian')
      .filter((u) => query.accountId === undefined || u.accountId === query.accountId)
      .map((u) => ({
        accountId: u.accountId,
        displayName: u.displayName,
        ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
        ...(u.active !== undefined ? { active: u.active } : {}),
      }));
  }

  async listSecurityLevels(projectKey: string): Promise<SecurityLevel[]> {
    const answer = await this.call({ method: 'GET', path: `/project/${encodeURIComponent(projectKey)}/securitylevel` });
    return parseBody(securityLevelsSchema, answer, { what: 'GET /project/securitylevel' }).levels.map((l) => ({
      id: l.id,
      name: l.name,
    }));
  }

  async listProjects(): Promise<JiraProject[]> {
    const projects: JiraProject[] = [];
    for (let page = 0, startAt = 0; page < MAX_PAGES; page += 1) {
      const answer = await this.call({
        method: 'GET',
        path: '/project/search',
        params: { startAt, maxResults: Math.min(this.pageSize, 100), action: 'create', orderBy: 'key' },
        // Jira answers 404 when nothing matches: for us that is an empty list.
        emptyOn404: true,
      });
      if (answer.status === 404) break;
      const parsed = parseBody(projectPageSchema, answer, { what: 'GET /project/search' });
      for (const p of parsed.values) {
        const style = p.style === 'next-gen' || p.simplified === true ? 'next-gen' : 'classic';
        projects.push({ id: p.id, key: p.key, name: p.name, style });
      }
      startAt += parsed.values.length;
      if (
        parsed.values.length === 0 ||
        parsed.isLast === true ||
        (parsed.isLast === undefined && parsed.total !== undefined && startAt >= parsed.total)
      )
        break;
    }
    return projects;
  }

  async listIssueTypes(projectKey: string): Promise<JiraIssueType[]> {
    const types: JiraIssueType[] = [];
    const path = `/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`;
    for (let page = 0, startAt = 0; page < MAX_PAGES; page += 1) {
      const answer = await this.call({ method: 'GET', path, params: { startAt, maxResults: this.pageSize } });
      const parsed = parseBody(issueTypePageSchema, answer, { what: 'GET createmeta issue types' });
      for (const t of parsed.issueTypes) {
        types.push({
          id: t.id,
          name: t.name,
          subtask: t.subtask,
          hierarchyLevel: t.hierarchyLevel ?? (t.subtask ? -1 : 0),
        });
      }
      startAt += parsed.issueTypes.length;
      if (parsed.issueTypes.length === 0 || parsed.total === undefined || startAt >= parsed.total) break;
    }
    return types;
  }

  async listCreateFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]> {
    const fields: JiraFieldMeta[] = [];
    const path = `/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes/${encodeURIComponent(issueTypeId)}`;
    for (let page = 0, startAt = 0; page < MAX_PAGES; page += 1) {
      const answer = await this.call({ method: 'GET', path, params: { startAt, maxResults: this.pageSize } });
      const parsed = parseBody(fieldPageSchema, answer, { what: 'GET createmeta fields' });
      for (const f of parsed.fields) {
        const allowed = f.allowedValues?.flatMap((v) =>
          v.id === undefined
            ? []
            : [
                {
                  id: String(v.id),
                  ...(v.value !== undefined ? { value: v.value } : {}),
                  ...(v.name !== undefined ? { name: v.name } : {}),
                },
              ],
        );
        fields.push({
          fieldId: f.fieldId,
          name: f.name,
          required: f.required,
          hasDefaultValue: f.hasDefaultValue ?? false,
          schema: {
            type: f.schema.type,
            ...(f.schema.items !== undefined ? { items: f.schema.items } : {}),
            ...(f.schema.system !== undefined ? { system: f.schema.system } : {}),
            ...(f.schema.custom !== undefined ? { custom: f.schema.custom } : {}),
          },
          ...(allowed ? { allowedValues: allowed } : {}),
        });
      }
      startAt += parsed.fields.length;
      if (parsed.fields.length === 0 || parsed.total === undefined || startAt >= parsed.total) break;
    }
    return fields;
  }

  async searchUsers(query: string): Promise<JiraUser[]> {
    const answer = await this.call({ method: 'GET', path: '/user/search', params: { query, maxResults: 50 } });
    const users = parseBody(usersSchema, answer, { what: 'GET /user/search' });
    // App and customer accounts cannot hold Jira fields such as assignee.
    return users
      .filter((u) => u.accountType === undefined || u.accountType === 'atlassian')
      .map((u) => ({
        accountId: u.accountId,
        displayName: u.displayName,
        ...(u.emailAddress ? { emailAddress: u.emailAddress } : {}),
        ...(u.active !== undefined ? { active: u.active } : {}),
      }));
  }

  async findUserByAccountId(accountId: string): Promise<JiraUser | undefined> {
    const answer = await this.call({ method: 'GET', path: '/user/search', params: { accountId } });
    const user = parseBody(usersSchema, answer, { what: 'GET /user/search?accountId' }).find(
      (u) => u.accountId === accountId,
    );
    return user
      ? {
          accountId: user.accountId,
          displayName: user.displayName,
          ...(user.emailAddress ? { emailAddress: user.emailAddress } : {}),
        }
      : undefined;
  }

  /** One REST call with the 401 → refresh → retry-once rule; non-2xx answers become relay errors. */
  private async call(request: {
    method: 'GET' | 'POST' | 'PUT';
    path: string;
    params?: Record<string, string | number>;
    /** A function is called per attempt: a multipart body is a stream that cannot be sent twice. */
    data?: unknown;
    headers?: Record<string, string>;
    creates?: boolean;
    emptyOn404?: boolean;
    /** The issue a write goes to: Jira limits writes per issue, and the governor learns it per issue. */
    issueKey?: string;
  }) {
    const what = `${request.method} ${request.path}`;
    for (let attempt = 0; ; attempt += 1) {
      const cloudId = await this.options.cloudId();
      const call: HttpCall = {
        method: request.method,
        url: `${this.apiUrl}/ex/jira/${encodeURIComponent(cloudId)}/rest/api/3${request.path}`,
        accessToken: await this.options.accessToken(),
        what,
        ...(request.params ? { params: request.params } : {}),
        ...(request.data !== undefined
          ? { data: typeof request.data === 'function' ? (request.data as () => unknown)() : request.data }
          : {}),
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.creates ? { creates: true } : {}),
      };
      const answer = await this.observed(call, request.issueKey);
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status === 404 && request.emptyOn404) return answer;
      if (answer.status === 401 && attempt === 0 && this.options.onUnauthorized) {
        await this.options.onUnauthorized();
        continue;
      }
      throw jiraFailure(answer, call);
    }
  }

  private async observed(call: HttpCall, issueKey?: string): Promise<HttpAnswer> {
    const about = issueKey === undefined ? {} : { issueKey };
    let answer: HttpAnswer;
    try {
      answer = await send(this.http, call);
    } catch (error) {
      await this.options.observe?.({ ...transportSignal(error), ...about });
      throw error;
    }
    await this.options.observe?.({ ...signalFrom(answer), ...about });
    return answer;
  }
}
