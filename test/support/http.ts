import { type Answer, logAnswer, responseValidator } from './openapi-responses.js';

/** A small HTTP client for tests: JSON in, JSON out, the API key as a bearer token. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Json;
}

const validators = new Map<string, Promise<ReturnType<typeof responseValidator>>>();

/** The checker of the document the API at `baseUrl` serves, fetched once. */
function validatorOf(baseUrl: string) {
  let validator = validators.get(baseUrl);
  if (!validator) {
    validator = fetch(`${baseUrl}/v1/openapi.json`).then(async (response) => {
      if (response.status !== 200) throw new Error(`GET /v1/openapi.json answered ${response.status}`);
      return responseValidator(await response.json());
    });
    validators.set(baseUrl, validator);
  }
  return validator;
}

/** Throws when the answer is not what the served OpenAPI document says this request can get. */
export async function assertDocumented(baseUrl: string, answer: Answer): Promise<void> {
  const { operation, problems } = (await validatorOf(baseUrl))(answer);
  logAnswer(operation, answer, problems);
  if (problems.length > 0) {
    throw new Error(
      `Undocumented answer to ${answer.method} ${answer.path} (${operation}): ${answer.status}\n` +
        `${problems.map((problem) => `  - ${problem}`).join('\n')}\n  body: ${answer.text.slice(0, 500)}`,
    );
  }
}

/**
 * Every answer is checked against the served OpenAPI document (`validate: false` only for
 * benchmarks, which time the client).
 */
export function apiClient(baseUrl: string, { validate = true }: { validate?: boolean } = {}) {
  return async function request(
    method: string,
    path: string,
    options: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    if (validate) {
      await assertDocumented(baseUrl, {
        method,
        path,
        status: response.status,
        headers: response.headers,
        text,
      });
    }
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}
