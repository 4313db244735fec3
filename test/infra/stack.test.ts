import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/constructs/prsm-function.js';
import {
  authorizer,
  DLQ_VISIBILITY_TIMEOUT_SECONDS,
  dlqName,
  functions,
  HEALTH_SWEEP_RATE_MINUTES,
  httpRoutes,
  keyThrottling,
  queues,
} from '#infra/manifest.js';
import { PrsmStack } from '#infra/stack.js';
import { tableDesign } from '#infra/table.js';
import { HEALTH_METRICS } from '#shared/health/metric-names.js';

/**
 * The synthesized template must hold every function, route, queue and schedule of the manifest,
 * so the CDK stack and the local runtime (which both read the manifest) cannot drift apart.
 */

const STAGE = 'test';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

let stack: PrsmStack;
let template: Template;

beforeAll(() => {
  // The same feature flags as `cdk synth`, so the template under test is the one that deploys.
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context: { ...cdkJson.context, stage: STAGE } });
  stack = new PrsmStack(app, `Prsm-${STAGE}`, { stage: STAGE });
  template = Template.fromStack(stack);
});

const resourcesOfType = (type: string): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>);

/** The one resource of a type whose properties match, with its logical id; fails unless exactly one. */
function onlyResource(type: string, properties: Record<string, unknown>): [string, Resource] {
  const found = Object.entries(
    template.findResources(type, { Properties: Match.objectLike(properties) }) as Record<string, Resource>,
  );
  expect(found, `${type} matching ${JSON.stringify(properties)}`).toHaveLength(1);
  return found[0]!;
}

const functionName = (id: string) => `prsm-${STAGE}-${id}`;
const queueName = (id: string) => `prsm-${STAGE}-${id}`;
const logicalIdOfFunction = (id: string) =>
  onlyResource('AWS::Lambda::Function', { FunctionName: functionName(id) })[0];
const logicalIdOfQueue = (name: string) => onlyResource('AWS::SQS::Queue', { QueueName: queueName(name) })[0];

/** Route key -> authorization type of every AWS::ApiGatewayV2::Route in the template. */
function routesInTemplate(): Map<string, unknown> {
  return new Map(
    resourcesOfType('AWS::ApiGatewayV2::Route').map(([, route]) => [
      route.Properties.RouteKey as string,
      route.Properties.AuthorizationType,
    ]),
  );
}

/** The lookup every route assertion uses: the route's authorization type, or undefined when absent. */
const findRoute = (routeKey: string): unknown => routesInTemplate().get(routeKey);

/**
 * cdk-nag 3 is a policy-validation plugin, not an aspect: its findings never become annotations,
 * so they are read from the pack's own report (acknowledged findings are already left out).
 */
function nagErrors(scope: Stack): string[] {
  return new AwsSolutionsChecks(undefined, { verbose: false })
    .validateScope(scope)
    .violations.filter((violation) => violation.severity === 'error')
    .map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
}

const sqsTriggers = functions.flatMap((fn) =>
  fn.triggers.flatMap((trigger) => (trigger.kind === 'sqs' ? [{ fn, trigger }] : [])),
);
const scheduleTriggers = functions.flatMap((fn) =>
  fn.triggers.flatMap((trigger) => (trigger.kind === 'schedule' ? [{ fn, trigger }] : [])),
);

