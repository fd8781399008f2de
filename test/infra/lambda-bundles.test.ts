/**
 * The Lambda bundles exactly as `cdk synth` builds them (local esbuild, ESM, minified, form-data
 * aliased to Node's FormData) load and answer: a webhook call without a token gets 401 from the
 * bundled ingest handler. Catches bundling breakage (ESM/CJS interop, aliases) that unit tests,
 * which run the TypeScript sources, cannot see.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayStack } from '../../lib/relay-stack.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };

let assetDirs: Record<string, string>;
const savedEnv = { ...process.env };

beforeAll(() => {
  // Prepare: synthesize the real app into a temp folder
  const outdir = join(tmpdir(), `relay-bundles-${process.pid}`);
  const app = new App({ outdir });
  const relay = new RelayStack(app, 'BundleRelay', {
    env: ENV,
    siteAssetsPath: join(tmpdir(), 'keeper-jira-relay-no-site-build'),
  });
  const assembly = app.synth();
  const functions = Template.fromStack(relay).findResources('AWS::Lambda::Function');
  assetDirs = {};
  for (const [logicalId, resource] of Object.entries(functions)) {
    const key = (resource as { Properties: { Code: { S3Key?: string } } }).Properties.Code.S3Key ?? '';
    const hash = key.replace(/\.zip$/, '');
    if (hash && readdirSync(assembly.directory).includes(`asset.${hash}`))
      assetDirs[logicalId] = join(assembly.directory, `asset.${hash}`);
  }
});

afterAll(() => {
  process.env = savedEnv;
});

describe('lambda bundles', () => {
  it('builds the three relay bundles under 400 KB each, without the mime database', () => {
    const relayFunctions = Object.entries(assetDirs).filter(([id]) => /^(Ingest|Deliver|AdminApi)/.test(id));
    expect(relayFunctions).toHaveLength(3);
    for (const [, dir] of relayFunctions) {
      const bundle = join(dir, 'index.mjs');
      expect(statSync(bundle).size).toBeLessThan(400_000);
      expect(readFileSync(bundle, 'utf8')).not.toContain('application/vnd.openxmlformats');
    }
  });

  it('loads the bundled ingest handler and answers 401 to a webhook without a token', async () => {
    // Prepare: the environment the stack gives the function (values only need to parse)
    Object.assign(process.env, {
      CONFIG_TABLE_NAME: 'config',
      LEDGER_TABLE_NAME: 'ledger',
      WEBHOOK_TOKENS_SECRET_ID: 'tokens',
      JIRA_CONNECTION_SECRET_ID: 'connection',
      OAUTH_CLIENT_SECRET_ID: 'client',
      RETRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/retry',
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
      ATLASSIAN_CLIENT_ID: 'client-id',
      JIRA_SITE_URL: 'https://acme.atlassian.net',
      AWS_REGION: 'eu-west-1',
      LOG_LEVEL: 'SILENT',
    });
    const ingestDir = Object.entries(assetDirs).find(([id]) => id.startsWith('Ingest'))?.[1] ?? '';
    const module = (await import(pathToFileURL(join(ingestDir, 'index.mjs')).href)) as {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    };

    // Act
    const response = await module.handler(
      {
        version: '2.0',
        rawPath: '/webhook',
        headers: {},
        body: '{}',
        isBase64Encoded: false,
        requestContext: { http: { method: 'POST' }, domainName: 'x' },
      },
      { functionName: 'ingest', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 },
    );

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'AUTHENTICATION_FAILED' });
  });
});
