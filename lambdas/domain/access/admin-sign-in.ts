/**
 * "Sign in with Atlassian" = connect. The OAuth 2.0 authorization-code flow with `state` bound to
 * the browser; only a Jira administrator (ADMINISTER) of the one pinned site gets a session. The
 * first administrator to sign in, or the first after the connection needs renewing, connects the
 * relay: their refresh token becomes the relay's Jira connection. Every other sign-in keeps its own
 * tokens in the session, to re-check the administrator's rights (`session-rights.ts`).
 */
import { randomBytes } from 'node:crypto';
import { AccessDeniedError } from '#domain/errors.ts';
import { connect, readConnection } from '#domain/jira-connection/connection-record.ts';
import type { AdminSession, Clock, JiraIdentity, OAuthClient, SecretStore, SessionStore } from '#domain/ports.ts';

const STATE_TTL_SECONDS = 10 * 60;

export interface SignInDeps {
  readonly oauth: OAuthClient;
  readonly identity: JiraIdentity;
  readonly sessions: SessionStore;
  readonly secrets: SecretStore;
  readonly clock: Clock;
  /** The one Jira site this deployment serves. */
  readonly siteUrl: string;
  readonly sessionHours: number;
  /** Called after the relay (re)connects, e.g. to release alerts parked while it was disconnected. */
  readonly onConnected: () => Promise<void>;
}

const randomId = () => randomBytes(32).toString('base64url');

export function normaliseSiteUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

/** Starts the flow: returns where to send the browser and the binding value to put in a cookie. */
export async function startSignIn(
  deps: Pick<SignInDeps, 'oauth' | 'sessions' | 'clock'>,
): Promise<{ location: string; browserBinding: string }> {
  const state = randomId();
  const browserBinding = randomId();
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + STATE_TTL_SECONDS;
  await deps.sessions.putOAuthState(state, { browserBinding, expiresAt });
  return { location: deps.oauth.authorizeUrl(state), browserBinding };
}

export interface SignInResult {
  readonly session: AdminSession;
  /** True when this sign-in (re)connected the relay to Jira. */
  readonly connected: boolean;
}

/** Completes the flow. Throws AccessDeniedError (no session is created) for anyone but a Jira administrator. */
export async function completeSignIn(
  deps: SignInDeps,
  input: { code?: string; state?: string; error?: string; browserBinding?: string },
): Promise<SignInResult> {
  if (input.error) throw new AccessDeniedError(`Atlassian sign-in was not completed (${input.error})`, 'oauth_failed');
  if (!input.code || !input.state)
    throw new AccessDeniedError('The sign-in response is missing its code or state', 'oauth_failed');
  const stored = await deps.sessions.takeOAuthState(input.state);
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  if (
    !stored ||
    stored.expiresAt < nowSeconds ||
    !input.browserBinding ||
    stored.browserBinding !== input.browserBinding
  ) {
    throw new AccessDeniedError(
      'The sign-in link expired or was started in another browser; sign in again',
      'oauth_failed',
    );
  }

  const tokens = await deps.oauth.exchangeCode(input.code);
  const resources = await deps.oauth.accessibleResources(tokens.accessToken);
  const site = resources.find((r) => normaliseSiteUrl(r.url) === normaliseSiteUrl(deps.siteUrl));
  if (!site) {
    throw new AccessDeniedError(
      `This relay serves ${deps.siteUrl}; the account has not granted access to that site`,
      'wrong_site',
    );
  }
  if (!(await deps.identity.hasAdminister(tokens.accessToken, site.id))) {
    throw new AccessDeniedError(`Only Jira administrators of ${deps.siteUrl} can configure the relay`, 'not_admin');
  }
  const me = await deps.identity.myself(tokens.accessToken, site.id);

  let connected = false;
  const connection = await readConnection(deps.secrets);
  if ((connection === undefined || connection.state === 'reconnect_required') && tokens.refreshToken) {
    await connect(
      deps.secrets,
      {
        cloudId: site.id,
        siteUrl: site.url,
        refreshToken: tokens.refreshToken,
        accessToken: tokens.accessToken,
        expiresInSeconds: tokens.expiresInSeconds,
        actor: { accountId: me.accountId, displayName: me.displayName },
      },
      deps.clock,
    );
    connected = true;
    await deps.onConnected();
  }

  const now = deps.clock.now();
  const session: AdminSession = {
    id: randomId(),
    accountId: me.accountId,
    displayName: me.displayName,
    ...(me.emailAddress ? { email: me.emailAddress } : {}),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.sessionHours * 3600,
    cloudId: site.id,
    rightsCheckedAt: now.getTime(),
    // A refresh token handed to the connection must not be used here too: rotation allows one holder.
    credentials: connected
      ? { kind: 'connection' }
      : {
          kind: 'own',
          tokens: {
            accessToken: tokens.accessToken,
            accessTokenExpiresAt: now.getTime() + tokens.expiresInSeconds * 1000,
            ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          },
        },
  };
  await deps.sessions.put(session);
  return { session, connected };
}

/** Returns the session if it exists and has not expired. */
export async function currentSession(
  deps: Pick<SignInDeps, 'sessions' | 'clock'>,
  sessionId: string | undefined,
): Promise<AdminSession | undefined> {
  if (!sessionId) return undefined;
  const session = await deps.sessions.get(sessionId);
  if (!session || session.expiresAt <= Math.floor(deps.clock.now().getTime() / 1000)) return undefined;
  return session;
}
