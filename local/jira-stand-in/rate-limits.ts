/**
 * Jira Cloud's three independent rate-limit systems, as the relay meets them (docs/jira-cloud-facts.md,
 * "Rate limiting"): a per-second burst limit per tenant + endpoint + method, per-issue write limits and
 * an hourly points quota per tenant. All off until configured, so the rest of the suite never sees them.
 */
import { z } from 'zod';
import { type ApiResult, errorCollection } from './http.ts';

export const rateLimitSchema = z.object({
  /** Burst limit R: a token bucket of capacity R (at least 1) refilled at R tokens per second. */
  requestsPerSecond: z.number().positive().optional(),
  /** `endpoint` (Jira's rule): one bucket per `METHOD /route`; `tenant`: one bucket for every call. */
  scope: z.enum(['endpoint', 'tenant']).default('endpoint'),
  /** 20 writes per 2 s and 100 per 30 s on one issue (edits, comments, transitions, attachments, links). */
  perIssueWrites: z.boolean().default(false),
  /** Points per clock hour; every call costs one point. */
  hourlyPoints: z.number().int().positive().optional(),
});
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;

/** What the limiter needs to know about one call. */
export interface RateLimitedCall {
  readonly method: string;
  readonly template: string;
  /** Ids of the existing issues a write goes to (two for a link): the per-issue limits apply to each. */
  readonly issueWrites?: readonly string[];
}

export type RateDecision =
  | { readonly allowed: true; readonly headers: Record<string, string> }
  | { readonly allowed: false; readonly result: ApiResult };

/** Jira's per-issue write windows. */
const PER_ISSUE_WINDOWS = [
  { limit: 20, windowMs: 2_000 },
  { limit: 100, windowMs: 30_000 },
] as const;
const LONGEST_WINDOW_MS = 30_000;
const HOUR_MS = 3_600_000;
/** Jira flags a budget as nearly used when less than this share is left. */
const NEAR_LIMIT_SHARE = 0.2;

/** Body of Jira Cloud's 429 answers (observed). */
export const RATE_LIMITED_BODY = {
  ...errorCollection(['The request has been rate-limited. Please try again later.']),
  status: 429,
};

/** Jira's X-RateLimit-Reset: ISO timestamp to the minute, `yyyy-MM-ddTHH:mmZ`. */
export function rateLimitReset(nowMs: number, seconds: number): string {
  return `${new Date(nowMs + seconds * 1000).toISOString().slice(0, 16)}Z`;
}

