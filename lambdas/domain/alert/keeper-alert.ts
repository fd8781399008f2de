/**
 * The alert as the relay understands it. Keeper's "HTTP Body" is a free template
 * (docs/keeper-alert-facts.md, "The body"), so an authenticated body is never refused here: a JSON
 * object keeps every field, known fields are typed where they have the documented type, and
 * anything else becomes an "unparsed" alert that is still ticketed with its raw text.
 */
import * as z from 'zod/mini';
import { eventCatalog, UNKNOWN } from './event-catalog.ts';
import { normaliseTimestamp } from './timestamp.ts';

/**
 * Known fields of Keeper's webhook bodies and raw ARAM events, with their documented types
 * (docs/keeper-alert-facts.md, "Fields"). Each is checked on its own rather than with one object
 * schema, because a single mistyped field must not cost the alert its other typed fields;
 * unknown keys simply stay in `payload`.
 */
export const keeperAlertFieldSchemas = {
  alert_name: z.string(),
  description: z.string(),
  audit_event: z.string(),
  category: z.string(),
  username: z.string(),
  remote_address: z.string(),
  // Keeper sends ISO-8601 strings; epoch numbers are accepted because raw events call it `created`.
  timestamp: z.union([z.string(), z.number()]),
  client_version: z.string(),
  enterprise_id: z.number().check(z.int()),
} as const;

type KnownField = keyof typeof keeperAlertFieldSchemas;

/** A body that is a JSON object. */
export interface ParsedAlert {
  readonly parsed: true;
  /** The body exactly as received: the ticket's audit trail (docs/ticket-format.md, "Raw payload"). */
  readonly rawText: string;
  /** The whole object as received, unknown and wrongly typed fields included. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The raw event nested under `event` (Keeper's `#json` variable), when the template has one. */
  readonly nestedEvent?: Readonly<Record<string, unknown>>;
  /** `audit_event`, or `unknown`. */
  readonly event: string;
  /** Payload `category`, else the catalog's category of the event, else `unknown`. */
  readonly category: string;
  readonly alertName?: string;
  readonly description?: string;
  readonly username?: string;
  readonly remoteAddress?: string;
  /** ISO-8601 UTC with milliseconds. */
  readonly timestamp?: string;
  readonly clientVersion?: string;
  readonly enterpriseId?: number;
  /** Known fields that did not have their documented type: kept raw in `payload`, described here. */
  readonly fieldIssues: readonly string[];
}

/** A body that is not a JSON object (broken JSON, an array, a bare string or number). */
export interface UnparsedAlert {
  readonly parsed: false;
  /** The body exactly as received. */
  readonly rawText: string;
  readonly event: typeof UNKNOWN;
  readonly category: typeof UNKNOWN;
  /** Why the body could not be read as an object, for the ticket and the ledger. */
  readonly reason: string;
}

export type KeeperAlert = ParsedAlert | UnparsedAlert;

/**
 * Reads a webhook body. Never throws: whatever arrives becomes an alert (rule 2 in
 * docs/webhook-and-delivery.md); the caller refuses only empty or oversized bodies, before calling
 * this.
 */
export function parseAlertBody(raw: string): KeeperAlert {
  let value: unknown;
  try {
    value = JSON.parse(withoutBom(raw));
  } catch (error) {
    return unparsed(raw, `the body is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
  }
  if (!isRecord(value)) {
    return unparsed(raw, `the body is JSON but ${describeJsonType(value)}, not an object`);
  }
  const nestedEvent = readNestedEvent(value);
  const fieldIssues: string[] = [];
  const pick = <K extends KnownField>(key: K): z.infer<(typeof keeperAlertFieldSchemas)[K]> | undefined => {
    const sources: [Record<string, unknown> | undefined, string][] = [
      [value, ''],
      [nestedEvent, 'event.'],
    ];
    for (const [source, prefix] of sources) {
      if (source === undefined || !Object.hasOwn(source, key)) continue;
      const candidate = trimmed(source[key]);
      // Template variables Keeper had no value for arrive as "" or null: treat as absent.
      if (candidate === undefined) continue;
      const result = keeperAlertFieldSchemas[key].safeParse(candidate);
      if (result.success) return result.data as z.infer<(typeof keeperAlertFieldSchemas)[K]>;
      fieldIssues.push(
        `${prefix}${key} should be ${expectedType(key)} but is ${describeJsonType(candidate)}; kept as received`,
      );
    }
    return undefined;
  };

  const event = pick('audit_event') ?? UNKNOWN;
  const rawTimestamp = pick('timestamp');
  const timestamp = rawTimestamp === undefined ? undefined : normaliseTimestamp(rawTimestamp);
  if (rawTimestamp !== undefined && timestamp === undefined) {
    // Quoted and bounded: the value may be any length, and the message goes into the ticket.
    fieldIssues.push(
      `timestamp ${JSON.stringify(truncated(String(rawTimestamp), 80))} is not an ISO-8601 date; kept as received`,
    );
  }
  return stripUndefined({
    parsed: true as const,
    rawText: raw,
    payload: value,
    nestedEvent,
    event,
    category: pick('category') ?? eventCatalog.lookup(event)?.category ?? UNKNOWN,
    alertName: pick('alert_name'),
    description: pick('description'),
    username: pick('username'),
    remoteAddress: pick('remote_address'),
    timestamp,
    clientVersion: pick('client_version'),
    enterpriseId: pick('enterprise_id'),
    fieldIssues,
  });
}

/** One leaf of a payload: its dot path and value (objects are walked, arrays are leaves). */
export interface PayloadLeaf {
  readonly path: string;
  readonly value: unknown;
}

// Deeper nesting is shown as JSON in one cell; keeps the walk bounded on hostile bodies.
const MAX_DEPTH = 8;

/** Every leaf of the payload in document order, e.g. `{path:'event.record_uid', value:'…'}`. */
export function payloadLeaves(payload: Readonly<Record<string, unknown>>): PayloadLeaf[] {
  const leaves: PayloadLeaf[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (isRecord(value) && depth < MAX_DEPTH && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`, depth + 1);
    } else {
      leaves.push({ path, value });
    }
  };
  for (const [key, value] of Object.entries(payload)) walk(value, key, 1);
  return leaves;
}

