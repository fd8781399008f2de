/**
 * Alert bodies for tests and the readers of what Jira stored (ADF text, the raw-payload code block).
 */
/** A fresh alert (new dedup key every call) with Keeper's documented fields plus `extra`. */
export function uniqueAlert(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alert_name: 'Failed Logins',
    description: 'User jane.roe@example.com failed to log in',
    audit_event: 'login_failure',
    category: 'login',
    username: 'jane.roe@example.com',
    remote_address: '198.51.100.77',
    timestamp: new Date().toISOString(),
    nonce: Math.random().toString(36).slice(2),
    ...extra,
  };
}

/** Every text of an ADF node, blocks separated by newlines. */
export function adfText(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const n = node as { type?: string; text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(adfText).join(n.type === 'doc' || n.type === 'bulletList' ? '\n' : '');
}

/** The text of the document's code blocks (the raw payload). */
export function codeBlocks(node: unknown): string[] {
  if (node === null || typeof node !== 'object') return [];
  const n = node as { type?: string; content?: unknown[] };
  if (n.type === 'codeBlock') return [adfText(n)];
  return (n.content ?? []).flatMap(codeBlocks);
}

/** True for a `{type: 'doc', version: 1, content: [...]}` ADF document. */
export function isAdfDoc(value: unknown): boolean {
  const v = value as { type?: unknown; version?: unknown; content?: unknown } | null;
  return v !== null && typeof v === 'object' && v.type === 'doc' && v.version === 1 && Array.isArray(v.content);
}

/** A body as a client sends it: its bytes and media type. */
export interface HostileBody {
  readonly name: string;
  readonly bytes: Buffer;
  readonly contentType: string;
}

/** The largest body the webhook accepts (MAX_BODY_BYTES' default). */
export const BODY_CAP_BYTES = 256 * 1024;

/**
 * Authenticated bodies a relay must still turn into exactly one ticket (rule 2): nesting far deeper
 * than any call stack, invalid UTF-8, duplicate keys, numbers no double holds, huge strings,
 * thousands of keys, prototype-named keys, JSON that is not an object, a byte-order mark before
 * nothing but whitespace. Each carries `nonce` text so every call makes new alerts.
 */
export function hostileBodies(nonce: string = Math.random().toString(36).slice(2)): HostileBody[] {
  const json = (name: string, text: string): HostileBody => ({
    name,
    bytes: Buffer.from(text, 'utf8'),
    contentType: 'application/json',
  });
  const deepObject = 40_000;
  const deepArray = 100_000;
  const manyKeys = Array.from({ length: 8_000 }, (_, i) => `"key_${i}":"value ${i}"`).join(',');
  return [
    json(
      'an object nested 40,000 levels deep',
      `{"nonce":"${nonce}","alert_name":"Deep","audit_event":"login_failure","description":${'{"a":'.repeat(deepObject)}1${'}'.repeat(deepObject)}}`,
    ),
    json(
      'an array nested 100,000 levels deep',
      `{"nonce":"${nonce}","event":${'['.repeat(deepArray)}${']'.repeat(deepArray)}}`,
    ),
    json('a bare array nested 100,000 levels deep', `${'['.repeat(deepArray)}"${nonce}"${']'.repeat(deepArray)}`),
    {
      name: 'invalid UTF-8',
      bytes: Buffer.concat([
        Buffer.from(`{"nonce":"${nonce}","alert_name":"Bad bytes `),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('","audit_event":"login_failure"}'),
      ]),
      contentType: 'application/json',
    },
    json(
      'duplicate keys',
      `{"nonce":"${nonce}","audit_event":"record_add","audit_event":"login_failure","username":"a@example.com","username":"b@example.com"}`,
    ),
    json(
      'huge numbers',
      `{"nonce":"${nonce}","audit_event":"login_failure","enterprise_id":1e400,"timestamp":123456789012345678901234567890,"small":-1e-400,"neg":-1e400}`,
    ),
    json(
      'huge strings',
      JSON.stringify({
        nonce,
        alert_name: 'A'.repeat(60_000),
        audit_event: 'E'.repeat(60_000),
        username: `${'u'.repeat(60_000)}@example.com`,
        description: '"\\'.repeat(20_000),
      }),
    ),
    json('thousands of keys', `{"nonce":"${nonce}","audit_event":"login_failure",${manyKeys}}`),
    json(
      '__proto__ and constructor keys',
      `{"nonce":"${nonce}","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":"x","hasOwnProperty":1,"audit_event":"login_failure","alert_name":"Proto"}`,
    ),
    json('a JSON string', JSON.stringify(`a bare string ${nonce}`)),
    json('a JSON array', `[1, "two", {"three": 3}, "${nonce}"]`),
    json('a JSON number', `12345678901234567890123456789${nonce.replace(/\D/g, '').slice(0, 6)}`),
    json('whitespace after a byte-order mark', `\uFEFF ${' '.repeat(nonce.length % 7)}\n\t`),
    {
      name: 'control characters in text',
      bytes: Buffer.from(`not json ${nonce} \u0000\u0001\u001b[31m`, 'utf8'),
      contentType: 'text/plain',
    },
  ];
}
