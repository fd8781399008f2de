/**
 * Payload fields Keeper documents for alert webhooks and raw ARAM events
 * (docs/keeper-alert-facts.md, "Fields"). Offered in the mapping UI next to fields seen in
 * received alerts.
 */
export const DOCUMENTED_KEEPER_FIELDS = [
  'alert_name',
  'description',
  'audit_event',
  'category',
  'username',
  'remote_address',
  'timestamp',
  'client_version',
  'enterprise_id',
  'record_uid',
  'shared_folder_uid',
  'folder_uid',
  'team_uid',
  'app_uid',
  'to_username',
  'from_username',
  'role_id',
  'node',
  'enforcement',
  'value',
  'channel',
  'result_code',
  'device_name',
  'folder_type',
  'seats',
  'agent_uid',
  'request_uid',
  'request_status',
] as const;

/**
 * The body "Test Web Trigger" sends through the whole pipeline: Keeper's documented example with a
 * fresh timestamp, so every test is a new alert (not a duplicate of the previous test).
 */
export function buildTestAlert(now: Date): Record<string, unknown> {
  return {
    alert_name: 'Test Web Trigger',
    description: 'Test alert sent from the Keeper → Jira relay admin site',
    audit_event: 'audit_alert_resumed',
    category: 'security',
    username: 'relay-test@example.com',
    remote_address: '192.0.2.10',
    timestamp: now.toISOString(),
  };
}
