/**
 * The local runtime behind `npm start` and the integration / browser tests: the same handlers as
 * the Lambdas, composed with embedded stand-ins (dynalite for DynamoDB, a file for Secrets
 * Manager, timers for SQS and the sweep schedule, and a Jira Cloud stand-in unless real Atlassian
 * settings are given).
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createDocumentClient, createDynamoDbClient } from '#adapters/dynamodb-client.ts';
import { composeRelayAdapters, type RelayAdapters } from '#adapters/relay-adapters.ts';
import {
  createAdminApi,
  createRelayCore,
  createRetryConsumer,
  createWebhook,
  type DeliveryTimings,
  type RelayCore,
} from '#app/relay-services.ts';
import { CLAIM_SECONDS, type EventLog } from '#domain/delivery/delivery-deps.ts';
import { type RelayEnv, relayEnvSchema } from '#shared/env.ts';
import type { HttpHandler } from '#shared/http.ts';
import { ensureTables, startDynalite } from './dynalite-server.ts';
import { emfFileMetrics, metricsFile } from './emf-file-metrics.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { startHttpGateway } from './http-gateway.ts';
import { InProcessRetryQueue, type InProcessRetryQueueOptions } from './in-process-retry-queue.ts';
import { startJiraStandIn } from './jira-stand-in/index.ts';

/** Credentials of the relay's OAuth app inside the Jira stand-in (local only, not secrets). */
export const STAND_IN_CLIENT = { clientId: 'keeper-relay-local', clientSecret: 'keeper-relay-local-secret' } as const;

export interface LocalRuntimeOptions {
  /** Relay port on 127.0.0.1 (0 = any free port). */
  readonly port?: number;
  /** Jira stand-in port (0 = any free port). */
  readonly jiraPort?: number;
  /** Where DynamoDB data, secrets and stand-in state are kept between restarts. */
  readonly dataDir: string;
  readonly quiet?: boolean;
  /** Environment to read Atlassian settings from (defaults to process.env). */
  readonly env?: Record<string, string | undefined>;
  /** Overrides of relay settings, e.g. a shorter token cache in tests. */
  readonly settings?: Partial<
    Pick<
      RelayEnv,
      | 'TOKEN_CACHE_SECONDS'
      | 'CONFIG_CACHE_SECONDS'
      | 'RETRY_BUDGET_HOURS'
      | 'JIRA_MAX_REQUESTS_PER_SECOND'
      | 'JIRA_TIMEOUT_MS'
    >
  >;
  /** Timings of the in-process retry queue, e.g. a sweep every few hundred milliseconds in tests. */
  readonly retryQueue?: Omit<InProcessRetryQueueOptions, 'onError'>;
  /**
   * Shorter claim and search-lag waits for tests that kill the relay mid-delivery (a takeover
   * otherwise waits 60 s + 30 s). Never set by `npm start`: the defaults are the production values.
   */
  readonly delivery?: DeliveryTimings;
}

export interface LocalRuntime {
  /** Relay base URL: `/webhook`, `/api/*`, `/oauth/*` and the admin site. */
  readonly url: string;
  /** Jira stand-in base URL, or the real site when Atlassian settings were given. */
  readonly jiraUrl: string;
  /** True when the embedded Jira stand-in runs. */
  readonly standIn: boolean;
  readonly core: RelayCore;
  /** The adapters the services were composed from (tests build extra "instances" from them). */
  readonly adapters: RelayAdapters;
  readonly queue: InProcessRetryQueue;
  close(): Promise<void>;
}

export const SITE_DIR = resolve(import.meta.dirname, '..', 'web-admin', 'dist');

