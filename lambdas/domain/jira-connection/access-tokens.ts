/**
 * The relay's connection to Jira: one Atlassian account's rotating refresh token, kept in the
 * secret store. Atlassian rotates the refresh token on every use and revokes the whole token family
 * when a superseded one is reused after 10 minutes, so:
 *  - only one instance refreshes at a time (a lease), the others wait and read the result;
 *  - the new refresh token is persisted before the new access token is used;
 *  - the current access token is shared through the secret so other instances need not refresh;
 *  - `invalid_grant` re-reads storage (another instance may have rotated) before declaring
 *    "reconnect required".
 * A refresh token unused for 90 days expires: a daily keep-alive forces a refresh through the same
 * path (`refreshNow`), so a quiet relay keeps its grant.
 */
import { JiraTransientError, NotConfiguredError, ReconnectRequiredError } from '#domain/errors.ts';
import type { Clock, Lease, OAuthClient, SecretStore } from '#domain/ports.ts';
import { type JiraConnection, readConnection, writeConnection } from './connection-record.ts';

const REFRESH_LEASE = 'jira-token-refresh';
const LEASE_SECONDS = 30;
/** Refresh this long before expiry so a token never expires mid-request. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
// Well inside the ingest Lambda timeout (20 s) together with one Jira call (8 s).
const WAIT_FOR_PEER_MS = 8_000;
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hands out valid access tokens for the relay's connection, refreshing safely across instances. */
export class JiraAccessTokens {
  private cached?: { token: string; expiresAt: number; cloudId: string };
  private rejected?: string;

  constructor(
    private readonly deps: { secrets: SecretStore; lease: Lease; oauth: OAuthClient; clock: Clock; instanceId: string },
  ) {}

  async cloudId(): Promise<string> {
    if (this.cached) return this.cached.cloudId;
    const connection = await this.usableConnection();
    return connection.cloudId;
  }

  async accessToken(): Promise<string> {
    const now = this.deps.clock.now().getTime();
    if (this.cached && this.cached.expiresAt - EXPIRY_MARGIN_MS > now) return this.cached.token;
    const rejected = this.rejected;
    return this.obtain((connection) => this.fresh(connection, rejected));
  }

  /**
   * Rotates the refresh token now, whatever the access token's age, under the same lease; a
   * refresh another instance completes meanwhile counts (the grant was used either way). Throws
   * ReconnectRequiredError when Atlassian refuses the grant (the connection is then stored as
   * `reconnect_required`), NotConfiguredError before any connection.
   */
  async refreshNow(): Promise<void> {
    const before = await this.usableConnection();
    // Every refresh stores a new access token: one that differs from what was stored before means done.
    await this.obtain(
      (connection) =>
        connection.accessToken !== undefined &&
        (connection.accessToken !== before.accessToken || connection.lastRefreshAt !== before.lastRefreshAt),
    );
  }

  /**
   * Jira answered 401 to the current token (revoked early, e.g. companion revocation after another
   * instance rotated): the next `accessToken()` returns a different, valid one.
   */
  async markRejected(): Promise<void> {
    if (this.cached) this.rejected = this.cached.token;
    this.cached = undefined;
  }

  private async usableConnection(): Promise<JiraConnection> {
    const connection = await readConnection(this.deps.secrets);
    if (connection === undefined)
      throw new NotConfiguredError('The relay is not connected to Jira yet: a Jira administrator must sign in');
    if (connection.state === 'reconnect_required') {
      throw new ReconnectRequiredError(
        connection.message ?? 'The Jira connection must be renewed: a Jira administrator must sign in again',
      );
    }
    return connection;
  }

  private fresh(connection: JiraConnection, rejected: string | undefined): boolean {
    return (
      connection.accessToken !== undefined &&
      connection.accessToken !== rejected &&
      (connection.accessTokenExpiresAt ?? 0) - EXPIRY_MARGIN_MS > this.deps.clock.now().getTime()
    );
  }

  private remember(connection: JiraConnection): string {
    const token = connection.accessToken ?? '';
    this.rejected = undefined;
    this.cached = { token, expiresAt: connection.accessTokenExpiresAt ?? 0, cloudId: connection.cloudId };
    return token;
  }

  /** Returns the stored access token once `satisfied` holds, refreshing (one instance at a time) until it does. */
  private async obtain(satisfied: (connection: JiraConnection) => boolean): Promise<string> {
    const connection = await this.usableConnection();
    if (satisfied(connection)) return this.remember(connection);

    const { lease, clock, instanceId } = this.deps;
    const deadline = clock.now().getTime() + WAIT_FOR_PEER_MS;
    while (!(await lease.acquire(REFRESH_LEASE, instanceId, LEASE_SECONDS, clock.now()))) {
      // Another instance is refreshing: wait for its result instead of rotating the token twice.
      await sleep(POLL_MS);
      const current = await this.usableConnection();
      if (satisfied(current)) return this.remember(current);
      if (clock.now().getTime() > deadline)
        throw new JiraTransientError('Timed out waiting for another instance to refresh the Jira token', 5);
    }
    try {
      return await this.refreshHoldingLease(satisfied);
    } finally {
      await lease.release(REFRESH_LEASE, instanceId);
    }
  }

  private async refreshHoldingLease(satisfied: (connection: JiraConnection) => boolean): Promise<string> {
    const { secrets, oauth, clock } = this.deps;
    let connection = await this.usableConnection();
    if (satisfied(connection)) return this.remember(connection);
    for (let attempt = 0; ; attempt++) {
      try {
        const tokens = await oauth.refresh(connection.refreshToken);
        const now = clock.now();
        const next: JiraConnection = {
          ...connection,
          refreshToken: tokens.refreshToken ?? connection.refreshToken,
          accessToken: tokens.accessToken,
          accessTokenExpiresAt: now.getTime() + tokens.expiresInSeconds * 1000,
          lastRefreshAt: now.toISOString(),
        };
        // Persist before use: if this instance dies now, the next one holds the newest refresh token.
        await writeConnection(secrets, next);
        return this.remember(next);
      } catch (error) {
        if (!(error instanceof ReconnectRequiredError)) throw error;
        const latest = await readConnection(secrets);
        if (
          attempt === 0 &&
          latest &&
          latest.state === 'connected' &&
          latest.refreshToken !== connection.refreshToken
        ) {
          connection = latest;
          continue;
        }
        await writeConnection(secrets, {
          ...connection,
          state: 'reconnect_required',
          message:
            'Atlassian refused the stored refresh token (invalid_grant): a Jira administrator must sign in again',
        });
        this.cached = undefined;
        throw error;
      }
    }
  }
}
