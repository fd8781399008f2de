/**
 * Logging: Powertools Logger in AWS (JSON lines with the Lambda context), behind the domain's
 * EventLog so the domain stays free of AWS packages. Callers pass allow-listed attributes only
 * (alert id, event, dedup key, Jira key, status) — never bodies, headers or tokens.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { EventLog } from '#domain/delivery/delivery-deps.ts';
import type { RelayEnv } from './env.ts';

export function createLogger(env: Pick<RelayEnv, 'LOG_LEVEL'>): Logger {
  return new Logger({ serviceName: 'keeper-jira-relay', logLevel: env.LOG_LEVEL });
}

/**
 * Keys the Powertools Logger writes itself and drops from attributes (with a warning), so an
 * error's text logged as `message` would vanish. The Logger does not export its list.
 */
export const RESERVED_LOG_KEYS: ReadonlySet<string> = new Set([
  'level',
  'message',
  'sampling_rate',
  'service',
  'timestamp',
]);

/** Renames reserved keys (`message` → `messageAttribute`) so no attribute is ever dropped. */
export function safeAttributes(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  if (attributes === undefined) return {};
  if (!Object.keys(attributes).some((key) => RESERVED_LOG_KEYS.has(key))) return attributes;
  return Object.fromEntries(
    Object.entries(attributes).map(([key, value]) => [RESERVED_LOG_KEYS.has(key) ? `${key}Attribute` : key, value]),
  );
}

export function eventLogFrom(logger: Logger): EventLog {
  return {
    info: (message, attributes) => logger.info(message, safeAttributes(attributes)),
    warn: (message, attributes) => logger.warn(message, safeAttributes(attributes)),
    error: (message, attributes) => logger.error(message, safeAttributes(attributes)),
  };
}
