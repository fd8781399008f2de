/** The "try it from a terminal" command shown under Development Tools. Pure: no DOM. */

export const TOKEN_PLACEHOLDER = '<YOUR_TOKEN>';

/** Keeper's documented example alert (Keeper Jira ITSM documentation), verbatim. */
export const SAMPLE_KEEPER_ALERT = {
  alert_name: 'Jira Alerts',
  description: 'Admin john.doe@company.com resumed audit alert',
  audit_event: 'audit_alert_resumed',
  username: 'john.doe@company.com',
  remote_address: '110.227.52.162',
  timestamp: '2025-11-05T05:00:28.091Z',
} as const;

/** POSIX shell single-quoting: `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A copy-paste curl command posting a sample alert to the webhook. With no token the placeholder
 * is used so a screenshot of the page never leaks a secret.
 */
export function curlExample(webhookUrl: string, token?: string, alert: object = SAMPLE_KEEPER_ALERT): string {
  const body = JSON.stringify(alert, null, 2);
  return [
    `curl -X POST ${shellQuote(webhookUrl)} \\`,
    `  -H ${shellQuote(`Authorization: Bearer ${token && token.length > 0 ? token : TOKEN_PLACEHOLDER}`)} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}
