/**
 * The relay's tables on a dynalite of their own for one test file: started before its tests, stopped
 * after them. Read `raw` and `client` inside tests (they exist once `beforeAll` has run).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDocumentClient, createDynamoDbClient } from '#adapters/dynamodb-client.ts';
import { type DynaliteServer, ensureTables, startDynalite } from '#local/dynalite-server.ts';

export const TABLE_NAMES = { configTable: 'relay-config', ledgerTable: 'relay-ledger' } as const;

export interface DynaliteTables {
  readonly raw: DynamoDBClient;
  readonly client: DynamoDBDocumentClient;
}

export function useDynaliteTables(): DynaliteTables {
  let server: DynaliteServer | undefined;
  let raw: DynamoDBClient | undefined;
  let client: DynamoDBDocumentClient | undefined;
  beforeAll(async () => {
    server = await startDynalite({ port: 0 });
    raw = createDynamoDbClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTables(raw, TABLE_NAMES);
    client = createDocumentClient({ client: raw });
  });
  afterAll(async () => {
    raw?.destroy();
    await server?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('dynalite is not started yet: read the tables inside a test');
    return value;
  };
  return {
    get raw() {
      return ready(raw);
    },
    get client() {
      return ready(client);
    },
  };
}
