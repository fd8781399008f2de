import { describe, expect, it } from 'vitest';
import { RIGHTS_RECHECK_MS, SessionRights } from '#domain/access/session-rights.ts';
import {
  JiraTransientError,
  JiraUnauthorizedError,
  ReconnectRequiredError,
  SessionEndedError,
} from '#domain/errors.ts';
import type { JiraConnection } from '#domain/jira-connection/connection-record.ts';
import type { AdminSession, OAuthTokens } from '#domain/ports.ts';
import { ManualClock, MemorySecretStore, MemorySessionStore, RecordingLog } from '#test-support/in-memory-ports.ts';

/** Jira's answers to /mypermissions, per access token, and the tokens Atlassian hands out on refresh. */
class FakeAtlassian {
  readonly admins = new Set<string>(['at-1', 'at-2', 'relay-at']);
  readonly revokedTokens = new Set<string>();
  grantRevoked = false;
  outage = false;
  readonly permissionChecks: string[] = [];
  readonly refreshes: string[] = [];

  readonly identity = {
    hasAdminister: async (accessToken: string, cloudId: string) => {
      this.permissionChecks.push(`${accessToken}@${cloudId}`);
      if (this.outage) throw new JiraTransientError('GET /mypermissions: Jira answered 503');
      if (this.revokedTokens.has(accessToken))
        throw new JiraUnauthorizedError('GET /mypermissions: Jira refused the access token (Unauthorized)');
      return this.admins.has(accessToken);
    },
  };

  readonly oauth = {
    refresh: async (refreshToken: string): Promise<OAuthTokens> => {
      this.refreshes.push(refreshToken);
      if (this.grantRevoked) throw new ReconnectRequiredError('token refresh refused (invalid_grant)');
      return {
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        expiresInSeconds: 3600,
        scope: 'read:jira-work offline_access',
      };
    },
  };
}

class FakeRelayTokens {
  token = 'relay-at';
  rejected = 0;
  async accessToken() {
    return this.token;
  }
  async markRejected() {
    this.rejected += 1;
    this.token = 'relay-at-fresh';
  }
}

function connection(overrides: Partial<JiraConnection> = {}): JiraConnection {
  return {
    state: 'connected',
    cloudId: 'cloud-1',
    siteUrl: 'https://acme.atlassian.net',
    refreshToken: 'relay-rt',
    connectedBy: { accountId: 'acc-1', displayName: 'Ada' },
    connectedAt: '2026-11-23T10:00:00.000Z',
    ...overrides,
  };
}

function setup(
  credentials: AdminSession['credentials'] = {
    kind: 'own',
    tokens: { accessToken: 'at-1', accessTokenExpiresAt: Date.parse('2026-11-23T13:00:00.000Z'), refreshToken: 'rt-1' },
  },
) {
  const clock = new ManualClock(Date.parse('2026-11-23T12:00:00.000Z'));
  const sessions = new MemorySessionStore();
  const secrets = new MemorySecretStore();
  const atlassian = new FakeAtlassian();
  const relayTokens = new FakeRelayTokens();
  const log = new RecordingLog();
  const session: AdminSession = {
    id: 'cookie-1',
    accountId: 'acc-1',
    displayName: 'Ada',
    createdAt: clock.now().toISOString(),
    expiresAt: Math.floor(clock.now().getTime() / 1000) + 8 * 3600,
    cloudId: 'cloud-1',
    rightsCheckedAt: clock.now().getTime(),
    credentials,
  };
  sessions.sessions.set(session.id, session);
  const rights = new SessionRights({
    sessions,
    oauth: atlassian.oauth,
    identity: atlassian.identity,
    secrets,
    relayTokens,
    clock,
    log,
  });
  return { clock, sessions, secrets, atlassian, relayTokens, log, session, rights };
}

