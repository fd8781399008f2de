import { type CfnParameter, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  BY_RECEIVED_AT_INDEX,
  BY_RECEIVED_AT_PROJECTION,
  BY_STATUS_INDEX,
  BY_STATUS_PROJECTION,
} from '#adapters/dynamodb-alert-ledger.ts';
import { acknowledgeFinding } from './nag.ts';

/** Names of the ledger's global secondary indexes (IAM names each one, never `index/*`). */
export const LEDGER_INDEXES = { byReceivedAt: BY_RECEIVED_AT_INDEX, byStatus: BY_STATUS_INDEX } as const;

/** Props of {@link RelayData}. */
export interface RelayDataProps {
  /** NoEcho parameter holding the Atlassian OAuth client secret; its value goes into Secrets Manager only. */
  readonly clientSecret: CfnParameter;
}

/**
 * The relay's stateful resources: the configuration and ledger tables and the three secrets.
 * Every one is retained when the stack is deleted or the resource would be replaced, the tables
 * have deletion protection and point-in-time recovery, and none has a fixed name, so a stack
 * that is deleted and deployed again never collides with (or silently adopts) the old data.
 */
export class RelayData extends Construct {
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

  public constructor(scope: Construct, id: string, props: RelayDataProps) {
    super(scope, id);

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
    // first without a Scan. Both indexes project only what the lists show (the adapter's own
    // lists, so a renamed attribute breaks compilation): never the raw body, which would be stored
    // and written three times per alert.
    this.ledgerTable.addGlobalSecondaryIndex({
      indexName: LEDGER_INDEXES.byReceivedAt,
      partitionKey: { name: 'listPk', type: AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...BY_RECEIVED_AT_PROJECTION],
    });
    this.ledgerTable.addGlobalSecondaryIndex({
      indexName: LEDGER_INDEXES.byStatus,
      partitionKey: { name: 'status', type: AttributeType.STRING },
      sortKey: { name: 'receivedAt', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...BY_STATUS_PROJECTION],
    });

    // Initial values only. CloudFormation rewrites a secret's value only when this template
    // value changes, so never edit these strings: it would wipe the live tokens / connection.
    // They are not sensitive (an empty list, an empty object), hence unsafePlainText.
    this.webhookTokensSecret = new Secret(this, 'WebhookTokens', {
      description: 'Keeper-Jira relay: SHA-256 hashes of the webhook bearer tokens (written by the admin API)',
      secretStringValue: SecretValue.unsafePlainText('{"tokens":[]}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.webhookTokensSecret,
      'AwsSolutions-SMG4',
      'Holds only SHA-256 hashes of webhook tokens. A token is rotated by generating a new one in the admin site ' +
        '(Keeper must be given the new token), which a Secrets Manager rotation Lambda cannot do.',
    );
    this.jiraConnectionSecret = new Secret(this, 'JiraConnection', {
      description: 'Keeper-Jira relay: Jira Cloud connection (rotating OAuth refresh token, cloud id, site)',
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.jiraConnectionSecret,
      'AwsSolutions-SMG4',
      'The relay rotates this itself: Atlassian issues a new refresh token on every refresh (at least daily, by the ' +
        'keep-alive schedule) and the relay writes it here. A second rotation mechanism would race with it.',
    );
    // NoEcho parameter → SecretValue.cfnParameter: the value goes from `cdk deploy --parameters`
    // straight into Secrets Manager; the template and stack events only ever show `****`.
    this.oauthClientSecret = new Secret(this, 'OAuthClientSecret', {
      description: 'Keeper-Jira relay: Atlassian OAuth app client secret',
      secretStringValue: SecretValue.cfnParameter(props.clientSecret),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.oauthClientSecret,
      'AwsSolutions-SMG4',
      'Issued by Atlassian for the OAuth app: it can only be rotated in the Atlassian developer console, then set ' +
        'here with the next deploy (docs/deploy.md, "Rotate the client secret").',
    );
  }
}
