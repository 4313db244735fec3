import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { jsonSchemaOf, strictCompatible, validateAnswer } from '#shared/workflows/models/structured.js';
import { PLAN, plan } from './support.js';

describe('structured answers', () => {
  it('sends closed objects, and strict only when every field is required', () => {
    const closed = jsonSchemaOf(plan);
    expect(closed).toMatchObject({ type: 'object', additionalProperties: false });
    expect(closed).not.toHaveProperty('$schema');
    expect(strictCompatible(closed)).toBe(true);
    const optional = jsonSchemaOf({
      name: 'x',
      schema: z.object({ a: z.string(), b: z.string().optional() }),
    });
    expect(strictCompatible(optional)).toBe(false);
    const nested = jsonSchemaOf({
      name: 'y',
      schema: z.object({ items: z.array(z.object({ c: z.number(), d: z.number().optional() })) }),
    });
    expect(strictCompatible(nested)).toBe(false);
  });

  it('reads JSON as is, in a code fence or after a sentence, and names what is wrong', () => {
    for (const content of [
      JSON.stringify(PLAN),
      `\`\`\`json\n${JSON.stringify(PLAN)}\n\`\`\``,
      `Sure: ${JSON.stringify(PLAN)}`,
    ]) {
      expect(validateAnswer(content, plan)).toEqual({ ok: true, value: PLAN });
    }
    expect(validateAnswer('{"title": 1}', plan)).toEqual({
      ok: false,
      errors: [
        'title: Invalid input: expected string, received number',
        'questions: Invalid input: expected array, received undefined',
        'confidence: Invalid input: expected number, received undefined',
      ],
    });
    expect(validateAnswer('no json here', plan)).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^not valid JSON/)],
    });
  });
});
