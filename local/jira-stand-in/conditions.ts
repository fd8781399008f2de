/**
 * Network and service conditions the stand-in can impose on Jira calls, so tests and the benchmark can
 * reproduce a slow, flaky or absent Jira: injected latency, a probabilistic fault mix and an outage.
 * Random draws come from a seeded generator, so a run with the same seed and call order repeats itself.
 */
import { z } from 'zod';

export const latencySchema = z.object({
  meanMs: z.number().nonnegative(),
  /** Each call waits a uniform draw in [mean − jitter, mean + jitter] (never below 0). */
  jitterMs: z.number().nonnegative().default(0),
  seed: z.number().int().optional(),
});
export type LatencyConfig = z.infer<typeof latencySchema>;

export const faultMixSchema = z
  .object({
    /** Same syntax as a fault rule's path; `*` (default) draws for every Jira REST call. */
    path: z.string().min(1).default('*'),
    rate429: z.number().min(0).max(1).default(0),
    retryAfterSeconds: z.number().int().min(1).default(1),
    rateLimitReason: z.string().default('jira-burst-based'),
    rate500: z.number().min(0).max(1).default(0),
    rate503: z.number().min(0).max(1).default(0),
    /** The request is processed (e.g. the issue is created) and the connection dropped before the answer. */
    rateLost: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
  })
  .refine((m) => m.rate429 + m.rate500 + m.rate503 + m.rateLost <= 1, {
    message: 'The rates must add up to at most 1.',
  });
export type FaultMixConfig = z.infer<typeof faultMixSchema>;

export const outageSchema = z.object({
  /** `503`: answer 503; `reset`: drop the connection; `timeout`: never answer. */
  mode: z.enum(['503', 'reset', 'timeout']).default('503'),
  retryAfterSeconds: z.number().int().min(1).optional(),
});
export type OutageConfig = z.infer<typeof outageSchema>;

export type FaultDraw = 'ok' | '429' | '500' | '503' | 'lost';

/** Seeded uniform [0, 1) generator (mulberry32): ten lines, where a library would add a dependency for nothing. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Latency {
  private random: () => number = Math.random;
  config: LatencyConfig | undefined;

  constructor(config?: LatencyConfig) {
    this.configure(config);
  }

  configure(config: LatencyConfig | undefined): void {
    this.config = config;
    this.random = config?.seed !== undefined ? seededRandom(config.seed) : Math.random;
  }

  /** Milliseconds the next call waits (0 when off). */
  next(): number {
    const c = this.config;
    if (!c) return 0;
    return Math.max(0, c.meanMs - c.jitterMs + this.random() * 2 * c.jitterMs);
  }
}

export class FaultMix {
  private random: () => number = Math.random;
  config: FaultMixConfig | undefined;

  constructor(config?: FaultMixConfig) {
    this.configure(config);
  }

  configure(config: FaultMixConfig | undefined): void {
    this.config = config;
    this.random = seededRandom(config?.seed ?? 1);
  }

  /** One draw per matching call: 429, 500, 503 or lost with their rates, otherwise `ok`. */
  draw(): FaultDraw {
    const c = this.config;
    if (!c) return 'ok';
    let u = this.random();
    for (const [outcome, rate] of [
      ['429', c.rate429],
      ['500', c.rate500],
      ['503', c.rate503],
      ['lost', c.rateLost],
    ] as const) {
      if (u < rate) return outcome;
      u -= rate;
    }
    return 'ok';
  }
}

export interface Outage extends OutageConfig {
  readonly since: number;
  calls: number;
}
