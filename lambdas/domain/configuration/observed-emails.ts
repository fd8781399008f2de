/** E-mail addresses seen in recent alerts, so user-field mappings fed from the payload can be resolved at save time. */
import type { AlertLedger } from '#domain/ports.ts';

/** How many recent alerts are searched, and how many distinct addresses are kept (each costs a Jira user search). */
const RECENT_ALERTS = 200;
const MAX_EMAILS = 50;
/** Bodies read at once: lists carry no bodies, so each alert is one `get`. */
const READS_AT_ONCE = 10;

// Bounded repeats (RFC 5321 lengths): an unbounded `+` before `@` is quadratic on long runs of letters and blocked saves for seconds.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}/g;

/**
 * Distinct e-mail-looking values in the raw bodies of the most recent alerts, lower-cased, newest
 * alerts first. Only saves that map a user field from the payload ask, so the bodies are read here,
 * a few at a time, and no more once enough addresses are found.
 */
export async function observedEmails(ledger: AlertLedger): Promise<string[]> {
  const recent = await ledger.listRecent(RECENT_ALERTS);
  const emails = new Set<string>();
  for (let start = 0; start < recent.items.length && emails.size < MAX_EMAILS; start += READS_AT_ONCE) {
    const batch = recent.items.slice(start, start + READS_AT_ONCE);
    const records = await Promise.all(batch.map((listing) => ledger.get(listing.alertId)));
    for (const record of records) {
      for (const match of record?.rawBody.matchAll(EMAIL) ?? []) emails.add(match[0].toLowerCase());
    }
  }
  return [...emails].slice(0, MAX_EMAILS);
}
