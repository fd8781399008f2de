/**
 * The adapter sets for `lambdas/app/relay-services.ts`: AWS (built once per cold start by each
 * handler) and the composition the local runtime shares (DynamoDB tables, Atlassian REST adapters).
 * The set's shape lives here, with its implementations, so adapters never depend on the app layer.
 */

import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import type { JiraSignal } from '#domain/delivery/jira-governor.ts';
import type { JiraAccessTokens } from '#domain/jira-connection/access-tokens.ts';
import type {
  AlertLedger,
  Clock,
  ConfigStore,
  GroupStore,
  IssueTracker,
  JiraIdentity,
  Lease,
  OAuthClient,
  RateBucket,
  RelayMetrics,
  RetryMessage,
  RetryQueue,
  SecretStore,
  SessionStore,
  StateStore,
} from '#domain/ports.ts';
import type { RelayEnv } from '#shared/env.ts';
import { AtlassianOAuthClient } from './atlassian-oauth-client.ts';
import { DynamoDbAlertLedger } from './dynamodb-alert-ledger.ts';
import { createDocumentClient } from './dynamodb-client.ts';
import { DynamoDbConfigStore } from './dynamodb-config-store.ts';
import { DynamoDbGroupStore } from './dynamodb-group-store.ts';
import { DynamoDbLease } from './dynamodb-lease.ts';
import { DynamoDbRateBucket } from './dynamodb-rate-bucket.ts';
import { DynamoDbSessionStore } from './dynamodb-session-store.ts';
import { DynamoDbStateStore } from './dynamodb-state-store.ts';
import { JiraRestIdentity } from './jira-identity.ts';
import { JiraIssueTracker } from './jira-rest-client.ts';
import { SecretsManagerSecretStore } from './secrets-manager-secret-store.ts';
import { parseRetryMessage, SqsRetryQueue } from './sqs-retry-queue.ts';

/** The ports the relay's services (`lambdas/app/relay-services.ts`) are composed from. */
export interface RelayAdapters {
  readonly ledger: AlertLedger;
  readonly groups: GroupStore;
  readonly configs: ConfigStore;
  readonly state: StateStore;
  readonly sessions: SessionStore;
  readonly lease: Lease;
  readonly secrets: SecretStore;
  readonly queue: RetryQueue;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly metrics: RelayMetrics;
  /** Atlassian's authorization server for a given callback URL. */
  readonly oauthFor: (redirectUri: string) => OAuthClient;
  readonly identity: JiraIdentity;
  /** The request-rate bucket every instance paces against while Jira's limit is near. */
  readonly rateBucket: RateBucket;
  /** Jira REST calls made with the relay's connection; every answer is reported to `observe`. */
  readonly trackerFor: (tokens: JiraAccessTokens, observe: (signal: JiraSignal) => Promise<void>) => IssueTracker;
  readonly parseRetryMessage: (body: string) => RetryMessage;
}

/** Everything that differs between AWS and the local runtime; the rest is composed the same way. */
export interface AdapterBase {
  readonly documents: DynamoDBDocumentClient;
  readonly secrets: SecretStore;
  readonly queue: RetryQueue;
  readonly log: EventLog;
  readonly metrics: RelayMetrics;
  /** DynamoDB transactions for versioned config saves (dynalite has none: 'auto' falls back). */
  readonly transactions: boolean | undefined;
}

/** Composes the relay's adapters from a document client, a secret store and a retry queue. */
export function composeRelayAdapters(base: AdapterBase, env: RelayEnv): RelayAdapters {
  const { documents, secrets } = base;
  let clientSecret: Promise<string> | undefined;
  // The app's client secret never changes while an instance lives: read it once, on first need.
  const readClientSecret = () => (clientSecret ??= secrets.get('oauth-client-secret').then((s) => s ?? ''));
  return {
    ledger: new DynamoDbAlertLedger({ client: documents, tableName: env.LEDGER_TABLE_NAME }),
    configs: new DynamoDbConfigStore({
      client: documents,
      tableName: env.CONFIG_TABLE_NAME,
      ...(base.transactions !== undefined ? { transactions: base.transactions } : {}),
    }),
    state: new DynamoDbStateStore({ client: documents, tableName: env.CONFIG_TABLE_NAME }),
    sessions: new DynamoDbSessionStore({ client: documents, tableName: env.CONFIG_TABLE_NAME }),
    lease: new DynamoDbLease({ client: documents, tableName: env.CONFIG_TABLE_NAME }),
    groups: new DynamoDbGroupStore({ client: documents, tableName: env.CONFIG_TABLE_NAME }),
    secrets,
    queue: base.queue,
    clock: { now: () => new Date() },
    log: base.log,
    metrics: base.metrics,
    oauthFor: (redirectUri) =>
      new AtlassianOAuthClient({
        authUrl: env.ATLASSIAN_AUTH_URL,
        apiUrl: env.ATLASSIAN_API_URL,
        clientId: env.ATLASSIAN_CLIENT_ID,
        clientSecret: readClientSecret,
        redirectUri,
        timeoutMs: env.JIRA_TIMEOUT_MS,
      }),
    identity: new JiraRestIdentity({ apiUrl: env.ATLASSIAN_API_URL, timeoutMs: env.JIRA_TIMEOUT_MS }),
    rateBucket: new DynamoDbRateBucket({ client: documents, tableName: env.CONFIG_TABLE_NAME, name: 'jira' }),
    trackerFor: (tokens, observe) =>
      new JiraIssueTracker({
        apiUrl: env.ATLASSIAN_API_URL,
        cloudId: () => tokens.cloudId(),
        accessToken: () => tokens.accessToken(),
        onUnauthorized: () => tokens.markRejected(),
        timeoutMs: env.JIRA_TIMEOUT_MS,
        observe,
      }),
    parseRetryMessage,
  };
}

/** The AWS adapter set: DynamoDB, Secrets Manager, SQS. Built once per cold start. */
export function awsRelayAdapters(env: RelayEnv, log: EventLog, metrics: RelayMetrics): RelayAdapters {
  const secrets = new SecretsManagerSecretStore({
    client: new SecretsManagerClient({}),
    secretIds: {
      'webhook-tokens': env.WEBHOOK_TOKENS_SECRET_ID,
      'jira-connection': env.JIRA_CONNECTION_SECRET_ID,
      'oauth-client-secret': env.OAUTH_CLIENT_SECRET_ID,
      ...(env.ORIGIN_VERIFY_SECRET_ID ? { 'origin-verify': env.ORIGIN_VERIFY_SECRET_ID } : {}),
    },
  });
  const queue = new SqsRetryQueue({
    client: new SQSClient({}),
    queueUrl: env.RETRY_QUEUE_URL,
    deadLetterQueueUrl: env.DEAD_LETTER_QUEUE_URL,
  });
  return composeRelayAdapters(
    { documents: createDocumentClient(), secrets, queue, log, metrics, transactions: true },
    env,
  );
}
