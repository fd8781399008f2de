/**
 * Mutable state of one stand-in: issues (with their status, resolution and comments), issue links,
 * attachments, OAuth grants, screens, faults, request counters and the test clock. Issues, links,
 * attachments, tokens and screens can be persisted to a JSON file so
 * `npm start` keeps them across restarts; faults, limits, counters and pending authorization codes
 * are deliberately not kept.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { PROJECTS, type ScreenField } from './seed.ts';

export interface StoredComment {
  readonly id: string;
  readonly authorAccountId: string;
  readonly body: unknown;
  readonly created: string;
}

export interface StoredIssue {
  readonly id: string;
  readonly key: string;
  readonly projectId: string;
  readonly issueTypeId: string;
  /** Field values as GET issue returns them (options, users and priorities already expanded). */
  readonly fields: Record<string, unknown>;
  readonly created: string;
  readonly creatorAccountId: string;
  readonly comments: StoredComment[];
}

/** A link between two issues (ids), of one of the seeded link types. */
export interface StoredIssueLink {
  readonly id: string;
  readonly typeId: string;
  readonly inwardIssueId: string;
  readonly outwardIssueId: string;
}

export interface StoredAttachment {
  readonly id: string;
  readonly issueId: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly created: string;
  readonly authorAccountId: string;
  readonly content: Buffer;
}

export interface AuthCode {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly accountId: string;
  readonly expiresAt: number;
  used: boolean;
}

export interface TokenFamily {
  readonly id: string;
  readonly clientId: string;
  readonly accountId: string;
  readonly scope: string;
  readonly createdAt: number;
  revokedAt?: number;
  revokedReason?: string;
}

export interface RefreshTokenRecord {
  readonly token: string;
  readonly familyId: string;
  readonly issuedAt: number;
  /** When it was exchanged for a newer token; it stays usable for the reuse window after that. */
  supersededAt?: number;
}

export interface AccessTokenRecord {
  readonly token: string;
  readonly familyId: string;
  /** The refresh token issued with it: when that one's reuse window ends, this one is revoked too. */
  readonly companionRefreshToken?: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface FaultRule {
  /** `METHOD /path` (route template or concrete path, REST paths relative to /rest/api/3), or `*`. */
  readonly path: string;
  readonly status?: number;
  readonly mode: 'status' | 'timeout' | 'reset';
  remaining: number;
  readonly retryAfterSeconds?: number;
  readonly rateLimitReason?: string;
  /** Run the request (e.g. create the issue) and then lose the response: "timeout after send". */
  readonly processRequest: boolean;
}

const persistedSchema = z.object({
  version: z.literal(1),
  clockOffsetMs: z.number(),
  nextIssueId: z.number().int(),
  nextCommentId: z.number().int(),
  issueCounters: z.record(z.string(), z.number().int()),
  issues: z.array(z.custom<StoredIssue>((v) => typeof v === 'object' && v !== null)),
  families: z.array(z.custom<TokenFamily>((v) => typeof v === 'object' && v !== null)),
  refreshTokens: z.array(z.custom<RefreshTokenRecord>((v) => typeof v === 'object' && v !== null)),
  accessTokens: z.array(z.custom<AccessTokenRecord>((v) => typeof v === 'object' && v !== null)),
  screens: z.record(
    z.string(),
    z.record(z.string(), z.array(z.object({ fieldId: z.string(), required: z.boolean() }))),
  ),
  // Added later: data files written before attachments existed still load.
  nextAttachmentId: z.number().int().default(10000),
  attachments: z
    .array(
      z.object({
        id: z.string(),
        issueId: z.string(),
        filename: z.string(),
        mimeType: z.string(),
        created: z.string(),
        authorAccountId: z.string(),
        contentBase64: z.string(),
      }),
    )
    .default([]),
  // Added with workflows and links: older data files start without links.
  nextIssueLinkId: z.number().int().default(10000),
  issueLinks: z
    .array(z.object({ id: z.string(), typeId: z.string(), inwardIssueId: z.string(), outwardIssueId: z.string() }))
    .default([]),
});

function seedScreens(): Record<string, Record<string, ScreenField[]>> {
  return Object.fromEntries(
    PROJECTS.map((p) => [
      p.key,
      Object.fromEntries(Object.entries(p.screens).map(([type, fields]) => [type, [...fields]])),
    ]),
  );
}

export class StandInState {
  clockOffsetMs = 0;
  nextIssueId = 10000;
  nextCommentId = 10000;
  issueCounters: Record<string, number> = {};
  issues: StoredIssue[] = [];
  nextAttachmentId = 10000;
  attachments: StoredAttachment[] = [];
  nextIssueLinkId = 10000;
  issueLinks: StoredIssueLink[] = [];
  codes = new Map<string, AuthCode>();
  families = new Map<string, TokenFamily>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  accessTokens = new Map<string, AccessTokenRecord>();
  /** Project key → issue type id → settable fields. Tests change it via /_stand-in/screens. */
  screens = seedScreens();
  faults: FaultRule[] = [];
  counters = new Map<string, number>();
  /** Account id → global permissions taken away by `/_stand-in/permissions/revoke` (an admin demoted); not persisted. */
  revokedGlobal = new Map<string, Set<string>>();

