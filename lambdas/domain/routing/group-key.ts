/**
 * Which alerts belong together. A group is a rule plus the values of its grouping key's payload
 * fields (default: event + username); a counter-event pair is an opening event plus the values of
 * the pair's key fields. Both are hashed into short stable ids that name the group's record.
 */
import { createHash } from 'node:crypto';
import type { KeeperAlert } from '#domain/alert/keeper-alert.ts';
import type { CounterEvent, Grouping } from '#domain/relay-config.ts';
import { fieldText } from './rule-conditions.ts';

export interface GroupIdentity {
  /** 32 hex characters; the same rule and key values always give the same id. */
  readonly groupId: string;
  /** Key path → the alert's value (empty when the alert does not have the field). */
  readonly key: Readonly<Record<string, string>>;
}

/** The group of `alert` under rule `ruleId` with grouping key `paths`. */
export function groupOf(alert: KeeperAlert, ruleId: string, paths: readonly string[]): GroupIdentity {
  const values = keyValues(alert, paths);
  return { groupId: hashOf(['group', ruleId, ...values.flat()]), key: Object.fromEntries(values) };
}

/** The storm group of a rule for one hour (`hour` = ISO hour, `2026-11-26T13`). */
export function stormGroupOf(ruleId: string, hour: string): GroupIdentity {
  return { groupId: hashOf(['storm', ruleId, hour]), key: { rule: ruleId, hour } };
}

/** The hour an instant falls in, as storm accounting buckets it (UTC, `2026-11-26T13`). */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/**
 * The id that an opening event of `pair` and its closing event share for the same key values
 * (e.g. `set_two_factor_off` and `set_two_factor_on` for the same username).
 */
export function counterpartId(pair: CounterEvent, alert: KeeperAlert): string {
  return hashOf(['counter', pair.open, pair.close, ...keyValues(alert, pair.key).flat()]);
}

/**
 * How long after its latest occurrence a group takes repeats: its window, or longer when a done
 * issue may still be reopened. Whether a repeat comments, reopens or starts a linked issue is
 * decided when it is reported (`delivery/flush-group.ts`), with the state at hand.
 */
export function liveSpanMs(group: Pick<Grouping, 'windowMinutes' | 'reopenWindowHours'>): number {
  return Math.max(group.windowMinutes * 60_000, group.reopenWindowHours * 3_600_000);
}

/** The pair `alert` opens, if its event opens one. */
export function pairOpenedBy(pairs: readonly CounterEvent[], alert: KeeperAlert): CounterEvent | undefined {
  return pairs.find((pair) => pair.open === alert.event);
}

/** The pair `alert` closes, if its event closes one. */
export function pairClosedBy(pairs: readonly CounterEvent[], alert: KeeperAlert): CounterEvent | undefined {
  return pairs.find((pair) => pair.close === alert.event);
}

/**
 * Each path with the alert's value (empty when the alert does not have the field), as pairs: a
 * path such as `__proto__` stays an ordinary key (`Object.fromEntries` defines own properties).
 */
function keyValues(alert: KeeperAlert, paths: readonly string[]): [string, string][] {
  // `audit_event` and `category` read the resolved values, as mappings do: `unknown` for an
  // unparsed body, the catalog's category when the payload has none.
  return paths.map((path) => [
    path,
    path === 'audit_event' ? alert.event : (fieldText(alert, path) ?? (path === 'category' ? alert.category : '')),
  ]);
}

function hashOf(parts: readonly string[]): string {
  // Each path and each value is its own JSON string, so no text inside one can pass for a
  // separator: (`a=b`, `c`) and (`a`, `b=c`) stay apart, as do `a\nb` + `c` and `a` + `b\nc`.
  return createHash('sha256').update(JSON.stringify(parts), 'utf8').digest('hex').slice(0, 32);
}
