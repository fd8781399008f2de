/**
 * The embedded DynamoDB of the local runtime: dynalite on loopback, speaking the real DynamoDB
 * protocol so the production `dynamodb-*` adapters run unchanged. Also creates the two tables the
 * CDK data stack creates in AWS.
 */
import { mkdir } from 'node:fs/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import {
  BY_RECEIVED_AT_INDEX,
  BY_RECEIVED_AT_PROJECTION,
  BY_STATUS_INDEX,
  BY_STATUS_PROJECTION,
} from '#adapters/dynamodb-alert-ledger.ts';

export interface DynaliteServer {
  /** `http://127.0.0.1:<port>`, for the DynamoDB client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 (never on all interfaces: the data includes alert bodies).
 * With `dataDir` the data is persisted with LevelDB; otherwise it lives in memory.
 * Port 0 (the default) picks a free port.
 */
export async function startDynalite(options: { dataDir?: string; port?: number } = {}): Promise<DynaliteServer> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const server = dynalite({
    ...(options.dataDir === undefined ? {} : { path: options.dataDir }),
    // Tables are ACTIVE at once: nothing here models AWS's provisioning delay.
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite is not listening on a TCP port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets of SDK clients would otherwise hold close() open.
        server.closeIdleConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface TableNames {
  readonly configTable: string;
  readonly ledgerTable: string;
}

/**
 * Creates the ConfigTable and LedgerTable (same keys and indexes as the CDK data stack) when they
 * are missing, and waits until both are ACTIVE. TTL is not set: dynalite does not implement it, and
 * the adapters treat expired items as absent anyway. A table kept from an older data folder keeps
 * its indexes as they were (the ledger ignores attributes an index carries beyond a listing).
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  await Promise.all([
    ensureTable(client, configTableDefinition(names.configTable)),
    ensureTable(client, ledgerTableDefinition(names.ledgerTable)),
  ]);
}

export function configTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'alertId', AttributeType: 'S' },
      { AttributeName: 'listPk', AttributeType: 'S' },
      { AttributeName: 'receivedAt', AttributeType: 'S' },
      { AttributeName: 'status', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'alertId', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_RECEIVED_AT_INDEX,
        KeySchema: [
          { AttributeName: 'listPk', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        // Listings only, never the raw body (`dynamodb-alert-ledger.ts`).
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_RECEIVED_AT_PROJECTION] },
      },
      {
        IndexName: BY_STATUS_INDEX,
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_STATUS_PROJECTION] },
      },
    ],
  };
}

async function ensureTable(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const tableName = definition.TableName;
  if (tableName === undefined) throw new Error('Table definition without a name');
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (error) {
      // Another process of the local runtime created it first: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 30 }, { TableName: tableName });
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}
