/**
 * Timestamps as Keeper sends them (`2025-11-05T05:00:28.091Z`) and as they may arrive from
 * hand-written templates (no millis, an offset, a space instead of `T`, epoch seconds or millis).
 * Parsed by hand rather than with `Date.parse`, which accepts locale formats and guesses.
 */

// date, optional time (seconds and fraction optional), optional zone (Z, ±hh, ±hhmm, ±hh:mm).
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

// Epoch values below this are seconds (Keeper's raw `created`), above it milliseconds:
// 1e11 s is the year 5138, 1e11 ms is 1973.
const EPOCH_SECONDS_LIMIT = 1e11;

/** Parses an ISO-8601 string or epoch number (seconds or milliseconds); undefined if it is neither. */
export function parseTimestamp(value: unknown): Date | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{9,13}$/.test(text)) return fromEpoch(Number(text));
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, fraction, zone] = [
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    Number(`${m[7] ?? ''}000`.slice(0, 3)),
    m[8],
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  // Date.UTC rolls 2025-02-30 over to March: refuse dates that do not exist.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const date = new Date(utc - zoneOffsetMinutes(zone) * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** ISO-8601 UTC with milliseconds (`2025-11-05T05:00:28.000Z`), or undefined when unparseable. */
export function normaliseTimestamp(value: unknown): string | undefined {
  return parseTimestamp(value)?.toISOString();
}

function fromEpoch(value: number): Date | undefined {
  if (!Number.isFinite(value)) return undefined;
  const date = new Date(Math.abs(value) < EPOCH_SECONDS_LIMIT ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  // No zone: Keeper's timestamps are UTC, so a template that dropped the `Z` still means UTC.
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}
