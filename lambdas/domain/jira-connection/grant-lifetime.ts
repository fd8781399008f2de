/**
 * How long the relay's Jira grant has left. Atlassian ends a refresh-token family 365 days after
 * consent whatever its use (docs/jira-cloud-facts.md, "absolute expiry"): only a Jira administrator
 * signing in again starts a new one, so the relay warns well before the end.
 */
import type { Clock, RelayMetrics, SecretStore } from '#domain/ports.ts';
import { type JiraConnection, readConnection } from './connection-record.ts';

export const GRANT_LIFETIME_DAYS = 365;

const DAY_MS = 86_400_000;

/** When Atlassian stops accepting the connection's refresh token, at the latest. */
export function grantExpiresAt(connection: Pick<JiraConnection, 'grantedAt' | 'connectedAt'>): Date {
  return new Date(Date.parse(connection.grantedAt ?? connection.connectedAt) + GRANT_LIFETIME_DAYS * DAY_MS);
}

/** Whole days left before the grant ends (0 once it has ended). */
export function grantDaysRemaining(connection: Pick<JiraConnection, 'grantedAt' | 'connectedAt'>, now: Date): number {
  return Math.max(0, Math.floor((grantExpiresAt(connection).getTime() - now.getTime()) / DAY_MS));
}

/**
 * Reports the connection's gauges: `ConnectionReconnectRequired` (1 while alerts cannot reach Jira
 * until an administrator signs in again) and, while connected, `GrantDaysRemaining`. Nothing is
 * connected yet: 0 and no days (parked alerts raise their own alarm).
 */
export async function reportConnectionHealth(deps: {
  secrets: SecretStore;
  clock: Clock;
  metrics: RelayMetrics;
}): Promise<ConnectionHealth> {
  const connection = await readConnection(deps.secrets);
  const reconnectRequired = connection?.state === 'reconnect_required';
  deps.metrics.gauge('ConnectionReconnectRequired', reconnectRequired ? 1 : 0, 'Count');
  if (connection === undefined || reconnectRequired) return { reconnectRequired };
  const daysRemaining = grantDaysRemaining(connection, deps.clock.now());
  deps.metrics.gauge('GrantDaysRemaining', daysRemaining, 'None');
  return { reconnectRequired, daysRemaining };
}

export interface ConnectionHealth {
  readonly reconnectRequired: boolean;
  /** Present while connected. */
  readonly daysRemaining?: number;
}
