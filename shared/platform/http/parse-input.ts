import type { z } from 'zod';
import { AppError, type FieldError, MalformedRequestError, ValidationError } from '../errors.js';
import type { HttpEvent } from './http-function.js';
import type { RouteSpec } from './route.js';

/** API Gateway caps payloads at 10 MB; nothing in our API needs more than this. */
export const MAX_BODY_BYTES = 64 * 1024;

function rawBodyOf(event: HttpEvent): string | undefined {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new AppError(413, 'body_too_large', `The body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  return text;
}

function jsonBodyOf(event: HttpEvent): unknown {
  const text = rawBodyOf(event);
  if (text === undefined) return undefined;
  const contentType = event.headers?.['content-type'] ?? 'application/json';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedRequestError('malformed_json', 'The body is not valid JSON');
  }
}

const fieldErrors = (where: string, error: z.ZodError): FieldError[] =>
  error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));

/** Validates params, query and body against the route's schemas, collecting every field error. */
export function parseInput(spec: RouteSpec, event: HttpEvent) {
  const errors: FieldError[] = [];
  const parse = (where: string, schema: z.ZodType | undefined, value: unknown) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    errors.push(...fieldErrors(where, result.error));
    return undefined;
  };
  const body = spec.body ? jsonBodyOf(event) : undefined;
  const input = {
    params: parse('params', spec.params, event.pathParameters ?? {}),
    query: parse('query', spec.query, event.queryStringParameters ?? {}),
    body: parse('body', spec.body, body),
  };
  if (errors.length > 0) throw new ValidationError(errors);
  return { ...input, rawBody: body };
}
