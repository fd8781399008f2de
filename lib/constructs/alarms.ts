import { CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';

/** Props of {@link RelayAlarms}. */
export interface RelayAlarmsProps {
  /** Every message here is an alert that has no Jira ticket yet. */
  readonly deadLetterQueue: IQueue;
  readonly ingestFunction: IFunction;
  readonly deliverFunction: IFunction;
  readonly adminApiFunction: IFunction;
  readonly httpApi: IHttpApi;
  /**
   * E-mail address to subscribe to the alarm topic. May be a deploy-time token (CloudFormation
   * parameter); an empty value subscribes nobody.
   */
  readonly alarmEmail?: string;
}

/**
 * Operator alarms, all on one SNS topic. Every alarm means "an alert may be late or missing in
 * Jira", so thresholds are 1, not a rate.
 */
export class RelayAlarms extends Construct {
  /** Subscribe chat or paging integrations here. */
  public readonly topic: Topic;
  public readonly deadLetterAlarm: Alarm;

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
    }

    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, description: string, metric: IMetric): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };

    this.deadLetterAlarm = alarm(
      'DeadLetterAlarm',
      'Alerts are parked in the dead-letter queue: they have no Jira ticket. Fix the cause, then replay them from the admin site.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
    );
    alarm(
      'IngestErrorsAlarm',
      'The webhook function failed: Keeper may have received a 5xx for an alert.',
      props.ingestFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'DeliverErrorsAlarm',
      'The retry worker failed a whole batch: deliveries are delayed and will be retried by SQS.',
      props.deliverFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'AdminApiErrorsAlarm',
      'The admin API function failed.',
      props.adminApiFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
    alarm(
      'Api5xxAlarm',
      'The HTTP API answered 5xx (webhook or admin API).',
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
    );
  }
}
