/**
 * OAuthClient on Atlassian's OAuth 2.0 (3LO) server (auth.atlassian.com) and the gateway's
 * accessible-resources call. Branches on the OAuth `error` value, not on the HTTP status: Atlassian
 * has paired these errors with different statuses over time (docs/jira-cloud-facts.md, "Token
 * endpoint errors").
 */
import type { AxiosInstance } from 'axios';
import * as z from 'zod/mini';
import { JiraRejectedError, JiraTransientError, ReconnectRequiredError } from '#domain/errors.ts';
import type { AccessibleResource, OAuthClient, OAuthTokens } from '#domain/ports.ts';
import {
  createAtlassianHttp,
  type HttpAnswer,
  type HttpCall,
  jiraFailure,
  parseBody,
  parseRetryAfter,
  send,
  trimSlash,
} from './atlassian-http.ts';

export const DEFAULT_SCOPES = 'read:jira-work write:jira-work read:jira-user offline_access';

export interface AtlassianOAuthClientOptions {
  /** e.g. https://auth.atlassian.com (ATLASSIAN_AUTH_URL). */
  readonly authUrl: string;
  /** e.g. https://api.atlassian.com (ATLASSIAN_API_URL). */
  readonly apiUrl: string;
  readonly clientId: string;
  /** The secret, or a getter (Secrets Manager) so it is read only when a token call needs it. */
  readonly clientSecret: string | (() => Promise<string>);
  /** Must equal a callback URL registered in the Atlassian developer console. */
  readonly redirectUri: string;
  /** Space-separated classic scopes; offline_access is what yields a refresh token. */
  readonly scopes?: string;
  readonly timeoutMs?: number;
}

const tokenSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.coerce.number().check(z.positive()),
  scope: z._default(z.string(), ''),
  refresh_token: z.optional(z.string().check(z.minLength(1))),
  token_type: z.optional(z.string()),
});

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.optional(z.string()) });

const resourcesSchema = z.array(
  z.object({
    id: z.string(),
    url: z.string(),
    name: z.string(),
    scopes: z._default(z.array(z.string()), []),
  }),
);

/** OAuth errors after which only a new consent helps. */
const RECONNECT_ERRORS = new Set(['invalid_grant', 'unauthorized_client']);

export class AtlassianOAuthClient implements OAuthClient {
  private readonly http: AxiosInstance;
  private readonly authUrl: string;
  private readonly apiUrl: string;

  constructor(private readonly options: AtlassianOAuthClientOptions) {
    this.http = createAtlassianHttp(options.timeoutMs);
    this.authUrl = trimSlash(options.authUrl);
    this.apiUrl = trimSlash(options.apiUrl);
  }

  authorizeUrl(state: string): string {
    const url = new URL(`${this.authUrl}/authorize`);
    url.searchParams.set('audience', 'api.atlassian.com');
    url.searchParams.set('client_id', this.options.clientId);
    url.searchParams.set('scope', this.options.scopes ?? DEFAULT_SCOPES);
    url.searchParams.set('redirect_uri', this.options.redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('prompt', 'consent');
    return url.toString();
  }

  async exchangeCode(code: string): Promise<OAuthTokens> {
    return this.token(
      { grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri },
      'authorization code exchange',
    );
  }

  async refresh(refreshToken: string): Promise<OAuthTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, 'token refresh');
  }

  async accessibleResources(accessToken: string): Promise<AccessibleResource[]> {
    const call: HttpCall = {
      method: 'GET',
      url: `${this.apiUrl}/oauth/token/accessible-resources`,
      accessToken,
      what: 'GET /oauth/token/accessible-resources',
    };
    const answer = await send(this.http, call);
    if (answer.status !== 200) throw jiraFailure(answer, call);
    return parseBody(resourcesSchema, answer, call);
  }

  private async token(grant: Record<string, string>, what: string): Promise<OAuthTokens> {
    const secret =
      typeof this.options.clientSecret === 'string' ? this.options.clientSecret : await this.options.clientSecret();
    const call: HttpCall = {
      method: 'POST',
      url: `${this.authUrl}/oauth/token`,
      data: { ...grant, client_id: this.options.clientId, client_secret: secret },
      what: `Atlassian ${what}`,
    };
    const answer = await send(this.http, call);
    if (answer.status === 200) {
      const tokens = parseBody(tokenSchema, answer, call);
      return {
        accessToken: tokens.access_token,
        expiresInSeconds: tokens.expires_in,
        scope: tokens.scope,
        ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      };
    }
    throw tokenFailure(answer, call);
  }
}

function tokenFailure(answer: HttpAnswer, call: HttpCall): Error {
  const parsed = oauthErrorSchema.safeParse(answer.body);
  const error = parsed.success ? parsed.data.error : undefined;
  const description = parsed.success && parsed.data.error_description ? `: ${parsed.data.error_description}` : '';
  if (error && RECONNECT_ERRORS.has(error)) {
    return new ReconnectRequiredError(
      `${call.what} refused (${error}${description}); an administrator must connect Jira again`,
      {
        cause: { status: answer.status, error },
      },
    );
  }
  if (answer.status === 429 || answer.status >= 500) {
    return new JiraTransientError(
      `${call.what}: Atlassian answered ${answer.status}`,
      parseRetryAfter(answer.headers['retry-after']),
      false,
      {
        cause: { status: answer.status },
      },
    );
  }
  // access_denied at the token endpoint means the app's own credentials were refused.
  const hint = error === 'access_denied' ? ' (check the OAuth client id and secret)' : '';
  return new JiraRejectedError(
    `${call.what} refused (${error ?? answer.status}${description})${hint}`,
    answer.status,
    {},
    error ? [error] : [],
  );
}
