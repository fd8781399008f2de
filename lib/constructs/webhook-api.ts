import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './nag.ts';

/** Route keys of the HTTP API (`METHOD path`), as API Gateway names them in route settings. */
export const ROUTE_KEYS = {
  webhook: 'POST /webhook',
  adminApi: 'ANY /api/{proxy+}',
  oauth: 'GET /oauth/{proxy+}',
} as const;

/** Default per-route budgets (requests per second / burst). */
export const DEFAULT_THROTTLES = {
  webhook: { rateLimit: 50, burstLimit: 100 },
  admin: { rateLimit: 10, burstLimit: 20 },
} as const satisfies Record<string, ThrottleSettings>;

/** Props of {@link WebhookApi}. */
export interface WebhookApiProps {
  /** Receives `POST /webhook` (Keeper's alert deliveries). */
  readonly ingestFunction: IFunction;
  /** Receives `/api/*` and `GET /oauth/*` (admin site, reached through CloudFront). */
  readonly adminApiFunction: IFunction;
  /**
   * Budget of `POST /webhook` alone. Keeper sends one request per alert, so the default is far
   * above normal traffic and only caps a flood (or a leaked token being abused).
   * @default DEFAULT_THROTTLES.webhook (50 rps, burst 100)
   */
  readonly webhookThrottle?: ThrottleSettings;
  /**
   * Budget of each admin route (`/api/*` and `/oauth/*` separately): a handful of admins, so
   * anonymous traffic on them cannot take the webhook's budget, nor the other way round.
   * @default DEFAULT_THROTTLES.admin (10 rps, burst 20)
   */
  readonly adminThrottle?: ThrottleSettings;
  /** @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The relay's one HTTP API: Keeper posts to `/webhook` directly; the admin routes are meant to be
 * reached through the admin site's CloudFront distribution (same origin as the site).
 */
export class WebhookApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  /** `https://{apiId}.execute-api.{region}.amazonaws.com`, no trailing slash. */
  public readonly endpoint: string;
  /** Host name only, for a CloudFront `HttpOrigin`. */
  public readonly domainName: string;
  public readonly webhookUrl: string;

  public constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Keeper → Jira relay: webhook and admin API',
      // The default stage is declared below so it can carry throttling and access logs.
      createDefaultStage: false,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const webhookThrottle = props.webhookThrottle ?? DEFAULT_THROTTLES.webhook;
    const adminThrottle = props.adminThrottle ?? DEFAULT_THROTTLES.admin;

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // The stage default applies to any route without its own settings: the stricter budget.
      throttle: adminThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // An allow-list of fields: no headers (Authorization carries the webhook token) and no
        // query string (the OAuth callback carries the authorization code); `path` has neither.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // Per-route budgets: each route key has its own token bucket, so a flood of cheap 401s on
    // one route cannot make API Gateway answer 429 to Keeper's alerts on another.
    // `RouteSettings` is an untyped JSON map in the L1, so its keys are written as CloudFormation spells them.
    const routeThrottle = (t: ThrottleSettings): Record<string, number | undefined> => ({
      ThrottlingRateLimit: t.rateLimit,
      ThrottlingBurstLimit: t.burstLimit,
    });
    const cfnStage = this.stage.node.defaultChild;
    if (!(cfnStage instanceof CfnStage)) throw new Error('Unexpected HTTP API stage shape');
    cfnStage.routeSettings = {
      [ROUTE_KEYS.webhook]: routeThrottle(webhookThrottle),
      [ROUTE_KEYS.adminApi]: routeThrottle(adminThrottle),
      [ROUTE_KEYS.oauth]: routeThrottle(adminThrottle),
    };

    const webhookRoutes = this.httpApi.addRoutes({
      path: '/webhook',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', props.ingestFunction),
    });
    acknowledgeNoAuthorizer(
      webhookRoutes,
      'Keeper can only send a static bearer token. The ingest function checks it first, in constant time against ' +
        'SHA-256 hashes, before reading the body (docs/webhook-and-delivery.md, rule 1); a Lambda authorizer would ' +
        'add a second cold start and cost per alert without checking anything more.',
    );
    const adminIntegration = new HttpLambdaIntegration('AdminApiIntegration', props.adminApiFunction);
    const adminRoutes = [
      ...this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration: adminIntegration }),
      ...this.httpApi.addRoutes({ path: '/oauth/{proxy+}', methods: [HttpMethod.GET], integration: adminIntegration }),
    ];
    acknowledgeNoAuthorizer(
      adminRoutes,
      'Admin routes are answered only for requests that carry the CloudFront origin secret header, and /api/* only ' +
        'with a session cookie from the Atlassian sign-in (checked by the admin function). /oauth/* must be reachable ' +
        'before sign-in: it is the sign-in.',
    );

    const stack = Stack.of(this);
    this.domainName = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.endpoint = `https://${this.domainName}`;
    this.webhookUrl = `${this.endpoint}/webhook`;
  }
}

function acknowledgeNoAuthorizer(routes: HttpRoute[], reason: string): void {
  for (const route of routes) acknowledgeFinding(route, 'AwsSolutions-APIG4', reason);
}
