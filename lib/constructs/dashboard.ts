import { Aws, Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RELAY_COUNTERS, RELAY_GAUGES, relayMetric } from './relay-metrics.ts';

/** Props of {@link RelayDashboard}. */
export interface RelayDashboardProps {
  readonly alarms: readonly Alarm[];
  readonly functions: { readonly ingest: IFunction; readonly deliver: IFunction; readonly adminApi: IFunction };
  readonly retryQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly scheduleDeadLetterQueue: IQueue;
  readonly httpApi: IHttpApi;
}

/**
 * One CloudWatch dashboard: alarm states first, then what happened to alerts, the Jira
 * connection, the queues, and the platform. Same metrics as the alarms.
 */
export class RelayDashboard extends Construct {
  public readonly dashboard: Dashboard;

  public constructor(scope: Construct, id: string, props: RelayDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const sum = (metricName: (typeof RELAY_COUNTERS)[keyof typeof RELAY_COUNTERS], label: string): IMetric =>
      relayMetric(metricName, { period, statistic: 'Sum', label });
    const { ingest, deliver, adminApi } = props.functions;
    const perFunction = (pick: (fn: IFunction) => IMetric): IMetric[] => [pick(ingest), pick(deliver), pick(adminApi)];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Dashboard names are unique per account (not per region).
      dashboardName: `${Aws.STACK_NAME}-${Aws.REGION}`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: 'Keeper → Jira relay. What each alarm means and what to do: docs/operations.md in the repository.',
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Alerts',
        width: 12,
        left: [
          sum(RELAY_COUNTERS.alertsReceived, 'received'),
          sum(RELAY_COUNTERS.alertsDelivered, 'delivered'),
          sum(RELAY_COUNTERS.alertsDuplicate, 'duplicate'),
          sum(RELAY_COUNTERS.alertsQueued, 'queued for retry'),
          sum(RELAY_COUNTERS.alertsParked, 'parked'),
          sum(RELAY_COUNTERS.alertsFailed, 'failed'),
          sum(RELAY_COUNTERS.alertsGrouped, 'grouped'),
          sum(RELAY_COUNTERS.alertsSuppressed, 'suppressed'),
          sum(RELAY_COUNTERS.stormAlerts, 'storm'),
          sum(RELAY_COUNTERS.groupComments, 'group comments'),
        ],
      }),
      new GraphWidget({
        title: 'Time to ticket (ms)',
        width: 6,
        left: ['p50', 'p90', 'Maximum'].map((statistic) =>
          relayMetric(RELAY_COUNTERS.timeToTicket, { period, statistic, label: statistic }),
        ),
      }),
      new GraphWidget({
        title: 'Webhook 401s',
        width: 6,
        left: [sum(RELAY_COUNTERS.webhookAuthFailures, 'auth failures')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Jira connection (sweep)',
        width: 12,
        left: [
          relayMetric(RELAY_GAUGES.parkedAlertsOverdue, { period, statistic: 'Maximum', label: 'parked > 15 min' }),
          relayMetric(RELAY_GAUGES.connectionReconnectRequired, {
            period,
            statistic: 'Maximum',
            label: 'reconnect required',
          }),
        ],
        right: [
          relayMetric(RELAY_GAUGES.grantDaysRemaining, {
            period: Duration.hours(1),
            statistic: 'Minimum',
            label: 'grant days left',
          }),
        ],
      }),
      new GraphWidget({
        title: 'Queues',
        width: 12,
        left: [
          props.retryQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: 'retry: waiting',
          }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: 'dead letters',
          }),
          props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: 'failed schedules',
          }),
        ],
        right: [
          props.retryQueue.metricApproximateAgeOfOldestMessage({
            period,
            statistic: 'Maximum',
            label: 'oldest retry (s)',
          }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        width: 6,
        left: perFunction((fn) => fn.metricErrors({ period, statistic: 'Sum' })),
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        width: 6,
        left: perFunction((fn) => fn.metricThrottles({ period, statistic: 'Sum' })),
      }),
      new GraphWidget({
        title: 'Lambda duration p90 (ms)',
        width: 6,
        left: perFunction((fn) => fn.metricDuration({ period, statistic: 'p90' })),
      }),
      new GraphWidget({
        title: 'HTTP API',
        width: 6,
        left: [
          props.httpApi.metricCount({ period, statistic: 'Sum', label: 'requests' }),
          props.httpApi.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          props.httpApi.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
        ],
      }),
    );
  }
}
