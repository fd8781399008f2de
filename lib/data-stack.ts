import { CfnParameter, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** Name of the NoEcho CloudFormation parameter holding the Atlassian OAuth client secret. */
export const CLIENT_SECRET_PARAMETER = 'AtlassianClientSecret';

/** Props of {@link DataStack}. */
export type DataStackProps = StackProps;

/**
 * Stateful resources: the configuration and ledger tables and the three secrets. Everything here
 * is retained when the stack is deleted and must never be replaced by an update; the stateless
 * relay stack can be destroyed and re-created around it.
 */
export class DataStack extends Stack {
  /** Configuration, history, token metadata, admin sessions, OAuth state and the refresh lease. */
  public readonly configTable: Table;
  /** One item per alert (the source of truth for delivery). */
  public readonly ledgerTable: Table;
  /** SHA-256 hashes of the webhook tokens, never the tokens. */
  public readonly webhookTokensSecret: Secret;
  /** The Jira connection: rotating refresh token, cloud id, site. */
  public readonly jiraConnectionSecret: Secret;
  /** The Atlassian OAuth app's client secret. */
  public readonly oauthClientSecret: Secret;

  public constructor(scope: Construct, id: string, props?: DataStackProps) {
    super(scope, id, props);

    // NoEcho + SecretValue.cfnParameter: the value goes from `cdk deploy --parameters` straight
    // into Secrets Manager; the template and stack events only ever show `****`.
    const clientSecret = new CfnParameter(this, CLIENT_SECRET_PARAMETER, {
      type: 'String',
      noEcho: true,
      minLength: 1,
      description: 'Client secret of the Atlassian OAuth 2.0 (3LO) app (developer.atlassian.com). Stored in Secrets Manager only.',
    });

    const tableDefaults = {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    this.configTable = new Table(this, 'ConfigTable', {
      ...tableDefaults,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });

    this.ledgerTable = new Table(this, 'LedgerTable', {
      ...tableDefaults,
      partitionKey: { name: 'alertId', type: AttributeType.STRING },
    });
    // `listPk` is one constant value on every record, so this index lists all alerts newest
    // first without a Scan; ALL projection because the admin list shows most attributes.
    this.ledgerTable.addGlobalSecondaryIndex({
      indexName: 'byReceivedAt',
      partitionKey: { name: 'listPk', type: AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    this.ledgerTable.addGlobalSecondaryIndex({
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    // Initial values only. CloudFormation rewrites a secret's value only when this template
    // value changes, so never edit these strings: it would wipe the live tokens / connection.
    // They are not sensitive (an empty list, an empty object), hence unsafePlainText.
    this.webhookTokensSecret = new Secret(this, 'WebhookTokens', {
      description: 'Keeper-Jira relay: SHA-256 hashes of the webhook bearer tokens (written by the admin API)',
      secretStringValue: SecretValue.unsafePlainText('{"tokens":[]}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.jiraConnectionSecret = new Secret(this, 'JiraConnection', {
      description: 'Keeper-Jira relay: Jira Cloud connection (rotating OAuth refresh token, cloud id, site)',
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.oauthClientSecret = new Secret(this, 'OAuthClientSecret', {
      description: 'Keeper-Jira relay: Atlassian OAuth app client secret',
      secretStringValue: SecretValue.cfnParameter(clientSecret),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