describe('PrsmStack (stage=test)', () => {
  describe('functions', () => {
    it.each([...functions, authorizer].map((spec) => [spec.id, spec] as const))(
      'deploys %s on arm64 nodejs22.x with its manifest memory and timeout',
      (_id, spec) => {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: functionName(spec.id),
          Architectures: ['arm64'],
          Runtime: 'nodejs22.x',
          MemorySize: spec.memoryMb,
          Timeout: spec.timeoutSeconds,
          TracingConfig: { Mode: 'Active' },
          Environment: {
            Variables: Match.objectLike({
              STAGE,
              NODE_OPTIONS: '--enable-source-maps',
              SCHEDULE_INTERVAL_SECONDS: String(HEALTH_SWEEP_RATE_MINUTES * 60),
              POWERTOOLS_SERVICE_NAME: 'prsm',
              POWERTOOLS_METRICS_NAMESPACE: 'PRSM',
            }),
          },
        });
      },
    );

    it('deploys no function that the manifest does not declare', () => {
      const names = resourcesOfType('AWS::Lambda::Function')
        .map(([, fn]) => fn.Properties.FunctionName)
        // CDK's own custom-resource provider (the bucket's auto-delete) has no name.
        .filter((name) => name !== undefined);
      expect(names.sort()).toEqual([...functions, authorizer].map((spec) => functionName(spec.id)).sort());
    });

    it('gives a read-only function no write action on the table', () => {
      const readOnly = functions.filter((fn) => fn.access.table === 'read');
      expect(readOnly.length).toBeGreaterThan(0);
      for (const spec of readOnly) {
        const roleId = (
          onlyResource('AWS::Lambda::Function', { FunctionName: functionName(spec.id) })[1].Properties
            .Role as {
            'Fn::GetAtt': [string, string];
          }
        )['Fn::GetAtt'][0];
        const [, policy] = onlyResource('AWS::IAM::Policy', { Roles: [{ Ref: roleId }] });
        const actions = JSON.stringify(policy.Properties.PolicyDocument);
        expect(actions).toContain('dynamodb:GetItem');
        expect(actions).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
      }
    });

    it("lets the authorizer UpdateItem on the table (its keys' token buckets) and write nothing else", () => {
      const roleId = (
        onlyResource('AWS::Lambda::Function', { FunctionName: functionName(authorizer.id) })[1].Properties
          .Role as { 'Fn::GetAtt': [string, string] }
      )['Fn::GetAtt'][0];
      const [, policy] = onlyResource('AWS::IAM::Policy', { Roles: [{ Ref: roleId }] });
      const statements = (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement;
      const update = statements.find((s) => [s.Action].flat().includes('dynamodb:UpdateItem'));
      expect(JSON.stringify(update?.Resource)).toContain(onlyResource('AWS::DynamoDB::Table', {})[0]);
      const actions = JSON.stringify(statements);
      expect(actions).not.toMatch(/dynamodb:(PutItem|DeleteItem|BatchWriteItem)/);
    });

    it("gives the authorizer the manifest's per-key limits", () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: functionName(authorizer.id),
        Environment: {
          Variables: Match.objectLike({ API_KEY_THROTTLING: JSON.stringify(keyThrottling) }),
        },
      });
    });
  });

  describe('HTTP API', () => {
    it.each(httpRoutes().map((route) => [route.routeKey, route.spec.access] as const))(
      'routes %s with the authorization its access (%s) requires',
      (routeKey, access) => {
        expect(findRoute(routeKey)).toBe(access === 'public' ? 'NONE' : 'CUSTOM');
      },
    );

    // CDK renders the authorizer only when a route uses it: the manifest has non-public routes.
    it('puts non-public routes behind the API-key Lambda authorizer, called for every request (no identity source, no cache)', () => {
      const [authorizerId] = onlyResource('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        AuthorizerPayloadFormatVersion: '2.0',
        EnableSimpleResponses: true,
        IdentitySource: [],
        AuthorizerResultTtlInSeconds: 0,
        AuthorizerUri: {
          'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalIdOfFunction(authorizer.id), 'Arn'] }])],
        },
      });
      const protectedRoutes = resourcesOfType('AWS::ApiGatewayV2::Route').filter(
        ([, route]) => route.Properties.AuthorizationType === 'CUSTOM',
      );
      expect(protectedRoutes.length).toBe(
        httpRoutes().filter((route) => route.spec.access !== 'public').length,
      );
      for (const [, route] of protectedRoutes)
        expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    });

    it('answers unmatched requests on $default without an authorizer', () => {
      expect(findRoute('$default')).toBe('NONE');
    });

    it('finds every manifest route with the same lookup that misses a route the manifest lacks', () => {
      const expected = httpRoutes().map((route) => route.routeKey);
      expect(expected.length).toBeGreaterThan(0);
      const missing = expected.filter((routeKey) => findRoute(routeKey) === undefined);
      expect(missing).toEqual([]);
      // Negative control: if the lookup found anything, the assertions above would prove nothing.
      const notARoute = 'GET /v1/not-a-route';
      expect(expected).not.toContain(notARoute);
      expect(findRoute(notARoute)).toBeUndefined();
      // Exactly the manifest's routes plus $default: no stale route survives a manifest change.
      expect([...routesInTemplate().keys()].sort()).toEqual([...expected, '$default'].sort());
    });

    it('throttles and access-logs the $default stage', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      });
    });

    it('outputs the API URL', () => {
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    });
  });

  describe('queues', () => {
    it.each(Object.entries(queues))('creates %s with its DLQ and the manifest redrive', (queueId, spec) => {
      const dlqId = logicalIdOfQueue(dlqName(queueId));
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: queueName(queueId),
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
    });

    it('lets the webhook deliverer, and no other function, send to the webhook deliveries DLQ', () => {
      const dlqId = logicalIdOfQueue(dlqName('webhook-deliveries'));
      const senders = resourcesOfType('AWS::IAM::Policy').filter(([, policy]) =>
        (
          policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
        ).Statement.some(
          (statement) =>
            JSON.stringify(statement.Action).includes('sqs:SendMessage') &&
            JSON.stringify(statement.Resource).includes(dlqId),
        ),
      );
      const deliverer = onlyResource('AWS::Lambda::Function', {
        FunctionName: functionName('webhooks-deliverer'),
      })[1];
      const role = (deliverer.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(senders.map(([, policy]) => policy.Properties.Roles)).toEqual([[{ Ref: role }]]);
    });

    it.each(Object.keys(queues))('alarms when a message lands in the DLQ of %s', (queueId) => {
      const dlqId = logicalIdOfQueue(dlqName(queueId));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('alarms when the health score stays below 60 or no sweep reports one', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: HEALTH_METRICS.namespace,
        MetricName: HEALTH_METRICS.score,
        Dimensions: Match.arrayEquals([
          { Name: 'service', Value: 'prsm' },
          { Name: 'stage', Value: STAGE },
        ]),
        Statistic: 'Minimum',
        Period: HEALTH_SWEEP_RATE_MINUTES * 60,
        Threshold: 60,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'breaching',
      });
    });

    it('denies any queue access without TLS', () => {
      for (const [, policy] of resourcesOfType('AWS::SQS::QueuePolicy')) {
        expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
      }
      expect(resourcesOfType('AWS::SQS::QueuePolicy')).toHaveLength(Object.keys(queues).length * 2);
    });
  });

  describe('event sources and schedules', () => {
    it.each(
      sqsTriggers.map(
        ({ fn, trigger }) => [fn.id, trigger.dlq ? dlqName(trigger.queue) : trigger.queue, trigger] as const,
      ),
    )('maps %s to queue %s with partial batch failures', (id, queueId, trigger) => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOfFunction(id) },
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOfQueue(queueId), 'Arn'] },
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('has one event source mapping per sqs trigger', () => {
      expect(resourcesOfType('AWS::Lambda::EventSourceMapping')).toHaveLength(sqsTriggers.length);
    });

    it('feeds the workflow phase DLQ to its dead-letter consumer, and nothing else reads a DLQ', () => {
      const dlqTriggers = sqsTriggers.filter(({ trigger }) => trigger.dlq);
      expect(dlqTriggers.map(({ fn, trigger }) => [fn.id, trigger.queue])).toEqual([
        ['workflows-dead-letters', 'workflow-phases'],
      ]);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalIdOfFunction('workflows-dead-letters') },
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOfQueue(dlqName('workflow-phases')), 'Arn'] },
      });
      // The phase runner reads the queue itself, never its DLQ.
      const runnerSources = resourcesOfType('AWS::Lambda::EventSourceMapping')
        .filter(([, mapping]) =>
          JSON.stringify(mapping.Properties.FunctionName).includes(logicalIdOfFunction('workflows-phases')),
        )
        .map(([, mapping]) => mapping.Properties.EventSourceArn);
      expect(runnerSources).toEqual([{ 'Fn::GetAtt': [logicalIdOfQueue('workflow-phases'), 'Arn'] }]);
    });

    it("refuses a DLQ consumer whose timeout exceeds the DLQ's visibility timeout", () => {
      const consumer = functions.find((fn) => fn.id === 'workflows-dead-letters')!;
      const slow = {
        ...consumer,
        id: 'slow-dead-letters',
        timeoutSeconds: DLQ_VISIBILITY_TIMEOUT_SECONDS / 6 + 1,
      };
      // First in the list, so that the stack stops at it before bundling every other function.
      functions.unshift(slow);
      try {
        expect(() => new PrsmStack(new App(), 'Prsm-dlq-check', { stage: 'dlqcheck' })).toThrow(
          /workflow-phases-dlq has a 180 s visibility timeout, below 6 x slow-dead-letters's 31 s timeout/,
        );
      } finally {
        functions.splice(functions.indexOf(slow), 1);
      }
    });

    it.each(scheduleTriggers.map(({ fn, trigger }) => [fn.id, trigger.rateMinutes] as const))(
      'runs %s every %i minutes',
      (id, rateMinutes) => {
        template.hasResourceProperties('AWS::Events::Rule', {
          ScheduleExpression: `rate(${rateMinutes} minute${rateMinutes === 1 ? '' : 's'})`,
          Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalIdOfFunction(id), 'Arn'] } })],
        });
      },
    );

    it('has one rule per schedule trigger', () => {
      expect(resourcesOfType('AWS::Events::Rule')).toHaveLength(scheduleTriggers.length);
    });
  });

  describe('storage', () => {
    it('creates the table on demand with PITR, TTL and every GSI of tableDesign', () => {
      const [, table] = onlyResource('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: tableDesign.ttlAttribute, Enabled: true },
      });
      const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
      expect(indexes.map((index) => index.IndexName)).toEqual(tableDesign.indexes.map((index) => index.name));
      // Outside prod the table goes with the stack.
      expect(table.DeletionPolicy).toBe('Delete');
    });

    it('blocks all public access to the artifact bucket and encrypts it', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      });
    });
  });

  describe('models', () => {
    const PHASE_RUNNER = 'workflows-phases';
    const WORKFLOWS_API = 'workflows-api';
    const BUDGETS_API = 'budgets-api';
    const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';

    /** A template value as text: `Ref`s and `Fn::Join`s spelled out (`<AWS::Region>`). */
    const flat = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(flat);
      if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (typeof record.Ref === 'string') return `<${record.Ref}>`;
        if (Array.isArray(record['Fn::Join'])) {
          const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
          return parts.map(flat).join(separator);
        }
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, flat(v)]));
      }
      return value;
    };

    type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

    /** Function id -> every statement of its role's policies, flattened. */
    function statementsByFunction(of: Template): Map<string, Statement[]> {
      const roleOf = new Map<string, string>();
      for (const fn of Object.values(of.findResources('AWS::Lambda::Function') as Record<string, Resource>)) {
        const name = String(fn.Properties.FunctionName).replace(`prsm-${STAGE}-`, '');
        roleOf.set((fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0], name);
      }
      const found = new Map<string, Statement[]>();
      for (const policy of Object.values(of.findResources('AWS::IAM::Policy') as Record<string, Resource>)) {
        const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
        for (const role of policy.Properties.Roles as { Ref: string }[]) {
          const name = roleOf.get(role.Ref);
          if (!name) continue;
          found.set(name, [...(found.get(name) ?? []), ...(flat(document.Statement) as Statement[])]);
        }
      }
      return found;
    }

    const actionsOf = (statement: Statement) => [statement.Action].flat();
    const grantsOn = (of: Template, prefix: string) =>
      [...statementsByFunction(of)]
        .flatMap(([fn, statements]) =>
          statements
            .filter((s) => actionsOf(s).some((a) => a.startsWith(prefix)))
            // CDK merges statements that differ only in resources: one entry per resource here.
            .flatMap((s) =>
              [s.Resource]
                .flat()
                .map((resource) => ({ fn, action: s.Action, resource, condition: s.Condition })),
            ),
        )
        .sort((a, b) => String(a.resource).localeCompare(String(b.resource)));

    /** Another stage's stack, without bundling (only its template is read). */
    const synth = (props: { models?: Record<string, string>; env?: { account: string; region: string } }) => {
      const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
        context: Record<string, unknown>;
      };
      const app = new App({ context: { ...cdkJson.context, stage: STAGE, 'aws:cdk:bundling-stacks': [] } });
      const other = new PrsmStack(app, `Prsm-${STAGE}`, { stage: STAGE, ...props });
      return { stack: other, template: Template.fromStack(other) };
    };

    const modelVariables = (of: Template) =>
      new Map(
        Object.values(
          of.findResources('AWS::Lambda::Function', {
            Properties: { FunctionName: Match.stringLikeRegexp(`^prsm-${STAGE}-`) },
          }) as Record<string, Resource>,
        ).map((fn) => {
          const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
          return [
            String(fn.Properties.FunctionName).replace(`prsm-${STAGE}-`, ''),
            Object.fromEntries(Object.entries(variables).filter(([k]) => k.startsWith('PRSM_MODEL_'))),
          ];
        }),
      );

    it('grants bedrock:InvokeModel to the phase runner only, on exactly the default models', () => {
      const profile = `arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/us.${SONNET}`;
      const grants = grantsOn(template, 'bedrock:');
      expect(grants).toHaveLength(3);
      expect(grants).toEqual(
        expect.arrayContaining([
          {
            fn: PHASE_RUNNER,
            action: 'bedrock:InvokeModel',
            resource: 'arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/amazon.nova-micro-v1:0',
            condition: undefined,
          },
          { fn: PHASE_RUNNER, action: 'bedrock:InvokeModel', resource: profile, condition: undefined },
          {
            fn: PHASE_RUNNER,
            action: 'bedrock:InvokeModel',
            resource: `arn:<AWS::Partition>:bedrock:*::foundation-model/${SONNET}`,
            condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
          },
        ]),
      );
      expect(grantsOn(template, 'secretsmanager:')).toEqual([]);
    });

    it('tells the phase runner, and the workflows and budgets APIs (which price model phases), and no other function, which models to ask', () => {
      for (const [fn, variables] of modelVariables(template)) {
        expect(variables, fn).toEqual(
          [PHASE_RUNNER, WORKFLOWS_API, BUDGETS_API].includes(fn)
            ? {
                PRSM_MODEL_PROVIDER: 'bedrock',
                PRSM_MODEL_TEACHER: `us.${SONNET}`,
                PRSM_MODEL_STUDENT: 'amazon.nova-micro-v1:0',
              }
            : {},
        );
      }
    });

    it('follows the configured models, a phase of its own included, in the account and region', () => {
      const { template: eu } = synth({
        env: { account: '123456789012', region: 'eu-west-1' },
        models: {
          PRSM_MODEL_TEACHER: `eu.${SONNET}`,
          PRSM_MODEL_STUDENT: 'amazon.nova-lite-v1:0',
          PRSM_MODEL_PHASE_CODEGEN: 'amazon.nova-pro-v1:0',
        },
      });
      const grants = grantsOn(eu, 'bedrock:');
      expect(new Set(grants.map((g) => g.fn))).toEqual(new Set([PHASE_RUNNER]));
      expect(grants).toHaveLength(4);
      expect(grants.map((g) => g.resource)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/:bedrock:eu-west-1::foundation-model\/amazon\.nova-lite-v1:0$/),
          expect.stringMatching(/:bedrock:eu-west-1::foundation-model\/amazon\.nova-pro-v1:0$/),
          expect.stringMatching(
            /:bedrock:eu-west-1:123456789012:inference-profile\/eu\.anthropic\.claude-sonnet-4-20250514-v1:0$/,
          ),
          expect.stringMatching(/:bedrock:\*::foundation-model\/anthropic\.claude-sonnet-4-20250514-v1:0$/),
        ]),
      );
    });

    it('grants GetSecretValue on exactly the key secret for an OpenAI-compatible provider, and no Bedrock', () => {
      const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prsm/model-key-AbCdEf';
      const { stack: openai, template: withSecret } = synth({
        models: {
          PRSM_MODEL_PROVIDER: 'openai',
          PRSM_MODEL_BASE_URL: 'https://api.openai.com/v1',
          PRSM_MODEL_API_KEY_SECRET: secret,
        },
      });
      expect(grantsOn(withSecret, 'secretsmanager:')).toEqual([
        { fn: PHASE_RUNNER, action: 'secretsmanager:GetSecretValue', resource: secret, condition: undefined },
      ]);
      expect(grantsOn(withSecret, 'bedrock:')).toEqual([]);
      expect(modelVariables(withSecret).get(PHASE_RUNNER)).toEqual({
        PRSM_MODEL_PROVIDER: 'openai',
        PRSM_MODEL_BASE_URL: 'https://api.openai.com/v1',
        PRSM_MODEL_API_KEY_SECRET: secret,
        PRSM_MODEL_TEACHER: 'gpt-4o',
        PRSM_MODEL_STUDENT: 'gpt-4o-mini',
      });
      expect(nagErrors(openai)).toEqual([]);
    });

    it('refuses at synth a key in the environment, a secret without its ARN and settings that do not parse', () => {
      const openai = { PRSM_MODEL_PROVIDER: 'openai', PRSM_MODEL_BASE_URL: 'https://api.openai.com/v1' };
      expect(() => synth({ models: { ...openai, PRSM_MODEL_API_KEY: 'sk-x' } })).toThrow(
        /PRSM_MODEL_API_KEY_SECRET/,
      );
      expect(() => synth({ models: { ...openai, PRSM_MODEL_API_KEY_SECRET: 'prsm/model-key' } })).toThrow(
        /full ARN/,
      );
      expect(() => synth({ models: { PRSM_MODEL_PROVIDER: 'openai' } })).toThrow(/PRSM_MODEL_BASE_URL/);
    });
  });

  describe('checks', () => {
    it('leaves no unacknowledged cdk-nag AwsSolutions error', () => {
      expect(nagErrors(stack)).toEqual([]);
    });

    it('would see a cdk-nag error if there were one (negative control)', () => {
      const control = new Stack(new App(), 'NagControl');
      new Queue(control, 'Bare'); // no DLQ, no TLS enforcement
      expect(nagErrors(control)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AwsSolutions-SQS3 /),
          expect.stringMatching(/^AwsSolutions-SQS4 /),
        ]),
      );
    });

    it('raises no CDK error annotation', () => {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    });
  });
});

