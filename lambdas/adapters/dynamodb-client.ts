/**
 * The DynamoDB clients shared by the `dynamodb-*` adapters, and the error helpers they use to turn
 * DynamoDB's condition failures into answers (duplicate, conflict, lost claim).
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  type DynamoDBClientConfig,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export interface DynamoDbClientOptions {
  /** Overrides the AWS endpoint (the local runtime points it at dynalite). */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: DynamoDBClientConfig['credentials'];
}

/** The low-level client; needed for table management (`ensureTables`), otherwise use the document client. */
export function createDynamoDbClient(options: DynamoDbClientOptions = {}): DynamoDBClient {
  const config: DynamoDBClientConfig = {};
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.region !== undefined) config.region = options.region;
  if (options.credentials !== undefined) config.credentials = options.credentials;
  return new DynamoDBClient(config);
}

/**
 * The document client every adapter takes. Pass `client` to share one low-level client (and its
 * connection pool) with `ensureTables`; otherwise one is created from the options.
 */
export function createDocumentClient(
  options: DynamoDbClientOptions & { readonly client?: DynamoDBClient } = {},
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(options.client ?? createDynamoDbClient(options), {
    marshallOptions: {
      // Optional fields of domain objects are often present-but-undefined; DynamoDB rejects those.
      removeUndefinedValues: true,
      // Only plain objects are stored; a class instance reaching the table is a bug to surface.
      convertClassInstanceToMap: false,
    },
  });
}

/** True for a failed ConditionExpression (the answer to every optimistic write here). */
export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}

/**
 * The item returned with a ConditionalCheckFailedException when the request asked for
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`. The document client does not unmarshall error
 * payloads, so this does. Undefined when the item did not exist or the server (dynalite) ignores the option.
 */
export function conditionalCheckItem(error: unknown): Record<string, unknown> | undefined {
  if (!isConditionalCheckFailed(error) || error.Item === undefined) return undefined;
  return unmarshall(error.Item);
}

export interface CancellationReason {
  readonly code?: string;
  readonly item?: Record<string, unknown>;
}

/** The per-action reasons of a TransactionCanceledException (request order); undefined for any other error. */
export function transactionCancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({
    ...(reason.Code === undefined ? {} : { code: reason.Code }),
    ...(reason.Item === undefined ? {} : { item: unmarshall(reason.Item) }),
  }));
}
