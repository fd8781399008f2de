/**
 * Unsaved edits of the mapping sections. The shell asks before they are dropped; when the session
 * ends they are kept in this tab's sessionStorage and offered again after signing in, as long as
 * nobody saved another configuration version meanwhile.
 */
import type { ConfigInputDto } from '#shared/admin-api-types.ts';

/** A section with edits: its title (for the question) and its edited part of the configuration. */
export interface Draft {
  title: string;
  read(): Partial<ConfigInputDto>;
}

const KEY = 'keeper-relay-draft';

interface Stashed {
  version: number;
  /** The tab the drafts belong to (`advanced` when absent: stashes made before tabs were told apart). */
  tab?: string;
  titles: string[];
  parts: Partial<ConfigInputDto>;
}

/** Keeps the drafts for after sign-in; does nothing when there are none or storage is refused. */
export function stashDrafts(drafts: ReadonlyMap<string, Draft>, version: number | undefined, tab = 'advanced'): void {
  if (drafts.size === 0 || version === undefined) return;
  const parts: Partial<ConfigInputDto> = {};
  for (const draft of drafts.values()) Object.assign(parts, draft.read());
  const stashed: Stashed = { version, tab, titles: [...drafts.values()].map((d) => d.title), parts };
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(stashed));
  } catch {
    // Private modes may refuse storage: the edits are lost as before, the sign-in still works.
  }
}

/** The drafts of `tab` kept for `version`, taken out of storage; stale ones are dropped. */
export function takeStashedDrafts(
  version: number,
  tab = 'advanced',
): { titles: string[]; parts: Partial<ConfigInputDto> } | undefined {
  if (stashedDraftsTab() !== tab) return undefined;
  let text: string | null = null;
  try {
    text = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  try {
    const stashed = JSON.parse(text) as Partial<Stashed>;
    if (stashed.version !== version || typeof stashed.parts !== 'object' || stashed.parts === null) return undefined;
    return { titles: Array.isArray(stashed.titles) ? stashed.titles.map(String) : [], parts: stashed.parts };
  } catch {
    return undefined;
  }
}

/** The tab whose edits from an ended session wait in this browser tab, if any (read without taking them). */
export function stashedDraftsTab(): string | undefined {
  try {
    const text = window.sessionStorage.getItem(KEY);
    if (text === null) return undefined;
    const tab = (JSON.parse(text) as Partial<Stashed>).tab;
    return typeof tab === 'string' ? tab : 'advanced';
  } catch {
    return undefined;
  }
}
