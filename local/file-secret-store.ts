/**
 * The local stand-in for Secrets Manager: one JSON file in the local data folder, written
 * atomically (temp file + rename) so a crash never leaves a half-written refresh token.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretName, SecretStore } from '#domain/ports.ts';

export class FileSecretStore implements SecretStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async get(name: SecretName): Promise<string | undefined> {
    return (await this.readAll())[name];
  }

  async put(name: SecretName, value: string): Promise<void> {
    // Serialise writers inside this process; the file is this runtime's alone.
    const next = this.writing.then(async () => {
      const all = await this.readAll();
      all[name] = value;
      await mkdir(dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(all, null, 2), { mode: 0o600 });
      await rename(temp, this.file);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async readAll(): Promise<Partial<Record<SecretName, string>>> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as Partial<Record<SecretName, string>>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }
}
