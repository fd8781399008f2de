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
