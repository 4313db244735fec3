import { CfnParameter, Duration, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Subscription, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HEALTH_METRICS } from '#shared/health/metric-names.js';
import { type QueueId, queues } from '../manifest.js';
import type { QueueWithDlq } from './queue-with-dlq.js';

export interface PrsmAlarmsProps {
  stage: string;
  /** Manifest function id -> function (the authorizer too). */
  functions: ReadonlyMap<string, IFunction>;
  api: HttpApi;
  table: Table;
  /** Manifest queue id -> the queue and its DLQ (whose depth alarm `QueueWithDlq` makes). */
  queues: ReadonlyMap<string, QueueWithDlq>;
  /** The health sweep's alarms, made where their metrics are named. */
  healthAlarms: Alarm[];
  /** The log group of the consumer that fails a workflow whose phase message died. */
  deadLetterLogs: ILogGroup;
  healthDimensions: Record<string, string>;
}

/** Thresholds, in one place (docs/operations.md explains each alarm and what to do). */
export const ALARM_LIMITS = {
  periodMinutes: 5,
  api5xxPercent: 1,
  apiP99Ms: 3_000,
  /** A message waiting longer than this (or twice its visibility timeout, if longer) is stuck. */
  oldestMessageSeconds: 300,
} as const;

const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_GET_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.TRANSACT_GET_ITEMS,
];

/** Namespace of the metrics the stack derives from logs (per stage: metric filters take no fixed dimension). */
export const logMetricNamespace = (stage: string): string => `PRSM/${stage}`;
export const WORKFLOWS_FAILED_METRIC = 'WorkflowsFailed';

/**
 * Every alarm of the stage, each notifying one SNS topic, which mails the address given as the
 * stack parameter `AlarmEmail`. Missing data is "not breaching" everywhere but in the health
 * score's alarm: an idle function or queue publishes nothing, and that is fine.
 */
export class PrsmAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PrsmAlarmsProps) {
    super(scope, id);
    const { stage } = props;
    const email = new CfnParameter(scope, 'AlarmEmail', {
      type: 'String',
      description: 'Where the alarms of this stage are mailed (the address confirms the subscription once)',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'an e-mail address',
    });
    this.topic = new Topic(this, 'Topic', {
      topicName: `prsm-${stage}-alarms`,
      displayName: `PRSM ${stage} alarms`,
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no customer data; CloudWatch cannot publish ' +
        'to a topic under the AWS-managed SNS key, and a customer key costs more than what it would protect.',
    });
    new Subscription(this, 'Email', {
      topic: this.topic,
      protocol: SubscriptionProtocol.EMAIL,
      endpoint: email.valueAsString,
    });

    const period = Duration.minutes(ALARM_LIMITS.periodMinutes);
    const above = (
      name: string,
      metric: IMetric,
      threshold: number,
      description: string,
      options: { evaluationPeriods?: number; operator?: ComparisonOperator } = {},
    ) =>
      this.add(
        new Alarm(this, name, {
          metric,
          alarmName: `prsm-${stage}-${name}`,
          alarmDescription: description,
          threshold,
          comparisonOperator: options.operator ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: options.evaluationPeriods ?? 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );

    for (const [functionId, fn] of props.functions) {
      above(
        `${functionId}-errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        0,
        `${functionId} failed invocations (a throw or a timeout)`,
      );
      above(
        `${functionId}-throttles`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        0,
        `${functionId} was throttled (account or reserved concurrency reached)`,
      );
    }

    above(
      'api-5xx-rate',
      new MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.api.metricServerError({ period, statistic: 'Sum' }),
          requests: props.api.metricCount({ period, statistic: 'Sum' }),
        },
        period,
        label: '5xx %',
      }),
      ALARM_LIMITS.api5xxPercent,
      `More than ${ALARM_LIMITS.api5xxPercent} % of API requests answered 5xx`,
    );
    above(
      'api-latency-p99',
      props.api.metricLatency({ period, statistic: 'p99' }),
      ALARM_LIMITS.apiP99Ms,
      `The API's p99 latency is above ${ALARM_LIMITS.apiP99Ms} ms`,
      { evaluationPeriods: 2 },
    );

    for (const [queueId, { queue, dlqAlarm }] of props.queues) {
      const visibility = queues[queueId as QueueId].visibilityTimeoutSeconds;
      const limit = Math.max(ALARM_LIMITS.oldestMessageSeconds, 2 * visibility);
      above(
        `${queueId}-oldest-message`,
        queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        limit,
        `A message of ${queueId} has waited more than ${limit} s: its consumer is stuck or failing`,
      );
      this.add(dlqAlarm);
    }

    // The workflow DLQ is drained by its consumer, so its depth stays near 0: count what it fails.
    new MetricFilter(this, 'WorkflowsFailedFilter', {
      logGroup: props.deadLetterLogs,
      metricNamespace: logMetricNamespace(stage),
      metricName: WORKFLOWS_FAILED_METRIC,
      filterPattern: FilterPattern.any(
        FilterPattern.stringValue('$.message', '=', 'workflow dead letter'),
        FilterPattern.stringValue('$.message', '=', 'unreadable dead letter dropped'),
      ),
      metricValue: '1',
    });
    above(
      'workflows-failed',
      new Metric({
        namespace: logMetricNamespace(stage),
        metricName: WORKFLOWS_FAILED_METRIC,
        period,
        statistic: 'Sum',
      }),
      0,
      'A workflow failed: its phase message exhausted its receives and the dead-letter consumer failed it',
    );

    above(
      'dynamodb-throttles',
      new MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
          writes: props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
        },
        period,
        label: 'throttle events',
      }),
      0,
      'DynamoDB throttled reads or writes of the table',
    );
    above(
      'dynamodb-system-errors',
      // The operations the code uses (an alarm's math expression takes at most 10 metrics).
      props.table.metricSystemErrorsForOperations({ period, statistic: 'Sum', operations: TABLE_OPERATIONS }),
      0,
      'DynamoDB answered requests with a 500 (its side)',
    );

    above(
      'money-invariant-broken',
      new Metric({
        namespace: HEALTH_METRICS.namespace,
        metricName: HEALTH_METRICS.moneyInvariantBroken,
        dimensionsMap: props.healthDimensions,
        period,
        statistic: 'Maximum',
      }),
      1,
      'A health sweep found a broken money invariant (books, a negative balance, held): see GET /v1/health/report',
      { operator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD },
    );

    for (const alarm of props.healthAlarms) this.add(alarm);
  }

  private add(alarm: Alarm): Alarm {
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