function consoleLog(quiet: boolean): EventLog {
  const write = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    if (quiet && level !== 'ERROR') return;
    const extra = attributes ? ` ${JSON.stringify(attributes)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const source = options.env ?? process.env;
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };

  try {
    const realAtlassian = Boolean(source.ATLASSIAN_CLIENT_ID && source.ATLASSIAN_CLIENT_SECRET && source.JIRA_SITE_URL);
    let atlassian: { authUrl: string; apiUrl: string; clientId: string; clientSecret: string; siteUrl: string };
    const relayPort = options.port ?? 3000;
    if (realAtlassian) {
      atlassian = {
        authUrl: source.ATLASSIAN_AUTH_URL ?? 'https://auth.atlassian.com',
        apiUrl: source.ATLASSIAN_API_URL ?? 'https://api.atlassian.com',
        clientId: source.ATLASSIAN_CLIENT_ID ?? '',
        clientSecret: source.ATLASSIAN_CLIENT_SECRET ?? '',
        siteUrl: source.JIRA_SITE_URL ?? '',
      };
    } else {
      const standIn = await startJiraStandIn({
        port: options.jiraPort ?? 3001,
        ...STAND_IN_CLIENT,
        dataFile: join(dataDir, 'jira-stand-in.json'),
      });
      closers.push(() => standIn.close());
      atlassian = { authUrl: standIn.url, apiUrl: standIn.url, ...STAND_IN_CLIENT, siteUrl: standIn.url };
    }

    const dynamo = await startDynalite({ dataDir: join(dataDir, 'dynamodb'), port: 0 });
    closers.push(() => dynamo.close());
    const tables = { configTable: 'relay-config', ledgerTable: 'relay-ledger' };
    const rawClient = createDynamoDbClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTables(rawClient, tables);
    const documents = createDocumentClient({ client: rawClient });

    const secrets = new FileSecretStore(join(dataDir, 'secrets.json'));
    await secrets.put('oauth-client-secret', atlassian.clientSecret);
    // Shared by the gateway (the distribution's stand-in) and the admin API, as in AWS.
    const originVerify = randomBytes(32).toString('base64url');
    await secrets.put('origin-verify', originVerify);
    const log = consoleLog(options.quiet ?? false);
    const queue = new InProcessRetryQueue({ ...options.retryQueue, onError: log.error });
    closers.push(() => queue.close());

    // Bind first so the real port is known for the callback and webhook URLs.
    let routes: { webhook: HttpHandler; adminApi: HttpHandler } | undefined;
    const gateway = await startHttpGateway(
      {
        webhook: async (event) => (routes ? routes.webhook(event) : { statusCode: 503, body: 'starting' }),
        adminApi: async (event) => (routes ? routes.adminApi(event) : { statusCode: 503, body: 'starting' }),
        siteDir: SITE_DIR,
        siteConfig: {},
        maxBodyBytes: 256 * 1024,
        originVerify,
      },
      relayPort,
    );
    closers.push(
      () =>
        new Promise<void>((done) => {
          gateway.server.close(() => done());
          gateway.server.closeAllConnections();
        }),
    );

    const env = relayEnvSchema.parse({
      CONFIG_TABLE_NAME: tables.configTable,
      LEDGER_TABLE_NAME: tables.ledgerTable,
      WEBHOOK_TOKENS_SECRET_ID: 'webhook-tokens',
      JIRA_CONNECTION_SECRET_ID: 'jira-connection',
      OAUTH_CLIENT_SECRET_ID: 'oauth-client-secret',
      RETRY_QUEUE_URL: 'in-process',
      DEAD_LETTER_QUEUE_URL: 'in-process',
      ATLASSIAN_AUTH_URL: atlassian.authUrl,
      ATLASSIAN_API_URL: atlassian.apiUrl,
      ATLASSIAN_CLIENT_ID: atlassian.clientId,
      JIRA_SITE_URL: atlassian.siteUrl,
      PUBLIC_BASE_URL: gateway.url,
      WEBHOOK_URL: `${gateway.url}/webhook`,
      LOG_LEVEL: options.quiet ? 'ERROR' : 'INFO',
      ...options.settings,
    });

    const metrics = emfFileMetrics(metricsFile(dataDir), { echo: !(options.quiet ?? false) });
    const adapters = composeRelayAdapters({ documents, secrets, queue, log, metrics, transactions: undefined }, env);
    const core = createRelayCore(adapters, env, options.delivery);
    routes = { webhook: createWebhook(core, adapters, env), adminApi: createAdminApi(core, adapters, env) };
    // The deliver Lambda's entry: retry messages and the stalled-alert sweep take the AWS path.
    queue.attach(createRetryConsumer(core, adapters));
    // The in-process queue forgets on exit; the ledger does not. Pick up what was in flight.
    for (const status of ['queued', 'retrying', 'delivering'] as const) {
      // A `delivering` claim must expire before another attempt may take it.
      const delay = status === 'delivering' ? (options.delivery?.claimSeconds ?? CLAIM_SECONDS) + 5 : 1;
      for (const record of await adapters.ledger.listByStatus(status, 1000))
        await queue.enqueue({ alertId: record.alertId }, delay);
    }

    return {
      url: gateway.url,
      jiraUrl: atlassian.siteUrl,
      standIn: !realAtlassian,
      core,
      adapters,
      queue,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
