import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
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
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source, type ISource } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PROJECT_ROOT } from './relay-function.ts';

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
}

/**
 * The admin site: a private S3 bucket behind CloudFront (Origin Access Control), with the admin
 * API on the same origin so the session cookie can be `SameSite=Strict` and no CORS is needed.
 */
export class AdminSite extends Construct {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  /** `https://<distribution domain>`. */
  public readonly url: string;
  /** Whether the built site was found at synth time (false: the notice page was deployed). */
  public readonly siteBuildFound: boolean;

  public constructor(scope: Construct, id: string, props: AdminSiteProps) {
    super(scope, id);

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
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
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
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Cookies, query string and headers reach the API; Host must not (API Gateway routes on it).
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      functionAssociations: [{ function: forwardHost, eventType: FunctionEventType.VIEWER_REQUEST }],
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Keeper-Jira relay admin site',
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

    this.url = `https://${this.distribution.distributionDomainName}`;

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

    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
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
  }
}
