import * as z from 'zod';
import type { ChatMessage, OutputSchema } from './types.js';

/**
 * A zod schema as the JSON Schema the providers take (no `$schema` key: OpenAI refuses it). The
 * output side: objects closed (`additionalProperties: false`), which strict modes require and
 * which tells the model not to add fields (zod would drop them anyway).
 */
export function jsonSchemaOf(output: OutputSchema<unknown>): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(output.schema, { io: 'output', unrepresentable: 'any' });
  return schema;
}

/**
 * Whether OpenAI's strict mode can take the schema: every object closed and every property
 * required (strict refuses optional fields with a 400, which would cost a fallback each time).
 */
export function strictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(strictCompatible);
  if (!schema || typeof schema !== 'object') return true;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' && node.properties) {
    const required = new Set((node.required as string[] | undefined) ?? []);
    if (node.additionalProperties !== false) return false;
    if (Object.keys(node.properties).some((key) => !required.has(key))) return false;
  }
  return Object.values(node).every(strictCompatible);
}

/** The JSON in an answer: as is, inside a ``` fence, or between the first and last bracket. */
function jsonText(content: string): string {
  const trimmed = content.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed);
  if (fenced) return fenced[1]!;
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  return start > 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Parses and validates an answer; the errors are what a repair call quotes back to the model. */
export function validateAnswer<T>(content: string, output: OutputSchema<T>): Validation<T> {
  let json: unknown;
  try {
    json = JSON.parse(jsonText(content));
  } catch (error) {
    return { ok: false, errors: [`not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = output.schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`),
  };
}

/** The schema in the prompt, for servers without a schema feature. */
export function withInstructions(
  messages: ChatMessage[],
  jsonSchema: Record<string, unknown>,
): ChatMessage[] {
  const instruction =
    'Answer with one JSON value only (no prose, no code fence) that conforms to this JSON Schema:\n' +
    JSON.stringify(jsonSchema);
  const [first, ...rest] = messages;
  if (first?.role === 'system')
    return [{ role: 'system', content: `${first.content}\n\n${instruction}` }, ...rest];
  return [{ role: 'system', content: instruction }, ...messages];
}

/** The follow-up that asks for a corrected answer, quoting what was wrong with the last one. */
export function repairMessages(messages: ChatMessage[], answer: string, errors: string[]): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: answer },
    {
      role: 'user',
      content:
        'Your answer does not conform to the required JSON Schema:\n' +
        errors.map((error) => `- ${error}`).join('\n') +
        '\nAnswer again with the corrected JSON only.',
    },
  ];
}
