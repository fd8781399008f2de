/**
 * JSON text of a parsed payload value without recursion. A body within the size cap can nest a
 * hundred thousand levels deep; `JSON.stringify` (and any recursive walk) overflows the call stack
 * long before that, so every place that turns payload values back into text goes through here.
 */

export interface JsonTextOptions {
  /** Object keys in sorted order (the canonical form the alert id hashes). */
  readonly sortKeys?: boolean;
  /**
   * Stop once the text is at least this long and return what was written so far: a table cell or
   * a message shows a few hundred characters of a value that may be a quarter of a megabyte.
   */
  readonly maxChars?: number;
}

/**
 * Compact JSON of `root`, the same text `JSON.stringify(root)` gives for a value from `JSON.parse`
 * (with `sortKeys`, keys in `Array.prototype.sort` order), at any depth.
 */
export function jsonText(root: unknown, options: JsonTextOptions = {}): string {
  const max = options.maxChars ?? Number.POSITIVE_INFINITY;
  const out: string[] = [];
  let length = 0;
  const write = (text: string): void => {
    out.push(text);
    length += text.length;
  };
  // Each entry is a value still to write, or literal text (closing brackets, commas, keys).
  const stack: ({ value: unknown } | { text: string })[] = [{ value: root }];
  while (stack.length > 0 && length < max) {
    const next = stack.pop() as { value: unknown } | { text: string };
    if ('text' in next) {
      write(next.text);
      continue;
    }
    const { value } = next;
    if (Array.isArray(value)) {
      write('[');
      stack.push({ text: ']' });
      for (let i = value.length - 1; i >= 0; i -= 1) {
        stack.push({ value: value[i] });
        if (i > 0) stack.push({ text: ',' });
      }
    } else if (isRecord(value)) {
      write('{');
      stack.push({ text: '}' });
      const keys = Object.keys(value);
      if (options.sortKeys) keys.sort();
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i] as string;
        stack.push({ value: value[key] });
        stack.push({ text: `${i > 0 ? ',' : ''}${JSON.stringify(key)}:` });
      }
    } else {
      // Leaves: strings, finite numbers, booleans, null (what JSON.parse produces; 1e400 parses to
      // Infinity, which JSON writes as null, like JSON.stringify).
      write(JSON.stringify(value) ?? 'null');
    }
  }
  return out.join('');
}

// Kept here rather than imported from keeper-alert.ts, which uses this module (no import cycle).
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
