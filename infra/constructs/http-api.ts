import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute as ManifestRoute } from '../manifest.js';
import { throttling } from '../manifest.js';

export interface PrsmHttpApiProps {
  stage: string;
  /** Every route of the manifest (`httpRoutes()`). */
  routes: ManifestRoute[];
  /** The function behind each manifest function id that serves routes. */
  handlers: ReadonlyMap<string, IFunction>;
  /** Answers requests that match no route (`$default`). */
  catchAllFunctionId: string;
  authorizer: { handler: IFunction };
  /** Of the access log group. */
  removalPolicy: RemovalPolicy;
  /** The browser origins allowed to call the API (the web console's); none: no CORS at all. */
  corsOrigins?: string[];
}

/** What the console sends and reads across origins. */
const corsFor = (origins: string[]) => ({
  allowOrigins: origins,
  allowMethods: [
    CorsHttpMethod.GET,
    CorsHttpMethod.POST,
    CorsHttpMethod.PUT,
    CorsHttpMethod.PATCH,
    CorsHttpMethod.DELETE,
  ],
  allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
  exposeHeaders: ['idempotent-replayed', 'retry-after', 'location'],
  maxAge: Duration.hours(1),
});

/** Account-wide API Gateway limits are shared by every API: cap this one well below them. */
const throttle = { rateLimit: throttling.ratePerSecond, burstLimit: throttling.burst };

/** HTTP API variables only (the REST API's `jsonWithStandardFields` names some that v2 lacks). */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    userId: '$context.authorizer.userId',
  }),
);

/**
 * The manifest's routes on one HTTP API: public routes without an authorizer, every other route
 * behind the Lambda authorizer, and `$default` for whatever matches no route.
 */
export class PrsmHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Of the `$default` stage, with a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PrsmHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: `prsm-${props.stage}`,
      description: 'PRSM public API',
      // The default stage is created below, with throttling and access logs.
      createDefaultStage: false,
      corsPreflight: props.corsOrigins?.length ? corsFor(props.corsOrigins) : undefined,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });
    this.url = this.stage.url;

    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', props.authorizer.handler, {
      authorizerName: 'api-key',
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // No identity source and no cache: API Gateway then calls the authorizer for every request,
      // also one without an Authorization header, so the handler answers 401 as problem+json (as
      // locally) instead of API Gateway's bare 401, and a revoked key stops at once.
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    // One integration per function, shared by its routes (each route still gets its own invoke permission).
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (functionId: string): HttpLambdaIntegration => {
      let integration = integrations.get(functionId);
      if (!integration) {
        const handler = props.handlers.get(functionId);
        if (!handler) throw new Error(`http api: no function "${functionId}" for its routes`);
        integration = new HttpLambdaIntegration(`${functionId}-integration`, handler, {
          payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(functionId, integration);
      }
      return integration;
    };

    for (const route of props.routes) {
      const isPublic = route.spec.access === 'public';
      const routeAuthorizer: IHttpRouteAuthorizer = isPublic ? new HttpNoneAuthorizer() : authorizer;
      const httpRoute = new HttpRoute(this, route.routeKey, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.spec.path, HttpMethod[route.spec.method]),
        integration: integrationFor(route.functionId),
        authorizer: routeAuthorizer,
      });
      if (isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.routeKey} is declared access 'public' in the manifest: it is meant to be called without a key.`,
        });
      }
    }

    const catchAll = new HttpRoute(this, 'CatchAll', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrationFor(props.catchAllFunctionId),
      authorizer: new HttpNoneAuthorizer(),
    });
    Validations.of(catchAll).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        '$default only answers requests that match no route, with a problem+json 404; it exposes no data, ' +
        'and an authorizer there would turn unknown paths into 401s.',
    });
  }
}
