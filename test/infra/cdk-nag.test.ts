/**
 * AWS's rule packs (cdk-nag AwsSolutions + Serverless) on the relay stack exactly as bin/app.ts
 * wires them: no finding without an acknowledgement, errors and warnings alike, with and without
 * an own admin domain; every acknowledgement is in the template next to its resource, with a reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { NagPack } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { RelayStack, type RelayStackProps } from '../../lib/relay-stack.ts';
import { addRulePacks } from '../../lib/rule-packs.ts';

const NO_SITE_BUILD = join(tmpdir(), 'keeper-jira-relay-no-site-build');
const outdirs: string[] = [];

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/** Synthesizes the stack with the rule packs and returns every finding they still report. */
function synthWithRulePacks(props: RelayStackProps): { findings: Finding[]; template: Template } {
  const outdir = mkdtempSync(join(tmpdir(), 'relay-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new RelayStack(app, 'NagRelay', { siteAssetsPath: NO_SITE_BUILD, ...props });
  const packs = addRulePacks(app);
  // Synthesis runs the packs as validation plugins and throws on any finding.
  app.synth();
  return { findings: findingsOf(packs, app), template: Template.fromStack(stack) };
}

function findingsOf(packs: NagPack[], app: App): Finding[] {
  return packs.flatMap((pack) =>
    pack.validateScope(app).violations.flatMap((v) =>
      v.violatingResources.map((r) => ({
        rule: v.ruleName,
        severity: v.severity ?? 'error',
        path: r.constructPath ?? '',
      })),
    ),
  );
}

/** `{ logicalId: [rule ids] }` from the template's cdk_nag Metadata. */
function acknowledgements(template: Template): Record<string, { id: string; reason: string }[]> {
  const out: Record<string, { id: string; reason: string }[]> = {};
  for (const [id, resource] of Object.entries(
    template.toJSON().Resources as Record<string, { Metadata?: Record<string, unknown> }>,
  )) {
    const nag = resource.Metadata?.cdk_nag as { rules_to_suppress?: { id: string; reason: string }[] } | undefined;
    if (nag?.rules_to_suppress !== undefined) out[id] = nag.rules_to_suppress;
  }
  return out;
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('cdk-nag rule packs', () => {
  it('report findings on a resource nobody acknowledged (the packs are live)', () => {
    // Prepare
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'relay-nag-live-')) });
    outdirs.push(app.outdir);
    new Queue(new Stack(app, 'Bare'), 'Queue');
    const packs = addRulePacks(app);

    // Act
    const findings = findingsOf(packs, app);

    // Assess
    expect(findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'Serverless-SQSRedrivePolicy']),
    );
    expect(() => app.synth()).toThrow();
  });

  it('leave no unacknowledged error or warning on the environment-agnostic stack (a fresh `cdk synth`)', () => {
    // Act
    const { findings, template } = synthWithRulePacks({});

    // Assess
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => f.severity !== 'error')).toEqual([]);
    const acks = acknowledgements(template);
    const ids = Object.values(acks)
      .flat()
      .map((a) => a.id);
    // The default certificate is acknowledged only because no own domain is configured.
    expect(ids).toContain('AwsSolutions-CFR4');
    for (const [logicalId, rules] of Object.entries(acks)) {
      for (const rule of rules) {
        // A reason worth reading: a sentence, not a placeholder.
        expect(rule.reason.length, `${logicalId} ${rule.id}`).toBeGreaterThan(40);
      }
    }
  });

  it('leave no finding with an own domain and an account, and then need no certificate acknowledgement', () => {
    // Act
    const { findings, template } = synthWithRulePacks({
      env: { account: '123456789012', region: 'eu-west-1' },
      adminDomain: {
        domainName: 'jira-relay.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f9e8d7c-1111-2222-3333-444455556666',
      },
    });

    // Assess
    expect(findings).toEqual([]);
    const ids = Object.values(acknowledgements(template))
      .flat()
      .map((a) => a.id);
    expect(ids).not.toContain('AwsSolutions-CFR4');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Aliases: ['jira-relay.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f9e8d7c-1111-2222-3333-444455556666',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      },
    });
  });
});
