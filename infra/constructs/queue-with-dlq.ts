import { Duration, Validations } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DLQ_VISIBILITY_TIMEOUT_SECONDS, dlqName, type QueueSpec } from '../manifest.js';

export interface QueueWithDlqProps {
  /** The manifest's queue id, e.g. `notifications`. */
  queueId: string;
  spec: QueueSpec;
  stage: string;
}

/** A manifest queue, its dead-letter queue with the manifest's redrive, and an alarm on the DLQ. */
export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    const { queueId, spec, stage } = props;
    // Named like the local runtime's queues, so a DLQ in the console reads as the manifest's id.
    this.dlq = new Queue(this, 'Dlq', {
      queueName: `prsm-${stage}-${dlqName(queueId)}`,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.seconds(DLQ_VISIBILITY_TIMEOUT_SECONDS),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This is the dead-letter queue of ${queueId}: the end of the redrive chain.`,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: `prsm-${stage}-${queueId}`,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: spec.maxReceiveCount },
    });
    this.dlqAlarm = this.dlq
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
      .createAlarm(this, 'DlqAlarm', {
        alarmDescription: `Messages of ${queueId} exhausted their ${spec.maxReceiveCount} receives and wait in its DLQ`,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // SQS stops publishing metrics for an idle queue: no data means no dead letters.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
  }
}
