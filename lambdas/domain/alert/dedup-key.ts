/**
 * The alert id: a hash of the canonical body. Keeper's bodies carry no event id
 * (docs/keeper-alert-facts.md, "The request"), so the content is the identity: the same alert
 * re-sent with other whitespace or key order must map to the same ledger record and the same ticket.
 */
import { createHash } from 'node:crypto';
import { jsonText } from './json-text.ts';
import { withoutBom } from './keeper-alert.ts';

/** Prefix of the per-alert Jira label. */
export const ALERT_LABEL_PREFIX = 'keeper-alert-';

/**
 * SHA-256 (hex) of the canonical body: a JSON object or array with keys sorted recursively and no
 * whitespace; any other body (broken JSON, a bare JSON string or number) as its trimmed text.
 */
export function dedupKey(raw: string): string {
  return createHash('sha256').update(canonicalBody(raw), 'utf8').digest('hex');
}

/** The text `dedupKey` hashes (exported for tests and diagnostics). */
export function canonicalBody(raw: string): string {
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(raw));
  } catch {
    return raw.trim();
  }
  return typeof value === 'object' && value !== null ? canonicalJson(value) : raw.trim();
}

/**
 * The stable Jira label of one alert, `keeper-alert-<first 16 hex of the alert id>`: lets the
 * relay find a ticket again after an uncertain create (Jira has no idempotency key). 64 bits keep
 * collisions out of reach for any realistic alert volume.
 */
export function alertLabel(alertId: string): string {
  const id = alertId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 16);
  return `${ALERT_LABEL_PREFIX}${id || 'unknown'}`;
}

// Written as a string builder, not by re-building sorted objects: assigning a parsed
// `"__proto__"` key to a fresh object would change its prototype instead of adding the key.
// Iterative (`jsonText`): a body nested a hundred thousand levels deep fits in the size cap and
// would overflow the call stack of a recursive walk (and of JSON.stringify) before the ledger write.
function canonicalJson(root: unknown): string {
  return jsonText(root, { sortKeys: true });
}
