import { join } from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { bundling } from '../bundling.js';
import type { FunctionSpec } from '../manifest.js';

/** The repository root: entries in the manifest are relative to it, and esbuild runs from it. */
export const projectRoot = join(import.meta.dirname, '..', '..');

const outputFormats = { esm: OutputFormat.ESM, cjs: OutputFormat.CJS } as const;

export interface PrsmFunctionProps {
  spec: Pick<FunctionSpec, 'id' | 'entry' | 'description' | 'memoryMb' | 'timeoutSeconds'>;
  stage: string;
  environment: Record<string, string>;
  /** Of the function's log group. */
  removalPolicy: RemovalPolicy;
}

/**
 * A manifest function with the project's defaults baked in: Node 22 on arm64, the shared esbuild
 * options (local esbuild, never Docker), source maps, X-Ray, and its own log group with a
 * retention. The role is the function's own and starts empty: it may write to that log group and
 * nothing else until the stack grants what the manifest's `access` declares.
 */
export class PrsmFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PrsmFunctionProps) {
    const { spec, stage } = props;
    super(scope, id, {
      functionName: `prsm-${stage}-${spec.id}`,
      description: spec.description,
      entry: join(projectRoot, spec.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): see logGroup.grantWrite below.
      role: new Role(scope, `${id}Role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of prsm-${stage}-${spec.id}`,
      }),
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: props.removalPolicy,
      }),
      environment: {
        ...props.environment,
        // Stack traces point at the TypeScript source, through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: outputFormats[bundling.format],
        minify: bundling.minify,
        sourceMap: bundling.sourcemap,
        target: bundling.target,
        banner: bundling.banner,
        mainFields: [...bundling.mainFields],
        externalModules: [...bundling.externalModules],
        forceDockerBundling: false,
      },
    });
    this.logGroup.grantWrite(this);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundles target node22 (infra/bundling.ts) and the tests run ' +
        'on that major; moving to a newer runtime is a deliberate, tested change.',
    });
    // X-Ray's PutTraceSegments/PutTelemetryRecords (added by tracing ACTIVE) have no resource-level permissions.
    if (this.role) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (tracing ACTIVE).',
      });
    }
  }
}
