/**
 * RelayMetrics for the local runtime: the same EMF JSON lines the Lambdas write (Powertools
 * serializes them), one line per value, appended to a file in the data directory so tests and
 * operators can read what CloudWatch would have received; echoed to stderr unless quiet.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics, relayMetricsFrom } from '#adapters/powertools-metrics.ts';
import type { RelayMetrics } from '#domain/ports.ts';

/** Where the local runtime's EMF lines go, inside its data directory. */
export function metricsFile(dataDir: string): string {
  return join(dataDir, 'metrics.emf.jsonl');
}

export function emfFileMetrics(file: string, options: { echo: boolean }): RelayMetrics {
  const metrics = createMetrics();
  const relay = relayMetricsFrom(metrics);
  // No invocation ends locally to flush a buffer: each value is written at once, in one line.
  const flush = () => {
    const line = `${JSON.stringify(metrics.serializeMetrics())}\n`;
    metrics.clearMetrics();
    appendFileSync(file, line);
    if (options.echo) process.stderr.write(line);
  };
  return {
    count: (name, n) => {
      relay.count(name, n);
      flush();
    },
    gauge: (name, value, unit) => {
      relay.gauge(name, value, unit);
      flush();
    },
    duration: (name, ms) => {
      relay.duration(name, ms);
      flush();
    },
  };
}
