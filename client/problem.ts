/** A refused request: the API's RFC 9457 problem, or API Gateway's own `{ message }` answer. */
export class PrsmProblem extends Error {
  readonly status: number;
  /** The problem's stable `code`; `throttled` or `http_<status>` when the gateway answered itself. */
  readonly code: string;
  readonly detail: string;
  readonly errors: { path: string; message: string }[];
  readonly requestId: string | undefined;
  /** The answer's body as it came. */
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const code =
      typeof fields.code === 'string' ? fields.code : status === 429 ? 'throttled' : `http_${status}`;
    const detail =
      typeof fields.detail === 'string'
        ? fields.detail
        : typeof fields.message === 'string'
          ? fields.message
          : typeof body === 'string' && body
            ? body
            : `HTTP ${status}`;
    super(`${code}: ${detail}`);
    this.name = 'PrsmProblem';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = Array.isArray(fields.errors) ? (fields.errors as PrsmProblem['errors']) : [];
    this.requestId = typeof fields.requestId === 'string' ? fields.requestId : undefined;
    this.body = body;
  }
}

/** What every openapi-fetch call resolves to. */
export interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or a thrown PrsmProblem when the API refused the request. */
export async function unwrap<T>(pending: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) throw new PrsmProblem(response.status, error);
  return data as T;
}
