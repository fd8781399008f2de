/**
 * Redaction (docs/rules-and-grouping.md, "Redaction"): a rule lists payload paths whose values the
 * ticket must not show. The values are replaced by `[redacted]` in the received text itself, and
 * the alert is read again from that text, so the table, the summary, the mapped fields, the typed
 * fields and the raw block all come from one redacted body and none can show the original.
 *
 * The received text is edited in place rather than re-serialised: only the tokens of the listed
 * values change, so key order, whitespace, indentation, duplicate keys and numbers such as `1e400`
 * stay as they arrived, and searching the text for the secret value (which could also sit under
 * another, unlisted key) is never needed.
 */

import { jsonText } from '#domain/alert/json-text.ts';
import { isRecord, type KeeperAlert, parseAlertBody, withoutBom } from '#domain/alert/keeper-alert.ts';

/** What a redacted value reads in the ticket. */
export const REDACTED = '[redacted]';

const REDACTED_TOKEN = JSON.stringify(REDACTED);
const NESTED = 'event';

export interface Redaction {
  /** The alert as the ticket may show it: every listed value that exists replaced by `[redacted]`. */
  readonly alert: KeeperAlert;
  /** The listed paths that had a value in this alert, in the order listed. */
  readonly redactedPaths: readonly string[];
  /** Why nothing could be redacted although paths were listed (a body that is not a JSON object). */
  readonly skipped?: string;
}

/**
 * Replaces the value of every listed payload path (dot paths, `items.0` for an array item) by
 * `[redacted]` in the alert and in its received text. Like every path the relay reads, a path is
 * looked for at the top level and in the nested raw event (`event`, an object or JSON text), where
 * `event.x` names the event's own `x`. A value that is an object or an array is redacted whole.
 * Never throws; a body that is not a JSON object has no paths and is returned as it is, with
 * `skipped` saying so.
 */
export function redactAlert(alert: KeeperAlert, paths: readonly string[]): Redaction {
  const listed = [...new Set(paths.filter((p) => p !== ''))];
  if (listed.length === 0) return { alert, redactedPaths: [] };
  if (!alert.parsed) {
    return {
      alert,
      redactedPaths: [],
      skipped: 'the body is not a JSON object, so it has no fields to redact; it is shown as received',
    };
  }
  const bom = alert.rawText.length > withoutBom(alert.rawText).length ? alert.rawText.slice(0, 1) : '';
  const edited = redactText(withoutBom(alert.rawText), listed, true);
  if (edited.matched.size === 0) return { alert, redactedPaths: [] };
  const reread = parseAlertBody(bom + edited.text);
  // The edit only swaps value tokens for a string, so the text stays a JSON object; the guard
  // keeps a ticket from ever showing an unredacted body should that assumption break.
  const redacted = reread.parsed ? reread : parseAlertBody(jsonText(redactedCopy(alert.payload, listed)));
  const redactedPaths = listed.filter((p) => edited.matched.has(p));
  return {
    alert: redacted.parsed ? withoutRedactionIssues(redacted, redactedPaths) : redacted,
    redactedPaths,
  };
}

/**
 * The received body with the listed paths redacted, for the file attached to the issue when the
 * ticket cannot show the whole body: the same text the ticket's raw block shows.
 */
export function redactReceivedBody(rawBody: string, paths: readonly string[]): string {
  return redactAlert(parseAlertBody(rawBody), paths).alert.rawText;
}

interface EditedText {
  readonly text: string;
  /** Listed paths that had at least one value. */
  readonly matched: ReadonlySet<string>;
}

/**
 * The JSON text with the values of `listed` replaced. At the top level (`topLevel`), each path
 * also names its place inside the nested event, and a nested event sent as JSON text is edited
 * inside its string.
 */
function redactText(text: string, listed: readonly string[], topLevel: boolean): EditedText {
  // Which listed paths each place in the document stands for.
  const targets = new Map<string, string[]>();
  const addTarget = (place: string, path: string): void => {
    targets.set(place, [...(targets.get(place) ?? []), path]);
  };
  for (const path of listed) {
    const inner = path.startsWith(`${NESTED}.`) ? path.slice(NESTED.length + 1) : path;
    if (topLevel) {
      addTarget(path, path);
      if (inner === path) addTarget(`${NESTED}.${path}`, path);
    } else {
      addTarget(inner, path);
    }
  }
  const spans = valueSpans(text, (place) =>
    targets.has(place) ? 'whole' : topLevel && place === NESTED ? 'string' : undefined,
  );
  const matched = new Set<string>();
  const out: string[] = [];
  let at = 0;
  for (const span of spans) {
    const token = text.slice(span.start, span.end);
    let replacement: string | undefined;
    const paths = targets.get(span.place);
    if (paths !== undefined) {
      replacement = REDACTED_TOKEN;
      for (const p of paths) matched.add(p);
    } else {
      // The nested event as JSON text (Keeper's `#json` variable inside a string template).
      const inner = nestedEventText(token);
      if (inner !== undefined) {
        const edited = redactText(inner, listed, false);
        if (edited.matched.size > 0) {
          replacement = JSON.stringify(edited.text);
          for (const p of edited.matched) matched.add(p);
        }
      }
    }
    if (replacement === undefined) continue;
    out.push(text.slice(at, span.start), replacement);
    at = span.end;
  }
  out.push(text.slice(at));
  return { text: out.join(''), matched };
}

function nestedEventText(token: string): string | undefined {
  if (!token.startsWith('"')) return undefined;
  try {
    const inner: unknown = JSON.parse(token);
    if (typeof inner !== 'string' || !inner.trimStart().startsWith('{')) return undefined;
    return isRecord(JSON.parse(inner)) ? inner : undefined;
  } catch {
    return undefined;
  }
}

