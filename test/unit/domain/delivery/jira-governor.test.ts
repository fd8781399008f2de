import { describe, expect, it } from 'vitest';
import { DEFAULT_GOVERNOR_SETTINGS, type GovernorSettings, JiraGovernor } from '#domain/delivery/jira-governor.ts';
import { ManualClock, MemoryLease, MemoryRateBucket, MemoryStateStore } from '#test-support/in-memory-ports.ts';

function setup(
  settings: Partial<GovernorSettings> = {},
  shared?: { bucket: MemoryRateBucket; state: MemoryStateStore; lease: MemoryLease; clock: ManualClock },
) {
  const clock = shared?.clock ?? new ManualClock();
  const bucket = shared?.bucket ?? new MemoryRateBucket();
  const state = shared?.state ?? new MemoryStateStore();
  const lease = shared?.lease ?? new MemoryLease();
  let recovered = 0;
  const governor = new JiraGovernor({
    bucket,
    state,
    lease,
    clock,
    // A sleep that advances the manual clock: waits are exact and instant.
    sleep: async (ms) => clock.advance(ms),
    instanceId: `instance-${Math.random()}`,
    settings: { ...DEFAULT_GOVERNOR_SETTINGS, ...settings },
    onRecovered: async () => {
      recovered += 1;
    },
  });
  return { clock, bucket, state, lease, governor, recovered: () => recovered };
}

