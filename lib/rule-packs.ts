import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';

/**
 * Registers AWS's rule packs (cdk-nag: AwsSolutions and Serverless) on the app. They run at the
 * end of every synth, so also on every deploy, and an unacknowledged finding stops it. Each
 * acknowledgement sits next to its resource (lib/constructs/nag.ts) and is written into the
 * template's Metadata (`cdk_nag.rules_to_suppress`), so a reviewer of the template alone sees
 * each one and why.
 */
export function addRulePacks(app: App): NagPack[] {
  const packs = [
    new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }),
    new ServerlessChecks(app, { writeSuppressionsToCloudFormation: true }),
  ];
  Validations.of(app).addPlugins(...packs);
  return packs;
}
