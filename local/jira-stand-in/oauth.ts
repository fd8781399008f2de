/**
 * Atlassian OAuth 2.0 (3LO) stand-in: /authorize (sign-in + consent pages, or one GET for scripted
 * clients), /oauth/token (authorization_code + rotating refresh_token grants) and access-token
 * checks for the API gateway. Lifetimes and error bodies follow docs/jira-cloud-facts.md,
 * "OAuth 2.0 (3LO)".
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ApiResult, escapeHtml, redirect, sendHtml } from './http.ts';
import { page } from './pages.ts';
import { type SeedUser, USERS } from './seed.ts';
import type { AccessTokenRecord, StandInState, TokenFamily } from './state.ts';

export const ACCESS_TOKEN_SECONDS = 3600;
/** After a refresh, the old refresh token (and its access token) keep working this long. */
export const REUSE_WINDOW_MS = 10 * 60 * 1000;
const INACTIVITY_MS = 90 * 24 * 3600 * 1000;
const ABSOLUTE_MS = 365 * 24 * 3600 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;
export const AUDIENCE = 'api.atlassian.com';
const KNOWN_SCOPES = new Set([
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'offline_access',
  'manage:jira-configuration',
  'manage:jira-project',
  'manage:jira-webhook',
  'read:me',
  'read:account',
]);

export interface OAuthSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris?: readonly string[];
}

