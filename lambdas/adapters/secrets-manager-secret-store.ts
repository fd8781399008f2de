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
  /** Secret ARN or name for each secret the relay uses. */
  readonly secretIds: Readonly<Record<SecretName, string>>;
}

export class SecretsManagerSecretStore implements SecretStore {
  readonly #client: SecretsManagerClient;
  readonly #secretIds: Readonly<Record<SecretName, string>>;

  constructor(options: SecretsManagerSecretStoreOptions) {
    this.#client = options.client;
    this.#secretIds = options.secretIds;
  }

  async get(name: SecretName): Promise<string | undefined> {
    try {
      const result = await this.#client.send(new GetSecretValueCommand({ SecretId: this.#secretIds[name] }));
      return result.SecretString;
    } catch (error) {
      // Also thrown for a secret created without a value yet (no AWSCURRENT version): not set = absent.
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  async put(name: SecretName, value: string): Promise<void> {
    await this.#client.send(new PutSecretValueCommand({ SecretId: this.#secretIds[name], SecretString: value }));
  }
}
