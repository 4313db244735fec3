import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tableDesign } from '../table.js';

export interface PrsmTableProps {
  /** On in prod: a stray `cdk destroy` or a replaced logical id must not drop the ledger. */
  deletionProtection: boolean;
  removalPolicy: RemovalPolicy;
}

/** The single table of `tableDesign`: on-demand, point-in-time recovery, TTL for expiring records. */
export class PrsmTable extends Table {
  constructor(scope: Construct, id: string, props: PrsmTableProps) {
    super(scope, id, {
      partitionKey: { name: tableDesign.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDesign.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableDesign.ttlAttribute,
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    for (const index of tableDesign.indexes) {
      this.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // As the local runtime creates them: every access pattern reads whole items from the index.
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
