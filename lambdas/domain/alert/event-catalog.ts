/**
 * The Keeper event catalog: event code → category and Admin Console title.
 *
 * Data: `./data/keeper-event-types.json`, generated from Keeper-Security/Commander
 * `keepercommander/constants.py` @ 040221b06d900aa8274f8b9f94ed02a7ed356951 (AUDIT_EVENT_STATE_MAPPING),
 * via the project's reference table of Keeper event types (see `./data/README.md`). It is bundled
 * rather than read at run time so the webhook needs no file system access and no extra I/O on a
 * cold start.
 */
import catalogData from './data/keeper-event-types.json' with { type: 'json' };

export const UNKNOWN = 'unknown';

export interface KeeperEventType {
  /** `audit_event` code, e.g. `login_failure`. */
  readonly event: string;
  /** Keeper category, `unknown` where Keeper's name for the event's group is not known. */
  readonly category: string;
  /** Title Keeper's Admin Console shows for the event. */
  readonly title: string;
}

export interface EventCatalog {
  /** Where the data comes from. */
  readonly source: string;
  /** The event type for a code (exact, case-sensitive: Keeper codes are lower snake_case). */
  lookup(event: string): KeeperEventType | undefined;
  /** Every known event, sorted by code. */
  readonly events: readonly KeeperEventType[];
  /** Every category of the catalog, sorted, `unknown` included. */
  readonly categories: readonly string[];
}

/** Builds a catalog from event entries (exported for tests; the relay uses `eventCatalog`). */
export function createEventCatalog(source: string, entries: readonly KeeperEventType[]): EventCatalog {
  const events = [...entries].sort((a, b) => compare(a.event, b.event));
  const byEvent = new Map(events.map((e) => [e.event, e]));
  const categories = [...new Set(events.map((e) => e.category))].sort(compare);
  return {
    source,
    lookup: (event) => byEvent.get(event),
    events,
    categories,
  };
}

/** Keeper's known events (316 at the pinned Commander commit). */
export const eventCatalog: EventCatalog = createEventCatalog(catalogData.source, catalogData.events);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
