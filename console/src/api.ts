import { session } from './session.js';

/** The public API, nothing else: the key as a bearer token, problem+json turned into ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

let base: Promise<string> | undefined;

/** The API's origin from config.json: empty (this origin) locally, the API's URL on AWS. */
function apiBase(): Promise<string> {
  base ??= fetch('config.json')
    .then((response) => (response.ok ? response.json() : {}))
    .then((config: { apiUrl?: string }) => (config.apiUrl ?? '').replace(/\/$/, ''))
    .catch(() => '');
  return base;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CallOptions {
  body?: unknown;
  /** Money routes: one key per user action, so a retried request cannot pay twice. */
  idempotencyKey?: string;
  key?: string;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const key = options.key ?? session.key();
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`${await apiBase()}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The API could not be reached. Is it running?');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as { detail?: string; title?: string; code?: string; message?: string };
    const detail =
      problem.detail ?? problem.title ?? problem.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, problem.code, detail);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const get = <T>(path: string) => call<T>('GET', path);

/** Every page of a list (small lists: budgets, prices), following the cursor. */
export async function getAll<T>(path: string, limit = 100): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query: string = `${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<T> = await get<Page<T>>(`${path}${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export const newIdempotencyKey = (): string => crypto.randomUUID();
