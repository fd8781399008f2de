/**
 * The relay as its own process, for tests that kill it (SIGKILL) and start it again on the same
 * data folder. Run with tsx; the one argument is JSON `{dataDir, claimSeconds?, searchLagMs?}`.
 * Jira comes from the Atlassian settings in the environment (ATLASSIAN_CLIENT_ID, …), so the
 * Jira the test watches outlives the relay. Prints one JSON line `{"url": …, "jiraUrl": …}` once
 * it listens.
 */
import { startLocalRuntime } from '#local/runtime.ts';

interface RelayProcessArgs {
  readonly dataDir: string;
  readonly claimSeconds?: number;
  readonly searchLagMs?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as RelayProcessArgs;
const runtime = await startLocalRuntime({
  port: 0,
  dataDir: args.dataDir,
  quiet: true,
  delivery: {
    ...(args.claimSeconds !== undefined ? { claimSeconds: args.claimSeconds } : {}),
    ...(args.searchLagMs !== undefined ? { searchLagMs: args.searchLagMs } : {}),
  },
});
process.stdout.write(`${JSON.stringify({ url: runtime.url, jiraUrl: runtime.jiraUrl })}\n`);

process.on('SIGTERM', () => {
  void runtime.close().then(() => process.exit(0));
});
