import {
  CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { HEALTH_METRICS } from '#shared/health/metric-names.js';
import { invokeGrants } from '#shared/workflows/models/arns.js';
import { type ModelSettings, modelsInUse, readModelSettings } from '#shared/workflows/models/config.js';
import { PrsmAlarms } from './constructs/alarms.js';
import { ArtifactBucket } from './constructs/artifact-bucket.js';
import { ConsoleSite } from './constructs/console-site.js';
import { PrsmHttpApi } from './constructs/http-api.js';
import { PrsmFunction } from './constructs/prsm-function.js';
import { PrsmTable } from './constructs/prsm-table.js';
import { QueueWithDlq } from './constructs/queue-with-dlq.js';
import {
  authorizer,
  catchAllFunction,
  DLQ_VISIBILITY_TIMEOUT_SECONDS,
  dlqName,
  type FunctionSpec,
  functions,
  HEALTH_SWEEP_RATE_MINUTES,
  httpRoutes,
  keyThrottling,
  modelEnvironment,
  type QueueId,
  queues,
  VISIBILITY_TO_TIMEOUT_RATIO,
} from './manifest.js';

const STAGE_PATTERN = /^[a-z0-9-]+$/;

/** A stage names every resource (`prsm-<stage>-...`), so it must be safe in all of those names. */
export function parseStage(value: unknown): string {
  if (typeof value !== 'string' || !STAGE_PATTERN.test(value)) {
    throw new Error(`stage must match ${STAGE_PATTERN} (got ${JSON.stringify(value)})`);
  }
  return value;
}

const constructId = (manifestId: string): string =>
  manifestId.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, char: string) => char.toUpperCase());

export interface PrsmStackProps extends StackProps {
  stage: string;
  /** PRSM_MODEL_* settings over the manifest's `modelEnvironment` (CDK context in infra/app.ts). */
  models?: Record<string, string>;
}

/**
 * The model settings of the functions that ask models, validated at synth by the schema the
 * functions read them with; the roles are written out, so what is granted is what is asked.
 */
function modelSettingsFor(overrides: Record<string, string> = {}): {
  environment: Record<string, string>;
  settings: ModelSettings;
} {
  const given = { ...modelEnvironment, ...overrides };
  if (given.PRSM_MODEL_API_KEY) {
    throw new Error(
      'PRSM_MODEL_API_KEY is for local runs: on AWS the key is a secret (PRSM_MODEL_API_KEY_SECRET)',
    );
  }
  const settings = readModelSettings(given);
  if (settings.openai?.apiKeySecret && !settings.openai.apiKeySecret.startsWith('arn:')) {
    throw new Error(
      "PRSM_MODEL_API_KEY_SECRET must be the secret's full ARN on AWS: the grant names exactly it",
    );
  }
  return {
    environment: {
      ...given,
      PRSM_MODEL_TEACHER: settings.roles.teacher,
      PRSM_MODEL_STUDENT: settings.roles.student,
    },
    settings,
  };
}

