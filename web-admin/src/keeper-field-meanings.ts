/**
 * What each documented Keeper alert field holds, in an administrator's words, for the Field Mapping
 * picker (docs/keeper-alert-facts.md, "Fields"). Fields seen only in received alerts have no entry
 * and are shown by name.
 */
export const KEEPER_FIELD_MEANINGS: Readonly<Record<string, string>> = {
  alert_name: 'name of the Keeper alert rule that fired',
  description: 'the event message as Keeper words it',
  audit_event: 'event code, e.g. login_failure',
  category: 'event category, e.g. breachwatch or share',
  username: 'who did it, usually an e-mail address',
  remote_address: 'IP address of the client',
  timestamp: 'when it happened (UTC)',
  client_version: 'Keeper app and version used',
  enterprise_id: 'Keeper enterprise number',
  record_uid: 'ID of the vault record concerned',
  shared_folder_uid: 'ID of the shared folder concerned',
  folder_uid: 'ID of the folder concerned',
  team_uid: 'ID of the team concerned',
  app_uid: 'ID of the Secrets Manager application',
  to_username: 'the user something was shared with',
  from_username: 'the user who shared it',
  role_id: 'ID of the admin role concerned',
  node: 'organisation node concerned',
  enforcement: 'policy enforcement that changed',
  value: 'new value of a changed setting',
  channel: 'how the user signed in (e.g. Web Vault)',
  result_code: 'result code, e.g. auth_failed',
  device_name: 'name of the device used',
  folder_type: 'kind of folder',
  seats: 'number of licence seats',
  agent_uid: 'ID of the Endpoint Privilege Manager agent',
  request_uid: 'ID of the approval request',
  request_status: 'approval outcome: 1 approved, 2 denied',
};

/** "username — who did it, usually an e-mail address", or the bare path when unknown. */
export function keeperFieldLabel(path: string, seenInAlerts: boolean): string {
  const meaning = KEEPER_FIELD_MEANINGS[path];
  const label = meaning ? `${path} — ${meaning}` : path;
  return seenInAlerts && !meaning ? `${label} (seen in alerts)` : label;
}
