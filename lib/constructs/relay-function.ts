import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RelayEnvInput } from '#shared/env.ts';
import { acknowledgeFinding } from './nag.ts';
import { RELAY_METRICS_NAMESPACE, RELAY_SERVICE_NAME } from './relay-metrics.ts';

/** Repository root: bundling resolves entries, the lock file and tsconfig from here, not from the caller's cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild bundles to ESM, but some CommonJS dependencies still call `require()` for Node
 * built-ins; without a real `require` in scope they fail at cold start with
 * "Dynamic require of X is not supported".
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __relayCreateRequire } from 'node:module'; const require = __relayCreateRequire(import.meta.url);";

/** Stand-in for the `form-data` package in the bundles (path relative to the repository root). */
export const NATIVE_FORM_DATA = 'lambdas/shared/native-form-data.ts';

/** Props of {@link RelayFunction}. */
export interface RelayFunctionProps {
  /** Handler file, relative to the repository root, e.g. `lambdas/handlers/ingest.ts`. It must export `handler`. */
  readonly entry: string;
  /** Shown in the Lambda console; say what the function is for. */
  readonly description: string;
  /**
   * The function's environment. Typed as the handlers' own env schema input, so a variable the
   * handlers require and the stack forgets is a compile error here, not a cold-start crash.
   */
  readonly environment: RelayEnvInput;
  /**
   * Memory in MB. Lambda CPU scales with memory, so 512 MB keeps cold starts and TLS handshakes
   * to Jira short at negligible cost for this traffic.
   * @default 512
   */
  readonly memorySize?: number;
  /** @default Duration.seconds(20) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Active X-Ray tracing. Off by default: it costs money per trace and its IAM statement needs
   * `Resource: *`.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Dead-letter queue for failed ASYNCHRONOUS invocations (EventBridge schedules). Leave it
   * unset for functions that are only invoked synchronously (API Gateway); the construct then
   * records why it has none.
   */
  readonly asyncDeadLetterQueue?: IQueue;
}

/**
 * One relay Lambda with the project's defaults: Node.js 24 on arm64, a minified ESM bundle built
 * by the local esbuild (never Docker), source maps, and its own log group with a retention.
 */
export class RelayFunction extends Construct {
  /** The function; grant it rights with explicit statements, see `relay-stack.ts`. */
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;
  /** The function's own role: its log group, plus the statements `relay-stack.ts` adds. */
  public readonly role: Role;

  public constructor(scope: Construct, id: string, props: RelayFunctionProps) {
    super(scope, id);

    // An explicit log group instead of the `logRetention` custom resource: no extra Lambda,
    // and the group is removed with the (stateless) stack.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of the managed AWSLambdaBasicExecutionRole, whose logs:CreateLogGroup /
    // PutLogEvents apply to every log group in the account. This one may write to its own group
    // only (the group exists before the function, so no CreateLogGroup).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(20),
      environment: toLambdaEnvironment(props.environment),
      logGroup: this.logGroup,
      role: this.role,
      ...(props.asyncDeadLetterQueue !== undefined && { deadLetterQueue: props.asyncDeadLetterQueue }),
      tracing: props.tracing === true ? Tracing.ACTIVE : Tracing.DISABLED,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      bundling: {
        // There is no Docker on build machines or in CI; esbuild is a devDependency.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer packages' ESM builds so tree shaking can drop what the handler never calls.
        mainFields: ['module', 'main'],
        minify: true,
        // Linked map (file + sourceMappingURL comment): NODE_OPTIONS below makes Node use it.
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Source text stays out of the map: smaller asset, stack traces still map to file:line.
        sourcesContent: false,
        banner: ESM_REQUIRE_BANNER,
        tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
        // The nodejs24.x runtime ships AWS SDK v3 (ESM-importable); leaving it out keeps the
        // asset small. Bundle it (remove this) only if a feature needs a newer SDK than the runtime's.
        externalModules: ['@aws-sdk/*'],
        // See lambdas/shared/native-form-data.ts: no multipart uploads, so no mime database.
        esbuildArgs: { '--alias:form-data': `./${NATIVE_FORM_DATA}` },
      },
    });
    // Stack traces in the logs point at the TypeScript source. Node reads the map once per cold
    // start; without embedded sources it stays small.
    this.function.addEnvironment('NODE_OPTIONS', '--enable-source-maps');
    // Powertools reads these: every business metric lands in one namespace with one `service`
    // dimension, which is what the alarms and the dashboard query (relay-metrics.ts).
    this.function.addEnvironment('POWERTOOLS_SERVICE_NAME', RELAY_SERVICE_NAME);
    this.function.addEnvironment('POWERTOOLS_METRICS_NAMESPACE', RELAY_METRICS_NAMESPACE);

    if (props.tracing !== true) {
      acknowledgeFinding(
        this.function,
        'Serverless-LambdaTracing',
        'X-Ray is opt-in (RelayFunction tracing prop): it is billed per trace and its IAM statement needs Resource "*". ' +
          'Structured logs carry the request id and EMF metrics carry the outcomes, which is what the runbook uses.',
      );
    }
    if (props.asyncDeadLetterQueue === undefined) {
      acknowledgeFinding(
        this.function,
        'Serverless-LambdaDLQ',
        'Invoked synchronously by API Gateway only. A Lambda DLQ applies to asynchronous invocations, which this ' +
          'function never receives; a failed request is answered with an error and raises the function-errors alarm.',
      );
    }
  }
}

/**
 * Lambda environment values are strings. The env schema coerces numbers itself, so numbers and
 * booleans are written as text; anything else is a programming error in the stack.
 */
export function toLambdaEnvironment(env: RelayEnvInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else throw new Error(`Environment variable ${key} must be a string, number or boolean`);
  }
  return out;
}
