import { CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './nag.ts';
import { RELAY_COUNTERS, RELAY_GAUGES, relayMetric } from './relay-metrics.ts';

/** Thresholds the runbook (docs/operations.md) refers to. */
export const ALARM_THRESHOLDS = {
  /** Oldest retry message, in seconds: retries back off up to 15 minutes, so an hour means several failed attempts. */
  retryAgeSeconds: 3600,
  /** Days before the Atlassian grant's absolute end at which an admin is asked to reconnect. */
  grantDaysRemaining: 30,
  /** Webhook 401s within 15 minutes. */
  webhookAuthFailures: 5,
} as const;

/** Props of {@link RelayAlarms}. */
export interface RelayAlarmsProps {
  /** Every message here is an alert that has no Jira ticket yet. */
  readonly deadLetterQueue: IQueue;
  /** Scheduled invocations (sweep, keep-alive) that failed after Lambda's own retries. */
  readonly scheduleDeadLetterQueue: IQueue;
  readonly retryQueue: IQueue;
  readonly functions: { readonly ingest: IFunction; readonly deliver: IFunction; readonly adminApi: IFunction };
  readonly httpApi: IHttpApi;
  /**
   * E-mail address to subscribe to the alarm topic. May be a deploy-time token (CloudFormation
   * parameter); an empty value subscribes nobody.
   */
  readonly alarmEmail?: string;
  /** @default ALARM_THRESHOLDS.webhookAuthFailures */
  readonly webhookAuthFailureThreshold?: number;
}

/** Ids of the alarms, as construct ids (logical ids derive from them). */
export type RelayAlarmId =
  | 'DeadLetterAlarm'
  | 'ScheduleDeadLetterAlarm'
  | 'FailedAlertsAlarm'
  | 'ParkedOverdueAlarm'
  | 'ReconnectRequiredAlarm'
  | 'GrantExpiringAlarm'
  | 'SweepMissingAlarm'
  | 'WebhookAuthFailuresAlarm'
  | 'StormAlarm'
  | 'RetryAgeAlarm'
  | 'IngestErrorsAlarm'
  | 'DeliverErrorsAlarm'
  | 'AdminApiErrorsAlarm'
  | 'IngestThrottlesAlarm'
  | 'DeliverThrottlesAlarm'
  | 'AdminApiThrottlesAlarm'
  | 'Api5xxAlarm';

/**
 * Operator alarms, all on one SNS topic, each with a runbook entry in docs/operations.md.
 * Missing data: counters are emitted only when something happens, so no data means "nothing
 * happened" (not breaching). The sweep's gauges are covered by one explicit heartbeat alarm
 * (SweepMissingAlarm) instead of making every gauge alarm fire when the sweep stops.
 */
export class RelayAlarms extends Construct {
  /** Subscribe chat or paging integrations here. */
  public readonly topic: Topic;
  public readonly alarms: Readonly<Record<RelayAlarmId, Alarm>>;

  public constructor(scope: Construct, id: string, props: RelayAlarmsProps) {
    super(scope, id);

    // Not KMS-encrypted on purpose: CloudWatch cannot publish to a topic encrypted with the
    // AWS-managed aws/sns key, and alarm messages carry no alert content.
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Keeper-Jira relay alarms',
      enforceSSL: true,
    });

    if (props.alarmEmail !== undefined) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
      // The address is a deploy-time parameter: the subscription exists only when one was given.
      const hasEmail = new CfnCondition(this, 'HasAlarmEmail', {
        expression: Fn.conditionNot(Fn.conditionEquals(props.alarmEmail, '')),
      });
      const cfnSubscription = subscription.node.defaultChild;
      if (!(cfnSubscription instanceof CfnSubscription)) throw new Error('Unexpected SNS subscription shape');
      cfnSubscription.cfnOptions.condition = hasEmail;
      acknowledgeFinding(
        subscription,
        'Serverless-SNSRedrivePolicy',
        'E-mail subscription: SNS retries e-mail delivery itself, and a message parked in a queue would reach no ' +
          'one. The alarm state stays visible in CloudWatch and on the dashboard; subscribe a second channel for paging.',
      );
    }

    const action = new SnsAction(this.topic);
    const created: Partial<Record<RelayAlarmId, Alarm>> = {};
    const alarm = (
      alarmId: RelayAlarmId,
      description: string,
      metric: IMetric,
      options: {
        threshold?: number;
        comparison?: ComparisonOperator;
        missing?: TreatMissingData;
        evaluationPeriods?: number;
      } = {},
    ): Alarm => {
      const result = new Alarm(this, alarmId, {
        alarmDescription: `${description} Runbook: docs/operations.md#${alarmId.toLowerCase()}`,
        metric,
        threshold: options.threshold ?? 1,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      });
      result.addAlarmAction(action);
      result.addOkAction(action);
      created[alarmId] = result;
      return result;
    };
    const fiveMinutes = Duration.minutes(5);

    // Alerts without a ticket.
    alarm(
      'DeadLetterAlarm',
      'Alerts are in the dead-letter queue: they have no Jira ticket. Fix the cause, then replay them from the admin site.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
    );
    alarm(
      'FailedAlertsAlarm',
      'An alert was marked failed (Jira refused it permanently or its retry budget ran out): it has no Jira ticket.',
      relayMetric(RELAY_COUNTERS.alertsFailed, { period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'ParkedOverdueAlarm',
      'Alerts have been parked for more than 15 minutes: the relay has no usable Jira connection or configuration.',
      relayMetric(RELAY_GAUGES.parkedAlertsOverdue, { period: fiveMinutes, statistic: 'Maximum' }),
      { threshold: 0, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD },
    );
    alarm(
      'RetryAgeAlarm',
      'A retry message has waited more than an hour: Jira keeps failing for at least one alert.',
      props.retryQueue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
      { threshold: ALARM_THRESHOLDS.retryAgeSeconds },
    );

    // The Jira connection.
    alarm(
      'ReconnectRequiredAlarm',
      'The Jira connection needs an admin to reconnect (grant revoked or expired); new alerts are parked.',
      relayMetric(RELAY_GAUGES.connectionReconnectRequired, { period: fiveMinutes, statistic: 'Maximum' }),
    );
    alarm(
      'GrantExpiringAlarm',
      `The Atlassian grant ends in less than ${ALARM_THRESHOLDS.grantDaysRemaining} days (365-day absolute lifetime): an admin must reconnect.`,
      relayMetric(RELAY_GAUGES.grantDaysRemaining, { period: Duration.hours(1), statistic: 'Minimum' }),
      { threshold: ALARM_THRESHOLDS.grantDaysRemaining, comparison: ComparisonOperator.LESS_THAN_THRESHOLD },
    );
    // The sweep emits ParkedAlertsOverdue on every run; three silent periods mean it stopped,
    // and with it the stalled-alert safety net and the gauges above.
    alarm(
      'SweepMissingAlarm',
      'The 5-minute sweep has not reported for 15 minutes: stalled alerts are not re-queued and the connection is not checked.',
      relayMetric(RELAY_GAUGES.parkedAlertsOverdue, { period: fiveMinutes, statistic: 'SampleCount' }),
      {
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        missing: TreatMissingData.BREACHING,
        evaluationPeriods: 3,
      },
    );
    alarm(
      'ScheduleDeadLetterAlarm',
      'A scheduled run of the deliver function (sweep or keep-alive) failed after retries.',
      props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: 'Maximum',
      }),
    );

    // Keeper's side.
    alarm(
      'WebhookAuthFailuresAlarm',
      'The webhook refused many requests with 401: Keeper may be using a revoked token (its alerts are lost), or someone is probing the URL.',
      relayMetric(RELAY_COUNTERS.webhookAuthFailures, { period: Duration.minutes(15), statistic: 'Sum' }),
      { threshold: props.webhookAuthFailureThreshold ?? ALARM_THRESHOLDS.webhookAuthFailures },
    );

    // Rules.
    alarm(
      'StormAlarm',
      'A rule reached its hourly cap of new issues: its further alerts are collected on one storm issue. Something is flooding Keeper with alerts.',
      relayMetric(RELAY_COUNTERS.stormAlerts, { period: fiveMinutes, statistic: 'Sum' }),
    );

    // The platform.
    const { ingest, deliver, adminApi } = props.functions;
    alarm(
      'IngestErrorsAlarm',
      'The webhook function failed: Keeper may have received a 5xx for an alert.',
      ingest.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'DeliverErrorsAlarm',
      'The deliver function failed a whole invocation (retry batch, sweep or keep-alive).',
      deliver.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'AdminApiErrorsAlarm',
      'The admin API function failed.',
      adminApi.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'IngestThrottlesAlarm',
      'Lambda throttled the webhook function: Keeper received 5xx/429 for alerts.',
      ingest.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'DeliverThrottlesAlarm',
      'Lambda throttled the deliver function: retries and scheduled runs are delayed.',
      deliver.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'AdminApiThrottlesAlarm',
      'Lambda throttled the admin API function.',
      adminApi.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
    );
    alarm(
      'Api5xxAlarm',
      'The HTTP API answered 5xx (webhook or admin API).',
      props.httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
    );

    this.alarms = created as Record<RelayAlarmId, Alarm>;
  }
}