/** Whole seconds, at least one: a client that waits exactly this long is let through. */
function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function rateLimitedResult(
  nowMs: number,
  reason: string,
  retryAfterSeconds: number,
  extra: Record<string, string> = {},
): ApiResult {
  return {
    status: 429,
    body: RATE_LIMITED_BODY,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-reset': rateLimitReset(nowMs, retryAfterSeconds),
      'ratelimit-reason': reason,
      ...extra,
    },
  };
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private config: RateLimitConfig | undefined;
  private readonly buckets = new Map<string, Bucket>();
  /** Issue id → times of accepted writes within the longest window. */
  private readonly issueWrites = new Map<string, number[]>();
  private quota = { hourStart: 0, used: 0 };

  constructor(config?: RateLimitConfig) {
    this.configure(config);
  }

  /** Replaces the configuration and starts from full buckets; `undefined` turns every limit off. */
  configure(config: RateLimitConfig | undefined): void {
    this.config = config;
    this.buckets.clear();
    this.issueWrites.clear();
    this.quota = { hourStart: 0, used: 0 };
  }

  /** Decides one call and, when it is allowed, takes its token, write slot and point. */
  decide(call: RateLimitedCall, now: number): RateDecision {
    const config = this.config;
    if (!config) return { allowed: true, headers: {} };
    const rate = config.requestsPerSecond;
    const bucket =
      rate === undefined
        ? undefined
        : this.refill(config.scope === 'tenant' ? '*' : `${call.method} ${call.template}`, rate, now);
    if (bucket && rate !== undefined && bucket.tokens < 1) {
      return {
        allowed: false,
        result: rateLimitedResult(now, 'jira-burst-based', wholeSeconds(((1 - bucket.tokens) / rate) * 1000), {
          'x-ratelimit-limit': String(Math.floor(Math.max(1, rate))),
          'x-ratelimit-remaining': '0',
        }),
      };
    }
    const writes =
      call.issueWrites !== undefined && config.perIssueWrites
        ? call.issueWrites.map((id) => ({ id, times: this.recentWrites(id, now) }))
        : [];
    for (const { times } of writes) {
      for (const window of PER_ISSUE_WINDOWS) {
        const inWindow = times.filter((t) => t > now - window.windowMs);
        const oldest = inWindow[0];
        if (inWindow.length >= window.limit && oldest !== undefined) {
          return {
            allowed: false,
            result: rateLimitedResult(now, 'jira-per-issue-on-write', wholeSeconds(oldest + window.windowMs - now)),
          };
        }
      }
    }
    const points = config.hourlyPoints;
    if (points !== undefined) {
      const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
      if (hourStart !== this.quota.hourStart) this.quota = { hourStart, used: 0 };
      if (this.quota.used >= points) {
        const wait = wholeSeconds(hourStart + HOUR_MS - now);
        return {
          allowed: false,
          result: rateLimitedResult(now, 'jira-quota-tenant-based', wait, this.quotaHeaders(points, now)),
        };
      }
    }

    if (bucket) bucket.tokens -= 1;
    for (const { id, times } of writes) this.issueWrites.set(id, [...times, now]);
    if (points !== undefined) this.quota.used += 1;
    return { allowed: true, headers: this.successHeaders(rate, bucket, points, now) };
  }

  /** Live view for the control endpoint: configuration, tokens left per bucket, quota used. */
  snapshot(now: number): Record<string, unknown> {
    const config = this.config;
    if (!config) return { enabled: false };
    const rate = config.requestsPerSecond;
    const buckets =
      rate === undefined
        ? {}
        : Object.fromEntries(
            [...this.buckets.keys()].map((key) => [key, Math.floor(this.refill(key, rate, now).tokens)]),
          );
    return {
      enabled: true,
      ...config,
      buckets,
      ...(config.hourlyPoints !== undefined
        ? { quotaUsed: this.quota.hourStart === Math.floor(now / HOUR_MS) * HOUR_MS ? this.quota.used : 0 }
        : {}),
    };
  }

  private refill(key: string, rate: number, now: number): Bucket {
    const capacity = Math.max(1, rate);
    const existing = this.buckets.get(key);
    if (!existing) {
      const fresh = { tokens: capacity, updatedAt: now };
      this.buckets.set(key, fresh);
      return fresh;
    }
    existing.tokens = Math.min(capacity, existing.tokens + (Math.max(0, now - existing.updatedAt) / 1000) * rate);
    existing.updatedAt = now;
    return existing;
  }

  private recentWrites(issueId: string, now: number): number[] {
    const kept = (this.issueWrites.get(issueId) ?? []).filter((t) => t > now - LONGEST_WINDOW_MS);
    this.issueWrites.set(issueId, kept);
    return kept;
  }

  private quotaHeaders(points: number, now: number): Record<string, string> {
    const hourEnd = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
    return {
      'beta-ratelimit-policy': `"tenant-app-quota";q=${points};w=3600`,
      'beta-ratelimit': `"tenant-app-quota";r=${Math.max(0, points - this.quota.used)};t=${wholeSeconds(hourEnd - now)}`,
    };
  }

  private successHeaders(
    rate: number | undefined,
    bucket: Bucket | undefined,
    points: number | undefined,
    now: number,
  ): Record<string, string> {
    const headers: Record<string, string> = {};
    let near = false;
    if (rate !== undefined && bucket) {
      const remaining = Math.max(0, Math.floor(bucket.tokens));
      headers['x-ratelimit-limit'] = String(Math.floor(Math.max(1, rate)));
      headers['x-ratelimit-remaining'] = String(remaining);
      near ||= remaining < rate * NEAR_LIMIT_SHARE;
    }
    if (points !== undefined) {
      Object.assign(headers, this.quotaHeaders(points, now));
      near ||= points - this.quota.used < points * NEAR_LIMIT_SHARE;
    }
    if (near) headers['x-ratelimit-nearlimit'] = 'true';
    return headers;
  }
}
