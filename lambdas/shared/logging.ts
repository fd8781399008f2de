/**
 * Logging: Powertools Logger in AWS (JSON lines with the Lambda context), behind the domain's
 * EventLog so the domain stays free of AWS packages. Callers pass allow-listed attributes only
 * (alert id, event, dedup key, Jira key, status) — never bodies, headers or tokens.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventLog } from '#domain/delivery/deliver-alert.ts';
import type { RelayEnv } from './env.ts';

export function createLogger(env: Pick<RelayEnv, 'LOG_LEVEL'>): Logger {
  return new Logger({ serviceName: 'keeper-jira-relay', logLevel: env.LOG_LEVEL });
}

export function eventLogFrom(logger: Logger): EventLog {
  return {
    info: (message, attributes) => logger.info(message, attributes ?? {}),
    warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    error: (message, attributes) => logger.error(message, attributes ?? {}),
  };
}
