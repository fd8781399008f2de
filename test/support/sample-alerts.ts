/** The Keeper sample alert bodies in test/fixtures/keeper-sample-alerts (origin: the README there). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('../fixtures/keeper-sample-alerts/', import.meta.url));

export interface SampleAlert {
  readonly file: string;
  readonly body: string;
}

/** Every sample, sorted by file name. */
export function sampleAlerts(): SampleAlert[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, body: readFileSync(folder + file, 'utf8') }));
}

/** One sample by file-name prefix, e.g. `01`. */
export function sampleAlert(prefix: string): string {
  const found = sampleAlerts().find((s) => s.file.startsWith(`${prefix}-`));
  if (!found) throw new Error(`no sample alert ${prefix}`);
  return found.body;
}
