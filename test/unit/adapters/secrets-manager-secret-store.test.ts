import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSecretStore } from '#adapters/secrets-manager-secret-store.ts';

const secretsManager = mockClient(SecretsManagerClient);
const secretIds = {
  'webhook-tokens': 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:tokens',
  'jira-connection': 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:connection',
  'oauth-client-secret': 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:client',
} as const;

function secrets(): SecretsManagerSecretStore {
  return new SecretsManagerSecretStore({ client: new SecretsManagerClient({ region: 'eu-west-1' }), secretIds });
}

beforeEach(() => {
  secretsManager.reset();
});

describe('SecretsManagerSecretStore', () => {
  it('reads the SecretString of the secret mapped to the name', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand, { SecretId: secretIds['jira-connection'] })
      .resolves({ SecretString: '{"cloudId":"c"}' });

    // Act
    const value = await secrets().get('jira-connection');

    // Assess
    expect(value).toBe('{"cloudId":"c"}');
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: secretIds['jira-connection'],
    });
  });

  it('returns undefined when the secret or its value does not exist', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    // Act
    const value = await secrets().get('webhook-tokens');

    // Assess
    expect(value).toBeUndefined();
  });

  it('rethrows other errors', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));

    // Act
    const result = secrets().get('webhook-tokens');

    // Assess
    await expect(result).rejects.toThrow('AccessDenied');
  });

  it('asks Secrets Manager on every call (callers cache)', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'x' });
    const store = secrets();

    // Act
    await store.get('oauth-client-secret');
    await store.get('oauth-client-secret');

    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('writes a new value with PutSecretValue', async () => {
    // Prepare
    secretsManager.on(PutSecretValueCommand).resolves({});

    // Act
    await secrets().put('webhook-tokens', '["hash"]');

    // Assess
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: secretIds['webhook-tokens'],
      SecretString: '["hash"]',
    });
  });
});
