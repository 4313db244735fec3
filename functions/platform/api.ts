import { httpRoutes } from '#infra/manifest.js';
import { bind, httpFunction } from '#platform/http/http-function.js';
import { openApiDocument } from '#platform/http/openapi.js';
import { getOpenApi } from './contract.js';

let document: ReturnType<typeof openApiDocument> | undefined;

/** The document `GET /v1/openapi.json` serves (the client's types are generated from it). */
export const servedOpenApiDocument = () => {
  document ??= openApiDocument(httpRoutes().map((route) => route.spec));
  return document;
};

/** Also the catch-all route: anything unmatched ends in httpFunction's problem+json 404. */
export const handler = httpFunction([
  bind(getOpenApi, async () => ({ status: 200, body: servedOpenApiDocument() })),
]);