/** Short, stable, non-reversible name for a token, so control endpoints never print tokens. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export type TokenCheck = { ok: true; user: SeedUser; family: TokenFamily; scopes: readonly string[] } | { ok: false };

export class OAuthServer {
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly state: StandInState,
    private readonly settings: OAuthSettings,
    private readonly issuer: () => string,
  ) {}

  // ---------------------------------------------------------------- /authorize

  handleAuthorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    // Never redirect to an unverified client or callback: show an error page instead.
    if (clientId !== this.settings.clientId) {
      sendHtml(
        res,
        400,
        page('Something went wrong', `<p>Invalid <code>client_id</code>: this app does not exist.</p>`),
      );
      return;
    }
    if (!isHttpUrl(redirectUri) || (this.settings.redirectUris && !this.settings.redirectUris.includes(redirectUri))) {
      sendHtml(
        res,
        400,
        page(
          'Something went wrong',
          `<p>The <code>redirect_uri</code> ${escapeHtml(redirectUri)} is not a callback URL registered for this app.</p>`,
        ),
      );
      return;
    }
    const state = q.get('state');
    if (!state) {
      sendHtml(res, 400, page('Something went wrong', '<p>The <code>state</code> parameter is required.</p>'));
      return;
    }
    const back = (params: Record<string, string>): void => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries({ ...params, state })) target.searchParams.set(k, v);
      redirect(res, target.toString());
    };
    if (q.get('response_type') !== 'code') {
      back({ error: 'unsupported_response_type', error_description: 'response_type must be code' });
      return;
    }
    if (q.get('audience') !== AUDIENCE) {
      back({ error: 'invalid_request', error_description: `audience must be ${AUDIENCE}` });
      return;
    }
    const scopes = (q.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.has(s));
    if (scopes.length === 0 || unknown.length > 0) {
      back({
        error: 'invalid_scope',
        error_description: scopes.length === 0 ? 'scope is required' : `Unknown scope: ${unknown.join(' ')}`,
      });
      return;
    }
    const consent = q.get('consent');
    if (consent === 'deny') {
      back({ error: 'access_denied', error_description: 'User did not authorize the request' });
      return;
    }
    const hint = (q.get('login_hint') ?? '').toLowerCase();
    const user = hint ? USERS.find((u) => u.email.toLowerCase() === hint) : undefined;
    if (hint && !user) {
      sendHtml(res, 200, signInPage(url, `No Atlassian account for ${hint}.`));
      return;
    }
    if (!user) {
      sendHtml(res, 200, signInPage(url));
      return;
    }
    if (consent !== 'approve') {
      sendHtml(res, 200, consentPage(url, user, scopes));
      return;
    }
    const code = base64url(randomBytes(24));
    this.state.codes.set(code, {
      code,
      clientId,
      redirectUri,
      scope: scopes.join(' '),
      accountId: user.accountId,
      expiresAt: this.state.now() + CODE_TTL_MS,
      used: false,
    });
    back({ code });
  }

  // ---------------------------------------------------------------- /oauth/token

  handleToken(params: Record<string, unknown> | undefined): ApiResult {
    if (!params)
      return { status: 400, body: { error: 'invalid_request', error_description: 'The request body must be JSON.' } };
    const str = (name: string): string => (typeof params[name] === 'string' ? (params[name] as string) : '');
    const grantType = str('grant_type');
    if (!grantType)
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'Missing required parameter: grant_type' },
      };
    if (str('client_id') !== this.settings.clientId || !sameSecret(str('client_secret'), this.settings.clientSecret)) {
      return { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };
    }
    if (grantType === 'authorization_code') return this.exchangeCode(str('code'), str('redirect_uri'));
    if (grantType === 'refresh_token') return this.refresh(str('refresh_token'));
    return {
      status: 403,
      body: { error: 'unsupported_grant_type', error_description: `Unsupported grant type: ${grantType}` },
    };
  }

  private exchangeCode(code: string, redirectUri: string): ApiResult {
    if (!code)
      return { status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: code' } };
    const record = this.state.codes.get(code);
    if (!record || record.used || record.expiresAt <= this.state.now() || record.clientId !== this.settings.clientId) {
      return { status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } };
    }
    if (record.redirectUri !== redirectUri) {
      return {
        status: 403,
        body: {
          error: 'invalid_grant',
          error_description: 'The redirect_uri does not match the one used in the authorization request.',
        },
      };
    }
    record.used = true;
    const family: TokenFamily = {
      id: randomUUID(),
      clientId: record.clientId,
      accountId: record.accountId,
      scope: record.scope,
      createdAt: this.state.now(),
    };
    this.state.families.set(family.id, family);
    const body = this.issue(family);
    this.state.save();
    return { status: 200, body };
  }

  private refresh(refreshToken: string): ApiResult {
    const invalid = (): ApiResult => ({
      status: 403,
      body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    });
    if (!refreshToken)
      return {
        status: 400,
        body: { error: 'invalid_request', error_description: 'Missing required parameter: refresh_token' },
      };
    const record = this.state.refreshTokens.get(refreshToken);
    const family = record ? this.state.families.get(record.familyId) : undefined;
    const now = this.state.now();
    if (!record || !family || family.revokedAt !== undefined) return invalid();
    if (now - family.createdAt >= ABSOLUTE_MS) {
      this.revokeFamily(family, 'absolute-expiry');
      return invalid();
    }
    if (record.supersededAt === undefined && now - record.issuedAt >= INACTIVITY_MS) {
      this.revokeFamily(family, 'inactivity-expiry');
      return invalid();
    }
    if (record.supersededAt !== undefined && now >= record.supersededAt + REUSE_WINDOW_MS) {
      // Reuse of a rotated token after the leeway looks like theft: the whole family dies.
      this.revokeFamily(family, 'reuse-detected');
      return invalid();
    }
    record.supersededAt ??= now;
    const body = this.issue(family);
    this.state.save();
    return { status: 200, body };
  }

  private issue(family: TokenFamily): Record<string, unknown> {
    const now = this.state.now();
    const withRefresh = family.scope.split(' ').includes('offline_access');
    const refreshToken = withRefresh ? base64url(randomBytes(48)) : undefined;
    if (refreshToken)
      this.state.refreshTokens.set(refreshToken, { token: refreshToken, familyId: family.id, issuedAt: now });
    const accessToken = this.signAccessToken(family, now);
    const record: AccessTokenRecord = {
      token: accessToken,
      familyId: family.id,
      ...(refreshToken ? { companionRefreshToken: refreshToken } : {}),
      issuedAt: now,
      expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
    };
    this.state.accessTokens.set(accessToken, record);
    return {
      access_token: accessToken,
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: family.scope,
      token_type: 'Bearer',
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  private signAccessToken(family: TokenFamily, now: number): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'jira-stand-in' }));
    const payload = base64url(
      JSON.stringify({
        iss: `${this.issuer()}/`,
        sub: family.accountId,
        aud: AUDIENCE,
        iat: Math.floor(now / 1000),
        exp: Math.floor(now / 1000) + ACCESS_TOKEN_SECONDS,
        jti: randomUUID(),
        client_id: family.clientId,
        scope: family.scope,
        'https://atlassian.com/systemAccountId': family.accountId,
      }),
    );
    const signature = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  revokeFamily(family: TokenFamily, reason: string): void {
    family.revokedAt = this.state.now();
    family.revokedReason = reason;
    this.state.save();
  }

  /** Simulates a password change or an admin revoking the app: every grant (of one user) dies. */
  revokeAll(accountId?: string): number {
    let count = 0;
    for (const family of this.state.families.values()) {
      if (family.revokedAt === undefined && (!accountId || family.accountId === accountId)) {
        this.revokeFamily(family, 'revoked-by-test');
        count += 1;
      }
    }
    return count;
  }

  // ---------------------------------------------------------------- gateway checks

  checkAccessToken(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const record = match?.[1] ? this.state.accessTokens.get(match[1]) : undefined;
    const family = record ? this.state.families.get(record.familyId) : undefined;
    const user = family ? USERS.find((u) => u.accountId === family.accountId) : undefined;
    const now = this.state.now();
    if (!record || !family || !user || family.revokedAt !== undefined || now >= record.expiresAt) return { ok: false };
    const companion = record.companionRefreshToken
      ? this.state.refreshTokens.get(record.companionRefreshToken)
      : undefined;
    // Companion revocation: the access token dies with its refresh token's reuse window.
    if (companion?.supersededAt !== undefined && now >= companion.supersededAt + REUSE_WINDOW_MS) return { ok: false };
    return { ok: true, user, family, scopes: family.scope.split(' ') };
  }

  /** Grant states for /_stand-in/tokens; tokens appear only as fingerprints. */
  snapshot(): unknown {
    const now = this.state.now();
    return {
      now: new Date(now).toISOString(),
      families: [...this.state.families.values()].map((family) => ({
        id: family.id,
        accountId: family.accountId,
        email: USERS.find((u) => u.accountId === family.accountId)?.email,
        scope: family.scope,
        createdAt: new Date(family.createdAt).toISOString(),
        revoked: family.revokedAt !== undefined,
        ...(family.revokedReason ? { revokedReason: family.revokedReason } : {}),
        refreshTokens: [...this.state.refreshTokens.values()]
          .filter((r) => r.familyId === family.id)
          .map((r) => ({
            fingerprint: tokenFingerprint(r.token),
            issuedAt: new Date(r.issuedAt).toISOString(),
            ...(r.supersededAt !== undefined ? { supersededAt: new Date(r.supersededAt).toISOString() } : {}),
            state:
              family.revokedAt !== undefined
                ? 'revoked'
                : r.supersededAt === undefined
                  ? 'active'
                  : now < r.supersededAt + REUSE_WINDOW_MS
                    ? 'reuse-window'
                    : 'superseded',
          })),
        activeAccessTokens: [...this.state.accessTokens.values()].filter(
          (a) => a.familyId === family.id && this.checkAccessToken(`Bearer ${a.token}`).ok,
        ).length,
      })),
    };
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Hidden inputs that carry the original authorize parameters through the two pages. */
function carried(url: URL, drop: readonly string[]): string {
  return [...url.searchParams.entries()]
    .filter(([k]) => !drop.includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}

function signInPage(url: URL, error?: string): string {
  const buttons = USERS.filter((u) => u.canSignIn)
    .map(
      (u) =>
        `<button type="submit" name="login_hint" value="${escapeHtml(u.email)}"><strong>${escapeHtml(u.displayName)}</strong><br><small>${escapeHtml(u.email)}</small></button>`,
    )
    .join('');
  return page(
    'Log in to continue',
    `${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<p>Jira stand-in: pick the Atlassian account that signs in.</p>
<form method="get" action="/authorize" class="accounts">${carried(url, ['login_hint', 'consent'])}${buttons}</form>`,
  );
}

function consentPage(url: URL, user: SeedUser, scopes: readonly string[]): string {
  const items = scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Allow access?',
    `<p>Signed in as <strong>${escapeHtml(user.displayName)}</strong> (${escapeHtml(user.email)}).</p>
<p>The app <code>${escapeHtml(url.searchParams.get('client_id') ?? '')}</code> is requesting access to your Atlassian account on <strong>Keeper Demo</strong>:</p>
<ul>${items}</ul>
<form method="get" action="/authorize">${carried(url, ['consent'])}
<button type="submit" name="consent" value="approve">Accept</button>
<button type="submit" name="consent" value="deny" class="secondary">Cancel</button></form>`,
  );
}
