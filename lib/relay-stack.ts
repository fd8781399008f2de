import {
  CfnOutput,
  CfnParameter,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
// Key shapes come from the adapters themselves, so a renamed key breaks compilation rather
// than production IAM.
import { leaseKey } from '#adapters/dynamodb-lease.ts';
import { STATE_PK } from '#adapters/dynamodb-state-store.ts';
import type { RelayEnvInput } from '#shared/env.ts';
import { AdminSite } from './constructs/admin-site.ts';
import { RelayAlarms } from './constructs/alarms.ts';
import { RelayFunction } from './constructs/relay-function.ts';
import { WebhookApi } from './constructs/webhook-api.ts';

/** Names of the relay stack's CloudFormation parameters (`cdk deploy --parameters Name=value`). */
export const RELAY_PARAMETERS = {
  clientId: 'AtlassianClientId',
  jiraSiteUrl: 'JiraSiteUrl',
  alarmEmail: 'AlarmEmail',
} as const;

/** Lambda handler entries, relative to the repository root. */
export const HANDLER_ENTRIES = {
  ingest: 'lambdas/handlers/ingest.ts',
  deliver: 'lambdas/handlers/deliver.ts',
  adminApi: 'lambdas/handlers/admin-api.ts',
} as const;

/** Props of {@link RelayStack}: the stateful resources it uses, owned by the data stack. */
export interface RelayStackProps extends StackProps {
  readonly configTable: ITable;
  readonly ledgerTable: ITable;
  readonly webhookTokensSecret: ISecret;
  readonly jiraConnectionSecret: ISecret;
  readonly oauthClientSecret: ISecret;
  /**
   * Directory of the built admin site.
   * @default `<repo>/web-admin/dist`
   */
  readonly siteAssetsPath?: string;
  /** HTTP API stage rate limit (requests per second). @default 50 */
  readonly throttlingRateLimit?: number;
  /** HTTP API stage burst limit. @default 100 */
  readonly throttlingBurstLimit?: number;
}

/**
 * Stateless part of the relay: functions, HTTP API, retry queue + DLQ, admin site, alarms. It
 * holds no data of its own (the queues only hold references to ledger records), so it can be
 * destroyed and re-created.
 */
export class RelayStack extends Stack {
  public readonly ingestFunction: IFunction;
  public readonly deliverFunction: IFunction;
  public readonly adminApiFunction: IFunction;
  public readonly retryQueue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly api: WebhookApi;
  public readonly adminSite: AdminSite;
  public readonly alarms: RelayAlarms;

  public constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id, props);
    // Exports/ImportValue: CloudFormation itself refuses to delete the data stack (or drop a
    // table or secret the functions use) while this stack still needs it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    // Deploy parameters. CloudFormation checks the patterns before it changes anything, and
    // `cdk deploy` reuses the previous value of a parameter that is not passed again.
    const clientId = new CfnParameter(this, RELAY_PARAMETERS.clientId, {
      type: 'String',
      allowedPattern: '[A-Za-z0-9_-]+',
      constraintDescription: 'the client id of the Atlassian OAuth 2.0 (3LO) app (letters, digits, _ and -)',
      description: 'Client id of the Atlassian OAuth 2.0 (3LO) app created at developer.atlassian.com.',
    });
    const jiraSiteUrl = new CfnParameter(this, RELAY_PARAMETERS.jiraSiteUrl, {
      type: 'String',
      // The relay is pinned to one site: admin sign-in is checked against it and tickets go there.
      allowedPattern: 'https://[a-z0-9][a-z0-9-]*\\.atlassian\\.net',
      constraintDescription: 'a Jira Cloud site URL such as https://acme.atlassian.net (lower case, no trailing slash)',
      description: 'The one Jira Cloud site this relay serves, e.g. https://acme.atlassian.net.',
    });
    const alarmEmail = new CfnParameter(this, RELAY_PARAMETERS.alarmEmail, {
      type: 'String',
      default: '',
      allowedPattern: '|[^@\\s]+@[^@\\s]+\\.[^@\\s]+',
      constraintDescription: 'empty, or one e-mail address',
      description: 'Optional e-mail address for operator alarms (SNS; confirm the subscription e-mail).',
    });

    const ingestTimeout = Duration.seconds(20);
    const deliverTimeout = Duration.seconds(90);
    // API Gateway HTTP APIs cut integrations at 30 s; answer before that with our own error.
    const adminApiTimeout = Duration.seconds(29);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.retryQueue = new Queue(this, 'RetryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for Lambda event sources: at least 6x the function timeout, so a message
      // is not handed to a second worker while the first is still on it.
      visibilityTimeout: Duration.seconds(deliverTimeout.toSeconds() * 6),
      // Long enough to outlast a Jira outage over a weekend; the ledger remains the source of truth.
      retentionPeriod: Duration.days(14),
      // Safety net only: the code dead-letters explicitly after its last attempt. This catches
      // messages whose worker crashed or timed out repeatedly.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    const environment: RelayEnvInput = {
      CONFIG_TABLE_NAME: props.configTable.tableName,
      LEDGER_TABLE_NAME: props.ledgerTable.tableName,
      // ARNs, not names: unambiguous, and the IAM statements below name the same resources.
      WEBHOOK_TOKENS_SECRET_ID: props.webhookTokensSecret.secretArn,
      JIRA_CONNECTION_SECRET_ID: props.jiraConnectionSecret.secretArn,
      OAUTH_CLIENT_SECRET_ID: props.oauthClientSecret.secretArn,
      RETRY_QUEUE_URL: this.retryQueue.queueUrl,
      DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      ATLASSIAN_AUTH_URL: 'https://auth.atlassian.com',
      ATLASSIAN_API_URL: 'https://api.atlassian.com',
      ATLASSIAN_CLIENT_ID: clientId.valueAsString,
      JIRA_SITE_URL: jiraSiteUrl.valueAsString,
      // PUBLIC_BASE_URL and WEBHOOK_URL stay unset: the handlers derive them from the request
      // (x-forwarded-host from CloudFront, the API Gateway domain); setting them here would
      // make the functions depend on the distribution, which depends on them.
    };

    this.ingestFunction = new RelayFunction(this, 'Ingest', {
      entry: HANDLER_ENTRIES.ingest,
      description: 'Keeper-Jira relay: authenticates a Keeper alert, records it, creates the Jira issue',
      environment,
      timeout: ingestTimeout,
    }).function;
    this.deliverFunction = new RelayFunction(this, 'Deliver', {
      entry: HANDLER_ENTRIES.deliver,
      description: 'Keeper-Jira relay: retries alert deliveries from the retry queue',
      environment,
      timeout: deliverTimeout,
    }).function;
    this.adminApiFunction = new RelayFunction(this, 'AdminApi', {
      entry: HANDLER_ENTRIES.adminApi,
      description: 'Keeper-Jira relay: admin API (/api/*) and Atlassian sign-in (/oauth/*)',
      environment,
      timeout: adminApiTimeout,
    }).function;

    this.deliverFunction.addEventSource(
      new SqsEventSource(this.retryQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Retries arrive after a Jira outage or a 429 all at once; a small pool keeps the relay
        // from making Jira's rate limiting worse.
        maxConcurrency: 5,
      }),
    );

    // Safety net: re-queue alerts left `received`/`delivering` by an instance that died, or whose
    // retry message was lost (lambdas/domain/delivery/requeue-stalled-alerts.ts).
    new Rule(this, 'StalledAlertSweep', {
      description: 'Keeper-Jira relay: re-queue stalled alerts every 5 minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [new LambdaFunction(this.deliverFunction, { retryAttempts: 2 })],
    });

    this.grantLeastPrivilege(props);

    this.api = new WebhookApi(this, 'Api', {
      ingestFunction: this.ingestFunction,
      adminApiFunction: this.adminApiFunction,
      ...(props.throttlingRateLimit !== undefined && { throttlingRateLimit: props.throttlingRateLimit }),
      ...(props.throttlingBurstLimit !== undefined && { throttlingBurstLimit: props.throttlingBurstLimit }),
    });

    this.adminSite = new AdminSite(this, 'AdminSite', {
      apiDomainName: this.api.domainName,
      webhookUrl: this.api.webhookUrl,
      jiraSiteUrl: jiraSiteUrl.valueAsString,
      ...(props.siteAssetsPath !== undefined && { siteAssetsPath: props.siteAssetsPath }),
    });

    this.alarms = new RelayAlarms(this, 'Alarms', {
      deadLetterQueue: this.deadLetterQueue,
      ingestFunction: this.ingestFunction,
      deliverFunction: this.deliverFunction,
      adminApiFunction: this.adminApiFunction,
      httpApi: this.api.httpApi,
      alarmEmail: alarmEmail.valueAsString,
    });

    new CfnOutput(this, 'WebhookUrl', {
      description: 'Paste into the Keeper alert recipient (with the token generated in the admin site).',
      value: this.api.webhookUrl,
    });
    new CfnOutput(this, 'AdminUrl', {
      description: 'The admin site: sign in with an Atlassian account that administers the Jira site.',
      value: this.adminSite.url,
    });
    new CfnOutput(this, 'OAuthCallbackUrl', {
      description: 'Register as the callback URL of the Atlassian OAuth app at developer.atlassian.com.',
      value: `${this.adminSite.url}/oauth/callback`,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Alerts that could not be delivered; replay them from the admin site.',
      value: this.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of the operator alarms (subscribe chat or paging here).',
      value: this.alarms.topic.topicArn,
    });
  }

  /**
   * Explicit statements instead of `grantReadWriteData` / `grantRead`: those include Scan,
   * DeleteItem, DescribeSecret and more than any handler needs. Tests pin both what is granted
   * and what is not.
   */
  private grantLeastPrivilege(props: RelayStackProps): void {
    const allow = (fn: IFunction, actions: string[], resources: string[]): void => {
      fn.addToRolePolicy(new PolicyStatement({ actions, resources }));
    };
    const config = props.configTable.tableArn;
    const ledger = props.ledgerTable.tableArn;
    const ledgerIndexes = `${props.ledgerTable.tableArn}/index/*`;
    const tokens = props.webhookTokensSecret.secretArn;
    const connection = props.jiraConnectionSecret.secretArn;
    const clientSecret = props.oauthClientSecret.secretArn;

    // Webhook path (ingest) and retry worker (deliver). Config table: read anything; write only
    // the control-plane items they own: the OAuth refresh lease (conditional put, conditional
    // delete) and STATE records (webhook-token "last used", connection status). The partition-key
    // condition keeps them off configuration, history, sessions and OAuth states, which only the
    // admin API writes.
    const ownItems = {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [leaseKey('*').pk, STATE_PK] },
    };
    for (const fn of [this.ingestFunction, this.deliverFunction]) {
      allow(fn, ['dynamodb:GetItem', 'dynamodb:Query'], [config]);
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [config],
          conditions: ownItems,
        }),
      );
      // Ledger: conditional put (one record per alert), claim/update. Never delete or scan.
      allow(fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [ledger]);
      // The refresh token rotates on every refresh, so both functions may persist a new one.
      allow(fn, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], [connection]);
      allow(fn, ['secretsmanager:GetSecretValue'], [clientSecret]);
      this.retryQueue.grantSendMessages(fn);
      this.deadLetterQueue.grantSendMessages(fn);
    }
    // The stalled-alert sweep lists the ledger by status.
    allow(this.deliverFunction, ['dynamodb:Query'], [ledgerIndexes]);
    // Only the webhook path checks tokens; the worker never sees a bearer token.
    allow(this.ingestFunction, ['secretsmanager:GetSecretValue'], [tokens]);

    // Admin API: configuration, history, sessions and OAuth state live in the config table
    // (DeleteItem: logout, single-use OAuth state, lease release). Ledger: lists by index, replay,
    // test alert; no DeleteItem. ConditionCheckItem for versioned saves in a transaction.
    allow(
      this.adminApiFunction,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
      [config],
    );
    allow(
      this.adminApiFunction,
      [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:ConditionCheckItem',
      ],
      [ledger],
    );
    allow(this.adminApiFunction, ['dynamodb:Query'], [ledgerIndexes]);
    allow(this.adminApiFunction, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], [tokens, connection]);
    allow(this.adminApiFunction, ['secretsmanager:GetSecretValue'], [clientSecret]);
    this.retryQueue.grantSendMessages(this.adminApiFunction);
  }
}
