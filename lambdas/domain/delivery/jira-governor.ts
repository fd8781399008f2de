/**
 * Whether, and when, the relay may call Jira: "Pace, don't bounce" and "Stop hammering a dead Jira"
 * in docs/webhook-and-delivery.md. Every Jira answer is observed; every create first asks for a permit.
 *  - Free: far from any limit a permit costs nothing (no I/O), so steady state stays at one Jira call
 *    and two ledger writes per alert.
 *  - Paced: once Jira's headers say its limit is near (`X-RateLimit-NearLimit`, `Remaining` under 20 %)
 *    or a 429 came, every permit reserves a slot in a bucket shared by all instances, at the rate
 *    learnt from `X-RateLimit-Limit` (capped by the configured ceiling), until Jira has been quiet for
 *    `pacedSeconds`.
 *  - Held: a 429 (or a 503 with `Retry-After`) holds every call until the time Jira named, shared
 *    through the bucket so other instances do not send what Jira will refuse; a per-issue write limit
 *    (`jira-per-issue-on-write`) holds that issue only.
 *  - Open circuit: after `breakerThreshold` consecutive outage answers (5xx, network, timeout) the
 *    breaker opens for everyone; one probe at a time (a lease) tries at growing intervals; the first
 *    success closes it and `onRecovered` releases the alerts that waited.
 */
import type { Clock, Lease, RateBucket, StateStore } from '#domain/ports.ts';
import type { Reservation } from './rate-slots.ts';

/** What one Jira answer (or failure to answer) said about Jira's health and limits. */
export interface JiraSignal {
  /** HTTP status, or `network` / `timeout` when no answer came. */
  readonly status: number | 'network' | 'timeout';
  /** Seconds from `Retry-After` or `Beta-Retry-After`. */
  readonly retryAfterSeconds?: number;
  /** `RateLimit-Reason`: jira-burst-based, jira-per-issue-on-write, jira-quota-tenant-based, jira-quota-global-based. */
  readonly reason?: string;
  readonly limit?: number;
  readonly remaining?: number;
  readonly nearLimit?: boolean;
  /** The issue a write targeted (per-issue limits). */
  readonly issueKey?: string;
}

export type Permit =
  | { readonly kind: 'go'; readonly probe: boolean }
  | { readonly kind: 'wait'; readonly untilMs: number; readonly reason: WaitReason };

export type WaitReason = 'rate-limited' | 'paced' | 'jira-down';

export interface GovernorSettings {
  /** Never more than this many Jira requests per second from all instances together. */
  readonly maxRequestsPerSecond: number;
  /** Stay paced this long after the last sign of a near or reached limit. */
  readonly pacedSeconds: number;
  /** Consecutive outage answers that open the breaker. */
  readonly breakerThreshold: number;
  readonly probeFirstSeconds: number;
  readonly probeMaxSeconds: number;
}

export const DEFAULT_GOVERNOR_SETTINGS: GovernorSettings = {
  maxRequestsPerSecond: 50,
  pacedSeconds: 60,
  breakerThreshold: 3,
  probeFirstSeconds: 5,
  probeMaxSeconds: 60,
};

/** The breaker as shared by every instance (StateStore item `jira-breaker`). */
export interface BreakerState {
  readonly open: boolean;
  readonly openedAt?: string;
  /** Epoch ms of the next probe. */
  readonly nextProbeAt?: number;
  readonly probeSeconds?: number;
}

export interface GovernorDeps {
  readonly bucket: RateBucket;
  readonly state: StateStore;
  readonly lease: Lease;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly instanceId: string;
  readonly settings: GovernorSettings;
  /** Called once by the instance whose probe closed the breaker. */
  readonly onRecovered?: () => Promise<void>;
}

/** StateStore item of the shared breaker; the admin API's status reads it too. */
export const BREAKER_ITEM = 'jira-breaker';
const PROBE_LEASE = 'jira-probe';
/** Jira may cut a burst bucket's capacity below its per-second rate; a small burst keeps us inside it. */
const PACED_BURST = 2;
// Stay just under the learnt rate: two token buckets (ours and Jira's) drift against each other.
const PACING_MARGIN = 0.97;
const NEAR_LIMIT_SHARE = 0.2;

/** One per instance (module scope in a Lambda), shared by every delivery it runs. */
export class JiraGovernor {
  private learntRate?: number;
  private pacedUntil = 0;
  private heldUntil = 0;
  private readonly issueHolds = new Map<string, number>();
  private failures = 0;
  /** This instance holds the probe lease: the next answer decides the breaker. */
  private probing = false;
  /** This instance's view of the shared breaker; re-read only when a probe is due. */
  private breaker: BreakerState = { open: false };
  /** Permits waiting for a paced slot, and whether a bucket reservation is under way for them. */
  private readonly waitingForSlots: {
    readonly askedAt: number;
    readonly maxWaitMs: number;
    readonly resolve: (slot: Reservation) => void;
    readonly reject: (error: unknown) => void;
  }[] = [];
  private reserving = false;