  /** Whether the user holds a global permission now (seed minus what a test revoked). */
  hasGlobal(user: { readonly accountId: string; readonly global: readonly string[] }, permission: string): boolean {
    return user.global.includes(permission) && !(this.revokedGlobal.get(user.accountId)?.has(permission) ?? false);
  }

  constructor(
    private readonly baseNow: () => number,
    private readonly dataFile?: string,
  ) {
    if (dataFile && existsSync(dataFile)) this.load(dataFile);
  }

  now(): number {
    return this.baseNow() + this.clockOffsetMs;
  }

  /** Clears everything except the clock; used by /_stand-in/reset. */
  reset(): void {
    this.nextIssueId = 10000;
    this.nextCommentId = 10000;
    this.issueCounters = {};
    this.issues = [];
    this.nextAttachmentId = 10000;
    this.attachments = [];
    this.nextIssueLinkId = 10000;
    this.issueLinks = [];
    this.codes.clear();
    this.families.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.screens = seedScreens();
    this.faults = [];
    this.counters.clear();
    this.revokedGlobal.clear();
    this.save();
  }

  count(route: string): void {
    this.counters.set(route, (this.counters.get(route) ?? 0) + 1);
  }

  /** Takes the first matching fault (and uses one of its count), if any. */
  takeFault(method: string, routeTemplate: string, concretePath: string): FaultRule | undefined {
    const fault = this.faults.find(
      (rule) => rule.remaining > 0 && matchesFaultPath(rule.path, method, routeTemplate, concretePath),
    );
    if (fault) {
      fault.remaining -= 1;
      this.faults = this.faults.filter((rule) => rule.remaining > 0);
    }
    return fault;
  }

  /**
   * Persists soon: bursts of changes are written once per 100 ms, because the stand-in shares the
   * relay's event loop and a synchronous write of every issue per change would throttle both.
   */
  save(): void {
    if (!this.dataFile || this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), 100);
    this.flushTimer.unref();
  }

  /** Writes the state now (also on close, so nothing is lost). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.dataFile) return;
    const body = {
      version: 1,
      clockOffsetMs: this.clockOffsetMs,
      nextIssueId: this.nextIssueId,
      nextCommentId: this.nextCommentId,
      issueCounters: this.issueCounters,
      issues: this.issues,
      families: [...this.families.values()],
      refreshTokens: [...this.refreshTokens.values()],
      accessTokens: [...this.accessTokens.values()],
      screens: this.screens,
      nextAttachmentId: this.nextAttachmentId,
      attachments: this.attachments.map(({ content, ...meta }) => ({
        ...meta,
        contentBase64: content.toString('base64'),
      })),
      nextIssueLinkId: this.nextIssueLinkId,
      issueLinks: this.issueLinks,
    };
    mkdirSync(dirname(this.dataFile), { recursive: true });
    // Write-then-rename so a crash mid-write never leaves a truncated file behind.
    const temp = `${this.dataFile}.tmp`;
    writeFileSync(temp, JSON.stringify(body, null, 2), { mode: 0o600 });
    renameSync(temp, this.dataFile);
  }

  private flushTimer: NodeJS.Timeout | undefined;

  private load(file: string): void {
    const parsed = persistedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`Jira stand-in data file ${file} is not valid: ${parsed.error.message}`);
    const data = parsed.data;
    this.clockOffsetMs = data.clockOffsetMs;
    this.nextIssueId = data.nextIssueId;
    this.nextCommentId = data.nextCommentId;
    this.issueCounters = data.issueCounters;
    this.issues = data.issues;
    this.families = new Map(data.families.map((x) => [x.id, x]));
    this.refreshTokens = new Map(data.refreshTokens.map((x) => [x.token, x]));
    this.accessTokens = new Map(data.accessTokens.map((x) => [x.token, x]));
    this.screens = data.screens;
    this.nextAttachmentId = data.nextAttachmentId;
    this.attachments = data.attachments.map(({ contentBase64, ...meta }) => ({
      ...meta,
      content: Buffer.from(contentBase64, 'base64'),
    }));
    this.nextIssueLinkId = data.nextIssueLinkId;
    this.issueLinks = data.issueLinks;
  }
}

/** Whether a fault path (`*`, `METHOD /route`, `* /route`) names this call. */
export function matchesFaultPath(path: string, method: string, routeTemplate: string, concretePath: string): boolean {
  if (path === '*') return true;
  const normalized = normalizeFaultPath(path);
  if (normalized === `${method} ${routeTemplate}` || normalized === `${method} ${concretePath}`) return true;
  const [ruleMethod, rulePath] = normalized.split(' ');
  return ruleMethod === '*' && (rulePath === routeTemplate || rulePath === concretePath);
}

/** `POST /issue` and `POST /rest/api/3/issue` name the same route. */
export function normalizeFaultPath(path: string): string {
  const [method = '*', rest = ''] = path.trim().split(/\s+/, 2);
  const route = rest.startsWith('/rest/api/3/') ? rest.slice('/rest/api/3'.length) : rest;
  return `${method.toUpperCase()} ${route}`;
}
