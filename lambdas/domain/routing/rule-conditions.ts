/**
 * Whether an alert meets a rule's condition: event or category in a set, a payload field equal to
 * a value, in a list, matching a pattern or inside a CIDR range, combined with and / or. Values
 * compare as text (a number `8512` equals `"8512"`); a missing field matches nothing.
 */
import { type KeeperAlert, readPath } from '#domain/alert/keeper-alert.ts';
import type { Clause, Condition } from '#domain/relay-config.ts';

/** Longest pattern a rule may hold; patterns are compiled once per configuration. */
export const MAX_PATTERN_CHARS = 500;

export function conditionMatches(condition: Condition, alert: KeeperAlert): boolean {
  const test = (clause: Condition['clauses'][number]): boolean =>
    'match' in clause ? groupMatches(clause.match, clause.clauses, alert) : clauseMatches(clause, alert);
  return condition.match === 'all' ? condition.clauses.every(test) : condition.clauses.some(test);
}

function groupMatches(match: 'all' | 'any', clauses: readonly Clause[], alert: KeeperAlert): boolean {
  return match === 'all' ? clauses.every((c) => clauseMatches(c, alert)) : clauses.some((c) => clauseMatches(c, alert));
}

export function clauseMatches(clause: Clause, alert: KeeperAlert): boolean {
  if (clause.kind === 'event') return clause.in.includes(alert.event);
  if (clause.kind === 'category') return clause.in.includes(alert.category);
  const value = fieldText(alert, clause.path);
  if (value === undefined) return false;
  switch (clause.op) {
    case 'equals':
    case 'in':
      return clause.values.includes(value);
    case 'matches':
      return clause.values.some((pattern) => compiledPattern(pattern)?.test(value) === true);
    case 'cidr':
      return clause.values.some((range) => inCidr(value, range));
  }
}

/**
 * The text of a payload field as conditions and group keys compare it: strings trimmed, numbers and
 * booleans as JSON writes them (`8512`, `true`), anything else (objects, arrays, null) and blank
 * text as undefined. Like summary placeholders and mappings, the path is looked up at the top level
 * first, then in the nested raw event (`event.x` there names the event's own `x`, also when the
 * event arrived as JSON text).
 */
export function fieldText(alert: KeeperAlert, path: string): string | undefined {
  if (!alert.parsed) return undefined;
  const nestedPath = path.startsWith('event.') ? path.slice('event.'.length) : path;
  const candidates = [
    () => readPath(alert.payload, path),
    () => (alert.nestedEvent === undefined ? undefined : readPath(alert.nestedEvent, nestedPath)),
  ];
  for (const read of candidates) {
    const text = scalarText(read());
    if (text !== undefined) return text;
  }
  return undefined;
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  // Keeper sends a variable it had no value for as "": that is a missing field, as everywhere else.
  const text = value.trim();
  return text === '' ? undefined : text;
}

const patterns = new Map<string, RegExp | undefined>();

/** The pattern anchored to the whole value; undefined when it is not a valid regular expression. */
export function compiledPattern(pattern: string): RegExp | undefined {
  if (patterns.has(pattern)) return patterns.get(pattern);
  let compiled: RegExp | undefined;
  try {
    compiled = pattern.length > MAX_PATTERN_CHARS ? undefined : new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    compiled = undefined;
  }
  if (patterns.size > 1000) patterns.clear();
  patterns.set(pattern, compiled);
  return compiled;
}

/** Why a pattern cannot be used, or undefined when it can (save-time validation). */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_CHARS) return `is longer than ${MAX_PATTERN_CHARS} characters`;
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch (error) {
    return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** A parsed CIDR range, or undefined when `range` is not one (`10.0.0.0/8`, `2001:db8::/32`; a bare address is /32 or /128). */
export function parseCidr(range: string): { bits: bigint; prefix: number; width: 32 | 128 } | undefined {
  const [address, prefixText, extra] = range.trim().split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const parsed = addressBits(address);
  if (parsed === undefined) return undefined;
  const prefix = prefixText === undefined ? parsed.width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > parsed.width) return undefined;
  return { bits: parsed.bits, prefix, width: parsed.width };
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in `range`. */
export function inCidr(address: string, range: string): boolean {
  const cidr = parseCidr(range);
  const ip = addressBits(address.trim());
  if (cidr === undefined || ip === undefined) return false;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) still matches IPv4 ranges, and an
  // IPv4 address matches an IPv4-mapped IPv6 range: both name the same host.
  const mapped = ip.width === 128 && ip.bits >> 32n === 0xffffn;
  const bits =
    mapped && cidr.width === 32
      ? ip.bits & 0xffffffffn
      : ip.width === 32 && cidr.width === 128
        ? MAPPED | ip.bits
        : ip.bits;
  const width = mapped && cidr.width === 32 ? 32 : ip.width === 32 && cidr.width === 128 ? 128 : ip.width;
  if (width !== cidr.width) return false;
  const shift = BigInt(cidr.width - cidr.prefix);
  return bits >> shift === cidr.bits >> shift;
}

/** `::ffff:0:0`, the prefix of IPv4-mapped IPv6 addresses. */
const MAPPED = 0xffffn << 32n;

/**
 * An IPv4 or IPv6 address as bits, or undefined when `address` is not one. Parsed here rather than
 * with `node:net` so the domain stays free of network modules; zone ids (`fe80::1%eth0`) and IPv4
 * parts with leading zeros are refused, as ranges never carry them.
 */
function addressBits(address: string): { bits: bigint; width: 32 | 128 } | undefined {
  const v4 = ipv4Bits(address);
  if (v4 !== undefined) return { bits: v4, width: 32 };
  const v6 = ipv6Bits(address);
  return v6 === undefined ? undefined : { bits: v6, width: 128 };
}

const IPV4_PART = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_PART}(?:\\.${IPV4_PART}){3}$`);
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

function ipv4Bits(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(text: string): bigint | undefined {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const split = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = split(halves[0] ?? '');
  const tail = halves.length === 2 ? split(halves[1] ?? '') : [];
  const groups = halves.length === 2 ? tail : head;
  // A trailing dotted IPv4 part (`::ffff:192.0.2.1`) stands for the last two groups.
  const last = groups.at(-1);
  if (last?.includes('.')) {
    const v4 = ipv4Bits(last);
    if (v4 === undefined) return undefined;
    groups.splice(-1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
  }
  const count = head.length + (halves.length === 2 ? tail.length : 0);
  // `::` stands for at least one group of zeros.
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = halves.length === 2 ? [...head, ...Array<string>(8 - count).fill('0'), ...tail] : head;
  if (!all.every((g) => HEX_GROUP.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}
