import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BY_RECEIVED_AT_PROJECTION, BY_STATUS_PROJECTION } from '#adapters/dynamodb-alert-ledger.ts';
import { RELAY_PARAMETERS, RelayStack } from '../../lib/relay-stack.ts';

const CLIENT_SECRET_PARAMETER = RELAY_PARAMETERS.clientSecret;

/** The stateful part of the one relay stack (lib/constructs/relay-data.ts). */
describe('RelayData', () => {
  let stack: RelayStack;
  let template: Template;

  beforeAll(() => {
    const app = new App();
    stack = new RelayStack(app, 'TestRelay', {
      env: { account: '123456789012', region: 'eu-west-1' },
      siteAssetsPath: join(tmpdir(), 'keeper-jira-relay-no-site-build'),
    });
    template = Template.fromStack(stack);
  });

  const tableId = (which: 'configTable' | 'ledgerTable'): string =>
    stack.getLogicalId(stack.data[which].node.defaultChild as CfnElement);
  /** The three relay secrets (the origin secret belongs to the admin site and is not data). */
  const dataSecrets = () => {
    const all = template.findResources('AWS::SecretsManager::Secret');
    const ids = (['webhookTokensSecret', 'jiraConnectionSecret', 'oauthClientSecret'] as const).map((k) =>
      stack.getLogicalId(stack.data[k].node.defaultChild as CfnElement),
    );
    return Object.fromEntries(Object.entries(all).filter(([id]) => ids.includes(id)));
  };

  it('keeps both tables on stack delete and replacement, with deletion protection and PITR', () => {
    // Prepare
    const tables = template.findResources('AWS::DynamoDB::Table');

    // Act
    const ids = Object.keys(tables);

    // Assess
    expect(ids.sort()).toEqual([tableId('configTable'), tableId('ledgerTable')].sort());
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      // SSEEnabled without a key = the AWS-managed aws/dynamodb key.
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('keys the config table by pk + sk', () => {
    // Prepare
    const table = template.findResources('AWS::DynamoDB::Table')[tableId('configTable')];

    // Act
    const keySchema: unknown = table?.Properties.KeySchema;

    // Assess
    expect(keySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('keys the ledger by alertId with the byReceivedAt and byStatus indexes', () => {
    // Prepare
    const table = template.findResources('AWS::DynamoDB::Table')[tableId('ledgerTable')];

    // Act
    const props = table?.Properties;

    // Assess
    expect(props.KeySchema).toEqual([{ AttributeName: 'alertId', KeyType: 'HASH' }]);
    expect(props.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byReceivedAt',
        KeySchema: [
          { AttributeName: 'listPk', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_RECEIVED_AT_PROJECTION] },
      },
      {
        IndexName: 'byStatus',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_STATUS_PROJECTION] },
      },
    ]);
    // The lists never carry the raw body: it would be stored and written three times per alert.
    for (const index of props.GlobalSecondaryIndexes) {
      expect(index.Projection.NonKeyAttributes).not.toContain('rawBodyGz');
      expect(index.Projection.NonKeyAttributes).not.toContain('rawBody');
    }
  });

  it('retains the three secrets with their initial values', () => {
    // Prepare
    const secrets = dataSecrets();

    // Act
    const values = Object.values(secrets).map((s) => s.Properties.SecretString as unknown);

    // Assess
    expect(Object.keys(secrets)).toHaveLength(3);
    for (const secret of Object.values(secrets)) {
      expect(secret.DeletionPolicy).toBe('Retain');
      expect(secret.UpdateReplacePolicy).toBe('Retain');
    }
    expect(values).toEqual(expect.arrayContaining(['{"tokens":[]}', '{}', { Ref: CLIENT_SECRET_PARAMETER }]));
  });

  it('takes the OAuth client secret from a NoEcho parameter and never outputs it', () => {
    // Prepare
    const outputs = template.findOutputs('*');

    // Act
    const outputsJson = JSON.stringify(outputs);

    // Assess
    template.hasParameter(CLIENT_SECRET_PARAMETER, { Type: 'String', NoEcho: true });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: { Ref: CLIENT_SECRET_PARAMETER },
    });
    // Outputs may name the secret's ARN, never the parameter's value.
    expect(outputsJson).not.toContain(CLIENT_SECRET_PARAMETER);
  });

  it('does not generate secret values or attach rotation (the relay writes them itself)', () => {
    // Prepare
    const secrets = Object.values(dataSecrets());

    // Act
    const generated = secrets.filter((s) => s.Properties.GenerateSecretString !== undefined);

    // Assess
    expect(generated).toEqual([]);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});