/** Everything `infra/manifest.ts` declares, on AWS. */
export class PrsmStack extends Stack {
  readonly stage: string;
  readonly table: PrsmTable;
  readonly bucket: ArtifactBucket;
  /** Manifest queue id -> the queue, its DLQ and the DLQ's alarm. */
  readonly queues = new Map<string, QueueWithDlq>();
  /** The health sweep's score below 60 (not ready), or no sweep at all. */
  readonly healthScoreAlarm: Alarm;
  /** Every alarm of the stage and the SNS topic they notify (docs/operations.md). */
  readonly alarms: PrsmAlarms;
  /** What the functions with `access.models` ask. */
  readonly modelSettings: ModelSettings;
  private readonly modelEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: PrsmStackProps) {
    super(scope, id, props);
    const stage = parseStage(props.stage);
    this.stage = stage;
    const models = modelSettingsFor(props.models);
    this.modelSettings = models.settings;
    this.modelEnvironment = models.environment;
    const prod = stage === 'prod';
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const table = new PrsmTable(this, 'Table', { deletionProtection: prod, removalPolicy });
    const bucket = new ArtifactBucket(this, 'Artifacts', { removalPolicy });
    this.table = table;
    this.bucket = bucket;
    for (const [queueId, spec] of Object.entries(queues)) {
      this.queues.set(queueId, new QueueWithDlq(this, constructId(queueId), { queueId, spec, stage }));
    }

    const baseEnvironment = {
      STAGE: stage,
      TABLE_NAME: table.tableName,
      BUCKET_NAME: bucket.bucketName,
      SCHEDULE_INTERVAL_SECONDS: String(HEALTH_SWEEP_RATE_MINUTES * 60),
      POWERTOOLS_SERVICE_NAME: 'prsm',
      POWERTOOLS_METRICS_NAMESPACE: 'PRSM',
    };
    /** Queue id -> URL for the queues a function sends to, and every queue and DLQ when it watches them. */
    const queueUrlsFor = (access: FunctionSpec['access']): string => {
      const urls: Record<string, string> = {};
      for (const queueId of access.sendsTo ?? []) urls[queueId] = this.queueOf(queueId).queue.queueUrl;
      for (const queueId of access.sendsToDlqOf ?? [])
        urls[dlqName(queueId)] = this.queueOf(queueId).dlq.queueUrl;
      if (access.watchesQueues) {
        for (const [queueId, resource] of this.queues) {
          urls[queueId] = resource.queue.queueUrl;
          urls[dlqName(queueId)] = resource.dlq.queueUrl;
        }
      }
      return this.toJsonString(urls);
    };

    const handlers = new Map<string, PrsmFunction>();
    for (const spec of functions) {
      const fn = new PrsmFunction(this, constructId(spec.id), {
        spec,
        stage,
        removalPolicy,
        environment: {
          ...baseEnvironment,
          QUEUE_URLS: queueUrlsFor(spec.access),
          ...(spec.access.models || spec.access.modelSettings ? this.modelEnvironment : {}),
        },
      });
      handlers.set(spec.id, fn);
      this.grantAccess(fn, spec.access);

      for (const [index, trigger] of spec.triggers.entries()) {
        if (trigger.kind === 'sqs') {
          const { queue, dlq } = this.queueOf(trigger.queue);
          const source = trigger.dlq ? dlq : queue;
          const sourceName = trigger.dlq ? dlqName(trigger.queue) : trigger.queue;
          const visibility = trigger.dlq
            ? DLQ_VISIBILITY_TIMEOUT_SECONDS
            : queues[trigger.queue].visibilityTimeoutSeconds;
          // Lambda refuses a mapping below 1x; AWS advises 6x. Failing at synth is cheaper than at deploy.
          if (visibility < VISIBILITY_TO_TIMEOUT_RATIO * spec.timeoutSeconds) {
            throw new Error(
              `manifest: queue ${sourceName} has a ${visibility} s visibility timeout, below ${VISIBILITY_TO_TIMEOUT_RATIO} x ${spec.id}'s ${spec.timeoutSeconds} s timeout`,
            );
          }
          // The event source grants the consumer receive/delete/change-visibility on its queue.
          fn.addEventSource(
            new SqsEventSource(source, {
              batchSize: trigger.batchSize,
              maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
              reportBatchItemFailures: true,
              ...(trigger.maxConcurrency ? { maxConcurrency: trigger.maxConcurrency } : {}),
            }),
          );
        } else if (trigger.kind === 'schedule') {
          const rate = Duration.minutes(trigger.rateMinutes);
          new Rule(this, `${constructId(spec.id)}Schedule${index}`, {
            description: `Runs ${spec.id} every ${trigger.rateMinutes} min`,
            schedule: Schedule.rate(rate),
            // A scheduled run that is a whole interval late is superseded by the next one.
            targets: [new LambdaFunction(fn, { maxEventAge: rate, retryAttempts: 2 })],
          });
          // EventBridge invokes asynchronously, so Lambda's own retries (2 by default) apply too.
          // None: a failed scheduled run is superseded by the next one, and a retry would only
          // meet the lease of a sweep under way.
          fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: rate });
        }
      }
    }

    // The sweep emits its score as EMF (shared/health/metrics.ts) with these dimensions. Each period
    // holds one sweep: two must breach, so one late sweep alone is no alarm, but no sweep is.
    this.healthScoreAlarm = new Metric({
      namespace: HEALTH_METRICS.namespace,
      metricName: HEALTH_METRICS.score,
      dimensionsMap: { service: baseEnvironment.POWERTOOLS_SERVICE_NAME, stage },
      statistic: 'Minimum',
      period: Duration.minutes(HEALTH_SWEEP_RATE_MINUTES),
    }).createAlarm(this, 'HealthScoreAlarm', {
      alarmDescription: 'The health score is below 60 (not ready) or no sweep ran: see GET /v1/health/report',
      threshold: 60,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.BREACHING,
    });

    const authorizerFunction = new PrsmFunction(this, constructId(authorizer.id), {
      spec: authorizer,
      stage,
      removalPolicy,
      environment: {
        ...baseEnvironment,
        QUEUE_URLS: queueUrlsFor({}),
        API_KEY_THROTTLING: JSON.stringify(keyThrottling),
      },
    });
    this.grantAccess(authorizerFunction, authorizer.access);

    const consoleSite = new ConsoleSite(this, 'Console', { removalPolicy });
    const api = new PrsmHttpApi(this, 'HttpApi', {
      stage,
      routes: httpRoutes(),
      handlers,
      catchAllFunctionId: catchAllFunction().id,
      authorizer: { handler: authorizerFunction },
      removalPolicy,
      corsOrigins: [consoleSite.origin],
    });
    const everyFunction = new Map<string, PrsmFunction>([...handlers, [authorizer.id, authorizerFunction]]);
    const deadLetterConsumer = functions.find((fn) =>
      fn.triggers.some(
        (trigger) => trigger.kind === 'sqs' && trigger.dlq && trigger.queue === 'workflow-phases',
      ),
    );
    const deadLetterFunction = deadLetterConsumer && handlers.get(deadLetterConsumer.id);
    if (!deadLetterFunction) throw new Error('manifest: no consumer of the workflow-phases DLQ');
    this.alarms = new PrsmAlarms(this, 'Alarms', {
      stage,
      functions: everyFunction,
      api: api.api,
      table,
      queues: this.queues,
      healthAlarms: [this.healthScoreAlarm],
      deadLetterLogs: deadLetterFunction.logGroup,
      healthDimensions: { service: baseEnvironment.POWERTOOLS_SERVICE_NAME, stage },
    });
    consoleSite.deploy(api.url);
    new CfnOutput(this, 'ConsoleUrl', { value: consoleSite.origin, description: 'The web console' });
    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the PRSM HTTP API' });
    // Operations scripts (creating the first admin, restores) need the table's name.
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The single DynamoDB table' });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'The artifact bucket' });
  }

  private queueOf(queueId: QueueId): QueueWithDlq {
    const found = this.queues.get(queueId);
    if (!found) throw new Error(`manifest: unknown queue "${queueId}"`);
    return found;
  }

  /** The CloudFormation logical id of a construct's resource, as cdk-nag prints it in a finding. */
  private logicalIdOf(construct: Construct): string {
    const resource = construct.node.defaultChild;
    if (!(resource instanceof CfnElement))
      throw new Error(`${construct.node.path} has no CloudFormation resource`);
    return this.getLogicalId(resource);
  }

  /** Least privilege: exactly what the manifest's `access` declares, and a matching cdk-nag record. */
  private grantAccess(fn: PrsmFunction, access: FunctionSpec['access']): void {
    const { table, bucket } = this;
    const acknowledge = (finding: string, reason: string) => {
      if (fn.role) Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    };
    if (access.table) {
      if (access.table === 'read') table.grantReadData(fn);
      else table.grantReadWriteData(fn);
      if (access.updatesItems) table.grant(fn, 'dynamodb:UpdateItem');
      acknowledge(
        `Resource::<${this.logicalIdOf(table)}.Arn>/index/*`,
        "CDK's table grant repeats the table's actions on its own GSIs (table/<name>/index/*), nothing wider.",
      );
    }
    if (access.bucket) {
      if (access.bucket === 'read') bucket.grantRead(fn);
      else bucket.grantReadWrite(fn);
      const objectsReason = "CDK's bucket grant: object actions on this bucket's objects (<bucket>/*) only.";
      acknowledge(`Resource::<${this.logicalIdOf(bucket)}.Arn>/*`, objectsReason);
      const families = ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
      if (access.bucket === 'readwrite') families.push('s3:DeleteObject*', 's3:Abort*');
      for (const family of families) {
        acknowledge(
          `Action::${family}`,
          `CDK's bucket ${access.bucket} grant uses the ${family} action family, scoped to this one bucket and its objects.`,
        );
      }
    }
    for (const queueId of access.sendsTo ?? []) this.queueOf(queueId).queue.grantSendMessages(fn);
    for (const queueId of access.sendsToDlqOf ?? []) this.queueOf(queueId).dlq.grantSendMessages(fn);
    if (access.watchesQueues) {
      for (const { queue, dlq } of this.queues.values()) {
        queue.grant(fn, 'sqs:GetQueueAttributes');
        dlq.grant(fn, 'sqs:GetQueueAttributes');
      }
    }
    if (access.models) this.grantModels(fn, acknowledge);
  }

  /** Bedrock: InvokeModel on exactly the models in use; OpenAI-compatible: GetSecretValue on its key. */
  private grantModels(fn: PrsmFunction, acknowledge: (finding: string, reason: string) => void): void {
    const settings = this.modelSettings;
    if (settings.provider === 'openai') {
      const secret = settings.openai?.apiKeySecret;
      if (secret) {
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret] }),
        );
      }
      return;
    }
    const scope = { partition: this.partition, region: this.region, account: this.account };
    for (const model of modelsInUse(settings)) {
      for (const grant of invokeGrants(model, scope)) {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['bedrock:InvokeModel'],
            resources: grant.resources,
            ...(grant.conditions ? { conditions: { StringEquals: grant.conditions } } : {}),
          }),
        );
        if (grant.conditions) {
          for (const resource of grant.resources) {
            acknowledge(
              `Resource::${resource.replace(this.partition, '<AWS::Partition>')}`,
              'A cross-region inference profile routes to its foundation model in any of its regions: the grant ' +
                'holds only through that one profile (bedrock:InferenceProfileArn condition), as AWS documents.',
            );
          }
        }
      }
    }
  }
}