/** Where a value of interest sits in the text: `[start, end)` and its dot path. */
interface ValueSpan {
  readonly start: number;
  readonly end: number;
  readonly place: string;
}

/**
 * The spans of the values `wanted` asks for by dot path, in text order: `whole` for any value
 * (values inside it are not visited), `string` for a string value only (any other value is walked
 * as usual). The text is valid JSON (the alert was parsed from it). Walks with its own
 * stack, so a body nested thousands of levels deep costs no call depth.
 */
function valueSpans(text: string, wanted: (place: string) => 'whole' | 'string' | undefined): ValueSpan[] {
  const spans: ValueSpan[] = [];
  const stack: { readonly kind: 'object' | 'array'; readonly place: string; index: number }[] = [];
  const child = (parent: string, segment: string): string => (parent === '' ? segment : `${parent}.${segment}`);
  let i = 0;
  let place = '';
  let root = true;
  for (;;) {
    i = skipSpace(text, i);
    const start = i;
    const opening = text[i];
    const want = root ? undefined : wanted(place);
    if (want === 'whole' || (want === 'string' && opening === '"')) {
      i = skipValue(text, i);
      spans.push({ start, end: i, place });
    } else if (opening === '{' || opening === '[') {
      i = skipSpace(text, i + 1);
      const closing = opening === '{' ? '}' : ']';
      if (text[i] === closing) {
        i += 1;
      } else {
        const frame = { kind: opening === '{' ? ('object' as const) : ('array' as const), place, index: 0 };
        stack.push(frame);
        if (frame.kind === 'object') {
          const key = readKey(text, i);
          i = key.end;
          place = child(frame.place, key.key);
        } else {
          place = child(frame.place, '0');
        }
        root = false;
        continue;
      }
    } else {
      i = skipValue(text, i);
    }
    // After a value: the next member or item, or close containers.
    for (;;) {
      i = skipSpace(text, i);
      const frame = stack.at(-1);
      if (frame === undefined) return spans;
      const next = text[i];
      if (next === ',') {
        i = skipSpace(text, i + 1);
        if (frame.kind === 'object') {
          const key = readKey(text, i);
          i = key.end;
          place = child(frame.place, key.key);
        } else {
          frame.index += 1;
          place = child(frame.place, String(frame.index));
        }
        break;
      }
      if (next === '}' || next === ']') {
        i += 1;
        stack.pop();
        continue;
      }
      // Not JSON after all; what was found so far is still right.
      return spans;
    }
    root = false;
  }
}

/** A member's key at `i` (a string token, then the colon), decoded. */
function readKey(text: string, i: number): { key: string; end: number } {
  const end = skipString(text, i);
  const key = JSON.parse(text.slice(i, end)) as string;
  const colon = skipSpace(text, end);
  return { key, end: colon + 1 };
}

function skipSpace(text: string, i: number): number {
  let at = i;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) break;
    at += 1;
  }
  return at;
}

function skipString(text: string, i: number): number {
  let at = i + 1;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === 0x5c) at += 2;
    else if (code === 0x22) return at + 1;
    else at += 1;
  }
  return at;
}

/** The end of the value starting at `i`: a string, a whole object or array, or a literal. */
function skipValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return skipString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    let at = i;
    while (at < text.length) {
      const ch = text[at];
      if (ch === '"') {
        at = skipString(text, at);
        continue;
      }
      if (ch === '{' || ch === '[') depth += 1;
      else if (ch === '}' || ch === ']') {
        depth -= 1;
        if (depth === 0) return at + 1;
      }
      at += 1;
    }
    return at;
  }
  let at = i;
  while (at < text.length && !',}] \t\n\r'.includes(text[at] as string)) at += 1;
  return at;
}

/** The payload with the listed places replaced (the fallback when the text cannot be edited). */
function redactedCopy(payload: Readonly<Record<string, unknown>>, listed: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(payload) as Record<string, unknown>;
  for (const path of listed) {
    const inner = path.startsWith(`${NESTED}.`) ? path.slice(NESTED.length + 1) : path;
    replaceAt(copy, path);
    if (isRecord(copy[NESTED])) replaceAt(copy[NESTED], inner);
    // A nested event as JSON text cannot be edited in the copy: it is redacted whole.
    else if (typeof copy[NESTED] === 'string' && nestedEventText(JSON.stringify(copy[NESTED])) !== undefined)
      copy[NESTED] = REDACTED;
  }
  return copy;
}

function replaceAt(root: Record<string, unknown>, path: string): void {
  const segments = path.split('.');
  let node: unknown = root;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (Array.isArray(node) && /^\d+$/.test(segment) && Number(segment) < node.length) {
      if (last) node[Number(segment)] = REDACTED;
      else node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      if (last) node[segment] = REDACTED;
      else node = node[segment];
    } else {
      return;
    }
  }
}

/**
 * The alert without the notes that only say a redacted known field is no longer of its type
 * (`enterprise_id` is now the text `[redacted]`): they would tell the reader nothing.
 */
function withoutRedactionIssues(alert: Extract<KeeperAlert, { parsed: true }>, paths: readonly string[]): KeeperAlert {
  const places = paths.flatMap((p) => [p, p.startsWith(`${NESTED}.`) ? p : `${NESTED}.${p}`]);
  const fieldIssues = alert.fieldIssues.filter(
    (issue) => !places.some((p) => issue.startsWith(`${p} `)) && !issue.startsWith(`timestamp ${REDACTED_TOKEN}`),
  );
  return { ...alert, fieldIssues };
}