/**
 * Dot paths of the payload's leaf fields (`event.record_uid`), for the ledger and the mapping
 * picker. Capped at `maxPaths` because the list is stored with every ledger record.
 */
export function fieldPaths(payload: Readonly<Record<string, unknown>>, maxPaths = 500): string[] {
  const paths: string[] = [];
  let chars = 0;
  for (const { path } of payloadLeaves(payload)) {
    // A key thousands of characters long is no use in a picker and would bloat every ledger item.
    if (path.length > MAX_PATH_CHARS) continue;
    if (paths.length >= maxPaths || chars + path.length > MAX_PATHS_CHARS) break;
    paths.push(path);
    chars += path.length;
  }
  return paths;
}

const MAX_PATH_CHARS = 200;
/** Bounds the list's share of a ledger item (DynamoDB items are limited to 400 KB). */
const MAX_PATHS_CHARS = 16_000;

/**
 * Reads a dot path (`event.record_uid`, `items.0`). A key that itself contains dots is found
 * too (`{"a.b": 1}` answers `a.b`): the whole rest of the path is tried as one key first, then
 * each key the rest starts with, shortest first, depth first. Undefined when the path does not
 * exist. Walks with its own stack and looks only at keys that exist, so neither a long path nor
 * a deep payload costs call depth or a scan of every dot.
 */
export function readPath(root: unknown, path: string): unknown {
  if (path === '') return undefined;
  const pending: [unknown, string][] = [[root, path]];
  while (pending.length > 0) {
    const [node, rest] = pending.pop() as [unknown, string];
    if (Array.isArray(node)) {
      // Only the part before the first dot can be an index.
      const dot = rest.indexOf('.');
      const head = dot === -1 ? rest : rest.slice(0, dot);
      const item: unknown = /^\d+$/.test(head) ? node[Number(head)] : undefined;
      if (item === undefined) continue;
      if (dot === -1) return item;
      if (dot < rest.length - 1) pending.push([item, rest.slice(dot + 1)]);
      continue;
    }
    if (!isRecord(node)) continue;
    if (Object.hasOwn(node, rest)) return node[rest];
    // Keys followed by a dot and at least one more character (a trailing dot names nothing).
    const heads = Object.keys(node)
      .filter((key) => key.length < rest.length - 1 && rest.charCodeAt(key.length) === 0x2e && rest.startsWith(key))
      .sort((a, b) => a.length - b.length);
    for (let i = heads.length - 1; i >= 0; i -= 1) {
      const key = heads[i] as string;
      pending.push([node[key], rest.slice(key.length + 1)]);
    }
  }
  return undefined;
}

/**
 * True for a body that carries nothing: no characters, or only JSON whitespace (space, tab, line
 * breaks). Anything else, a byte-order mark included, is content and becomes a ticket (rule 2 in
 * docs/webhook-and-delivery.md).
 */
export function isBlankBody(raw: string): boolean {
  return /^[ \t\r\n]*$/.test(raw);
}

/** The text without a leading UTF-8 byte-order mark, which JSON.parse refuses but editors and some HTTP clients add. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unparsed(rawText: string, reason: string): UnparsedAlert {
  return { parsed: false, rawText, event: UNKNOWN, category: UNKNOWN, reason };
}

/** `event` holds the raw event when the template includes `#json`: as an object, or as JSON text. */
function readNestedEvent(payload: Record<string, unknown>): Record<string, unknown> | undefined {
  const nested = payload['event'];
  if (isRecord(nested)) return nested;
  if (typeof nested === 'string' && nested.trimStart().startsWith('{')) {
    try {
      const inner: unknown = JSON.parse(nested);
      if (isRecord(inner)) return inner;
    } catch {
      // Not JSON after all: it stays an ordinary string field.
    }
  }
  return undefined;
}

function truncated(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function trimmed(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  return text === '' ? undefined : text;
}

function expectedType(key: KnownField): string {
  if (key === 'enterprise_id') return 'an integer';
  if (key === 'timestamp') return 'an ISO-8601 string';
  return 'a string';
}

function describeJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

/** Drops undefined properties so the alert serialises (ledger, logs) without empty keys. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
