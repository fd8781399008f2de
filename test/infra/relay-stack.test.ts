import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayEnvSchema } from '#shared/env.ts';
import { ADMIN_SITE_CSP, AdminSite, ORIGIN_VERIFY_HEADER } from '../../lib/constructs/admin-site.ts';
import { ALARM_THRESHOLDS, type RelayAlarmId } from '../../lib/constructs/alarms.ts';
import { PROJECT_ROOT } from '../../lib/constructs/relay-function.ts';
import {
  RELAY_COUNTERS,
  RELAY_GAUGES,
  RELAY_METRICS_NAMESPACE,
  RELAY_SERVICE_NAME,
} from '../../lib/constructs/relay-metrics.ts';
import { ROUTE_KEYS } from '../../lib/constructs/webhook-api.ts';
import { RELAY_PARAMETERS, RelayStack, SCHEDULED_TASKS } from '../../lib/relay-stack.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };
// Managed policy ids (stable across accounts) used by the API behaviours.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('RelayStack', () => {
  let relay: RelayStack;
  let template: Template;
  /** CloudFormation values of the stack's resources as the IAM statements and environments name them. */
  let ref: Record<
    'config' | 'ledger' | 'tokens' | 'connection' | 'clientSecret' | 'originSecret' | 'retry' | 'dlq' | 'scheduleDlq',
    unknown
  >;

  beforeAll(() => {
    // Prepare (once per file: synth bundles three functions with the local esbuild)
    const app = new App();
    relay = new RelayStack(app, 'TestRelay', {
      env: ENV,
      // A path that never exists, so these tests do not depend on a local `npm run build:web`.
      siteAssetsPath: join(tmpdir(), 'keeper-jira-relay-no-site-build'),
    });
    template = Template.fromStack(relay);
    const data = relay.data;
    ref = {
      config: relay.resolve(data.configTable.tableArn),
      ledger: relay.resolve(data.ledgerTable.tableArn),
      tokens: relay.resolve(data.webhookTokensSecret.secretArn),
      connection: relay.resolve(data.jiraConnectionSecret.secretArn),
      clientSecret: relay.resolve(data.oauthClientSecret.secretArn),
      originSecret: relay.resolve(relay.originVerifySecret.secretArn),
      retry: relay.resolve(relay.retryQueue.queueArn),
      dlq: relay.resolve(relay.deadLetterQueue.queueArn),
      scheduleDlq: relay.resolve(relay.scheduleDeadLetterQueue.queueArn),
    };
  });

  const logicalId = (element: { node: { defaultChild?: unknown } }): string =>
    relay.getLogicalId(element.node.defaultChild as CfnElement);

  const functions = (): Record<'ingest' | 'deliver' | 'adminApi', IFunction> => ({
    ingest: relay.ingestFunction,
    deliver: relay.deliverFunction,
    adminApi: relay.adminApiFunction,
  });

  const functionProps = (fn: IFunction): Record<string, unknown> => {
    const resource = template.findResources('AWS::Lambda::Function')[logicalId(fn)];
    if (resource === undefined) throw new Error('function not in template');
    return resource.Properties as Record<string, unknown>;
  };

  /** Every statement of the inline policies attached to the function's role. */
  const statementsOf = (fn: IFunction): Statement[] => {
    if (fn.role === undefined) throw new Error('function has no role');
    const roleRef = { Ref: logicalId(fn.role) };
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => isDeepStrictEqual(r, roleRef)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };

  const allows = (fn: IFunction, action: string, resource: unknown): boolean =>
    statementsOf(fn).some(
      (s) =>
        s.Effect === 'Allow' &&
        asArray(s.Action).includes(action) &&
        asArray(s.Resource).some((r) => isDeepStrictEqual(r, resource)),
    );

  const grantsAnywhere = (fn: IFunction, action: string): boolean =>
    statementsOf(fn).some((s) => s.Effect === 'Allow' && asArray(s.Action).includes(action));

  const mentions = (fn: IFunction, resource: unknown): boolean =>
    statementsOf(fn).some((s) => asArray(s.Resource).some((r) => isDeepStrictEqual(r, resource)));

  describe('functions', () => {
    it('runs all three functions on nodejs24.x, arm64, from an ESM bundle', () => {
      for (const fn of Object.values(functions())) {
        // Act
        const props = functionProps(fn);

        // Assess
        expect(props.Runtime).toBe('nodejs24.x');
        expect(props.Architectures).toEqual(['arm64']);
        expect(props.Handler).toBe('index.handler');
        expect(props.MemorySize).toBeGreaterThanOrEqual(256);
        expect(props.MemorySize).toBeLessThanOrEqual(512);
        expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) } });
      }
    });

    it('gives every function log groups with a retention', () => {
      // Prepare
      const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));

      // Assess (3 functions + API access logs + the site deployment function)
      expect(groups).toHaveLength(5);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
    });

    it('builds each environment from the relay env schema, with secret ids but no secret values', () => {
      // Prepare
      const required = Object.entries(relayEnvSchema.shape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([key]) => key);

      for (const fn of Object.values(functions())) {
        // Act
        const variables = (functionProps(fn).Environment as { Variables: Record<string, unknown> }).Variables;

        // Assess
        expect(Object.keys(variables)).toEqual(expect.arrayContaining(required));
        expect(variables).not.toHaveProperty('PUBLIC_BASE_URL');
        expect(variables).not.toHaveProperty('WEBHOOK_URL');
        expect(variables.WEBHOOK_TOKENS_SECRET_ID).toEqual(ref.tokens);
        expect(variables.JIRA_CONNECTION_SECRET_ID).toEqual(ref.connection);
        expect(variables.OAUTH_CLIENT_SECRET_ID).toEqual(ref.clientSecret);
        expect(variables.ATLASSIAN_CLIENT_ID).toEqual({ Ref: RELAY_PARAMETERS.clientId });
        expect(variables.JIRA_SITE_URL).toEqual({ Ref: RELAY_PARAMETERS.jiraSiteUrl });
        expect(variables.ATLASSIAN_AUTH_URL).toBe('https://auth.atlassian.com');
        expect(variables.ATLASSIAN_API_URL).toBe('https://api.atlassian.com');
        expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe(RELAY_METRICS_NAMESPACE);
        expect(variables.POWERTOOLS_SERVICE_NAME).toBe(RELAY_SERVICE_NAME);
        const json = JSON.stringify(variables);
        expect(json).not.toContain(RELAY_PARAMETERS.clientSecret);
        expect(json).not.toMatch(/SecretString|resolve:secretsmanager/);
      }
    });

    it('consumes the retry queue in batches of 10 with partial batch failures', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(relay.deliverFunction) },
        EventSourceArn: ref.retry,
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    });

    it('runs the sweep every 5 minutes and the keep-alive daily on deliver, each with its task and a DLQ', () => {
      // Prepare
      const target = (input: object) =>
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(relay.deliverFunction), 'Arn'] },
          Input: JSON.stringify(input),
          DeadLetterConfig: { Arn: ref.scheduleDlq },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        });

      // Assess
      expect(SCHEDULED_TASKS).toEqual({ sweep: { task: 'sweep' }, keepAlive: { task: 'keep-alive' } });
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [target(SCHEDULED_TASKS.sweep)],
      });
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 day)',
        Targets: [target(SCHEDULED_TASKS.keepAlive)],
      });
      template.resourceCountIs('AWS::Events::Rule', 2);
    });

    it('sends failed asynchronous (scheduled) invocations of deliver to the schedule DLQ only', () => {
      // Assess
      expect(functionProps(relay.deliverFunction).DeadLetterConfig).toEqual({ TargetArn: ref.scheduleDlq });
      expect(functionProps(relay.ingestFunction).DeadLetterConfig).toBeUndefined();
      expect(functionProps(relay.adminApiFunction).DeadLetterConfig).toBeUndefined();
    });

    it('gives each function its own role without managed policies, writing only to its own log group', () => {
      for (const [name, fn] of Object.entries(functions())) {
        // Prepare
        const role = template.findResources('AWS::IAM::Role')[logicalId(fn.role ?? fn)];
        const logGroupArn = {
          'Fn::GetAtt': [(functionProps(fn).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref, 'Arn'],
        };

        // Act
        const logStatements = statementsOf(fn).filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')));

        // Assess
        expect(role?.Properties.ManagedPolicyArns, name).toBeUndefined();
        expect(logStatements, name).toHaveLength(1);
        expect(asArray(logStatements[0]?.Action ?? []).sort(), name).toEqual([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ]);
        expect(logStatements[0]?.Resource, name).toEqual(logGroupArn);
      }
      // The one exception is aws-cdk-lib's own provider that empties the site bucket on stack
      // deletion (a CustomResourceProvider, whose role cannot be replaced).
      const withManagedLogs = Object.entries(template.findResources('AWS::IAM::Role'))
        .filter(([, role]) =>
          JSON.stringify(role.Properties.ManagedPolicyArns ?? []).includes('AWSLambdaBasicExecutionRole'),
        )
        .map(([id]) => id);
      expect(withManagedLogs).toEqual([expect.stringMatching(/^CustomS3AutoDeleteObjectsCustomResourceProviderRole/)]);
    });
  });

  describe('IAM', () => {
    it('never grants wildcard actions or resources, Scan, or table-level administration', () => {
      for (const [name, fn] of Object.entries(functions())) {
        // Act
        const statements = statementsOf(fn);

        // Assess
        expect(statements.length, name).toBeGreaterThan(0);
        for (const s of statements) {
          for (const action of asArray(s.Action)) {
            expect(action, name).not.toMatch(/^\*$|:\*$|^dynamodb:(Scan|DeleteTable|CreateTable|UpdateTable|PartiQL)/);
            expect(action, name).not.toMatch(/^secretsmanager:(DeleteSecret|UpdateSecret|CreateSecret|ListSecrets)/);
          }
          expect(asArray(s.Resource), name).not.toContain('*');
          // The only wildcard in a resource is the lease key pattern in a condition, never an index or object wildcard.
          expect(JSON.stringify(s.Resource), name).not.toContain('*');
        }
      }
    });

    it('names each ledger index it queries instead of index/*', () => {
      // Prepare
      const index = (name: string) => ({ 'Fn::Join': ['', [ref.ledger, `/index/${name}`]] });

      for (const fn of [relay.deliverFunction, relay.adminApiFunction]) {
        // Assess
        expect(allows(fn, 'dynamodb:Query', index('byStatus'))).toBe(true);
        expect(allows(fn, 'dynamodb:Query', index('byReceivedAt'))).toBe(true);
        expect(allows(fn, 'dynamodb:Query', { 'Fn::Join': ['', [ref.ledger, '/index/*']] })).toBe(false);
      }
    });

    it('denies ingest and deliver every item of a session or an OAuth state; the admin API keeps them', () => {
      // Prepare
      const sessionCondition = {
        'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['SESSION', 'OAUTHSTATE#*'] },
      };

      for (const fn of [relay.ingestFunction, relay.deliverFunction]) {
        // Act
        const denies = statementsOf(fn).filter((s) => s.Effect === 'Deny');

        // Assess
        expect(denies).toHaveLength(1);
        expect(denies[0]?.Resource).toEqual(ref.config);
        expect(denies[0]?.Condition).toEqual(sessionCondition);
        expect(asArray(denies[0]?.Action ?? [])).toEqual(
          expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']),
        );
      }
      expect(statementsOf(relay.adminApiFunction).filter((s) => s.Effect === 'Deny')).toEqual([]);
      expect(allows(relay.adminApiFunction, 'dynamodb:GetItem', ref.config)).toBe(true);
    });

    it('lets only the admin API read the origin secret, and gives it the secret id', () => {
      // Assess
      expect(allows(relay.adminApiFunction, 'secretsmanager:GetSecretValue', ref.originSecret)).toBe(true);
      expect(mentions(relay.ingestFunction, ref.originSecret)).toBe(false);
      expect(mentions(relay.deliverFunction, ref.originSecret)).toBe(false);
      const adminVariables = (
        functionProps(relay.adminApiFunction).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(adminVariables.ORIGIN_VERIFY_SECRET_ID).toEqual(ref.originSecret);
      for (const fn of [relay.ingestFunction, relay.deliverFunction]) {
        const variables = (functionProps(fn).Environment as { Variables: Record<string, unknown> }).Variables;
        expect(variables).not.toHaveProperty('ORIGIN_VERIFY_SECRET_ID');
      }
    });

    it('limits Secrets Manager rights to the relay secrets', () => {
      for (const fn of Object.values(functions())) {
        // Act
        const secretResources = statementsOf(fn)
          .filter((s) => asArray(s.Action).some((a) => a.startsWith('secretsmanager:')))
          .flatMap((s) => asArray(s.Resource));

        // Assess
        for (const resource of secretResources) {
          expect([ref.tokens, ref.connection, ref.clientSecret, ref.originSecret]).toContainEqual(resource);
        }
      }
    });

    /** Statements on the config table that write, as granted to `fn`. */
    const configWrites = (fn: IFunction): Statement[] =>
      statementsOf(fn).filter(
        (s) =>
          s.Effect === 'Allow' &&
          asArray(s.Resource).some((r) => isDeepStrictEqual(r, ref.config)) &&
          asArray(s.Action).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a)),
      );

    it('lets ingest read tokens and config, write the ledger, rotate the refresh token and enqueue', () => {
      // Prepare
      const fn = relay.ingestFunction;

      // Assess: present
      expect(allows(fn, 'secretsmanager:GetSecretValue', ref.tokens)).toBe(true);
      expect(allows(fn, 'secretsmanager:GetSecretValue', ref.connection)).toBe(true);
      expect(allows(fn, 'secretsmanager:PutSecretValue', ref.connection)).toBe(true);
      expect(allows(fn, 'secretsmanager:GetSecretValue', ref.clientSecret)).toBe(true);
      expect(allows(fn, 'dynamodb:GetItem', ref.config)).toBe(true);
      expect(allows(fn, 'dynamodb:Query', ref.config)).toBe(true);
      for (const action of ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']) {
        expect(allows(fn, action, ref.ledger), action).toBe(true);
      }
      expect(allows(fn, 'sqs:SendMessage', ref.retry)).toBe(true);
      expect(allows(fn, 'sqs:SendMessage', ref.dlq)).toBe(true);
    });

    it('lets ingest and deliver write only the lease, STATE, rate, group, storm and counter-event items of the config table', () => {
      for (const fn of [relay.ingestFunction, relay.deliverFunction]) {
        // Act
        const writes = configWrites(fn);

        // Assess
        expect(writes).toHaveLength(1);
        expect(asArray(writes[0]?.Action ?? []).sort()).toEqual([
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ]);
        expect(writes[0]?.Condition).toEqual({
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': ['LEASE#*', 'STATE', 'RATE#*', 'GROUP#*', 'STORM#*#*', 'COUNTER#*'],
          },
        });
      }
    });

    it('denies ingest token writes, client-secret writes, ledger deletes and queue consumption', () => {
      // Prepare
      const fn = relay.ingestFunction;

      // Assess: absent
      expect(allows(fn, 'secretsmanager:PutSecretValue', ref.tokens)).toBe(false);
      expect(allows(fn, 'secretsmanager:PutSecretValue', ref.clientSecret)).toBe(false);
      expect(allows(fn, 'dynamodb:DeleteItem', ref.ledger)).toBe(false);
      // Only the deliver function reads a group's repeats in batches.
      expect(allows(fn, 'dynamodb:BatchGetItem', ref.ledger)).toBe(false);
      expect(allows(relay.deliverFunction, 'dynamodb:BatchGetItem', ref.ledger)).toBe(true);
      expect(grantsAnywhere(fn, 'dynamodb:BatchWriteItem')).toBe(false);
      expect(grantsAnywhere(fn, 'sqs:ReceiveMessage')).toBe(false);
      expect(grantsAnywhere(fn, 'sqs:DeleteMessage')).toBe(false);
    });

    it('lets deliver consume the retry queue, write the ledger and dead-letter, but never see webhook tokens', () => {
      // Prepare
      const fn = relay.deliverFunction;

      // Assess
      expect(allows(fn, 'sqs:ReceiveMessage', ref.retry)).toBe(true);
      expect(allows(fn, 'sqs:DeleteMessage', ref.retry)).toBe(true);
      expect(allows(fn, 'sqs:SendMessage', ref.retry)).toBe(true);
      expect(allows(fn, 'sqs:SendMessage', ref.dlq)).toBe(true);
      expect(allows(fn, 'sqs:ReceiveMessage', ref.dlq)).toBe(false);
      expect(allows(fn, 'dynamodb:UpdateItem', ref.ledger)).toBe(true);
      expect(allows(fn, 'secretsmanager:PutSecretValue', ref.connection)).toBe(true);
      expect(allows(fn, 'secretsmanager:GetSecretValue', ref.clientSecret)).toBe(true);
      expect(mentions(fn, ref.tokens)).toBe(false);
      expect(allows(fn, 'dynamodb:DeleteItem', ref.ledger)).toBe(false);
    });

    it('lets the admin API manage config, tokens and the connection, query ledger indexes and replay', () => {
      // Prepare
      const fn = relay.adminApiFunction;

      // Assess: present
      for (const action of [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]) {
        expect(allows(fn, action, ref.config), action).toBe(true);
      }
      expect(allows(fn, 'dynamodb:Query', { 'Fn::Join': ['', [ref.ledger, '/index/byReceivedAt']] })).toBe(true);
      expect(allows(fn, 'dynamodb:UpdateItem', ref.ledger)).toBe(true);
      for (const secret of [ref.tokens, ref.connection]) {
        expect(allows(fn, 'secretsmanager:GetSecretValue', secret)).toBe(true);
        expect(allows(fn, 'secretsmanager:PutSecretValue', secret)).toBe(true);
      }
      expect(allows(fn, 'secretsmanager:GetSecretValue', ref.clientSecret)).toBe(true);
      expect(allows(fn, 'sqs:SendMessage', ref.retry)).toBe(true);
    });

    it('denies the admin API client-secret writes, ledger deletes and queue consumption', () => {
      // Prepare
      const fn = relay.adminApiFunction;

      // Assess: absent
      expect(allows(fn, 'secretsmanager:PutSecretValue', ref.clientSecret)).toBe(false);
      expect(allows(fn, 'dynamodb:DeleteItem', ref.ledger)).toBe(false);
      expect(grantsAnywhere(fn, 'sqs:ReceiveMessage')).toBe(false);
      expect(allows(fn, 'sqs:SendMessage', ref.dlq)).toBe(false);
    });
  });

  describe('HTTP API', () => {
    it('routes the webhook to ingest and /api, /oauth to the admin API', () => {
      // Prepare
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
        (r) => r.Properties.RouteKey as string,
      );

      // Assess
      expect(routes.sort()).toEqual(['ANY /api/{proxy+}', 'GET /oauth/{proxy+}', 'POST /webhook']);
    });

    it('gives the webhook and each admin route its own throttle, the stricter one by default, and writes access logs', () => {
      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        RouteSettings: {
          [ROUTE_KEYS.webhook]: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
          [ROUTE_KEYS.adminApi]: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
          [ROUTE_KEYS.oauth]: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
        },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      });
    });

    it('names route settings after the routes that exist', () => {
      // Prepare
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
        (r) => r.Properties.RouteKey as string,
      );
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];

      // Act
      const settingKeys = Object.keys(stage?.Properties.RouteSettings as object);

      // Assess
      expect(settingKeys.sort()).toEqual(routes.sort());
    });

    it('keeps headers and query strings out of the access log', () => {
      // Prepare
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];

      // Act
      const format = stage?.Properties.AccessLogSettings.Format as string;

      // Assess
      expect(format).not.toMatch(/header|querystring|authorizer/i);
    });
  });

  describe('queues', () => {
    it('retains dead letters for 14 days, SQS-encrypted', () => {
      // Assess
      template.hasResourceProperties('AWS::SQS::Queue', {
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
        RedrivePolicy: Match.absent(),
      });
    });

    it('redrives the retry queue to the DLQ and outlasts the worker timeout sixfold', () => {
      // Prepare
      const deliverTimeout = functionProps(relay.deliverFunction).Timeout as number;
      const queue = template.findResources('AWS::SQS::Queue')[logicalId(relay.retryQueue)];

      // Act
      const props = queue?.Properties;

      // Assess
      expect(props.SqsManagedSseEnabled).toBe(true);
      expect(props.VisibilityTimeout).toBeGreaterThanOrEqual(6 * deliverTimeout);
      expect(props.RedrivePolicy).toEqual({ deadLetterTargetArn: ref.dlq, maxReceiveCount: 5 });
    });
  });

  describe('admin site', () => {
    it('blocks every kind of public access to the bucket', () => {
      // Assess
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
    });

    it('lets only this distribution read the bucket (Origin Access Control)', () => {
      // Prepare
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find((p) =>
        isDeepStrictEqual(p.Properties.Bucket, { Ref: logicalId(relay.adminSite.bucket) }),
      );
      const distributionId = logicalId(relay.adminSite.distribution);

      // Act
      const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
      const allows = statements.filter((s) => s.Effect === 'Allow');
      const allowReads = allows.filter((s) => asArray(s.Action as string | string[]).includes('s3:GetObject'));

      // Assess
      expect(allowReads).toHaveLength(1);
      expect(allowReads[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(JSON.stringify(allowReads[0]?.Condition)).toContain(distributionId);
      // A wildcard principal may only appear in the deny-insecure-transport statement.
      expect(JSON.stringify(allows)).not.toMatch(/"Principal":"\*"|"AWS":"\*"/);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: {
          Origins: Match.arrayWith([
            Match.objectLike({
              OriginAccessControlId: Match.anyValue(),
              S3OriginConfig: { OriginAccessIdentity: '' },
            }),
          ]),
        },
      });
    });

    it('sends security headers with the agreed Content-Security-Policy', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
        ResponseHeadersPolicyConfig: {
          SecurityHeadersConfig: {
            ContentSecurityPolicy: { ContentSecurityPolicy: ADMIN_SITE_CSP, Override: true },
            StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 63072000, Override: true }),
            ContentTypeOptions: { Override: true },
            FrameOptions: { FrameOption: 'DENY', Override: true },
            ReferrerPolicy: Match.objectLike({ Override: true }),
          },
        },
      });
      expect(ADMIN_SITE_CSP).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
      );
    });

    it('sends /api/* and /oauth/* uncached to the HTTP API with the viewer host in x-forwarded-host', () => {
      // Prepare
      const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
      const config = distribution?.Properties.DistributionConfig;
      const forwardHostId = logicalId(relay.adminSite.node.findChild('ForwardHost'));
      const headerPolicyRef = { Ref: logicalId(relay.adminSite.node.findChild('SecurityHeaders')) };

      // Act
      const behaviors = config.CacheBehaviors as Record<string, unknown>[];

      // Assess
      expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/api/*', '/oauth/*']);
      for (const behavior of behaviors) {
        expect(behavior.CachePolicyId).toBe(CACHING_DISABLED);
        expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
        expect(behavior.AllowedMethods).toHaveLength(7);
        expect(behavior.ResponseHeadersPolicyId).toEqual(headerPolicyRef);
        expect(behavior.FunctionAssociations).toEqual([
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [forwardHostId, 'FunctionARN'] } },
        ]);
      }
      const apiOrigin = (config.Origins as Record<string, unknown>[]).find((o) => o.CustomOriginConfig !== undefined);
      expect(apiOrigin?.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      expect(JSON.stringify(apiOrigin?.DomainName)).toContain(logicalId(relay.api.httpApi));
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(headerPolicyRef);
    });

    it('adds the origin secret header to API requests from Secrets Manager by dynamic reference, never in plain text', () => {
      // Prepare
      const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
      const origins = distribution?.Properties.DistributionConfig.Origins as Record<string, unknown>[];
      const secrets = template.findResources('AWS::SecretsManager::Secret');

      // Act
      const apiOrigin = origins.find((o) => o.CustomOriginConfig !== undefined);
      const s3Origin = origins.find((o) => o.CustomOriginConfig === undefined);

      // Assess
      expect(apiOrigin?.OriginCustomHeaders).toEqual([
        {
          HeaderName: ORIGIN_VERIFY_HEADER,
          HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', ref.originSecret, ':SecretString:::}}']] },
        },
      ]);
      expect(s3Origin?.OriginCustomHeaders).toBeUndefined();
      const originSecret = secrets[logicalId(relay.originVerifySecret)];
      expect(originSecret?.Properties.GenerateSecretString).toMatchObject({
        PasswordLength: 48,
        ExcludePunctuation: true,
      });
      expect(originSecret?.Properties.SecretString).toBeUndefined();
    });

    it('writes CloudFront and S3 access logs to a private, retained log bucket', () => {
      // Prepare
      const logBucketId = logicalId(relay.adminSite.logBucket);
      const buckets = template.findResources('AWS::S3::Bucket');
      const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];

      // Assess
      expect(distribution?.Properties.DistributionConfig.Logging).toEqual({
        Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] },
        Prefix: 'cloudfront/',
      });
      expect(buckets[logicalId(relay.adminSite.bucket)]?.Properties.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: logBucketId },
        LogFilePrefix: 's3-site/',
      });
      const logBucket = buckets[logBucketId];
      expect(logBucket?.DeletionPolicy).toBe('Retain');
      expect(logBucket?.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(logBucket?.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ ExpirationInDays: 90 }),
      ]);
    });

    it('copies the Host header into x-forwarded-host and rewrites client routes to index.html', () => {
      // Prepare
      const functionsCode = Object.values(template.findResources('AWS::CloudFront::Function')).map(
        (f) => f.Properties.FunctionCode as string,
      );

      // Assess
      expect(functionsCode).toHaveLength(2);
      expect(functionsCode.some((c) => c.includes("request.headers['x-forwarded-host'] = { value: host.value }"))).toBe(
        true,
      );
      expect(functionsCode.some((c) => c.includes("request.uri = '/index.html'"))).toBe(true);
    });

    it('publishes config.json with the webhook URL and Jira site, and warns when the site is not built', () => {
      // Prepare
      const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0];

      // Act
      const markers = JSON.stringify(deployment?.Properties.SourceMarkers);

      // Assess
      expect(deployment?.Properties.SourceObjectKeys).toHaveLength(2);
      expect(markers).toContain(RELAY_PARAMETERS.jiraSiteUrl);
      expect(markers).toContain(logicalId(relay.api.httpApi));
      Annotations.fromStack(relay).hasWarning('/TestRelay/AdminSite', Match.stringLikeRegexp('npm run build:web'));
    });
  });

  describe('alarms', () => {
    it('alarms on the first message in the dead-letter queue', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(relay.deadLetterQueue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(relay.alarms.topic) }],
      });
    });

    it('alarms on ingest and deliver errors and on API 5xx', () => {
      // Assess
      for (const fn of [relay.ingestFunction, relay.deliverFunction]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
          Threshold: 1,
          AlarmActions: [{ Ref: logicalId(relay.alarms.topic) }],
        });
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(relay.api.httpApi) } }],
      });
    });

    /** The alarm resource of `id`, as synthesized. */
    const alarmProps = (id: RelayAlarmId): Record<string, unknown> => {
      const resource = template.findResources('AWS::CloudWatch::Alarm')[logicalId(relay.alarms.alarms[id])];
      if (resource === undefined) throw new Error(`alarm ${id} not in template`);
      return resource.Properties as Record<string, unknown>;
    };
    const relayDimensions = [{ Name: 'service', Value: RELAY_SERVICE_NAME }];

    it('alarms on the business metrics with the namespace and dimension the functions emit', () => {
      // Prepare
      const expected: [RelayAlarmId, string, string, string, number, string][] = [
        ['FailedAlertsAlarm', RELAY_COUNTERS.alertsFailed, 'Sum', 'GreaterThanOrEqualToThreshold', 1, 'notBreaching'],
        ['ParkedOverdueAlarm', RELAY_GAUGES.parkedAlertsOverdue, 'Maximum', 'GreaterThanThreshold', 0, 'notBreaching'],
        [
          'ReconnectRequiredAlarm',
          RELAY_GAUGES.connectionReconnectRequired,
          'Maximum',
          'GreaterThanOrEqualToThreshold',
          1,
          'notBreaching',
        ],
        ['GrantExpiringAlarm', RELAY_GAUGES.grantDaysRemaining, 'Minimum', 'LessThanThreshold', 30, 'notBreaching'],
        [
          'WebhookAuthFailuresAlarm',
          RELAY_COUNTERS.webhookAuthFailures,
          'Sum',
          'GreaterThanOrEqualToThreshold',
          ALARM_THRESHOLDS.webhookAuthFailures,
          'notBreaching',
        ],
        ['SweepMissingAlarm', RELAY_GAUGES.parkedAlertsOverdue, 'SampleCount', 'LessThanThreshold', 1, 'breaching'],
        ['StormAlarm', RELAY_COUNTERS.stormAlerts, 'Sum', 'GreaterThanOrEqualToThreshold', 1, 'notBreaching'],
      ];

      for (const [id, metricName, statistic, comparison, threshold, missing] of expected) {
        // Act
        const props = alarmProps(id);

        // Assess
        expect(props, id).toMatchObject({
          Namespace: RELAY_METRICS_NAMESPACE,
          MetricName: metricName,
          Dimensions: relayDimensions,
          Statistic: statistic,
          ComparisonOperator: comparison,
          Threshold: threshold,
          TreatMissingData: missing,
          AlarmActions: [{ Ref: logicalId(relay.alarms.topic) }],
          OKActions: [{ Ref: logicalId(relay.alarms.topic) }],
        });
      }
    });

    it('alarms on the oldest retry message, both dead-letter queues and throttles of each function', () => {
      // Assess
      expect(alarmProps('RetryAgeAlarm')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(relay.retryQueue), 'QueueName'] } }],
        Threshold: ALARM_THRESHOLDS.retryAgeSeconds,
      });
      expect(alarmProps('ScheduleDeadLetterAlarm')).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(relay.scheduleDeadLetterQueue), 'QueueName'] } },
        ],
      });
      const throttles: [RelayAlarmId, IFunction][] = [
        ['IngestThrottlesAlarm', relay.ingestFunction],
        ['DeliverThrottlesAlarm', relay.deliverFunction],
        ['AdminApiThrottlesAlarm', relay.adminApiFunction],
      ];
      for (const [id, fn] of throttles) {
        expect(alarmProps(id), id).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
          Threshold: 1,
        });
      }
    });

    it('links every alarm to its runbook entry in docs/operations.md', () => {
      // Prepare
      const runbook = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');

      for (const id of Object.keys(relay.alarms.alarms)) {
        // Act
        const description = alarmProps(id as RelayAlarmId).AlarmDescription as string;

        // Assess
        expect(description, id).toContain(`docs/operations.md#${id.toLowerCase()}`);
        expect(runbook, id).toMatch(new RegExp(`^### ${id}$`, 'm'));
      }
      template.resourceCountIs('AWS::CloudWatch::Alarm', Object.keys(relay.alarms.alarms).length);
    });

    it('shows every alarm and the business metrics on one dashboard', () => {
      // Prepare
      const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];

      // Act
      const body = JSON.stringify(dashboard?.Properties.DashboardBody);

      // Assess
      for (const name of [...Object.values(RELAY_COUNTERS), ...Object.values(RELAY_GAUGES)]) {
        expect(body, name).toContain(name);
      }
      for (const alarm of Object.values(relay.alarms.alarms)) {
        expect(body).toContain(logicalId(alarm));
      }
    });

    it('subscribes the alarm e-mail only when one is given', () => {
      // Assess
      template.hasParameter(RELAY_PARAMETERS.alarmEmail, { Default: '' });
      template.hasResource('AWS::SNS::Subscription', {
        Condition: Match.anyValue(),
        Properties: { Protocol: 'email', Endpoint: { Ref: RELAY_PARAMETERS.alarmEmail } },
      });
    });
  });

  describe('parameters and outputs', () => {
    it('asks for the client id and Jira site URL with validation', () => {
      // Assess
      template.hasParameter(RELAY_PARAMETERS.clientId, { Type: 'String', AllowedPattern: Match.anyValue() });
      template.hasParameter(RELAY_PARAMETERS.jiraSiteUrl, {
        Type: 'String',
        AllowedPattern: 'https://[a-z0-9][a-z0-9-]*\\.atlassian\\.net',
      });
    });

    it('outputs the webhook, admin, OAuth callback and dead-letter queue URLs', () => {
      // Prepare
      const distributionDomain = { 'Fn::GetAtt': [logicalId(relay.adminSite.distribution), 'DomainName'] };

      // Assess
      template.hasOutput('WebhookUrl', {
        Value: { 'Fn::Join': ['', Match.arrayWith([{ Ref: logicalId(relay.api.httpApi) }, '/webhook'])] },
      });
      template.hasOutput('AdminUrl', { Value: { 'Fn::Join': ['', ['https://', distributionDomain]] } });
      template.hasOutput('OAuthCallbackUrl', {
        Value: { 'Fn::Join': ['', ['https://', distributionDomain, '/oauth/callback']] },
      });
      template.hasOutput('DeadLetterQueueUrl', { Value: { Ref: logicalId(relay.deadLetterQueue) } });
      template.hasOutput('AdminDistributionDomain', { Value: distributionDomain });
    });
  });
});

describe('AdminSite', () => {
  let siteDir: string;

  beforeAll(() => {
    siteDir = mkdtempSync(join(tmpdir(), 'relay-site-'));
    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>admin</title>');
  });

  afterAll(() => {
    rmSync(siteDir, { recursive: true, force: true });
  });

  it('deploys the built site without a warning when index.html exists', () => {
    // Prepare
    const stack = new Stack(new App(), 'SiteOnly', { env: ENV });

    // Act
    const site = new AdminSite(stack, 'Site', {
      originVerifySecret: new Secret(stack, 'OriginSecret'),
      apiDomainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      webhookUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/webhook',
      jiraSiteUrl: 'https://acme.atlassian.net',
      siteAssetsPath: siteDir,
    });

    // Assess
    expect(site.siteBuildFound).toBe(true);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('npm run build:web'));
    Template.fromStack(stack).hasResourceProperties('Custom::CDKBucketDeployment', {
      SourceObjectKeys: Match.arrayWith([Match.stringLikeRegexp('\\.zip$')]),
    });
  });
});
