import { appendFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Checks an answer of the API against its OpenAPI document: the operation lists the status,
 * the body has a documented media type and matches its schema, every required header is there
 * and every header the API sets is documented. An undocumented answer is a failed test.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON read by pointer
type Json = any;

/** Headers of HTTP itself (Node's server adds the last four), not of the API. */
const TRANSPORT_HEADERS = new Set([
  'content-type',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  pointer: string;
  responses: Record<string, Json>;
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

function operationsOf(document: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(document.paths)) {
    const segments = template.split('/');
    const pattern = new RegExp(
      `^${segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}$`,
    );
    const params = segments.filter((s) => s.startsWith('{')).length;
    for (const [method, operation] of Object.entries<Json>(item)) {
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern,
        params,
        pointer: `#/paths/${escapePointer(template)}/${method}`,
        responses: operation.responses,
      });
    }
  }
  // As API Gateway matches: literal segments beat path variables.
  return operations.sort((a, b) => a.params - b.params);
}

function jsonOrUndefined(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Answer {
  method: string;
  /** The path as sent, with its query. */
  path: string;
  status: number;
  headers: Headers;
  text: string;
}

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as Json).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

export function responseValidator(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const headerAjv = new Ajv2020({ strict: false, coerceTypes: true });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string) => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const operations = operationsOf(document);

  /** What is wrong with the answer, or an empty list; `operation` names what it was checked against. */
  return function check(answer: Answer): { operation: string; problems: string[] } {
    const pathname = new URL(answer.path, 'http://localhost').pathname;
    const operation = operations.find((o) => o.method === answer.method && o.pattern.test(pathname));
    if (!operation) {
      // No operation: the catch-all function answers, and only with a problem+json 404.
      const ok = answer.status === 404 && jsonOrUndefined(answer.text)?.code === 'not_found';
      return {
        operation: 'no operation',
        problems: ok ? [] : [`${answer.status} for a path no operation has`],
      };
    }
    const name = `${operation.method} ${operation.template}`;
    const status = String(answer.status);
    const response = operation.responses[status] ?? operation.responses.default;
    if (!response) return { operation: name, problems: [`status ${status} is not documented`] };
    const where = `${operation.pointer}/responses/${escapePointer(status)}`;
    return {
      operation: name,
      problems: [...bodyProblems(response, where, answer), ...headerProblems(response, answer)],
    };
  };

  function bodyProblems(response: Json, where: string, answer: Answer): string[] {
    const mediaType = answer.headers.get('content-type')?.split(';')[0]?.trim();
    if (answer.text === '') {
      return response.content
        ? [`no body, but ${answer.status} documents ${Object.keys(response.content)}`]
        : [];
    }
    if (!mediaType || !response.content?.[mediaType]) {
      return [`content-type ${mediaType} is not documented for ${answer.status}`];
    }
    const body = jsonOrUndefined(answer.text);
    if (body === undefined) return [`the ${mediaType} body is not JSON`];
    const validate = validatorAt(`${where}/content/${escapePointer(mediaType)}/schema`);
    return validate(body) ? [] : [`body: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`];
  }

  function headerProblems(response: Json, answer: Answer): string[] {
    const problems: string[] = [];
    const documented = new Map<string, Json>(
      Object.entries<Json>(response.headers ?? {}).map(([header, spec]) => [header.toLowerCase(), spec]),
    );
    for (const [header, spec] of documented) {
      const value = answer.headers.get(header);
      if (value === null) {
        if (spec.required) problems.push(`header ${header} is required on ${answer.status}`);
      } else if (!headerAjv.validate(spec.schema ?? {}, value)) {
        problems.push(`header ${header}: ${value} ${headerAjv.errorsText()}`);
      }
    }
    answer.headers.forEach((_, header) => {
      if (!TRANSPORT_HEADERS.has(header) && !documented.has(header)) {
        problems.push(`header ${header} is not documented on ${answer.status}`);
      }
    });
    return problems;
  }
}

/** Appends one line per checked answer to $PRSM_RESPONSE_LOG, to count them over a whole run. */
export function logAnswer(operation: string, answer: Answer, problems: string[]): void {
  const file = process.env.PRSM_RESPONSE_LOG;
  const body = problems.length > 0 ? answer.text.slice(0, 300) : undefined;
  if (file) appendFileSync(file, `${JSON.stringify({ operation, status: answer.status, problems, body })}\n`);
}
