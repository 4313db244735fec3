import { describe, expect, it } from 'vitest';
import { invokeGrants } from '#shared/workflows/models/arns.js';

const scope = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };

describe('what InvokeModel is granted on for a model id', () => {
  it('a foundation model: its ARN in the region, nothing else', () => {
    expect(invokeGrants('amazon.nova-micro-v1:0', scope)).toEqual([
      { resources: ['arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-micro-v1:0'] },
    ]);
  });

  it('a cross-region profile: the profile, and its model in any region only through that profile', () => {
    const profile =
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0';
    expect(invokeGrants('eu.anthropic.claude-sonnet-4-20250514-v1:0', scope)).toEqual([
      { resources: [profile] },
      {
        resources: ['arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0'],
        conditions: { 'bedrock:InferenceProfileArn': profile },
      },
    ]);
  });

  it('an ARN (provisioned throughput, application profile): exactly that ARN', () => {
    const arn = 'arn:aws:bedrock:eu-west-1:123456789012:provisioned-model/abc123';
    expect(invokeGrants(arn, scope)).toEqual([{ resources: [arn] }]);
  });
});
