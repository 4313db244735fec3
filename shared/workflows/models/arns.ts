/**
 * What `bedrock:InvokeModel` (which Converse needs) must be granted on for a model id:
 *
 * - a foundation model id (`amazon.nova-micro-v1:0`): its foundation-model ARN in the region;
 * - a cross-region inference profile id (`us.anthropic.claude-sonnet-4-20250514-v1:0`): the
 *   profile's ARN, and the foundation model in whichever region the profile routes to, but only
 *   when called through that profile (the `bedrock:InferenceProfileArn` condition), as AWS
 *   documents for profiles;
 * - an ARN (a provisioned model, an application profile): exactly that ARN.
 */
export interface InvokeGrant {
  resources: string[];
  /** StringEquals conditions, when the grant holds only through a profile. */
  conditions?: Record<string, string>;
}

export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

const PROFILE = /^(us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/;

export function invokeGrants(modelId: string, scope: ArnScope): InvokeGrant[] {
  if (modelId.startsWith('arn:')) return [{ resources: [modelId] }];
  const profile = PROFILE.exec(modelId);
  if (!profile) {
    return [{ resources: [`arn:${scope.partition}:bedrock:${scope.region}::foundation-model/${modelId}`] }];
  }
  const profileArn = `arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:inference-profile/${modelId}`;
  return [
    { resources: [profileArn] },
    {
      resources: [`arn:${scope.partition}:bedrock:*::foundation-model/${profile[2]}`],
      conditions: { 'bedrock:InferenceProfileArn': profileArn },
    },
  ];
}
