/**
 * Synth-time settings read from CDK context (`-c key=value` or cdk.json "context"). Only
 * non-secret choices live here; the deploy-time values (client id and secret, Jira site, alarm
 * e-mail) are CloudFormation parameters of the stack (relay-stack.ts).
 */
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { AdminSiteDomain } from './constructs/admin-site.ts';
import { ALARM_THRESHOLDS } from './constructs/alarms.ts';
import { DEFAULT_THROTTLES } from './constructs/webhook-api.ts';

/** Context keys the app reads. */
export const CONTEXT_KEYS = {
  relayName: 'relayName',
  webhookRateLimit: 'webhookRateLimit',
  webhookBurstLimit: 'webhookBurstLimit',
  adminRateLimit: 'adminRateLimit',
  adminBurstLimit: 'adminBurstLimit',
  adminDomainName: 'adminDomainName',
  adminCertificateArn: 'adminCertificateArn',
  webhookAuthFailureThreshold: 'webhookAuthFailureThreshold',
  originSecretGeneration: 'originSecretGeneration',
} as const;

export interface RelayContext {
  /** Stack name (default KeeperJiraRelay); several relays in one account/region need different names. */
  readonly relayName: string;
  readonly webhookThrottle: ThrottleSettings;
  readonly adminThrottle: ThrottleSettings;
  readonly adminDomain?: AdminSiteDomain;
  readonly webhookAuthFailureThreshold: number;
  readonly originSecretGeneration: number;
}

/** Reads and validates the context; throws one error naming every bad value. */
export function readRelayContext(tryGetContext: (key: string) => unknown): RelayContext {
  const problems: string[] = [];
  const positiveInt = (key: string, fallback: number): number => {
    const raw = tryGetContext(key);
    if (raw === undefined) return fallback;
    // `-c key=value` always arrives as a string; cdk.json may hold a number.
    const value =
      typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(value) || value < 1) {
      problems.push(`${key} must be a positive whole number; got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const optionalString = (key: string): string | undefined => {
    const raw = tryGetContext(key);
    if (raw === undefined || raw === '') return undefined;
    if (typeof raw !== 'string') {
      problems.push(`${key} must be a string; got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return raw;
  };

  let relayName = 'KeeperJiraRelay';
  const rawName = tryGetContext(CONTEXT_KEYS.relayName);
  if (rawName !== undefined) {
    // Stack names: letters, digits and hyphens, starting with a letter.
    if (typeof rawName === 'string' && /^[A-Za-z][A-Za-z0-9-]{0,100}$/.test(rawName)) relayName = rawName;
    else
      problems.push(
        `${CONTEXT_KEYS.relayName} must be letters, digits and hyphens, starting with a letter; got ${JSON.stringify(rawName)}`,
      );
  }

  const webhookThrottle = {
    rateLimit: positiveInt(CONTEXT_KEYS.webhookRateLimit, DEFAULT_THROTTLES.webhook.rateLimit),
    burstLimit: positiveInt(CONTEXT_KEYS.webhookBurstLimit, DEFAULT_THROTTLES.webhook.burstLimit),
  };
  const adminThrottle = {
    rateLimit: positiveInt(CONTEXT_KEYS.adminRateLimit, DEFAULT_THROTTLES.admin.rateLimit),
    burstLimit: positiveInt(CONTEXT_KEYS.adminBurstLimit, DEFAULT_THROTTLES.admin.burstLimit),
  };
  const webhookAuthFailureThreshold = positiveInt(
    CONTEXT_KEYS.webhookAuthFailureThreshold,
    ALARM_THRESHOLDS.webhookAuthFailures,
  );

  const originSecretGeneration = positiveInt(CONTEXT_KEYS.originSecretGeneration, 1);

  const domainName = optionalString(CONTEXT_KEYS.adminDomainName);
  const certificateArn = optionalString(CONTEXT_KEYS.adminCertificateArn);
  let adminDomain: AdminSiteDomain | undefined;
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    problems.push(
      `${CONTEXT_KEYS.adminDomainName} and ${CONTEXT_KEYS.adminCertificateArn} go together: give both or neither`,
    );
  } else if (domainName !== undefined && certificateArn !== undefined) {
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
      problems.push(
        `${CONTEXT_KEYS.adminDomainName} must be a lower-case host name such as relay.example.com; got ${JSON.stringify(domainName)}`,
      );
    }
    // CloudFront only accepts certificates from us-east-1.
    if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/.test(certificateArn)) {
      problems.push(
        `${CONTEXT_KEYS.adminCertificateArn} must be an ACM certificate ARN in us-east-1; got ${JSON.stringify(certificateArn)}`,
      );
    }
    adminDomain = { domainName, certificateArn };
  }

  if (problems.length > 0) throw new Error(`Invalid context: ${problems.join('; ')}`);
  return {
    relayName,
    webhookThrottle,
    adminThrottle,
    ...(adminDomain !== undefined && { adminDomain }),
    webhookAuthFailureThreshold,
    originSecretGeneration,
  };
}
