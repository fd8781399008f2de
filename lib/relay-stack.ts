import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { counterKey, groupKey, stormKey } from '#adapters/dynamodb-group-store.ts';
// Key shapes come from the adapters themselves, so a renamed key breaks compilation rather
// than production IAM.
import { leaseKey } from '#adapters/dynamodb-lease.ts';
import { rateBucketKey } from '#adapters/dynamodb-rate-bucket.ts';
import { oauthStateKey, sessionKey } from '#adapters/dynamodb-session-store.ts';
import { STATE_PK } from '#adapters/dynamodb-state-store.ts';
import type { RelayEnvInput } from '#shared/env.ts';
import { AdminSite, type AdminSiteDomain } from './constructs/admin-site.ts';
import { RelayAlarms } from './constructs/alarms.ts';
import { RelayDashboard } from './constructs/dashboard.ts';
import { acknowledgeFinding } from './constructs/nag.ts';
import { LEDGER_INDEXES, RelayData } from './constructs/relay-data.ts';
import { RelayFunction } from './constructs/relay-function.ts';
import { WebhookApi } from './constructs/webhook-api.ts';

/** Names of the stack's CloudFormation parameters (`cdk deploy --parameters Name=value`). */
export const RELAY_PARAMETERS = {
  clientId: 'AtlassianClientId',
  clientSecret: 'AtlassianClientSecret',
  jiraSiteUrl: 'JiraSiteUrl',
  alarmEmail: 'AlarmEmail',
} as const;

/** Lambda handler entries, relative to the repository root. */
export const HANDLER_ENTRIES = {
  ingest: 'lambdas/handlers/ingest.ts',
  deliver: 'lambdas/handlers/deliver.ts',
  adminApi: 'lambdas/handlers/admin-api.ts',
} as const;

/** Inputs of the deliver function's two schedules (the function tells them apart by `task`). */
export const SCHEDULED_TASKS = {
  /** Every 5 minutes: re-queue stalled alerts, emit the gauges (relay-metrics.ts). */
  sweep: { task: 'sweep' },
  /** Daily: refresh the Atlassian token so inactivity never expires the grant. */
  keepAlive: { task: 'keep-alive' },
} as const;

/** Props of {@link RelayStack}. */
export interface RelayStackProps extends StackProps {
  /**
   * Directory of the built admin site.
   * @default `<repo>/web-admin/dist`
   */
  readonly siteAssetsPath?: string;
  /** Budget of `POST /webhook`. @default 50 rps, burst 100 */
  readonly webhookThrottle?: ThrottleSettings;
  /** Budget of each admin route (`/api/*`, `/oauth/*`). @default 10 rps, burst 20 */
  readonly adminThrottle?: ThrottleSettings;
  /** Own domain for the admin site (ACM certificate in us-east-1). @default the distribution's *.cloudfront.net name */
  readonly adminDomain?: AdminSiteDomain;
  /** Webhook 401s within 15 minutes that raise the alarm. @default 5 */
  readonly webhookAuthFailureThreshold?: number;
  /**
   * Generation of the CloudFront origin secret: a new number creates a new secret (new value),
   * which CloudFront and the admin function both switch to in the same deploy.
   * @default 1
   */
  readonly originSecretGeneration?: number;
}

/**
 * The whole relay in one stack, so one `cdk deploy` with plain `--parameters` works (see
 * docs/deploy.md for why not two). Stateful resources (tables, secrets, access logs) are
 * retained on stack deletion and on replacement, the tables also have deletion protection and
 * point-in-time recovery; everything else holds no data and is re-created freely.
 */
export class RelayStack extends Stack {
  public readonly data: RelayData;
  public readonly ingestFunction: IFunction;
  public readonly deliverFunction: IFunction;
  public readonly adminApiFunction: IFunction;
  public readonly retryQueue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly scheduleDeadLetterQueue: Queue;
  /** Shared by CloudFront (origin header) and the admin function only. */
  public readonly originVerifySecret: Secret;
  public readonly sweepRule: Rule;
  public readonly keepAliveRule: Rule;
  public readonly api: WebhookApi;
  public readonly adminSite: AdminSite;
  public readonly alarms: RelayAlarms;
  public readonly dashboard: RelayDashboard;

