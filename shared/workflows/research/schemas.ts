import * as z from 'zod';
import { MAX_SUB_QUESTIONS } from './meter.js';

/** What each model call must answer, validated by zod (and sent to the provider as JSON Schema). */
const text = (max: number) => z.string().min(1).max(max);

export const decomposition = {
  name: 'decomposition',
  description: 'The research query decomposed into concepts and graded sub-questions',
  schema: z.object({
    concepts: z.array(text(200)).min(1).max(12),
    needsComputation: z.boolean(),
    subQuestions: z
      .array(
        z.object({
          question: text(1000),
          rubric: z.array(text(400)).min(1).max(8),
          referenceAnswer: text(4000),
        }),
      )
      .min(3)
      .max(MAX_SUB_QUESTIONS),
  }),
};
export type Decomposition = z.infer<typeof decomposition.schema>;
export type SubQuestion = Decomposition['subQuestions'][number];

export const promptPairs = {
  name: 'prompts',
  description: 'Two candidate prompts per sub-question, in the order given',
  schema: z.object({
    prompts: z
      .array(z.object({ primary: text(2000), alternative: text(2000) }))
      .min(1)
      .max(MAX_SUB_QUESTIONS),
  }),
};

export const grades = {
  name: 'grades',
  description: 'One grade per answer, in the order given: 0 (misses the rubric) to 1 (meets all of it)',
  schema: z.object({
    grades: z
      .array(z.object({ score: z.number().min(0).max(1), justification: text(1000) }))
      .min(1)
      .max(24),
  }),
};

export const generatedCode = {
  name: 'analysis_code',
  description: 'Analysis or simulation code for the query, with tests and assumptions',
  schema: z.object({
    needed: z.boolean(),
    language: text(40),
    code: z.string().max(20_000),
    tests: z.string().max(10_000),
    assumptions: z.array(text(500)).max(12),
  }),
};
export type GeneratedCode = z.infer<typeof generatedCode.schema>;

export const unaidedAnswers = {
  name: 'answers',
  description: 'One short answer per sub-question, in the order given',
  schema: z.object({ answers: z.array(text(4000)).min(1).max(MAX_SUB_QUESTIONS) }),
};

export const critique = {
  name: 'critique',
  description: 'Gaps and contradictions across the answers',
  schema: z.object({ gaps: z.array(text(1000)).max(12), contradictions: z.array(text(1000)).max(12) }),
};

export const revisions = {
  name: 'revisions',
  description: 'The answers revised to close the gaps and resolve the contradictions, in the order given',
  schema: z.object({ answers: z.array(text(4000)).min(1).max(MAX_SUB_QUESTIONS) }),
};

export const synthesis = {
  name: 'report',
  description: 'The final research report',
  schema: z.object({
    title: text(300),
    summary: text(3000),
    sections: z
      .array(z.object({ heading: text(200), body: text(6000), supportedBy: z.array(text(40)).max(8) }))
      .min(1)
      .max(10),
    limitations: z.array(text(1000)).max(10),
  }),
};
export type Synthesis = z.infer<typeof synthesis.schema>;
