import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CfnElement,
  Duration,
  RemovalPolicy as Removal,
  type RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** What scripts/build-console.mjs writes (scripts/ensure.mjs runs it before synth and tests). */
export const CONSOLE_BUILD = join(import.meta.dirname, '..', '..', '.build', 'console');

export interface ConsoleSiteProps {
  removalPolicy: RemovalPolicy;
}

/**
 * The web console on AWS: its static files in a private bucket, served by CloudFront through
 * origin access control, with the API's address in config.json (see docs/decisions.md). The
 * API itself stays on its own origin, which allows this distribution's origin only (CORS).
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`, the one origin the API's CORS allows. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    if (!existsSync(join(CONSOLE_BUILD, 'index.html'))) {
      throw new Error(`the console is not built: run node scripts/build-console.mjs (${CONSOLE_BUILD})`);
    }
    const destroy = props.removalPolicy === Removal.DESTROY;
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });
    const region = Stack.of(this).region;
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'PRSM console: strict CSP, only itself and the execute-api origin of its region',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            `connect-src 'self' https://*.execute-api.${region}.amazonaws.com`,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
          ].join('; '),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'PRSM web console',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: headers,
        compress: true,
      },
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public console build, read by CloudFront alone (OAC); requests are ' +
        "CloudFront's to log, and a log bucket for a static build adds nothing to audit.",
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console is for researchers wherever they are; the API decides who may do what.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Static files only, no form posts to CloudFront; the API has its own throttling. A WAF web ACL ' +
          '(us-east-1) is an account decision, attachable later without a change here.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Static, public, non-personal files: access logs would record only who loaded the console.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The default *.cloudfront.net certificate lets CloudFront negotiate TLSv1 with old clients; a custom domain's certificate with TLSv1.2_2021 (already set) closes it.",
      },
    );
  }

  /** The build and config.json with the API's URL, uploaded at deploy time; CloudFront's cache refreshed. */
  deploy(apiUrl: string): BucketDeployment {
    const deployment = new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(CONSOLE_BUILD, { exclude: ['config.json'] }),
        Source.jsonData('config.json', { apiUrl }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    const reason =
      "CDK's BucketDeployment custom resource: its handler, runtime and role are CDK's own, scoped to this bucket and distribution.";
    // The handler is a stack-wide singleton; its role is the one part of it this construct can name.
    const handler = deployment.handlerRole.node.scope;
    if (!handler) throw new Error('BucketDeployment: its handler role has no scope');
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`;
    const findings = [
      'AwsSolutions-L1',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
        (action) => `AwsSolutions-IAM5[Action::${action}]`,
      ),
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      `AwsSolutions-IAM5[Resource::${bucketArn}]`,
      // CloudFront's CreateInvalidation takes no resource narrower than *.
      'AwsSolutions-IAM5[Resource::*]',
    ];
    Validations.of(handler).acknowledge(...findings.map((id) => ({ id, reason })));
    return deployment;
  }
}
