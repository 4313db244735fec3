/** Errors with a stable `code` that the HTTP layer turns into RFC 9457 problem+json. */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class MalformedRequestError extends AppError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid API key is required: Authorization: Bearer <key>') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'This operation needs the admin role') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'not_found', `No such ${what}`);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class PaymentRequiredError extends AppError {
  constructor(code: 'insufficient_funds' | 'budget_exceeded', message: string) {
    super(402, code, message);
  }
}

export class ValidationError extends AppError {
  constructor(
    errors: FieldError[],
    message = 'The request does not match the schema',
    code = 'validation_failed',
  ) {
    super(422, code, message, errors);
  }
}

export class UnavailableError extends AppError {
  constructor(message = 'A dependency is unavailable, retry later', retryAfterSeconds = 1) {
    super(503, 'unavailable', message, [], { 'retry-after': String(retryAfterSeconds) });
  }
}
