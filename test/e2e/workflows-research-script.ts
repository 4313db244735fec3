import { converseText, converseToolUse } from '../support/fake-models/bedrock-server.js';
import { completion } from '../support/fake-models/openai-server.js';
import type { ScriptedAnswer } from '../support/fake-models/scripted-server.js';

/**
 * The exchanges of the example query on the model phases, as a fake provider answers them in
 * order (no test framework here: the benchmark scripts its fakes with it too).
 */
export const TEACHER = 'fake-teacher-1';
export const STUDENT = 'fake-student-1';

/** FTNS per million tokens, set through the admin API: odd numbers, so rounding shows. */
export const PRICES = {
  [TEACHER]: { inputPerMillion: '3.333333', outputPerMillion: '15.5' },
  [STUDENT]: { inputPerMillion: '0.07', outputPerMillion: '0.280001' },
};

export interface Provider {
  structured(name: string, value: unknown, usage: { input: number; output: number }): ScriptedAnswer;
  chat(text: string, usage: { input: number; output: number }): ScriptedAnswer;
}

export const openAiAnswers: Provider = {
  structured: (_name, value, usage) =>
    completion(JSON.stringify(value), { prompt: usage.input, completion: usage.output }),
  chat: (text, usage) => completion(text, { prompt: usage.input, completion: usage.output }),
};

export const bedrockAnswers: Provider = {
  structured: (name, value, usage) => converseToolUse(name, value, usage),
  chat: (text, usage) => converseText(text, usage),
};

const QUESTIONS = [
  'How do photons couple to quantised field modes in a cavity?',
  'Which loss channels limit photonic coherence?',
  'How can the coupling strength be measured?',
];

export const decomposition = {
  concepts: ['cavity QED', 'photon-mode coupling', 'decoherence'],
  needsComputation: true,
  subQuestions: QUESTIONS.map((question, i) => ({
    question,
    rubric: [`names mechanism ${i + 1}`, 'gives an order of magnitude'],
    referenceAnswer: `Reference answer ${i + 1}.`,
  })),
};

const grades = (scores: number[]) => ({
  grades: scores.map((score) => ({ score, justification: 'fake grade' })),
});

export const CODE =
  'import numpy as np\nimport subprocess\n\ndef coupling(g, kappa):\n    return g / kappa\n';

/** Every exchange of the example query, in order: 18 of them. */
export function fullScript(provider: Provider): ScriptedAnswer[] {
  const u = (input: number, output: number) => ({ input, output });
  return [
    provider.structured('decomposition', decomposition, u(310, 640)),
    provider.structured(
      'prompts',
      { prompts: QUESTIONS.map((q, i) => ({ primary: `Precise: ${q}`, alternative: `Alt ${i}: ${q}` })) },
      u(420, 230),
    ),
    ...QUESTIONS.flatMap((_, i) => [
      provider.chat(`Trial primary ${i}`, u(40, 90)),
      provider.chat(`Trial alternative ${i}`, u(41, 95)),
    ]),
    provider.structured('grades', grades([0.5, 0.75, 0.8, 0.4, 0.6, 0.6]), u(900, 120)),
    provider.structured(
      'analysis_code',
      {
        needed: true,
        language: 'python',
        code: CODE,
        tests: 'assert coupling(2, 1) == 2',
        assumptions: ['weak coupling'],
      },
      u(500, 700),
    ),
    provider.structured('answers', { answers: QUESTIONS.map((_, i) => `Unaided answer ${i}`) }, u(150, 300)),
    ...QUESTIONS.map((_, i) => provider.chat(`FAKE-STUDENT-ANSWER-${i}`, u(60, 110))),
    provider.structured('grades', grades([0.25, 0.5, 0.3, 0.75, 0.9, 0.8]), u(1000, 130)),
    provider.structured('critique', { gaps: ['no loss budget'], contradictions: [] }, u(700, 80)),
    provider.structured(
      'revisions',
      { answers: QUESTIONS.map((_, i) => `FAKE-REVISED-ANSWER-${i}`) },
      u(800, 400),
    ),
    provider.structured(
      'report',
      {
        title: 'FAKE-REPORT-TITLE',
        summary: 'FAKE-REPORT-SUMMARY',
        sections: [
          {
            heading: 'Coupling',
            body: 'FAKE-SECTION-BODY',
            supportedBy: ['teacher', 'Student', 'wikipedia'],
          },
        ],
        limitations: ['FAKE-LIMITATION'],
      },
      u(900, 600),
    ),
  ];
}

/** Which model each step asks: teacher and student roles as configured. */
export const MODEL_SEQUENCE = [
  TEACHER, // teacher: decompose
  STUDENT, // prompter: write prompts
  ...Array(6).fill(STUDENT), // prompter: try each prompt
  TEACHER, // prompter: grade
  TEACHER, // codegen
  STUDENT, // student: unaided
  ...Array(3).fill(STUDENT), // student: answers
  TEACHER, // student: grade
  STUDENT,
  STUDENT,
  STUDENT, // multi-agent: critic, reviser, synthesiser
];
