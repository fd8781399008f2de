/**
 * The deploy commands of docs/deploy.md, run exactly as written with the pinned CDK CLI against a
 * loopback stand-in of the AWS APIs (fake credentials, AWS_ENDPOINT_URL). The stand-in checks
 * every CreateChangeSet's parameters against the template it carries, as CloudFormation does.
 * The same command against the earlier two-stack layout is refused, which shows the check bites.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { App, CfnParameter, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/relay-function.ts';
import { RELAY_PARAMETERS } from '../../lib/relay-stack.ts';
import { AwsStandIn, STAND_IN_REGION } from './support/aws-stand-in.ts';

const DOCS = readFileSync(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');

/** The shell block that follows `<!-- tested: <name> -->` in docs/deploy.md. */
function documentedCommand(name: string): string {
  const match = new RegExp(`<!-- tested: ${name} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(DOCS);
  if (match?.[1] === undefined) throw new Error(`docs/deploy.md has no tested block "${name}"`);
  return match[1].trim();
}

interface Run {
  readonly code: number | null;
  readonly output: string;
}

describe('documented cdk deploy', () => {
  const standIn = new AwsStandIn();
  const scratch = mkdtempSync(join(tmpdir(), 'relay-deploy-'));
  /** What the operator's shell would hold (docs/deploy.md reads them before the command). */
  const operatorVariables = { ATLASSIAN_CLIENT_ID: 'relay-client-id', ATLASSIAN_CLIENT_SECRET: 'relay-client-secret' };

  const run = (command: string): Promise<Run> => {
    // Only what the CLI needs: no real profile or credentials can leak in from the developer's shell.
    const env: NodeJS.ProcessEnv = {
      PATH: [join(PROJECT_ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
      HOME: scratch,
      CDK_HOME: join(scratch, '.cdk'),
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CI: 'true',
      AWS_ENDPOINT_URL: standIn.url,
      AWS_ACCESS_KEY_ID: 'AKIASTANDINDEPLOYER',
      AWS_SECRET_ACCESS_KEY: 'stand-in-secret-key',
      AWS_REGION: STAND_IN_REGION,
      AWS_DEFAULT_REGION: STAND_IN_REGION,
      AWS_CONFIG_FILE: join(scratch, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...operatorVariables,
    };
    return new Promise((resolve) => {
      // Asynchronous on purpose: the stand-in answers from this process's event loop.
      const child = spawn('bash', ['-c', command], { cwd: PROJECT_ROOT, env });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('close', (code) => resolve({ code, output }));
    });
  };

  beforeAll(async () => {
    await standIn.start();
  });

  afterAll(async () => {
    await standIn.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('creates the stack with the first-deploy command, every parameter declared by the stack it goes to', async () => {
    // Prepare
    const command = documentedCommand('first-deploy');
    expect(command).toMatch(/^npx cdk deploy --all --require-approval never /);

    // Act
    const result = await run(command);

    // Assess
    expect(result.code, result.output).toBe(0);
    expect(standIn.unknownCalls).toEqual([]);
    expect(standIn.changeSets).toHaveLength(1);
    const [changeSet] = standIn.changeSets;
    expect(changeSet?.refusal).toBeUndefined();
    expect(changeSet?.changeSetType).toBe('CREATE');
    expect(changeSet?.parameters).toEqual({
      [RELAY_PARAMETERS.clientId]: { value: operatorVariables.ATLASSIAN_CLIENT_ID, usePreviousValue: false },
      [RELAY_PARAMETERS.clientSecret]: { value: operatorVariables.ATLASSIAN_CLIENT_SECRET, usePreviousValue: false },
      [RELAY_PARAMETERS.jiraSiteUrl]: { value: 'https://acme.atlassian.net', usePreviousValue: false },
      [RELAY_PARAMETERS.alarmEmail]: { value: 'ops@example.com', usePreviousValue: false },
    });
    expect(standIn.stackStatus(changeSet?.stackName ?? '')).toBe('CREATE_COMPLETE');
    // The CLI printed the outputs the operator needs next.
    for (const output of ['WebhookUrl', 'AdminUrl', 'OAuthCallbackUrl'])
      expect(result.output).toContain(`.${output} = `);
    // The secret never reaches the CLI's output.
    expect(result.output).not.toContain(operatorVariables.ATLASSIAN_CLIENT_SECRET);
  });

  it('updates the stack with the update command, reusing every parameter', async () => {
    // Prepare
    const command = documentedCommand('update');
    const before = standIn.changeSets.length;

    // Act
    const result = await run(command);

    // Assess
    expect(result.code, result.output).toBe(0);
    const changeSets = standIn.changeSets.slice(before);
    expect(changeSets).toHaveLength(1);
    expect(changeSets[0]?.refusal).toBeUndefined();
    expect(changeSets[0]?.changeSetType).toBe('UPDATE');
    for (const name of [
      RELAY_PARAMETERS.clientId,
      RELAY_PARAMETERS.clientSecret,
      RELAY_PARAMETERS.jiraSiteUrl,
      RELAY_PARAMETERS.alarmEmail,
    ]) {
      expect(changeSets[0]?.parameters[name], name).toEqual({ usePreviousValue: true });
    }
    expect(standIn.stackStatus(changeSets[0]?.stackName ?? '')).toBe('UPDATE_COMPLETE');
  });

  it('fails the same command on the earlier two-stack layout: the data stack is refused the relay parameters', async () => {
    // Prepare: the earlier layout, a data stack (client secret) and a relay stack (the others)
    const assemblyDir = join(scratch, 'two-stacks.out');
    const app = new App({ outdir: assemblyDir });
    const dataStack = new Stack(app, 'TwoStackData');
    new CfnParameter(dataStack, RELAY_PARAMETERS.clientSecret, { type: 'String', noEcho: true });
    new CfnWaitConditionHandle(dataStack, 'Placeholder');
    const relayStack = new Stack(app, 'TwoStackRelay');
    for (const name of [RELAY_PARAMETERS.clientId, RELAY_PARAMETERS.jiraSiteUrl])
      new CfnParameter(relayStack, name, { type: 'String' });
    new CfnParameter(relayStack, RELAY_PARAMETERS.alarmEmail, { type: 'String', default: '' });
    new CfnWaitConditionHandle(relayStack, 'Placeholder');
    app.synth();
    const before = standIn.changeSets.length;

    // Act
    const result = await run(`${documentedCommand('first-deploy')} --app ${assemblyDir}`);

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('do not exist in the template');
    const refused = standIn.changeSets.slice(before).filter((c) => c.refusal !== undefined);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.refusal).toMatch(/^Parameters: \[.+\] do not exist in the template$/);
    expect(standIn.stackStatus('TwoStackData')).not.toBe('CREATE_COMPLETE');
  });
});
