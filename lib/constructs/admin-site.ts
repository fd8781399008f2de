import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Policy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeFinding, nagFindingValue } from './nag.ts';
import { PROJECT_ROOT } from './relay-function.ts';

/**
 * Header CloudFront adds to every request it forwards to the admin API. Its value is a secret
 * only CloudFront and the admin function know, so requests that reach the API directly (on the
 * execute-api domain, where X-Forwarded-Host comes from the caller) can be refused with 403.
 */
export const ORIGIN_VERIFY_HEADER = 'x-relay-origin-verify';

/** An optional own domain for the admin site. */
export interface AdminSiteDomain {
  /** e.g. `jira-relay.example.com`; point a CNAME (or alias) at the distribution's domain. */
  readonly domainName: string;
  /** ARN of an ACM certificate for `domainName`, in us-east-1 (CloudFront reads certificates only there). */
  readonly certificateArn: string;
}

/** The admin site's Content-Security-Policy: everything from its own origin, nothing inline, no framing. */
export const ADMIN_SITE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Props of {@link AdminSite}. */
export interface AdminSiteProps {
  /** Host name of the HTTP API (`{apiId}.execute-api.{region}.amazonaws.com`) serving `/api/*` and `/oauth/*`. */
  readonly apiDomainName: string;
  /** Published to the browser in `/config.json` so the admin can copy it into Keeper. */
  readonly webhookUrl: string;
  /** Published to the browser in `/config.json`. */
  readonly jiraSiteUrl: string;
  /**
   * Directory holding the built admin site (`npm run build:web`). When it has no `index.html` at
   * synth time, a one-page notice is deployed instead and synth warns; see the constructor.
   * @default `<repo>/web-admin/dist`
   */
  readonly siteAssetsPath?: string;
  /** Secret whose value CloudFront sends in {@link ORIGIN_VERIFY_HEADER} to the admin API. */
  readonly originVerifySecret: ISecret;
  /**
   * Own domain + ACM certificate (TLS 1.2 minimum). Without it the site is served on the
   * distribution's `*.cloudfront.net` name with CloudFront's default certificate.
   */
  readonly domain?: AdminSiteDomain;
}

/**
 * The admin site: a private S3 bucket behind CloudFront (Origin Access Control), with the admin
 * API on the same origin so the session cookie can be `SameSite=Strict` and no CORS is needed.
 */
export class AdminSite extends Construct {
  public readonly bucket: Bucket;
  /** CloudFront standard logs and the site bucket's S3 server access logs. */
  public readonly logBucket: Bucket;
  public readonly distribution: Distribution;
  /** `https://<own domain>` when one is configured, else `https://<distribution domain>`. */
  public readonly url: string;
  /** Whether the built site was found at synth time (false: the notice page was deployed). */
  public readonly siteBuildFound: boolean;