  constructor(private readonly deps: GovernorDeps) {}

  /** The rate a paced permit uses: what Jira says, never above the ceiling. */
  get pacingRate(): number {
    const ceiling = this.deps.settings.maxRequestsPerSecond;
    return Math.max(0.1, Math.min(ceiling, this.learntRate ?? ceiling) * PACING_MARGIN);
  }

  /** `nextProbeAt` (epoch ms) is set while the breaker is open. */
  get state(): { paced: boolean; heldUntil: number; breakerOpen: boolean; nextProbeAt?: number } {
    const now = this.deps.clock.now().getTime();
    return {
      paced: now < this.pacedUntil,
      heldUntil: this.heldUntil,
      breakerOpen: this.breaker.open,
      ...(this.breaker.open && this.breaker.nextProbeAt !== undefined ? { nextProbeAt: this.breaker.nextProbeAt } : {}),
    };
  }

  /**
   * Asks to send one request now, waiting at most `maxWaitMs` for a slot. `issueKey` names the issue
   * a write goes to (per-issue limits).
   */
  async permit(options: { maxWaitMs: number; issueKey?: string }): Promise<Permit> {
    const now = this.now();
    if (this.breaker.open) {
      const probe = await this.probeOrWait(now);
      if (probe.kind === 'wait') return probe;
      if (probe.probe) return probe;
    }
    const issueHold = options.issueKey ? (this.issueHolds.get(options.issueKey) ?? 0) : 0;
    const holdUntil = Math.max(this.heldUntil, issueHold);
    if (holdUntil > now) {
      if (holdUntil - now > options.maxWaitMs) return { kind: 'wait', untilMs: holdUntil, reason: 'rate-limited' };
      await this.deps.sleep(holdUntil - now);
    }
    if (this.now() < this.pacedUntil) {
      const asked = this.now();
      const slot = await this.reserveSlot(asked, options.maxWaitMs);
      if ('retryAt' in slot)
        return { kind: 'wait', untilMs: slot.retryAt, reason: slot.held ? 'rate-limited' : 'paced' };
      const wait = slot.at - this.now();
      if (wait > 0) await this.deps.sleep(wait);
      // A 429 that came while this permit slept voids its slot: Jira has said nothing may go before
      // then. Sent anyway, it would be refused, and Jira's bucket would never refill during the hold.
      if (this.heldUntil > this.now())
        return this.permit({ ...options, maxWaitMs: Math.max(0, options.maxWaitMs - (this.now() - asked)) });
    }
    return { kind: 'go', probe: false };
  }

  /** Asks for one paced slot; the permits of this instance that ask meanwhile share one bucket write. */
  private reserveSlot(askedAt: number, maxWaitMs: number): Promise<Reservation> {
    return new Promise((resolve, reject) => {
      this.waitingForSlots.push({ askedAt, maxWaitMs, resolve, reject });
      void this.reserveForWaiting();
    });
  }

