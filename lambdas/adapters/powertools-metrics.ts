/**
 * RelayMetrics on Powertools Metrics: CloudWatch embedded metric format (EMF) lines in the
 * function's log, turned into metrics by CloudWatch without an API call. Values are buffered for
 * one invocation and flushed by the `logMetrics` middleware of each handler.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RelayMetrics } from '#domain/ports.ts';

export const METRICS_NAMESPACE = 'KeeperJiraRelay';
export const METRICS_SERVICE = 'keeper-jira-relay';

const EMPTY_FLUSH_NOTICE = 'No application metrics to publish';

/**
 * The Metrics instance of one function. Its own notices go to `logger`; the one it gives after
 * every invocation without a business event (most admin requests) is debug, not a warning.
 */
export function createMetrics(logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: METRICS_SERVICE,
    ...(logger
      ? {
          logger: {
            debug: (...content: unknown[]) => logger.debug(String(content[0])),
            info: (...content: unknown[]) => logger.info(String(content[0])),
            warn: (...content: unknown[]) => {
              const text = String(content[0]);
              if (text.startsWith(EMPTY_FLUSH_NOTICE)) logger.debug(text);
              else logger.warn(text);
            },
            error: (...content: unknown[]) => logger.error(String(content[0])),
          },
        }
      : {}),
  });
}

/** The domain's port on a Powertools Metrics instance (flushed by whoever owns the instance). */
export function relayMetricsFrom(metrics: Metrics): RelayMetrics {
  return {
    count: (name, n = 1) => metrics.addMetric(name, MetricUnit.Count, n),
    gauge: (name, value, unit) =>
      metrics.addMetric(name, unit === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit, value),
    duration: (name, ms) => metrics.addMetric(name, MetricUnit.Milliseconds, ms),
  };
}