describe('session-rights', () => {
  it('trusts a check younger than 15 minutes for reads', async () => {
    // Prepare
    const { rights, session, clock, atlassian } = setup();
    clock.advance(RIGHTS_RECHECK_MS - 1);

    // Act
    const confirmed = await rights.confirm(session, false);

    // Assess
    expect(confirmed).toBe(session);
    expect(atlassian.permissionChecks).toEqual([]);
  });

  it('asks Jira again for a read once the last check is 15 minutes old, and records the check', async () => {
    // Prepare
    const { rights, session, clock, atlassian, sessions } = setup();
    clock.advance(RIGHTS_RECHECK_MS);

    // Act
    const confirmed = await rights.confirm(session, false);

    // Assess
    expect(atlassian.permissionChecks).toEqual(['at-1@cloud-1']);
    expect(confirmed.rightsCheckedAt).toBe(clock.now().getTime());
    expect(sessions.sessions.get(session.id)?.rightsCheckedAt).toBe(clock.now().getTime());
  });

  it('asks Jira before every change, however recent the last check', async () => {
    // Prepare
    const { rights, session, atlassian } = setup();

    // Act
    await rights.confirm(session, true);
    await rights.confirm(session, true);

    // Assess
    expect(atlassian.permissionChecks).toEqual(['at-1@cloud-1', 'at-1@cloud-1']);
  });

  it('ends the session at once when the administrator lost ADMINISTER', async () => {
    // Prepare
    const { rights, session, atlassian, sessions, log } = setup();
    atlassian.admins.delete('at-1');

    // Act
    const check = rights.confirm(session, true);

    // Assess
    await expect(check).rejects.toBeInstanceOf(SessionEndedError);
    await expect(check).rejects.toMatchObject({ reason: 'not_admin' });
    expect(sessions.sessions.has(session.id)).toBe(false);
    expect(log.entries).toContainEqual({
      level: 'info',
      message: 'Admin session ended',
      attributes: { accountId: 'acc-1', reason: 'not_admin' },
    });
  });

  it('ends the session when its grant is revoked: the token is refused and the refresh gets invalid_grant', async () => {
    // Prepare
    const { rights, session, atlassian, sessions } = setup();
    atlassian.revokedTokens.add('at-1');
    atlassian.grantRevoked = true;

    // Act
    const check = rights.confirm(session, true);

    // Assess
    await expect(check).rejects.toMatchObject({ name: 'SessionEndedError', reason: 'grant_revoked' });
    expect(atlassian.refreshes).toEqual(['rt-1']);
    expect(sessions.sessions.has(session.id)).toBe(false);
  });

  it('refreshes an expiring access token first and keeps the rotated refresh token', async () => {
    // Prepare
    const { rights, session, clock, atlassian, sessions } = setup();
    clock.advance(60 * 60_000);

    // Act
    const confirmed = await rights.confirm(session, false);

    // Assess
    expect(atlassian.refreshes).toEqual(['rt-1']);
    expect(atlassian.permissionChecks).toEqual(['at-2@cloud-1']);
    const stored = sessions.sessions.get(session.id)?.credentials;
    expect(stored).toEqual({
      kind: 'own',
      tokens: { accessToken: 'at-2', accessTokenExpiresAt: clock.now().getTime() + 3_600_000, refreshToken: 'rt-2' },
    });
    expect(confirmed.credentials).toEqual(stored);
  });

  it('keeps the session when Jira cannot answer, and fails the request', async () => {
    // Prepare
    const { rights, session, atlassian, sessions } = setup();
    atlassian.outage = true;

    // Act
    const check = rights.confirm(session, true);

    // Assess
    await expect(check).rejects.toBeInstanceOf(JiraTransientError);
    expect(sessions.sessions.has(session.id)).toBe(true);
  });

  it('shares one Jira call among overlapping reads of the same session', async () => {
    // Prepare
    const { rights, session, clock, atlassian } = setup();
    clock.advance(RIGHTS_RECHECK_MS);

    // Act
    await Promise.all([rights.confirm(session, false), rights.confirm(session, false), rights.confirm(session, false)]);

    // Assess
    expect(atlassian.permissionChecks).toHaveLength(1);
  });

  it('checks a session whose sign-in connected the relay with the connection token, retrying once after a 401', async () => {
    // Prepare
    const { rights, session, secrets, atlassian, relayTokens } = setup({ kind: 'connection' });
    secrets.values.set('jira-connection', JSON.stringify(connection()));
    atlassian.revokedTokens.add('relay-at');
    atlassian.admins.add('relay-at-fresh');

    // Act
    const confirmed = await rights.confirm(session, true);

    // Assess
    expect(relayTokens.rejected).toBe(1);
    expect(atlassian.permissionChecks).toEqual(['relay-at@cloud-1', 'relay-at-fresh@cloud-1']);
    expect(confirmed.credentials).toEqual({ kind: 'connection' });
  });

  it('ends a connection-borrowing session when the connection needs renewing or belongs to someone else now', async () => {
    // Prepare
    const revoked = setup({ kind: 'connection' });
    revoked.secrets.values.set('jira-connection', JSON.stringify(connection({ state: 'reconnect_required' })));
    const replaced = setup({ kind: 'connection' });
    replaced.secrets.values.set(
      'jira-connection',
      JSON.stringify(connection({ connectedBy: { accountId: 'acc-2', displayName: 'Bo' } })),
    );

    // Act
    const first = revoked.rights.confirm(revoked.session, true);
    const second = replaced.rights.confirm(replaced.session, true);

    // Assess
    await expect(first).rejects.toMatchObject({ reason: 'grant_revoked' });
    await expect(second).rejects.toMatchObject({ reason: 'connection_changed' });
    expect(revoked.sessions.sessions.size + replaced.sessions.sessions.size).toBe(0);
    expect(revoked.atlassian.permissionChecks.concat(replaced.atlassian.permissionChecks)).toEqual([]);
  });

  it('does not bring back a session signed out while its check ran', async () => {
    // Prepare
    const { rights, session, sessions } = setup();
    sessions.sessions.delete(session.id);

    // Act
    const check = rights.confirm(session, true);

    // Assess
    await expect(check).rejects.toBeInstanceOf(SessionEndedError);
    expect(sessions.sessions.has(session.id)).toBe(false);
  });
});
