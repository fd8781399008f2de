/**
 * What every REST route of the stand-in shares: the route and request-context types, Jira's answer
 * helpers, and the permission checks that decide what the caller may see (a project or issue the
 * caller may not browse answers exactly like one that does not exist).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { MultipartBody } from './attachments.ts';
import { type ApiResult, errorCollection } from './http.ts';
import { findProject, type Links } from './representations.ts';
import type { ProjectDef, SeedUser } from './seed.ts';
import type { StandInState, StoredIssue } from './state.ts';

export interface RouteContext {
  readonly user: SeedUser;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body; undefined when absent, `INVALID_JSON` when it did not parse. */
  readonly body: unknown;
  readonly links: Links;
  readonly state: StandInState;
  readonly headers: IncomingHttpHeaders;
  /** Set when the request was multipart/form-data. */
  readonly multipart?: MultipartBody;
  /** Largest attachment accepted, in bytes (GET /attachment/meta `uploadLimit`). */
  readonly uploadLimit: number;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly template: string;
  readonly scope: string;
  readonly handle: (ctx: RouteContext) => ApiResult;
  /**
   * The issues (ids or keys, as the request names them) a write goes to: Jira's per-issue write
   * limits count against each existing one. Absent for reads and for creates.
   */
  readonly writesTo?: (params: Readonly<Record<string, string>>, body: unknown) => string[];
}

export const INVALID_JSON = Symbol('invalid-json');

export const ok = (body: unknown, status = 200): ApiResult => ({ status, body });

export const bad = (status: number, messages: readonly string[], errors: Record<string, string> = {}): ApiResult => ({
  status,
  body: errorCollection(messages, errors),
});

/** 204 No Content: Jira's answer to an edit or a transition. */
export const noContent = (): ApiResult => ({ status: 204, body: undefined });

export function can(user: SeedUser, project: ProjectDef, permission: string): boolean {
  return (user.projects[project.key] ?? []).some((p) => p === permission);
}

export function visibleProject(user: SeedUser, idOrKey: string): ProjectDef | undefined {
  const project = findProject(idOrKey);
  return project && can(user, project, 'BROWSE_PROJECTS') ? project : undefined;
}

export const noProject = (idOrKey: string): ApiResult => bad(404, [`No project could be found with key '${idOrKey}'.`]);

export function findIssue(state: StandInState, idOrKey: string): StoredIssue | undefined {
  const wanted = idOrKey.toUpperCase();
  return state.issues.find((i) => i.id === idOrKey || i.key === wanted);
}

export function visibleIssue(ctx: RouteContext, idOrKey: string): StoredIssue | undefined {
  const issue = findIssue(ctx.state, idOrKey);
  const project = issue ? findProject(issue.projectId) : undefined;
  return issue && project && can(ctx.user, project, 'BROWSE_PROJECTS') ? issue : undefined;
}

export const noIssue = (): ApiResult => bad(404, ['Issue does not exist or you do not have permission to see it.']);

/** The issue named by the `{issueIdOrKey}` path parameter: a write to it counts against its limits. */
export const pathIssue = (params: Readonly<Record<string, string>>): string[] => [params['issueIdOrKey'] ?? ''];
