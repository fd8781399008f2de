/**
 * Composition of the relay from its ports. The AWS handlers (`lambdas/handlers/`) and the local
 * runtime (`local/`) call this with different adapters; everything else is the same code.
 */
import { randomUUID } from 'node:crypto';
import type { RelayAdapters } from '#adapters/relay-adapters.ts';
import { WebhookTokenAdmin, WebhookTokenVerifier } from '#domain/access/webhook-token.ts';
import type { DeliveryDeps } from '#domain/delivery/delivery-deps.ts';
import { type IngestDeps, ingestAlert } from '#domain/delivery/ingest-alert.ts';
import { DEFAULT_GOVERNOR_SETTINGS, JiraGovernor } from '#domain/delivery/jira-governor.ts';
import { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import type { Clock, ConfigStore, IssueTracker } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import type { RelayEnv } from '#shared/env.ts';
import type { HttpHandler } from '#shared/http.ts';
import { makeAdminApi } from './admin-api/make-admin-api.ts';
import { makeRetryConsumer } from './retry-consumer.ts';
import { makeWebhookEndpoint } from './webhook-endpoint.ts';

export type RelaySettings = Pick<
  RelayEnv,
  | 'JIRA_SITE_URL'
  | 'MAX_BODY_BYTES'
  | 'RETRY_BUDGET_HOURS'
  | 'JIRA_MAX_REQUESTS_PER_SECOND'
  | 'LEDGER_TTL_DAYS'
  | 'TOKEN_CACHE_SECONDS'
  | 'CONFIG_CACHE_SECONDS'
  | 'SESSION_HOURS'
  | 'PUBLIC_BASE_URL'
  | 'WEBHOOK_URL'
>;

/** What every Lambda shares: delivery (with its Jira connection) and the ingest use case's deps. */
export interface RelayCore {
  readonly delivery: DeliveryDeps;
  readonly ingestDeps: IngestDeps;
  readonly tracker: IssueTracker;
  readonly tokens: JiraAccessTokens;
  readonly governor: JiraGovernor;
}

/**
 * Caches the configuration for a few seconds: the hot path reads it per alert, admins save rarely.
 * "No configuration" is never cached, so alerts released by the first save are not parked again.
 */
export function cachedConfig(
  configs: ConfigStore,
  clock: Clock,
  seconds: number,
): () => Promise<RelayConfig | undefined> {
  let cache: { value: RelayConfig; at: number } | undefined;
  return async () => {
    const now = clock.now().getTime();
    if (cache && now - cache.at < seconds * 1000) return cache.value;
    const value = await configs.get();
    cache = value ? { value, at: now } : undefined;
    return value;
  };
}

/** Delivery timings a test may shorten; production always runs with the defaults. */
export type DeliveryTimings = Pick<DeliveryDeps, 'claimSeconds' | 'searchLagMs'>;

export function createRelayCore(
  adapters: RelayAdapters,
  settings: RelaySettings,
  timings: DeliveryTimings = {},
): RelayCore {
  const { ledger, configs, secrets, lease, queue, clock, log } = adapters;
  const instanceId = randomUUID();
  const tokens = new JiraAccessTokens({
    secrets,
    lease,
    // Refreshing needs no callback URL; the authorization-code flow builds its own client per request origin.
    oauth: adapters.oauthFor(''),
    clock,
    instanceId,
  });
  const governor = new JiraGovernor({
    bucket: adapters.rateBucket,
    state: adapters.state,
    lease,
    clock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    instanceId,
    settings: { ...DEFAULT_GOVERNOR_SETTINGS, maxRequestsPerSecond: settings.JIRA_MAX_REQUESTS_PER_SECOND },
    // Alerts held while Jira was down are released oldest first, paced like any other.
    onRecovered: async () => {
      log.info('Jira is back; releasing the alerts that waited');
      await queue.enqueue({ task: 'release', status: 'retrying' }, 0);
    },
  });
  const tracker = adapters.trackerFor(tokens, (signal) => governor.observe(signal));
  const delivery: DeliveryDeps = {
    ledger,
    groups: adapters.groups,
    config: cachedConfig(configs, clock, settings.CONFIG_CACHE_SECONDS),
    tracker,
    queue,
    clock,
    siteUrl: settings.JIRA_SITE_URL,
    retryBudgetSeconds: settings.RETRY_BUDGET_HOURS * 3600,
    governor,
    log,
    metrics: adapters.metrics,
    ...timings,
  };
  return { delivery, ingestDeps: { ...delivery, ledgerTtlDays: settings.LEDGER_TTL_DAYS }, tracker, tokens, governor };
}

/** The ingest Lambda: `POST /webhook`. */
export function createWebhook(core: RelayCore, adapters: RelayAdapters, settings: RelaySettings): HttpHandler {
  const verifier = new WebhookTokenVerifier(
    adapters.secrets,
    adapters.state,
    adapters.clock,
    settings.TOKEN_CACHE_SECONDS,
  );
  return makeWebhookEndpoint({
    verifyToken: (authorization) => verifier.verify(authorization),
    ingest: (raw) => ingestAlert(core.ingestDeps, raw),
    maxBodyBytes: settings.MAX_BODY_BYTES,
    log: adapters.log,
    metrics: adapters.metrics,
  });
}

/** The deliver Lambda: the retry queue's consumer and the scheduled sweep and keep-alive. */
export function createRetryConsumer(core: RelayCore, adapters: RelayAdapters): ReturnType<typeof makeRetryConsumer> {
  return makeRetryConsumer({
    delivery: core.delivery,
    parseMessage: adapters.parseRetryMessage,
    grant: { secrets: adapters.secrets, tokens: core.tokens },
  });
}

/** The admin-api Lambda: `/api/*` and `/oauth/*`. */
export function createAdminApi(core: RelayCore, adapters: RelayAdapters, settings: RelaySettings): HttpHandler {
  const { configs, clock } = adapters;
  return makeAdminApi({
    oauthFor: adapters.oauthFor,
    identity: adapters.identity,
    sessions: adapters.sessions,
    secrets: adapters.secrets,
    state: adapters.state,
    configs,
    ledger: adapters.ledger,
    queue: adapters.queue,
    tracker: core.tracker,
    tokens: new WebhookTokenAdmin(adapters.secrets, adapters.state, clock),
    // Admins must see their own saves at once: test alerts bypass the delivery cache.
    ingest: (raw, options) => ingestAlert({ ...core.ingestDeps, config: () => configs.get() }, raw, options),
    clock,
    log: adapters.log,
    siteUrl: settings.JIRA_SITE_URL,
    sessionHours: settings.SESSION_HOURS,
    relayTokens: core.tokens,
    ...(settings.PUBLIC_BASE_URL ? { publicBaseUrl: settings.PUBLIC_BASE_URL } : {}),
    ...(settings.WEBHOOK_URL ? { webhookUrl: settings.WEBHOOK_URL } : {}),
  });
}
