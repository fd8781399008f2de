import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Props of {@link WebhookApi}. */
export interface WebhookApiProps {
  /** Receives `POST /webhook` (Keeper's alert deliveries). */
  readonly ingestFunction: IFunction;
  /** Receives `/api/*` and `GET /oauth/*` (admin site, reached through CloudFront). */
  readonly adminApiFunction: IFunction;
  /**
   * Steady-state requests per second for the whole stage. Keeper sends one request per alert, so
   * this is far above normal traffic and only caps a flood (or a leaked token being abused).
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
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

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 50,
        burstLimit: props.throttlingBurstLimit ?? 100,
      },
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

    this.httpApi.addRoutes({
      path: '/webhook',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('IngestIntegration', props.ingestFunction),
    });
    const adminIntegration = new HttpLambdaIntegration('AdminApiIntegration', props.adminApiFunction);
    this.httpApi.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration: adminIntegration });
    this.httpApi.addRoutes({ path: '/oauth/{proxy+}', methods: [HttpMethod.GET], integration: adminIntegration });

    const stack = Stack.of(this);
    this.domainName = `${this.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.endpoint = `https://${this.domainName}`;
    this.webhookUrl = `${this.endpoint}/webhook`;
  }
}
