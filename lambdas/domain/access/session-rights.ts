/**
 * Sessions follow rights: a session is only as good as the Jira ADMINISTER permission it was
 * granted for. The permission is asked again, with the administrator's own token, at least every
 * 15 minutes and before every change; a "no", or a grant Atlassian no longer honours, ends the
 * session at once.
 */
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import { JiraUnauthorizedError, ReconnectRequiredError, SessionEndedError } from '#domain/errors.ts';
import { readConnection } from '#domain/jira-connection/connection-record.ts';
import type {
  AdminSession,
  AdminTokens,
  Clock,
  JiraIdentity,
  OAuthClient,
  SecretStore,
  SessionCredentials,
  SessionStore,
} from '#domain/ports.ts';

/** A read may rely on a check this recent; a change never does. */
export const RIGHTS_RECHECK_MS = 15 * 60_000;
/** Refresh the session's access token this long before it expires, so it never expires mid-check. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SessionRightsDeps {
  readonly sessions: SessionStore;
  /** Refreshes the administrator's own tokens (no callback URL needed). */
  readonly oauth: Pick<OAuthClient, 'refresh'>;
  readonly identity: Pick<JiraIdentity, 'hasAdminister'>;
  /** To learn whose account the relay's connection is, for sessions that borrow it. */
  readonly secrets: SecretStore;
  /** The relay's connection tokens, for a session whose sign-in connected the relay. */
  readonly relayTokens: { accessToken(): Promise<string>; markRejected(): Promise<void> };
  readonly clock: Clock;
  readonly log: EventLog;
}

type Check = { admin: boolean; credentials: SessionCredentials };

/**
 * Re-checks sessions' rights when due. Checks of one session that overlap on this instance share
 * one Jira call (the admin site loads several views at once).
 */
export class SessionRights {
  readonly #inFlight = new Map<string, Promise<AdminSession>>();

  constructor(private readonly deps: SessionRightsDeps) {}

  /**
   * Returns the session, re-checked if `change` or if its last check is 15 minutes old. Throws
   * SessionEndedError (after deleting it) when the administrator lost ADMINISTER or their grant is
   * revoked; a Jira outage propagates (the request fails, the session stays for the next try).
   */
  async confirm(session: AdminSession, change: boolean): Promise<AdminSession> {
    if (!change && this.deps.clock.now().getTime() - session.rightsCheckedAt < RIGHTS_RECHECK_MS) return session;
    const running = this.#inFlight.get(session.id);
    if (running) return running;
    const check = this.#recheck(session).finally(() => this.#inFlight.delete(session.id));
    this.#inFlight.set(session.id, check);
    return check;
  }

  async #recheck(session: AdminSession): Promise<AdminSession> {
    const now = this.deps.clock.now().getTime();
    let result: Check;
    try {
      result =
        session.credentials.kind === 'own'
          ? await this.#checkOwn(session, session.credentials.tokens)
          : await this.#checkWithConnection(session);
    } catch (error) {
      if (error instanceof ReconnectRequiredError) {
        return this.#end(
          session,
          'grant_revoked',
          'Your Atlassian authorization was revoked or has expired: sign in again',
        );
      }
      throw error;
    }
    if (!result.admin) return this.#end(session, 'not_admin', 'You are no longer a Jira administrator of this site');
    const confirmed: AdminSession = { ...session, rightsCheckedAt: now, credentials: result.credentials };
    // Gone meanwhile (signed out, or everywhere): the check does not bring it back.
    if (!(await this.deps.sessions.update(session.id, { rightsCheckedAt: now, credentials: result.credentials }))) {
      throw new SessionEndedError('Your session has ended: sign in again', 'grant_revoked');
    }
    return confirmed;
  }

  /** With the administrator's own tokens; a refreshed token pair is stored before it is used. */
  async #checkOwn(session: AdminSession, tokens: AdminTokens): Promise<Check> {
    let current = tokens;
    if (current.accessTokenExpiresAt - EXPIRY_MARGIN_MS <= this.deps.clock.now().getTime())
      current = await this.#refresh(session, current);
    try {
      return {
        admin: await this.deps.identity.hasAdminister(current.accessToken, session.cloudId),
        credentials: { kind: 'own', tokens: current },
      };
    } catch (error) {
      // Revoked before its expiry (app removed, password changed): the refresh tells whether the grant lives.
      if (!(error instanceof JiraUnauthorizedError)) throw error;
      current = await this.#refresh(session, current);
      return {
        admin: await this.deps.identity.hasAdminister(current.accessToken, session.cloudId),
        credentials: { kind: 'own', tokens: current },
      };
    }
  }

  async #refresh(session: AdminSession, tokens: AdminTokens): Promise<AdminTokens> {
    if (tokens.refreshToken === undefined) throw new ReconnectRequiredError('The sign-in gave no refresh token');
    // Throws ReconnectRequiredError on invalid_grant: the grant is gone.
    const fresh = await this.deps.oauth.refresh(tokens.refreshToken);
    const next: AdminTokens = {
      accessToken: fresh.accessToken,
      accessTokenExpiresAt: this.deps.clock.now().getTime() + fresh.expiresInSeconds * 1000,
      refreshToken: fresh.refreshToken ?? tokens.refreshToken,
    };
    // The old refresh token is superseded now: keep the new one before anything else can fail.
    if (
      !(await this.deps.sessions.update(session.id, {
        rightsCheckedAt: session.rightsCheckedAt,
        credentials: { kind: 'own', tokens: next },
      }))
    ) {
      throw new SessionEndedError('Your session has ended: sign in again', 'grant_revoked');
    }
    return next;
  }

  /** With the relay's connection, which holds this administrator's grant (their sign-in connected the relay). */
  async #checkWithConnection(session: AdminSession): Promise<Check> {
    const connection = await readConnection(this.deps.secrets);
    if (connection?.state === 'reconnect_required')
      throw new ReconnectRequiredError(connection.message ?? 'The Jira connection must be renewed');
    if (
      connection === undefined ||
      connection.connectedBy.accountId !== session.accountId ||
      connection.cloudId !== session.cloudId
    ) {
      // Someone else reconnected the relay: this session's grant is no longer the connection's.
      return this.#end(
        session,
        'connection_changed',
        'The Jira connection was renewed by another administrator: sign in again',
      );
    }
    const ask = async () =>
      this.deps.identity.hasAdminister(await this.deps.relayTokens.accessToken(), session.cloudId);
    try {
      return { admin: await ask(), credentials: { kind: 'connection' } };
    } catch (error) {
      if (!(error instanceof JiraUnauthorizedError)) throw error;
      await this.deps.relayTokens.markRejected();
      return { admin: await ask(), credentials: { kind: 'connection' } };
    }
  }

  async #end(session: AdminSession, reason: SessionEndedError['reason'], message: string): Promise<never> {
    await this.deps.sessions.delete(session.id);
    this.deps.log.info('Admin session ended', { accountId: session.accountId, reason });
    throw new SessionEndedError(message, reason);
  }
}
