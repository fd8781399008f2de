import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readRelayContext } from '../../lib/relay-context.ts';

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('readRelayContext', () => {
  it('defaults to the KeeperJiraRelay stack, 50/100 for the webhook, 10/20 for admin routes and no own domain', () => {
    // Act
    const context = readRelayContext(contextOf({}));

    // Assess
    expect(context).toEqual({
      relayName: 'KeeperJiraRelay',
      webhookThrottle: { rateLimit: 50, burstLimit: 100 },
      adminThrottle: { rateLimit: 10, burstLimit: 20 },
      webhookAuthFailureThreshold: 5,
      originSecretGeneration: 1,
    });
  });

  it('reads throttles given on the command line as strings', () => {
    // Act
    const context = readRelayContext(
      contextOf({
        [CONTEXT_KEYS.webhookRateLimit]: '100',
        [CONTEXT_KEYS.webhookBurstLimit]: '200',
        [CONTEXT_KEYS.adminRateLimit]: 5,
      }),
    );

    // Assess
    expect(context.webhookThrottle).toEqual({ rateLimit: 100, burstLimit: 200 });
    expect(context.adminThrottle).toEqual({ rateLimit: 5, burstLimit: 20 });
  });

  it('takes an own domain only with a us-east-1 certificate', () => {
    // Prepare
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f9e8d7c-1111-2222-3333-444455556666';

    // Act
    const context = readRelayContext(
      contextOf({
        [CONTEXT_KEYS.adminDomainName]: 'jira-relay.example.com',
        [CONTEXT_KEYS.adminCertificateArn]: certificateArn,
      }),
    );

    // Assess
    expect(context.adminDomain).toEqual({ domainName: 'jira-relay.example.com', certificateArn });
    expect(() =>
      readRelayContext(
        contextOf({
          [CONTEXT_KEYS.adminDomainName]: 'jira-relay.example.com',
          [CONTEXT_KEYS.adminCertificateArn]: certificateArn.replace('us-east-1', 'eu-west-1'),
        }),
      ),
    ).toThrow(/us-east-1/);
  });

  it('refuses half a domain, a bad number and a bad stack name, naming each', () => {
    // Act
    const read = () =>
      readRelayContext(
        contextOf({
          [CONTEXT_KEYS.adminDomainName]: 'jira-relay.example.com',
          [CONTEXT_KEYS.webhookRateLimit]: '0',
          [CONTEXT_KEYS.relayName]: '1bad name',
        }),
      );

    // Assess
    expect(read).toThrow(/adminDomainName and adminCertificateArn go together/);
    expect(read).toThrow(/webhookRateLimit must be a positive whole number/);
    expect(read).toThrow(/relayName must be letters/);
  });
});
