/**
 * SecretStore on AWS Secrets Manager: one secret per SecretName (ids from the stack). No caching
 * here on purpose: each caller decides how stale a value may be (token hashes: seconds; the rotating
 * refresh token: never).
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretName, SecretStore } from '#domain/ports.ts';

export interface SecretsManagerSecretStoreOptions {
  readonly client: SecretsManagerClient;
  /** Secret ARN or name for each secret the relay uses; a secret without an id reads as absent. */
  readonly secretIds: Readonly<Partial<Record<SecretName, string>>>;
}

export class SecretsManagerSecretStore implements SecretStore {
  readonly #client: SecretsManagerClient;
  readonly #secretIds: Readonly<Partial<Record<SecretName, string>>>;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.#client = options.client;
    this.#secretIds = options.secretIds;
  }

  async get(name: SecretName): Promise<string | undefined> {
    const secretId = this.#secretIds[name];
    if (secretId === undefined) return undefined;
    try {
      const result = await this.#client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return result.SecretString;
    } catch (error) {
      // Also thrown for a secret created without a value yet (no AWSCURRENT version): not set = absent.
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async put(name: SecretName, value: string): Promise<void> {
    const secretId = this.#secretIds[name];
    if (secretId === undefined) throw new Error(`No secret id is configured for ${name}`);
    await this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  }
}