  public constructor(scope: Construct, id: string, props: AdminSiteProps) {
    super(scope, id);

    // Access logs are an audit trail: kept when the stack is deleted, expired after 90 days.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging delivers through an ACL grant, so ACLs must stay enabled here.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.logBucket,
      'AwsSolutions-S1',
      'This is the access-log bucket itself; logging its own access into itself would log every log delivery. ' +
        'Reads of the logs are recorded by CloudTrail.',
    );

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here, re-deployed from the repository on every deploy, so the
      // bucket goes with the stack. The emptying custom resource ships prebuilt in aws-cdk-lib
      // (no Docker, no download at synth).
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-site/',
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Keeper-Jira relay admin site: CSP, HSTS, nosniff, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: ADMIN_SITE_CSP, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        // The OAuth callback URL carries a code in its query string; never leak it cross-origin.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: 'camera=(), microphone=(), geolocation=(), payment=()',
            override: true,
          },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    // SPA fallback as a viewer-request function on the S3 behaviour only: CloudFront's
    // distribution-wide errorResponses would also rewrite the API's own 403/404 into index.html.
    // Paths with a file extension are real assets; anything else is a client-side route.
    const spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Serve /index.html for extension-less paths (client-side routes)',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          '  var uri = request.uri;',
          "  if (uri.indexOf('.', uri.lastIndexOf('/')) === -1) {",
          "    request.uri = '/index.html';",
          '  }',
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    // The admin API builds its public OAuth callback URL from the viewer's host. CloudFront
    // replaces Host with the API's own host, and a Lambda env var naming the distribution would
    // make a dependency cycle (distribution → API → function → distribution), so the host travels
    // in x-forwarded-host. Always overwritten, never trusted from the viewer; CloudFront only
    // routes a request here when its Host is one of this distribution's names.
    const forwardHost = new CloudFrontFunction(this, 'ForwardHost', {
      comment: 'Copy the viewer Host header into x-forwarded-host for the admin API',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          '  var host = request.headers.host;',
          '  if (host && host.value) {',
          "    request.headers['x-forwarded-host'] = { value: host.value };",
          '  } else {',
          "    delete request.headers['x-forwarded-host'];",
          '  }',
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    const apiBehavior: BehaviorOptions = {
      origin: new HttpOrigin(props.apiDomainName, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        // A CloudFormation dynamic reference ({{resolve:secretsmanager:...}}): CloudFormation
        // reads the value at deploy time, the template never holds it.
        customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret.secretValue.unsafeUnwrap() },
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Cookies, query string and headers reach the API; Host must not (API Gateway routes on it).
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      functionAssociations: [{ function: forwardHost, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    const domain = props.domain;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Keeper-Jira relay admin site',
      ...(domain !== undefined && {
        domainNames: [domain.domainName],
        certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      // Standard logs (no cookies). Query strings are logged: the only secret-looking one is the
      // OAuth callback's authorization code, single-use and already exchanged when it is logged.
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America + Europe edges: the admin site has a handful of users; latency elsewhere is fine.
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': apiBehavior,
        '/oauth/*': apiBehavior,
      },
    });

    this.url = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;

    if (domain === undefined) {
      acknowledgeFinding(
        this.distribution,
        'AwsSolutions-CFR4',
        'No own domain configured, so the site uses the *.cloudfront.net name, where CloudFront only offers its ' +
          'default certificate (minimum TLSv1 accepted by CloudFront). Set the context adminDomainName + ' +
          'adminCertificateArn (docs/deploy.md) to serve it with TLSv1.2_2021.',
      );
    }
    acknowledgeFinding(
      this.distribution,
      'AwsSolutions-CFR1',
      'Admins may sign in from any country; access is by Atlassian sign-in, not by location.',
    );
    acknowledgeFinding(
      this.distribution,
      'AwsSolutions-CFR2',
      'No WAF web ACL by default: it costs a monthly fee plus per request for a site used by a handful of admins ' +
        'whose API is behind Atlassian sign-in, per-route throttles and the origin secret. An operator may attach one.',
    );

    // Missing build: synth still succeeds (tests, CI and `cdk synth` must not depend on a web
    // build), a warning is printed, and the site shows a page that says what to do. Failing the
    // deploy instead would block a first infrastructure deploy for no safety gain.
    const sitePath = props.siteAssetsPath ?? join(PROJECT_ROOT, 'web-admin', 'dist');
    this.siteBuildFound = existsSync(join(sitePath, 'index.html'));
    const siteSource: ISource = this.siteBuildFound
      ? Source.asset(sitePath)
      : Source.data(
          'index.html',
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keeper → Jira relay</title></head>' +
            '<body><h1>Admin site not built</h1><p>The infrastructure is deployed, but the admin site was not ' +
            'built before <code>cdk deploy</code>. Run <code>npm run build:web</code>, then ' +
            '<code>npx cdk deploy --all</code> again.</p></body></html>',
        );
    if (!this.siteBuildFound) {
      Annotations.of(this).addWarningV2(
        'keeper-jira-relay:admin-site-not-built',
        `No admin site build at ${sitePath}: deploying a placeholder page. Run \`npm run build:web\` before \`cdk deploy\`.`,
      );
    }

    // Own role and log group for the deployment function (provided by aws-cdk-lib) instead of the
    // managed AWSLambdaBasicExecutionRole, as for the relay functions.
    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Keeper-Jira relay: copies the admin site build into its bucket at deploy time',
    });
    deployLogs.grantWrite(deployRole);

    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      role: deployRole,
      logGroup: deployLogs,
      sources: [
        siteSource,
        // Deploy-time values (tokens) are substituted by the deployment custom resource.
        Source.jsonData('config.json', { webhookUrl: props.webhookUrl, siteUrl: props.jiraSiteUrl }),
      ],
      // A low-traffic admin site: a fresh index.html and config.json right after a deploy
      // matters more than cache hits, and it spares waiting on a CloudFront invalidation.
      cacheControl: [CacheControl.noCache()],
      memoryLimit: 256,
    });
    acknowledgeDeploymentProvider(deployment, deployRole, this.bucket);
  }
}

/**
 * The BucketDeployment provider is aws-cdk-lib's own function: its runtime and its grants are
 * chosen by aws-cdk-lib. Each wildcard is acknowledged by name after checking that it applies to
 * one of the two buckets it must use, so a new wildcard elsewhere still fails the check.
 */
function acknowledgeDeploymentProvider(deployment: BucketDeployment, role: Role, siteBucket: Bucket): void {
  const stack = Stack.of(deployment);
  const providerReason =
    "aws-cdk-lib's BucketDeployment provider: its runtime version is pinned by aws-cdk-lib (updated with it), it runs " +
    'only during deploys, invoked synchronously by CloudFormation (no async DLQ applies), and a failure fails the deploy.';
  for (const provider of stack.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    for (const id of [
      'AwsSolutions-L1',
      'Serverless-LambdaLatestVersion',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaTracing',
    ]) {
      acknowledgeFinding(provider, id, providerReason);
    }
  }

  const policy = role.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof Policy)) return;
  const siteObjects = `${nagFindingValue(stack, siteBucket.bucketArn)}/*`;
  const assetBucketPrefix = 'arn:<AWS::Partition>:s3:::cdk-';
  const document = stack.resolve(policy.document.toJSON()) as {
    Statement: { Effect: string; Action: string | string[]; Resource: unknown }[];
  };
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of [statement.Action].flat().filter((a) => a.includes('*'))) {
      acknowledgeFinding(
        policy,
        `AwsSolutions-IAM5[Action::${action}]`,
        'aws-cdk-lib grant shape for copying the site build (read the CDK asset, write the site bucket); ' +
          'each statement is scoped to one of those two buckets.',
      );
    }
    for (const resource of [statement.Resource].flat().map((r) => nagFindingValue(stack, r))) {
      if (!resource.includes('*')) continue;
      if (resource !== siteObjects && !resource.startsWith(assetBucketPrefix)) {
        throw new Error(`Unexpected wildcard resource in the site deployment role: ${resource}`);
      }
      acknowledgeFinding(
        policy,
        `AwsSolutions-IAM5[Resource::${resource}]`,
        resource === siteObjects
          ? 'The deployment replaces the admin site build: every object of the site bucket (and only that bucket).'
          : 'Reads the site build that cdk deploy uploaded to the CDK bootstrap asset bucket (and only that bucket).',
      );
    }
  }
}
