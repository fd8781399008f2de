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
  titles: string[];
  parts: Partial<ConfigInputDto>;
}

/** Keeps the drafts for after sign-in; does nothing when there are none or storage is refused. */
export function stashDrafts(drafts: ReadonlyMap<string, Draft>, version: number | undefined): void {
  if (drafts.size === 0 || version === undefined) return;
  const parts: Partial<ConfigInputDto> = {};
  for (const draft of drafts.values()) Object.assign(parts, draft.read());
  const stashed: Stashed = { version, titles: [...drafts.values()].map((d) => d.title), parts };
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(stashed));
  } catch {
    // Private modes may refuse storage: the edits are lost as before, the sign-in still works.
  }
}

/** The drafts kept for `version`, taken out of storage; stale ones are dropped. */
export function takeStashedDrafts(version: number): { titles: string[]; parts: Partial<ConfigInputDto> } | undefined {
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

/** Whether edits from an ended session wait in this tab (read without taking them). */
export function hasStashedDrafts(): boolean {
  try {
    return window.sessionStorage.getItem(KEY) !== null;
  } catch {
    return false;
  }
}
