/**
 * CDK entry: reads and validates what the app needs at synth time and creates the two stacks.
 * No resources here.
 *
 * Deploy parameters are CloudFormation parameters, so they work with
 * `npx cdk deploy --all --parameters Name=value` (a name without a stack prefix goes to every
 * stack that declares it), are checked by CloudFormation (AllowedPattern) before anything
 * changes, and are reused on later deploys when not passed again:
 *   AtlassianClientId      (relay stack)  Atlassian OAuth 2.0 (3LO) app client id
 *   AtlassianClientSecret  (data stack)   NoEcho; stored in Secrets Manager only
 *   JiraSiteUrl            (relay stack)  https://<site>.atlassian.net
 *   AlarmEmail             (relay stack)  optional; empty = no e-mail subscription
 * Synth needs none of them (`npx cdk synth` works offline on a fresh clone).
 *
 * Context (optional, `-c key=value`):
 *   relayName  prefix of the stack names, for several relays in one account/region
 *              (default KeeperJiraRelay → stacks KeeperJiraRelayData and KeeperJiraRelay).
 */
import { App, Tags } from 'aws-cdk-lib';
import { DataStack } from '../lib/data-stack.ts';
import { RelayStack } from '../lib/relay-stack.ts';

const app = new App();

const relayName = readRelayName(app.node.tryGetContext('relayName'));
// Account and region come from the CLI's profile (CDK_DEFAULT_*). When they are absent (synth
// without credentials) the stacks are environment-agnostic, which this app supports.
const env = {
  ...(process.env.CDK_DEFAULT_ACCOUNT !== undefined && { account: process.env.CDK_DEFAULT_ACCOUNT }),
  ...(process.env.CDK_DEFAULT_REGION !== undefined && { region: process.env.CDK_DEFAULT_REGION }),
};

const data = new DataStack(app, `${relayName}Data`, {
  env,
  description: 'Keeper → Jira relay: stateful resources (tables, secrets). Retained on delete.',
});

new RelayStack(app, relayName, {
  env,
  description: 'Keeper → Jira relay: functions, HTTP API, retry queue, admin site, alarms. Stateless.',
  configTable: data.configTable,
  ledgerTable: data.ledgerTable,
  webhookTokensSecret: data.webhookTokensSecret,
  jiraConnectionSecret: data.jiraConnectionSecret,
  oauthClientSecret: data.oauthClientSecret,
});

Tags.of(app).add('app', 'keeper-jira-relay');

app.synth();

function readRelayName(value: unknown): string {
  if (value === undefined) return 'KeeperJiraRelay';
  // Stack names: letters, digits and hyphens, starting with a letter; leave room for the suffix.
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,100}$/.test(value)) {
    throw new Error(`Context relayName must be letters, digits and hyphens, starting with a letter; got ${JSON.stringify(value)}`);
  }
  return value;
}