  public constructor(scope: Construct, id: string, props: RelayStackProps = {}) {
    super(scope, id, props);

    // Deploy parameters. CloudFormation checks the patterns before it changes anything, and
    // `cdk deploy` reuses the previous value of a parameter that is not passed again.
    const clientId = new CfnParameter(this, RELAY_PARAMETERS.clientId, {
      type: 'String',
      allowedPattern: '[A-Za-z0-9_-]+',
      constraintDescription: 'the client id of the Atlassian OAuth 2.0 (3LO) app (letters, digits, _ and -)',
      description: 'Client id of the Atlassian OAuth 2.0 (3LO) app created at developer.atlassian.com.',
    });
    // NoEcho: CloudFormation shows `****` for it in the console, the API and stack events.
    const clientSecret = new CfnParameter(this, RELAY_PARAMETERS.clientSecret, {
      type: 'String',
      noEcho: true,
      minLength: 1,
      description:
        'Client secret of the Atlassian OAuth 2.0 (3LO) app (developer.atlassian.com). Stored in Secrets Manager only.',
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

    this.data = new RelayData(this, 'Data', { clientSecret });

    const ingestTimeout = Duration.seconds(20);
    const deliverTimeout = Duration.seconds(90);
    // API Gateway HTTP APIs cut integrations at 30 s; answer before that with our own error.
    const adminApiTimeout = Duration.seconds(29);

    const deadLetterReason =
      'This is a dead-letter queue: its messages stay 14 days, raise an alarm and are handled from the runbook. ' +
      'A dead-letter queue of a dead-letter queue would only move the same messages.';
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeFinding(this.deadLetterQueue, 'Serverless-SQSRedrivePolicy', deadLetterReason);
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
    // Scheduled invocations (sweep, keep-alive) that still failed after EventBridge's and
    // Lambda's retries land here, apart from alerts (the alert DLQ is replayed from the admin site).
    this.scheduleDeadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeFinding(this.scheduleDeadLetterQueue, 'Serverless-SQSRedrivePolicy', deadLetterReason);

    // CloudFront sends this value in a header to the admin API; the admin function refuses
    // /api and /oauth requests without it. Generated by Secrets Manager at the first deploy.
    const generation = props.originSecretGeneration ?? 1;
    this.originVerifySecret = new Secret(
      this,
      generation === 1 ? 'OriginVerifySecret' : `OriginVerifySecret${generation}`,
      {
        description: 'Keeper-Jira relay: value of the header CloudFront adds to admin API requests',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        // Holds no data: a re-created stack generates a new value for both of its users.
        removalPolicy: RemovalPolicy.DESTROY,
      },
    );
    acknowledgeFinding(
      this.originVerifySecret,
      'AwsSolutions-SMG4',
      'CloudFormation copies the value into the distribution only when the template changes, so a rotation Lambda ' +
        'would make CloudFront and the function disagree (every admin request 403). It is replaced by deploying with ' +
        'a new originSecretGeneration (docs/deploy.md), which switches both in one deploy; it never leaves AWS.',
    );

    const data = this.data;
    const environment: RelayEnvInput = {
      CONFIG_TABLE_NAME: data.configTable.tableName,
      LEDGER_TABLE_NAME: data.ledgerTable.tableName,
      // ARNs, not names: unambiguous, and the IAM statements below name the same resources.
      WEBHOOK_TOKENS_SECRET_ID: data.webhookTokensSecret.secretArn,
      JIRA_CONNECTION_SECRET_ID: data.jiraConnectionSecret.secretArn,
      OAUTH_CLIENT_SECRET_ID: data.oauthClientSecret.secretArn,
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
      description: 'Keeper-Jira relay: retries alert deliveries, sweeps stalled alerts, keeps the Jira grant alive',
      environment,
      timeout: deliverTimeout,
      asyncDeadLetterQueue: this.scheduleDeadLetterQueue,
    }).function;
    this.adminApiFunction = new RelayFunction(this, 'AdminApi', {
      entry: HANDLER_ENTRIES.adminApi,
      description: 'Keeper-Jira relay: admin API (/api/*) and Atlassian sign-in (/oauth/*)',
      environment: { ...environment, ORIGIN_VERIFY_SECRET_ID: this.originVerifySecret.secretArn },
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
    for (const mapping of this.deliverFunction.node.children.filter((c) => c instanceof EventSourceMapping)) {
      acknowledgeFinding(
        mapping,
        'Serverless-LambdaEventSourceMappingDestination',
        'SQS event source: Lambda does not support on-failure destinations for SQS mappings. A message that keeps ' +
          "failing moves to the dead-letter queue through the retry queue's redrive policy (maxReceiveCount 5), which is alarmed.",
      );
    }

    // Two schedules on the deliver function, told apart by their input. Each target retries
    // twice, then hands the event to the schedule DLQ (alarmed).
    const scheduleTarget = (input: object): LambdaFunction =>
      new LambdaFunction(this.deliverFunction, {
        event: RuleTargetInput.fromObject(input),
        retryAttempts: 2,
        deadLetterQueue: this.scheduleDeadLetterQueue,
      });
    // Safety net: re-queue alerts left `received`/`delivering` by an instance that died, or whose
    // retry message was lost (lambdas/domain/delivery/requeue-stalled-alerts.ts); emit the gauges.
    this.sweepRule = new Rule(this, 'StalledAlertSweep', {
      description: 'Keeper-Jira relay: re-queue stalled alerts and report the connection every 5 minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
      targets: [scheduleTarget(SCHEDULED_TASKS.sweep)],
    });
    // Atlassian refresh tokens expire after 90 days without use; a quiet relay would lose its
    // connection without this daily refresh.
    this.keepAliveRule = new Rule(this, 'ConnectionKeepAlive', {
      description: 'Keeper-Jira relay: refresh the Atlassian token daily so inactivity never expires the grant',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [scheduleTarget(SCHEDULED_TASKS.keepAlive)],
    });

    this.grantLeastPrivilege();

    this.api = new WebhookApi(this, 'Api', {
      ingestFunction: this.ingestFunction,
      adminApiFunction: this.adminApiFunction,
      ...(props.webhookThrottle !== undefined && { webhookThrottle: props.webhookThrottle }),
      ...(props.adminThrottle !== undefined && { adminThrottle: props.adminThrottle }),
    });

    this.adminSite = new AdminSite(this, 'AdminSite', {
      apiDomainName: this.api.domainName,
      webhookUrl: this.api.webhookUrl,
      jiraSiteUrl: jiraSiteUrl.valueAsString,
      originVerifySecret: this.originVerifySecret,
      ...(props.adminDomain !== undefined && { domain: props.adminDomain }),
      ...(props.siteAssetsPath !== undefined && { siteAssetsPath: props.siteAssetsPath }),
    });

    const functions = { ingest: this.ingestFunction, deliver: this.deliverFunction, adminApi: this.adminApiFunction };
    this.alarms = new RelayAlarms(this, 'Alarms', {
      deadLetterQueue: this.deadLetterQueue,
      scheduleDeadLetterQueue: this.scheduleDeadLetterQueue,
      retryQueue: this.retryQueue,
      functions,
      httpApi: this.api.httpApi,
      alarmEmail: alarmEmail.valueAsString,
      ...(props.webhookAuthFailureThreshold !== undefined && {
        webhookAuthFailureThreshold: props.webhookAuthFailureThreshold,
      }),
    });
    this.dashboard = new RelayDashboard(this, 'Dashboard', {
      alarms: Object.values(this.alarms.alarms),
      functions,
      retryQueue: this.retryQueue,
      deadLetterQueue: this.deadLetterQueue,
      scheduleDeadLetterQueue: this.scheduleDeadLetterQueue,
      httpApi: this.api.httpApi,
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
    new CfnOutput(this, 'AdminDistributionDomain', {
      description: 'CloudFront domain of the admin site: the target of your CNAME when you use an own domain.',
      value: this.adminSite.distribution.distributionDomainName,
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      description: 'Alerts that could not be delivered; replay them from the admin site.',
      value: this.deadLetterQueue.queueUrl,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'SNS topic of the operator alarms (subscribe chat or paging here).',
      value: this.alarms.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of the relay.',
      value: this.dashboard.dashboard.dashboardName,
    });
    new CfnOutput(this, 'OAuthClientSecretArn', {
      description: 'Secrets Manager secret holding the Atlassian client secret (the ARN only, never the value).',
      value: data.oauthClientSecret.secretArn,
    });
  }

  /**
   * Explicit statements instead of `grantReadWriteData` / `grantRead`: those include Scan,
   * DeleteItem, DescribeSecret and more than any handler needs. Tests pin both what is granted
   * and what is not.
   */
  private grantLeastPrivilege(): void {
    const allow = (fn: IFunction, actions: string[], resources: string[]): void => {
      fn.addToRolePolicy(new PolicyStatement({ actions, resources }));
    };
    const data = this.data;
    const config = data.configTable.tableArn;
    const ledger = data.ledgerTable.tableArn;
    // Named indexes, not `index/*`: a new index gets no access until it is listed here.
    const ledgerIndexes = Object.values(LEDGER_INDEXES).map((name) => `${data.ledgerTable.tableArn}/index/${name}`);
    const tokens = data.webhookTokensSecret.secretArn;
    const connection = data.jiraConnectionSecret.secretArn;
    const clientSecret = data.oauthClientSecret.secretArn;

    // Webhook path (ingest) and retry worker (deliver). Config table: read anything; write only
    // the control-plane items they own: the OAuth refresh and Jira probe leases (conditional put,
    // conditional delete), STATE records (webhook-token "last used", connection status, the Jira
    // circuit breaker), the shared Jira rate bucket, and the alert groups with their storm counts
    // and counter-event openers. The partition-key
    // condition keeps them off configuration, history, sessions and OAuth states, which only the
    // admin API writes.
    const ownItems = {
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': [
          leaseKey('*').pk,
          STATE_PK,
          rateBucketKey('*').pk,
          groupKey('*').pk,
          stormKey('*', '*').pk,
          counterKey('*').pk,
        ],
      },
    };
    // Sessions and OAuth states are the admin function's alone: an explicit deny (it wins over
    // any allow) on items whose partition key is a session or an OAuth state.
    const sessionItems = {
      'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [sessionKey('*').pk, oauthStateKey('*').pk] },
    };
    for (const fn of [this.ingestFunction, this.deliverFunction]) {
      allow(fn, ['dynamodb:GetItem', 'dynamodb:Query'], [config]);
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: [
            'dynamodb:GetItem',
            'dynamodb:BatchGetItem',
            'dynamodb:Query',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:BatchWriteItem',
          ],
          resources: [config],
          conditions: sessionItems,
        }),
      );
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
    // The stalled-alert sweep lists the ledger by status; a group's comment reads its repeats' bodies in batches.
    allow(this.deliverFunction, ['dynamodb:Query'], ledgerIndexes);
    allow(this.deliverFunction, ['dynamodb:BatchGetItem'], [ledger]);
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
    allow(this.adminApiFunction, ['dynamodb:Query'], ledgerIndexes);
    allow(
      this.adminApiFunction,
      ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      [tokens, connection],
    );
    allow(this.adminApiFunction, ['secretsmanager:GetSecretValue'], [clientSecret, this.originVerifySecret.secretArn]);
    this.retryQueue.grantSendMessages(this.adminApiFunction);
  }
}
