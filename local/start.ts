/**
 * `npm start`: builds the admin site, starts the local runtime and prints where everything is.
 * Ports: RELAY_PORT (default 3000), JIRA_STAND_IN_PORT (default 3001); data: LOCAL_DATA_DIR
 * (default .local-data). With ATLASSIAN_CLIENT_ID, ATLASSIAN_CLIENT_SECRET and JIRA_SITE_URL set,
 * the relay talks to that Jira instead of the embedded stand-in.
 */
import { resolve } from 'node:path';
import { build } from 'vite';
import { startLocalRuntime } from './runtime.ts';

const port = Number(process.env.RELAY_PORT ?? 3000);
const jiraPort = Number(process.env.JIRA_STAND_IN_PORT ?? 3001);
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local-data');

await build({ configFile: resolve(import.meta.dirname, '..', 'web-admin', 'vite.config.ts'), logLevel: 'warn' });
const runtime = await startLocalRuntime({ port, jiraPort, dataDir, quiet: process.env.LOG_LEVEL === 'ERROR' });

const lines = [
  '',
  'Keeper → Jira relay is running on this machine.',
  '',
  `  Admin site      ${runtime.url}/`,
  `  Webhook         POST ${runtime.url}/webhook   (Authorization: Bearer <token>)`,
  runtime.standIn
    ? `  Jira stand-in   ${runtime.jiraUrl}/   (created issues are listed here)`
    : `  Jira            ${runtime.jiraUrl}`,
  `  Data folder     ${dataDir}`,
  '',
  'Next step: open the admin site, "Sign in with Atlassian"' +
    (runtime.standIn ? ' as Alice Admin (the Jira administrator),' : ',') +
    ' pick a project and issue type, save, then generate the webhook token.',
  'Stop with Ctrl+C.',
  '',
];
process.stdout.write(lines.join('\n'));

const stop = async () => {
  await runtime.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
