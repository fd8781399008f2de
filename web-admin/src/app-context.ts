/**
 * What every screen needs to know: who is signed in, the relay's status, the saved configuration,
 * and the catalogues that rarely change (cached for the page's lifetime).
 */
import type { ConfigDto, EventDto, KeeperFieldDto, SessionDto, StatusDto } from '#shared/admin-api-types.ts';
import { api, type SiteSettings } from './api-client.ts';
import type { Draft } from './drafts.ts';

/** Whether the relay answered the last status request; `since` is the first unanswered one. */
export type Reachability = { reachable: true } | { reachable: false; since: string };

export interface AppContext {
  settings: SiteSettings;
  session: SessionDto;
  status: StatusDto | null;
  reachability: Reachability;
  config: ConfigDto | null;
  /** Re-reads status and redraws the banner, header and whatever listens (token facts). */
  refreshStatus(): Promise<void>;
  /** Called after every status read, answered or not; returns the unsubscribe. */
  onStatus(listener: () => void): () => void;
  /** Sections with edits not saved yet, by id (unsaved-changes guard, kept over a sign-in). */
  readonly drafts: Map<string, Draft>;
  /** Re-reads the saved configuration. */
  reloadConfig(): Promise<ConfigDto | null>;
  /** Stores a configuration the API just returned and tells the screens. */
  setConfig(config: ConfigDto): void;
  /** Redraws the active tab from scratch (after a reload or reset). */
  rerenderTab(): void;
  events(): Promise<{ events: EventDto[]; categories: string[] }>;
  keeperFields(): Promise<KeeperFieldDto[]>;
  /** Webhook URL from the API status, else from /config.json. */
  webhookUrl(): string;
  siteUrl(): string;
}

export function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export const loadEvents = memo(() => api.events());
export const loadKeeperFields = memo(async () => (await api.keeperFields()).fields);
