/**
 * What the process writes to stdout and stderr while `act` runs, as lines. Powertools' Logger and
 * Metrics write through a Console bound to these streams (as in Lambda, where the runtime ships
 * both to CloudWatch Logs), so this is exactly what CloudWatch would receive.
 */
type Write = typeof process.stdout.write;

export async function capturedOutput(act: () => unknown): Promise<string[]> {
  let text = '';
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  const capture = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((arg) => typeof arg === 'function');
    if (typeof done === 'function') done();
    return true;
  }) as Write;
  for (const stream of streams) stream.write = capture;
  try {
    await act();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as Write;
    });
  }
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** The lines that are JSON objects, parsed. */
export function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? [value as Record<string, unknown>]
        : [];
    } catch {
      return [];
    }
  });
}
