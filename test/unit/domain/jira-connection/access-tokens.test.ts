import { describe, expect, it } from 'vitest';
import { NotConfiguredError, ReconnectRequiredError } from '#domain/errors.ts';
import { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import { connect, readConnection } from '#domain/jira-connection/connection-record.ts';
import type { OAuthClient, OAuthTokens } from '#domain/ports.ts';
import { ManualClock, MemoryLease, MemorySecretStore } from '#test-support/in-memory-ports.ts';

/** Rotates like Atlassian: each refresh token works once (the reuse window is the stand-in's business). */
class RotatingOAuth implements OAuthClient {
  refreshes = 0;
  private valid = new Set(['rt-0']);
  authorizeUrl(): string {
    return 'unused';
  }
  async exchangeCode(): Promise<OAuthTokens> {
    throw new Error('unused');
  }
  async accessibleResources() {
    return [];
  }
  async refresh(refreshToken: string): Promise<OAuthTokens> {
    await new Promise((r) => setTimeout(r, 20));
    if (!this.valid.has(refreshToken)) throw new ReconnectRequiredError('invalid_grant');
    this.valid.delete(refreshToken);
    this.refreshes++;
    const next = `rt-${this.refreshes}`;
    this.valid.add(next);
    return { accessToken: `at-${this.refreshes}`, refreshToken: next, expiresInSeconds: 3600, scope: 'offline_access' };
  }
}

async function connected(clock: ManualClock, secrets: MemorySecretStore, accessExpiresIn = 3600) {
  await connect(
    secrets,
    {
      cloudId: 'cloud-1',
      siteUrl: 'https://acme.atlassian.net',
      refreshToken: 'rt-0',
      accessToken: 'at-0',
      expiresInSeconds: accessExpiresIn,
      actor: { accountId: 'a1', displayName: 'Alice' },
    },
    clock,
  );
}

describe('jira-connection', () => {
  it('throws NotConfiguredError before any administrator connected the relay', async () => {
    const secrets = new MemorySecretStore();
    const tokens = new JiraAccessTokens({
      secrets,
      lease: new MemoryLease(),
      oauth: new RotatingOAuth(),
      clock: new ManualClock(),
      instanceId: 'i1',
    });
    await expect(tokens.accessToken()).rejects.toBeInstanceOf(NotConfiguredError);
  });

  it('uses the stored access token while it is valid, without refreshing', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    await connected(clock, secrets);
    const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'i1' });
    expect(await tokens.accessToken()).toBe('at-0');
    expect(oauth.refreshes).toBe(0);
  });

  it('refreshes near expiry and persists the rotated refresh token before using the new access token', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    await connected(clock, secrets, 60);
    const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'i1' });
    const token = await tokens.accessToken();
    const stored = await readConnection(secrets);
    expect(token).toBe('at-1');
    expect(stored?.refreshToken).toBe('rt-1');
    expect(stored?.accessToken).toBe('at-1');
  });

  it('refreshes once when many instances need a new token at the same time', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    const lease = new MemoryLease();
    await connected(clock, secrets, 60);
    const instances = Array.from(
      { length: 6 },
      (_, i) => new JiraAccessTokens({ secrets, lease, oauth, clock, instanceId: `i${i}` }),
    );
    const results = await Promise.all(instances.map((t) => t.accessToken()));
    expect(oauth.refreshes).toBe(1);
    expect(new Set(results)).toEqual(new Set(['at-1']));
    expect((await readConnection(secrets))?.state).toBe('connected');
  });

  it('gets a different token after Jira rejected the current one', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    await connected(clock, secrets);
    const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'i1' });
    await tokens.accessToken();
    await tokens.markRejected();
    expect(await tokens.accessToken()).toBe('at-1');
  });

  it('marks the connection "reconnect required" when Atlassian answers invalid_grant', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    await connect(
      secrets,
      {
        cloudId: 'c',
        siteUrl: 's',
        refreshToken: 'revoked',
        accessToken: 'at-x',
        expiresInSeconds: 1,
        actor: { accountId: 'a', displayName: 'A' },
      },
      clock,
    );
    const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'i1' });
    await expect(tokens.accessToken()).rejects.toBeInstanceOf(ReconnectRequiredError);
    expect((await readConnection(secrets))?.state).toBe('reconnect_required');
    await expect(tokens.accessToken()).rejects.toThrow(/sign in again/);
  });

  it('refreshes on demand while the access token is still valid, keeping the grant date', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    await connected(clock, secrets);
    const grantedAt = (await readConnection(secrets))?.grantedAt;
    clock.advance(60_000);
    const tokens = new JiraAccessTokens({ secrets, lease: new MemoryLease(), oauth, clock, instanceId: 'i1' });
    await tokens.refreshNow();
    const stored = await readConnection(secrets);
    expect(oauth.refreshes).toBe(1);
    expect(stored).toMatchObject({
      refreshToken: 'rt-1',
      accessToken: 'at-1',
      lastRefreshAt: clock.now().toISOString(),
      grantedAt,
    });
    expect(await tokens.accessToken()).toBe('at-1');
  });

  it('rotates once when several instances force a refresh at the same time', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    const oauth = new RotatingOAuth();
    const lease = new MemoryLease();
    await connected(clock, secrets);
    const instances = Array.from(
      { length: 4 },
      (_, i) => new JiraAccessTokens({ secrets, lease, oauth, clock, instanceId: `i${i}` }),
    );
    await Promise.all(instances.map((t) => t.refreshNow()));
    expect(oauth.refreshes).toBe(1);
    expect(await readConnection(secrets)).toMatchObject({ state: 'connected', refreshToken: 'rt-1' });
  });

  it('stores "reconnect required" when a forced refresh is refused', async () => {
    const clock = new ManualClock();
    const secrets = new MemorySecretStore();
    await connect(
      secrets,
      {
        cloudId: 'c',
        siteUrl: 's',
        refreshToken: 'revoked',
        accessToken: 'at-x',
        expiresInSeconds: 3600,
        actor: { accountId: 'a', displayName: 'A' },
      },
      clock,
    );
    const tokens = new JiraAccessTokens({
      secrets,
      lease: new MemoryLease(),
      oauth: new RotatingOAuth(),
      clock,
      instanceId: 'i1',
    });
    await expect(tokens.refreshNow()).rejects.toBeInstanceOf(ReconnectRequiredError);
    expect((await readConnection(secrets))?.state).toBe('reconnect_required');
  });
});
