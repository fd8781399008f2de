/** What the admin API is built from (composed by `createAdminApi` in `relay-services.ts`). */
import type { WebhookTokenAdmin } from '#domain/access/webhook-token.ts';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import type { IngestResult } from '#domain/delivery/ingest-alert.ts';
import type {
  AlertLedger,
  Clock,
  ConfigStore,
  IssueTracker,
  JiraIdentity,
  OAuthClient,
  RetryQueue,
  SecretStore,
  SessionStore,
  StateStore,
} from '#domain/ports.ts';
import { type HttpEvent, header } from '#shared/http.ts';

export interface AdminApiDeps {
  readonly oauthFor: (redirectUri: string) => OAuthClient;
  readonly identity: JiraIdentity;
  readonly sessions: SessionStore;
  readonly secrets: SecretStore;
  /** Shared control-plane items; the status reads the Jira circuit breaker from it. */
  readonly state: Pick<StateStore, 'getItem'>;
  readonly configs: ConfigStore;
  readonly ledger: AlertLedger;
  readonly queue: RetryQueue;
  readonly tracker: IssueTracker;
  readonly tokens: WebhookTokenAdmin;
  readonly ingest: (rawBody: string, options: { test?: boolean }) => Promise<IngestResult>;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly siteUrl: string;
  readonly sessionHours: number;
  /** The relay's Jira connection tokens: a session whose sign-in connected the relay re-checks its rights with them. */
  readonly relayTokens: { accessToken(): Promise<string>; markRejected(): Promise<void> };
  /** Fixed public origin (local runtime, custom domain); otherwise derived from the request. */
  readonly publicBaseUrl?: string;
  readonly webhookUrl?: string;
}

export function requestBaseUrl(deps: Pick<AdminApiDeps, 'publicBaseUrl'>, event: HttpEvent): string {
  if (deps.publicBaseUrl) return deps.publicBaseUrl.replace(/\/+$/, '');
  // CloudFront copies the viewer's Host into x-forwarded-host (lib/constructs/admin-site.ts). The
  // header picks the OAuth redirect_uri and the post-login redirect, so it is trusted only because
  // the router has already refused every request without the distribution's origin-verify secret:
  // a direct caller of the API endpoint, who could set any x-forwarded-host, never gets this far.
  const host = header(event, 'x-forwarded-host') ?? event.requestContext.domainName;
  return `https://${host}`;
}

export function webhookUrl(deps: Pick<AdminApiDeps, 'webhookUrl'>, event: HttpEvent): string {
  return deps.webhookUrl ?? `https://${event.requestContext.domainName}/webhook`;
}
