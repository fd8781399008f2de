import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RelayEnvInput } from '#shared/env.ts';

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
}

/**
 * One relay Lambda with the project's defaults: Node.js 24 on arm64, a minified ESM bundle built
 * by the local esbuild (never Docker), source maps, and its own log group with a retention.
 */
export class RelayFunction extends Construct {
  /** The function; grant it rights with explicit statements, see `relay-stack.ts`. */
  public readonly function: NodejsFunction;
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: RelayFunctionProps) {
    super(scope, id);

    // An explicit log group instead of the `logRetention` custom resource: no extra Lambda,
    // and the group is removed with the (stateless) stack.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

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
