import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A CloudFormation value as cdk-nag writes it into a finding id, e.g. the `X` of
 * `AwsSolutions-IAM5[Resource::X]`: `{Ref: A}` → `<A>`, `{Fn::GetAtt: [A, B]}` → `<A.B>`,
 * `Fn::Join` concatenated. cdk-nag v3 acknowledges findings only by their exact id, so a
 * construct that acknowledges one wildcard must spell it the same way.
 */
export function nagFindingValue(stack: Stack, value: unknown): string {
  return flatten(stack.resolve(value));
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const record = node as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (record['Fn::Sub'] !== undefined) return flatten(record['Fn::Sub']);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if (record['Fn::ImportValue'] !== undefined) return flatten(record['Fn::ImportValue']);
    if (record.Ref !== undefined) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges one cdk-nag finding on the CloudFormation resource behind `construct` (its
 * default child), so the reason is written into that resource's Metadata only and never spreads
 * to the construct's other resources.
 */
export function acknowledgeFinding(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct.node.defaultChild ?? construct).acknowledge({ id, reason });
}