  /**
   * One reservation at a time per instance, for every permit that is waiting: the shared bucket is a
   * single item written with a version check, and permits of the same instance racing each other for
   * it lose most rounds (a burst then gets far fewer slots than Jira's limit allows).
   */
  private async reserveForWaiting(): Promise<void> {
    if (this.reserving) return;
    this.reserving = true;
    try {
      while (this.waitingForSlots.length > 0) {
        const batch = this.waitingForSlots.splice(0);
        const now = this.now();
        try {
          const waits = batch.map((w) => Math.max(0, w.maxWaitMs - (now - w.askedAt)));
          const slots = await this.deps.bucket.reserve(now, this.pacingRate, PACED_BURST, waits);
          for (const [i, w] of batch.entries()) w.resolve(slots[i] ?? { retryAt: now, held: false });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.reserving = false;
    }
  }

  /** Learns from one Jira answer. Free of I/O unless the answer changes the shared state. */
  async observe(signal: JiraSignal): Promise<void> {
    const now = this.now();
    const wasProbe = this.probing;
    this.probing = false;
    this.learnLimit(signal, now);
    if (signal.status === 429) {
      const until = now + Math.max(1, signal.retryAfterSeconds ?? 1) * 1000;
      this.pacedUntil = now + this.deps.settings.pacedSeconds * 1000;
      if (signal.reason === 'jira-per-issue-on-write' && signal.issueKey) {
        this.issueHolds.set(signal.issueKey, until);
      } else {
        this.heldUntil = Math.max(this.heldUntil, until);
        await this.deps.bucket.holdUntil(until);
      }
      this.failures = 0;
      // Jira answered: it is up, only rationing (the hold above does that). Left open, the breaker
      // would keep the probe lease and every waiting alert until a later probe got a 2xx.
      if (this.breaker.open || wasProbe) await this.close();
      return;
    }
    if (isOutage(signal)) {
      if (signal.retryAfterSeconds !== undefined)
        this.heldUntil = Math.max(this.heldUntil, now + signal.retryAfterSeconds * 1000);
      this.failures += 1;
      if (wasProbe) await this.reopen(now);
      else if (this.failures >= this.deps.settings.breakerThreshold && !this.breaker.open) await this.open(now);
      return;
    }
    this.failures = 0;
    if (this.breaker.open || wasProbe) await this.close();
  }

  private learnLimit(signal: JiraSignal, now: number): void {
    // X-RateLimit-Limit of a burst limit is per second; quota limits are hourly and far larger,
    // so only a value at or under the ceiling is taken as a per-second rate.
    if (signal.limit !== undefined && signal.limit > 0 && signal.limit <= this.deps.settings.maxRequestsPerSecond) {
      this.learntRate = signal.limit;
    }
    const nearByRemaining =
      signal.limit !== undefined &&
      signal.remaining !== undefined &&
      signal.remaining < signal.limit * NEAR_LIMIT_SHARE;
    if (signal.nearLimit === true || nearByRemaining) this.pacedUntil = now + this.deps.settings.pacedSeconds * 1000;
  }

  private async probeOrWait(now: number): Promise<Permit> {
    if (now < (this.breaker.nextProbeAt ?? 0))
      return { kind: 'wait', untilMs: this.breaker.nextProbeAt ?? now, reason: 'jira-down' };
    // A probe is due: another instance may have closed the breaker meanwhile.
    this.breaker = (await this.deps.state.getItem<BreakerState>(BREAKER_ITEM)) ?? { open: false };
    if (!this.breaker.open) {
      this.failures = 0;
      return { kind: 'go', probe: false };
    }
    if (now < (this.breaker.nextProbeAt ?? 0))
      return { kind: 'wait', untilMs: this.breaker.nextProbeAt ?? now, reason: 'jira-down' };
    const ttl = this.deps.settings.probeMaxSeconds;
    if (await this.deps.lease.acquire(PROBE_LEASE, this.deps.instanceId, ttl, new Date(now))) {
      this.probing = true;
      return { kind: 'go', probe: true };
    }
    return {
      kind: 'wait',
      untilMs: now + (this.breaker.probeSeconds ?? this.deps.settings.probeFirstSeconds) * 1000,
      reason: 'jira-down',
    };
  }

  private async open(now: number): Promise<void> {
    const shared = await this.deps.state.getItem<BreakerState>(BREAKER_ITEM);
    if (shared?.open) {
      this.breaker = shared;
      return;
    }
    const probeSeconds = this.deps.settings.probeFirstSeconds;
    this.breaker = {
      open: true,
      openedAt: new Date(now).toISOString(),
      nextProbeAt: now + probeSeconds * 1000,
      probeSeconds,
    };
    await this.deps.state.putItem(BREAKER_ITEM, this.breaker);
  }

  private async reopen(now: number): Promise<void> {
    const probeSeconds = Math.min(
      this.deps.settings.probeMaxSeconds,
      (this.breaker.probeSeconds ?? this.deps.settings.probeFirstSeconds) * 2,
    );
    this.breaker = {
      open: true,
      openedAt: this.breaker.openedAt ?? new Date(now).toISOString(),
      nextProbeAt: now + probeSeconds * 1000,
      probeSeconds,
    };
    await this.deps.state.putItem(BREAKER_ITEM, this.breaker);
    await this.deps.lease.release(PROBE_LEASE, this.deps.instanceId);
  }

  private async close(): Promise<void> {
    const wasOpen = this.breaker.open;
    this.breaker = { open: false };
    this.failures = 0;
    await this.deps.state.putItem(BREAKER_ITEM, this.breaker);
    await this.deps.lease.release(PROBE_LEASE, this.deps.instanceId);
    if (wasOpen) await this.deps.onRecovered?.();
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

function isOutage(signal: JiraSignal): boolean {
  return (
    signal.status === 'network' ||
    signal.status === 'timeout' ||
    (typeof signal.status === 'number' && signal.status >= 500)
  );
}
