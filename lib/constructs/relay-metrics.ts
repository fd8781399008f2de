/**
 * The business metrics the relay's functions emit with Powertools Metrics (CloudWatch embedded
 * metric format: written to the log, no API call). The alarms and the dashboard query exactly
 * these names, in this namespace, with the one dimension `service` = {@link RELAY_SERVICE_NAME}
 * (Powertools' default dimension; a metric emitted with extra dimensions is a different metric
 * to CloudWatch and would not reach the alarms).
 */
import { Duration } from 'aws-cdk-lib';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';

export const RELAY_METRICS_NAMESPACE = 'KeeperJiraRelay';
export const RELAY_SERVICE_NAME = 'keeper-jira-relay';

/**
 * Counters: emitted once per event with value 1 (unit Count), except `TimeToTicket`, the time
 * from receipt to the Jira issue's creation in Milliseconds, emitted once per delivered alert.
 * Rules add `AlertsSuppressed` (a rule said no ticket), `AlertsGrouped` (a repeat joined its
 * group's issue), `StormAlerts` (past a rule's hourly cap, joined the storm issue) and
 * `GroupComments` (one Jira edit reporting a group's repeats).
 */
export const RELAY_COUNTERS = {
  alertsReceived: 'AlertsReceived',
  alertsDelivered: 'AlertsDelivered',
  alertsDuplicate: 'AlertsDuplicate',
  alertsQueued: 'AlertsQueued',
  alertsParked: 'AlertsParked',
  alertsFailed: 'AlertsFailed',
  alertsSuppressed: 'AlertsSuppressed',
  alertsGrouped: 'AlertsGrouped',
  stormAlerts: 'StormAlerts',
  groupComments: 'GroupComments',
  webhookAuthFailures: 'WebhookAuthFailures',
  timeToTicket: 'TimeToTicket',
} as const;

/**
 * Gauges: emitted by every run of the 5-minute sweep (the deliver function's `{"task":"sweep"}`).
 * - `ParkedAlertsOverdue`: alerts parked (no usable Jira connection or configuration) for more
 *   than 15 minutes; 0 when none. Emitted on every sweep: the sweep-missing alarm relies on it.
 * - `ConnectionReconnectRequired`: 1 when the Jira connection needs an admin to reconnect
 *   (grant revoked or expired), else 0.
 * - `GrantDaysRemaining`: whole days until the Atlassian grant's 365-day absolute refresh-token
 *   lifetime ends; emitted only while connected.
 */
export const RELAY_GAUGES = {
  parkedAlertsOverdue: 'ParkedAlertsOverdue',
  connectionReconnectRequired: 'ConnectionReconnectRequired',
  grantDaysRemaining: 'GrantDaysRemaining',
} as const;

export type RelayMetricName =
  | (typeof RELAY_COUNTERS)[keyof typeof RELAY_COUNTERS]
  | (typeof RELAY_GAUGES)[keyof typeof RELAY_GAUGES];

/** A relay business metric as CloudWatch stores it (namespace + `service` dimension). */
export function relayMetric(metricName: RelayMetricName, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: RELAY_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: RELAY_SERVICE_NAME },
    period: Duration.minutes(5),
    statistic: 'Sum',
    ...options,
  });
}
