/**
 * CDK entry: reads and validates what the app needs at synth time, creates the one relay stack
 * and runs the AWS rule packs (cdk-nag) on it. No resources here.
 *
 * Deploy parameters are CloudFormation parameters of the one stack, so
 * `npx cdk deploy --all --parameters Name=value ...` reaches the stack that declares them
 * (docs/deploy.md). CloudFormation checks them (AllowedPattern) before anything changes and
 * reuses them on later deploys when they are not passed again:
 *   AtlassianClientId      Atlassian OAuth 2.0 (3LO) app client id
 *   AtlassianClientSecret  NoEcho; stored in Secrets Manager only
 *   JiraSiteUrl            https://<site>.atlassian.net
 *   AlarmEmail             optional; empty = no e-mail subscription
 * Synth needs none of them (`npx cdk synth` works offline on a fresh clone).
 *
 * Context (optional, `-c key=value`; see lib/relay-context.ts and docs/deploy.md): relayName,
 * webhookRateLimit / webhookBurstLimit, adminRateLimit / adminBurstLimit, adminDomainName +
 * adminCertificateArn, webhookAuthFailureThreshold, originSecretGeneration.
 */
import { App, Tags } from 'aws-cdk-lib';
import { readRelayContext } from '../lib/relay-context.ts';
import { RelayStack } from '../lib/relay-stack.ts';
import { addRulePacks } from '../lib/rule-packs.ts';

const app = new App();
const context = readRelayContext((key) => app.node.tryGetContext(key));

// Account and region come from the CLI's profile (CDK_DEFAULT_*). When they are absent (synth
// without credentials) the stack is environment-agnostic, which this app supports.
const env = {
  ...(process.env.CDK_DEFAULT_ACCOUNT !== undefined && { account: process.env.CDK_DEFAULT_ACCOUNT }),
  ...(process.env.CDK_DEFAULT_REGION !== undefined && { region: process.env.CDK_DEFAULT_REGION }),
};

new RelayStack(app, context.relayName, {
  env,
  description: 'Keeper → Jira relay: tables and secrets (retained), functions, HTTP API, queues, admin site, alarms.',
  webhookThrottle: context.webhookThrottle,
  adminThrottle: context.adminThrottle,
  webhookAuthFailureThreshold: context.webhookAuthFailureThreshold,
  originSecretGeneration: context.originSecretGeneration,
  ...(context.adminDomain !== undefined && { adminDomain: context.adminDomain }),
});

Tags.of(app).add('app', 'keeper-jira-relay');

// AWS's rule packs (cdk-nag) run on every synth and deploy; a finding without an acknowledgement stops it.
addRulePacks(app);

app.synth();