describe('PrsmStack alarms (issue 16)', () => {
  const topicId = () => onlyResource('AWS::SNS::Topic', { TopicName: `prsm-${STAGE}-alarms` })[0];
  const alarmNamed = (name: string): Resource =>
    onlyResource('AWS::CloudWatch::Alarm', { AlarmName: `prsm-${STAGE}-${name}` })[1];
  const pointsAtTopic = (alarm: Resource) => {
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
    expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId() }]);
  };

  it('mails one SNS topic per stage at the address of the AlarmEmail stack parameter', () => {
    template.hasParameter('AlarmEmail', { Type: 'String' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
      TopicArn: { Ref: topicId() },
    });
  });

  it("points every alarm's alarm and OK actions at that topic", () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(2 * (functions.length + 1));
    for (const [, alarm] of alarms) pointsAtTopic(alarm);
  });

  it.each([...functions.map((fn) => fn.id), authorizer.id])(
    'alarms on the errors and throttles of %s',
    (id) => {
      for (const [suffix, metric] of [
        ['errors', 'Errors'],
        ['throttles', 'Throttles'],
      ] as const) {
        const alarm = alarmNamed(`${id}-${suffix}`);
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOfFunction(id) } }],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        pointsAtTopic(alarm);
      }
    },
  );

  it('alarms on the API 5xx rate and its p99 latency', () => {
    const rate = alarmNamed('api-5xx-rate');
    const metrics = rate.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: unknown }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    expect(JSON.stringify(metrics)).toContain('"MetricName":"5xx"');
    expect(rate.Properties.Threshold).toBe(1);
    const latency = alarmNamed('api-latency-p99');
    expect(latency.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
    });
  });

  it.each(Object.keys(queues))(
    'alarms on the age of the oldest message of %s and on its DLQ depth',
    (queueId) => {
      const oldest = alarmNamed(`${queueId}-oldest-message`);
      expect(oldest.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOfQueue(queueId), 'QueueName'] } },
        ],
      });
      expect(oldest.Properties.Threshold).toBeGreaterThanOrEqual(300);
      const [, dlq] = onlyResource('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOfQueue(dlqName(queueId)), 'QueueName'] } },
        ],
      });
      pointsAtTopic(dlq);
    },
  );

  it("counts failed workflows from the dead-letter consumer's log and alarms on any", () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern:
        '{ ($.message = "workflow dead letter") || ($.message = "unreadable dead letter dropped") }',
      MetricTransformations: [
        { MetricNamespace: `PRSM/${STAGE}`, MetricName: 'WorkflowsFailed', MetricValue: '1' },
      ],
    });
    expect(alarmNamed('workflows-failed').Properties).toMatchObject({
      Namespace: `PRSM/${STAGE}`,
      MetricName: 'WorkflowsFailed',
      Threshold: 0,
    });
  });

  it('alarms on DynamoDB throttles and system errors', () => {
    expect(JSON.stringify(alarmNamed('dynamodb-throttles').Properties.Metrics)).toContain(
      'WriteThrottleEvents',
    );
    expect(JSON.stringify(alarmNamed('dynamodb-system-errors').Properties.Metrics)).toContain('SystemErrors');
  });

  it('alarms at once on a broken money invariant, and on the health score', () => {
    expect(alarmNamed('money-invariant-broken').Properties).toMatchObject({
      Namespace: HEALTH_METRICS.namespace,
      MetricName: HEALTH_METRICS.moneyInvariantBroken,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Period: HEALTH_SWEEP_RATE_MINUTES * 60,
    });
    const [, score] = onlyResource('AWS::CloudWatch::Alarm', { MetricName: HEALTH_METRICS.score });
    pointsAtTopic(score);
  });
});

describe('PrsmStack queue settings (issue 16)', () => {
  it("gives every consumed queue, DLQs too, a visibility timeout of at least 6 x its consumer's timeout", () => {
    for (const fn of functions) {
      for (const trigger of fn.triggers) {
        if (trigger.kind !== 'sqs') continue;
        const name = trigger.dlq ? dlqName(trigger.queue) : trigger.queue;
        const [, queue] = onlyResource('AWS::SQS::Queue', { QueueName: queueName(name) });
        expect(queue.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * fn.timeoutSeconds);
      }
    }
  });

  it('caps the concurrency of the phase runner, to protect the model providers', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOfFunction('workflows-phases') },
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('sets the async retries of every scheduled function explicitly: none, events no older than the rate', () => {
    const scheduled = functions.filter((fn) => fn.triggers.some((trigger) => trigger.kind === 'schedule'));
    expect(scheduled.length).toBeGreaterThan(0);
    for (const fn of scheduled) {
      const rate = fn.triggers.find((trigger) => trigger.kind === 'schedule')!;
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalIdOfFunction(fn.id) },
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: (rate as { rateMinutes: number }).rateMinutes * 60,
      });
    }
  });
});