describe('jira-governor', () => {
  it('grants permits without touching the shared bucket while Jira is far from its limit', async () => {
    // Prepare
    const { governor, bucket } = setup();
    // Act
    for (let i = 0; i < 100; i += 1) {
      expect(await governor.permit({ maxWaitMs: 0 })).toEqual({ kind: 'go', probe: false });
      await governor.observe({ status: 201, limit: 20, remaining: 15 });
    }
    // Assess
    expect(bucket.reservations).toBe(0);
  });

  it('paces to the learnt limit once Jira says the limit is near', async () => {
    // Prepare
    const { governor, clock, bucket } = setup({ maxRequestsPerSecond: 100 });
    await governor.observe({ status: 201, limit: 20, remaining: 2, nearLimit: true });
    const start = clock.now().getTime();
    // Act: 200 permits, each waiting as long as it must
    for (let i = 0; i < 200; i += 1) {
      const permit = await governor.permit({ maxWaitMs: 60_000 });
      expect(permit.kind).toBe('go');
    }
    // Assess: 200 requests at 20 × 0.97 per second take about 10.3 s, never faster than 20/s
    const seconds = (clock.now().getTime() - start) / 1000;
    expect(bucket.reservations).toBe(200);
    expect(200 / seconds).toBeLessThanOrEqual(20);
    expect(200 / seconds).toBeGreaterThan(19);
  });

  it('reserves the slots of permits asked at the same time in one bucket write', async () => {
    // Prepare
    const { governor, bucket } = setup({ maxRequestsPerSecond: 100 });
    await governor.observe({ status: 201, limit: 20, remaining: 2, nearLimit: true });
    // Act: 30 deliveries of one instance ask together
    const permits = await Promise.all(Array.from({ length: 30 }, () => governor.permit({ maxWaitMs: 10_000 })));
    // Assess: every one got a slot; the first asks alone, the other 29 share the next write
    expect(permits.every((p) => p.kind === 'go')).toBe(true);
    expect(bucket.reservations).toBe(30);
    expect(bucket.writes).toBe(2);
  });

  it('never paces faster than the configured ceiling, whatever Jira announces', async () => {
    // Prepare
    const { governor } = setup({ maxRequestsPerSecond: 10 });
    await governor.observe({ status: 201, limit: 500, remaining: 1, nearLimit: true });
    // Assess
    expect(governor.pacingRate).toBeCloseTo(9.7);
  });

  it('holds every request until the Retry-After of a 429, and shares the hold with other instances', async () => {
    // Prepare
    const a = setup();
    const b = setup({}, a);
    // Act
    await a.governor.observe({ status: 429, retryAfterSeconds: 7, reason: 'jira-burst-based' });
    const fromA = await a.governor.permit({ maxWaitMs: 100 });
    await b.governor.observe({ status: 201, nearLimit: true });
    const fromB = await b.governor.permit({ maxWaitMs: 100 });
    // Assess
    const until = a.clock.now().getTime() + 7000;
    expect(fromA).toEqual({ kind: 'wait', untilMs: until, reason: 'rate-limited' });
    expect(fromB).toMatchObject({ kind: 'wait', reason: 'rate-limited' });
    expect((fromB as { untilMs: number }).untilMs).toBeGreaterThanOrEqual(until);
  });

  it('waits out a short Retry-After instead of giving the request back', async () => {
    // Prepare
    const { governor, clock } = setup();
    await governor.observe({ status: 429, retryAfterSeconds: 1 });
    const before = clock.now().getTime();
    // Act
    const permit = await governor.permit({ maxWaitMs: 5000 });
    // Assess
    expect(permit.kind).toBe('go');
    expect(clock.now().getTime() - before).toBeGreaterThanOrEqual(1000);
  });

  it('does not send a paced slot when a 429 came while it waited for it, and goes after the hold', async () => {
    // Prepare: paced at 20/s; another request is answered 429 (Retry-After 1) while this permit sleeps
    const clock = new ManualClock();
    let answered429 = false;
    const governor: JiraGovernor = new JiraGovernor({
      bucket: new MemoryRateBucket(),
      state: new MemoryStateStore(),
      lease: new MemoryLease(),
      clock,
      sleep: async (ms) => {
        clock.advance(ms / 2);
        if (!answered429) {
          answered429 = true;
          await governor.observe({ status: 429, retryAfterSeconds: 1, reason: 'jira-burst-based' });
        }
        clock.advance(ms - ms / 2);
      },
      instanceId: 'a',
      settings: DEFAULT_GOVERNOR_SETTINGS,
    });
    await governor.observe({ status: 201, limit: 20, remaining: 2, nearLimit: true });
    for (let i = 0; i < 5; i += 1) await governor.permit({ maxWaitMs: 0 });
    // Act
    const permit = await governor.permit({ maxWaitMs: 5_000 });
    const sentAt = clock.now().getTime();
    // Assess: nothing goes before the hold ends
    expect(permit).toEqual({ kind: 'go', probe: false });
    expect(answered429).toBe(true);
    expect(sentAt).toBeGreaterThanOrEqual(governor.state.heldUntil);
  });

  it('gives a voided slot back when the hold outlasts what the caller may wait', async () => {
    // Prepare: as above, but the caller may wait only 300 ms and Jira says 30 s
    const clock = new ManualClock();
    let answered429 = false;
    const governor: JiraGovernor = new JiraGovernor({
      bucket: new MemoryRateBucket(),
      state: new MemoryStateStore(),
      lease: new MemoryLease(),
      clock,
      sleep: async (ms) => {
        if (!answered429) {
          answered429 = true;
          await governor.observe({ status: 429, retryAfterSeconds: 30, reason: 'jira-burst-based' });
        }
        clock.advance(ms);
      },
      instanceId: 'a',
      settings: DEFAULT_GOVERNOR_SETTINGS,
    });
    await governor.observe({ status: 201, limit: 20, remaining: 2, nearLimit: true });
    for (let i = 0; i < 3; i += 1) await governor.permit({ maxWaitMs: 0 });
    // Act
    const permit = await governor.permit({ maxWaitMs: 300 });
    // Assess
    expect(permit).toMatchObject({ kind: 'wait', reason: 'rate-limited', untilMs: governor.state.heldUntil });
  });

  it('holds only the issue named by a per-issue write limit', async () => {
    // Prepare
    const { governor } = setup();
    await governor.observe({ status: 429, retryAfterSeconds: 2, reason: 'jira-per-issue-on-write', issueKey: 'SEC-1' });
    // Act
    const sameIssue = await governor.permit({ maxWaitMs: 0, issueKey: 'SEC-1' });
    const otherIssue = await governor.permit({ maxWaitMs: 0, issueKey: 'SEC-2' });
    // Assess
    expect(sameIssue.kind).toBe('wait');
    expect(otherIssue.kind).toBe('go');
  });

  it('opens the breaker after consecutive outage answers, probes one at a time, and closes on success', async () => {
    // Prepare
    const a = setup({ breakerThreshold: 3, probeFirstSeconds: 5, probeMaxSeconds: 60 });
    const b = setup({ breakerThreshold: 3, probeFirstSeconds: 5, probeMaxSeconds: 60 }, a);
    // Act: three outage answers open it
    for (const status of [503, 'network', 500] as const) await a.governor.observe({ status });
    const whileOpen = await a.governor.permit({ maxWaitMs: 0 });
    // Assess: nobody sends until the probe is due
    expect(whileOpen).toMatchObject({ kind: 'wait', reason: 'jira-down' });
    expect(a.state.items.get('jira-breaker')).toMatchObject({ open: true });

    // Act: the probe is due; instance b learns of the open breaker by its own failure
    await b.governor.observe({ status: 'timeout' });
    await b.governor.observe({ status: 'timeout' });
    await b.governor.observe({ status: 'timeout' });
    a.clock.advance(5000);
    const probeA = await a.governor.permit({ maxWaitMs: 0 });
    const probeB = await b.governor.permit({ maxWaitMs: 0 });
    // Assess: exactly one probe
    expect(probeA).toEqual({ kind: 'go', probe: true });
    expect(probeB).toMatchObject({ kind: 'wait', reason: 'jira-down' });

    // Act: the probe fails → the next probe waits twice as long
    await a.governor.observe({ status: 503 });
    a.clock.advance(5000);
    expect(await a.governor.permit({ maxWaitMs: 0 })).toMatchObject({ kind: 'wait', reason: 'jira-down' });
    a.clock.advance(5000);
    const secondProbe = await b.governor.permit({ maxWaitMs: 0 });
    expect(secondProbe).toEqual({ kind: 'go', probe: true });

    // Act: the probe succeeds
    await b.governor.observe({ status: 201 });
    // Assess: closed for everyone, recovery announced once
    expect(a.state.items.get('jira-breaker')).toMatchObject({ open: false });
    expect(b.recovered()).toBe(1);
    a.clock.advance(20_000);
    expect(await a.governor.permit({ maxWaitMs: 0 })).toEqual({ kind: 'go', probe: false });
  });

  it('closes the breaker when a probe is answered 429: Jira is up, only rationing, and its Retry-After holds', async () => {
    // Prepare: an open breaker and another instance waiting for the next probe
    const a = setup({ breakerThreshold: 3, probeFirstSeconds: 5, probeMaxSeconds: 60 });
    const b = setup({ breakerThreshold: 3, probeFirstSeconds: 5, probeMaxSeconds: 60 }, a);
    for (const status of [500, 500, 500] as const) await a.governor.observe({ status });
    for (const status of [500, 500, 500] as const) await b.governor.observe({ status });
    a.clock.advance(5000);
    expect(await a.governor.permit({ maxWaitMs: 0 })).toEqual({ kind: 'go', probe: true });
    // Act
    await a.governor.observe({ status: 429, retryAfterSeconds: 2 });
    a.clock.advance(5000);
    const fromB = await b.governor.permit({ maxWaitMs: 0 });
    // Assess: closed for everyone and the waiting alerts released; the probe lease is free again
    expect(a.state.items.get('jira-breaker')).toMatchObject({ open: false });
    expect(a.recovered()).toBe(1);
    expect(fromB).toEqual({ kind: 'go', probe: false });
    expect(await a.lease.acquire('jira-probe', 'someone-else', 60, a.clock.now())).toBe(true);
  });

  it('does not open the breaker on scattered failures between successes', async () => {
    // Prepare
    const { governor, state } = setup({ breakerThreshold: 3 });
    // Act
    for (let i = 0; i < 30; i += 1) await governor.observe({ status: i % 3 === 0 ? 201 : 500 });
    // Assess
    expect(state.items.get('jira-breaker')).toBeUndefined();
    expect(await governor.permit({ maxWaitMs: 0 })).toEqual({ kind: 'go', probe: false });
  });
});
