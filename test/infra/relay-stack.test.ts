import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayEnvSchema } from '#shared/env.ts';
import { ADMIN_SITE_CSP, AdminSite } from '../../lib/constructs/admin-site.ts';
import { CLIENT_SECRET_PARAMETER, DataStack } from '../../lib/data-stack.ts';
import { RELAY_PARAMETERS, RelayStack } from '../../lib/relay-stack.ts';

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

const asArray = <T,>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe('RelayStack', () => {
  let data: DataStack;
  let relay: RelayStack;
  let template: Template;
  /** CloudFormation values of the data stack's resources as seen from the relay stack (Fn::ImportValue). */
  let ref: Record<'config' | 'ledger' | 'tokens' | 'connection' | 'clientSecret' | 'retry' | 'dlq', unknown>;

  beforeAll(() => {
    // Prepare (once per file: synth bundles three functions with the local esbuild)
    const app = new App();
    data = new DataStack(app, 'TestData', { env: ENV });
    relay = new RelayStack(app, 'TestRelay', {
      env: ENV,
      configTable: data.configTable,
      ledgerTable: data.ledgerTable,
      webhookTokensSecret: data.webhookTokensSecret,
      jiraConnectionSecret: data.jiraConnectionSecret,
      oauthClientSecret: data.oauthClientSecret,
      // A path that never exists, so these tests do not depend on a local `npm run build:web`.
      siteAssetsPath: join(tmpdir(), 'keeper-jira-relay-no-site-build'),
    });
    template = Template.fromStack(relay);
    ref = {
      config: relay.resolve(data.configTable.tableArn),
      ledger: relay.resolve(data.ledgerTable.tableArn),
      tokens: relay.resolve(data.webhookTokensSecret.secretArn),
      connection: relay.resolve(data.jiraConnectionSecret.secretArn),
      clientSecret: relay.resolve(data.oauthClientSecret.secretArn),
      retry: relay.resolve(relay.retryQueue.queueArn),
      dlq: relay.resolve(relay.deadLetterQueue.queueArn),
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

      // Assess (3 functions + API access logs)
      expect(groups).toHaveLength(4);
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
        const json = JSON.stringify(variables);
        expect(json).not.toContain(CLIENT_SECRET_PARAMETER);
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

    it('runs the stalled-alert sweep on deliver every 5 minutes', () => {
      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(relay.deliverFunction), 'Arn'] } })],
      });
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
        }
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
          expect([ref.tokens, ref.connection, ref.clientSecret]).toContainEqual(resource);
        }
      }
    });

    /** Statements on the config table that write, as granted to `fn`. */
    const configWrites = (fn: IFunction): Statement[] =>
      statementsOf(fn).filter(
        (s) =>
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

    it('lets ingest and deliver write only the lease and STATE items of the config table', () => {
      for (const fn of [relay.ingestFunction, relay.deliverFunction]) {
        // Act
        const writes = configWrites(fn);

        // Assess
        expect(writes).toHaveLength(1);
        expect(asArray(writes[0]?.Action ?? []).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
        expect(writes[0]?.Condition).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LEASE#*', 'STATE'] },
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
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
        expect(allows(fn, action, ref.config), action).toBe(true);
      }
      expect(allows(fn, 'dynamodb:Query', { 'Fn::Join': ['', [ref.ledger, '/index/*']] })).toBe(true);
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

    it('throttles the default stage and writes access logs', () => {
      // Assess
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
      });
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
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0];
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
      expect(apiOrigin?.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
      expect(JSON.stringify(apiOrigin?.DomainName)).toContain(logicalId(relay.api.httpApi));
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(headerPolicyRef);
    });

    it('copies the Host header into x-forwarded-host and rewrites client routes to index.html', () => {
      // Prepare
      const functionsCode = Object.values(template.findResources('AWS::CloudFront::Function')).map(
        (f) => f.Properties.FunctionCode as string,
      );

      // Assess
      expect(functionsCode).toHaveLength(2);
      expect(functionsCode.some((c) => c.includes("request.headers['x-forwarded-host'] = { value: host.value }"))).toBe(true);
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
