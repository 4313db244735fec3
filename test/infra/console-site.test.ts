import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/constructs/prsm-function.js';
import { PrsmStack } from '#infra/stack.js';
import { buildConsole } from '../support/browser.js';

/** The web console on AWS: a private bucket behind CloudFront, and CORS on the API for its origin only. */
let stack: PrsmStack;
let template: Template;

beforeAll(() => {
  buildConsole();
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, stage: 'console' } });
  stack = new PrsmStack(app, 'Prsm-console', { stage: 'console' });
  template = Template.fromStack(stack);
});

const distributionId = () => Object.keys(template.findResources('AWS::CloudFront::Distribution'))[0]!;
const consoleOrigin = () => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId(), 'DomainName'] }]],
});

describe('The console on AWS', () => {
  it('serves index.html over HTTPS only from a private bucket through origin access control', () => {
    expect(Object.keys(template.findResources('AWS::CloudFront::Distribution'))).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const buckets = Object.values(
      template.findResources('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          PublicAccessBlockConfiguration: Match.objectLike({
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          }),
        }),
      }),
    );
    expect(buckets).toHaveLength(2); // the artifacts and the console, both private
  });

  it('sends a content security policy that lets the page reach only itself and the API', () => {
    template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.objectLike({
              'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp("script-src 'self'")])],
            }),
          }),
        }),
      }),
    });
  });

  it("allows CORS on the API from the console's origin only", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [consoleOrigin()],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      }),
    });
  });

  it("deploys the build with a config.json naming the API's URL and refreshes CloudFront", () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment')) as {
      Properties: { DistributionId: unknown; SourceMarkersConfig?: unknown; SourceMarkers?: unknown[] };
    }[];
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.Properties.DistributionId).toEqual({ Ref: distributionId() });
    expect(JSON.stringify(deployments[0]!.Properties.SourceMarkers)).toContain('HttpApi');
    template.hasOutput('ConsoleUrl', { Value: consoleOrigin() });
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions error on the console', () => {
    const errors = new AwsSolutionsChecks(undefined, { verbose: false })
      .validateScope(stack)
      .violations.filter((violation) => violation.severity === 'error')
      .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });
});
