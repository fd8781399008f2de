/**
 * The alert id: a hash of the canonical body. Keeper's bodies carry no event id
 * (docs/keeper-alert-facts.md, "The request"), so the content is the identity: the same alert
 * re-sent with other whitespace or key order must map to the same ledger record and the same ticket.
 */
import { createHash } from 'node:crypto';
import { isRecord, withoutBom } from './keeper-alert.ts';

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
  const id = alertId.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 16);
  return `${ALERT_LABEL_PREFIX}${id || 'unknown'}`;
}

// Written as a string builder, not by re-building sorted objects: assigning a parsed
// `"__proto__"` key to a fresh object would change its prototype instead of adding the key.
// Iterative, with its own stack: a body nested a hundred thousand levels deep fits in the size cap
// and would overflow the call stack of a recursive walk (and of JSON.stringify) before the ledger write.
function canonicalJson(root: unknown): string {
  const out: string[] = [];
  // Each entry is a value still to write, or literal text (closing brackets, commas, keys).
  const stack: ({ value: unknown } | { text: string })[] = [{ value: root }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown } | { text: string };
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const { value } = next;
    if (Array.isArray(value)) {
      out.push('[');
      stack.push({ text: ']' });
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push({ text: ',' });
      }
    } else if (isRecord(value)) {
      out.push('{');
      stack.push({ text: '}' });
      const keys = Object.keys(value).sort();
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        stack.push({ value: value[key] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
    } else {
      out.push(JSON.stringify(value));
    }
  }
  return out.join('');
}
