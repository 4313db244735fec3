import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface ArtifactBucketProps {
  removalPolicy: RemovalPolicy;
}

/** Private, TLS-only, S3-encrypted storage for research artifacts; emptied on destroy outside prod. */
export class ArtifactBucket extends Bucket {
  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
    super(scope, id, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: false,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Only the stack's own Lambda roles reach this bucket (public access blocked, TLS enforced); " +
        'a second log bucket would double the storage to audit for no reader. Object-level audit, ' +
        'if required, belongs to an account-wide CloudTrail data-event trail.',
    });
  }
}
