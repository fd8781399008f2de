/** The origin-verify value the admin API expects, read from the secret store and cached per instance. */
import type { Clock, SecretStore } from '#domain/ports.ts';

/**
 * Re-read this often so a rotated value is taken up without a redeploy; the distribution and the
 * function disagree for at most this long after a rotation. Four reads an hour per warm instance.
 */
export const ORIGIN_SECRET_CACHE_MS = 15 * 60_000;

export function cachedOriginSecret(secrets: SecretStore, clock: Clock): () => Promise<string | undefined> {
  let cache: { value: Promise<string | undefined>; at: number } | undefined;
  return async () => {
    const now = clock.now().getTime();
    if (cache === undefined || now - cache.at >= ORIGIN_SECRET_CACHE_MS) {
      const value = secrets.get('origin-verify');
      cache = { value, at: now };
      // A failed read is not kept: the next request tries again.
      value.catch(() => {
        if (cache?.value === value) cache = undefined;
      });
    }
    return cache.value;
  };
}
