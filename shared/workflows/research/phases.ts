import { clip, type PhaseContext } from '../executors/executor.js';
import type { ChatMessage } from '../models/types.js';
import { MODEL_CONCURRENCY, mapBounded } from './bounded.js';
import { scanCode } from './checks.js';
import { MAX_SUB_QUESTIONS, type PhaseMeter } from './meter.js';
import {
  critique,
  type Decomposition,
  decomposition,
  type GeneratedCode,
  generatedCode,
  grades,
  promptPairs,
  revisions,
  type SubQuestion,
  synthesis,
  unaidedAnswers,
} from './schemas.js';
import { CITABLE_ARTIFACTS, checkSupport } from './support.js';

/**
 * The model phases. Each returns its result; the executor adds the exchanges and the usage to
 * the artifact. Later phases read the earlier results from the artifacts in S3.
 */
export interface ModelPhaseResult {
  summary: string;
  result: Record<string, unknown>;
}

type ModelPhase = (context: PhaseContext, meter: PhaseMeter) => Promise<ModelPhaseResult>;

const system = (content: string): ChatMessage => ({ role: 'system', content });
const user = (content: string): ChatMessage => ({ role: 'user', content });

const resultOf = async <T>(context: PhaseContext, phaseId: string): Promise<T> =>
  (await context.artifact(phaseId)).document.data.result as T;

const numbered = (items: string[]) => items.map((item, i) => `${i + 1}. ${item}`).join('\n');

const round2 = (value: number) => Math.round(value * 100) / 100;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** At position i of a model's list, or the fallback when it answered fewer. */
const at = <T>(items: T[], i: number, fallback: T): T => items[i] ?? fallback;

const teacher: ModelPhase = async (context, meter) => {
  const value = await meter.structured(
    'decompose',
    [
      system(
        'You are the teacher of a research workflow. Decompose the research query into its core concepts and ' +
          `3 to ${MAX_SUB_QUESTIONS} sub-questions. For each sub-question give a rubric (what a good answer must ` +
          'contain) and a concise reference answer. Say whether the query calls for computation or simulation.',
      ),
      user(
        `Research query: ${context.prompt}${contextNote(context)}` +
          (context.listingContext
            ? `\n\nMarketplace resources the researcher provided (use them where they help):\n${context.listingContext}`
            : ''),
      ),
    ],
    decomposition,
  );
  return {
    summary: clip(
      `Concepts: ${value.concepts.join(', ')}. ${value.subQuestions.length} sub-questions with rubrics and reference answers.`,
    ),
    result: value,
  };
};

const contextNote = (context: PhaseContext) => {
  const level = context.preferences.level;
  return level ? `\nThe researcher's level: ${String(level)}.` : '';
};

async function gradeAnswers(
  meter: PhaseMeter,
  questions: SubQuestion[],
  answers: { question: number; answer: string }[],
): Promise<number[]> {
  const listing = answers
    .map(
      (a, i) =>
        `Answer ${i + 1} (to sub-question ${a.question + 1}: ${questions[a.question]!.question})\n` +
        `Rubric: ${questions[a.question]!.rubric.join('; ')}\nAnswer: ${a.answer}`,
    )
    .join('\n\n');
  const graded = await meter.structured(
    'grade',
    [
      system(
        'You are the teacher grading answers against their rubric. Give each answer, in order, a score from 0 ' +
          '(misses the rubric) to 1 (meets all of it) and a one-sentence justification.',
      ),
      user(listing),
    ],
    grades,
  );
  return answers.map((_, i) => round2(at(graded.grades, i, { score: 0, justification: '' }).score));
}

const prompter: ModelPhase = async (context, meter) => {
  const taught = await resultOf<Decomposition>(context, 'teacher');
  const questions = taught.subQuestions;
  const written = await meter.structured(
    'write_prompts',
    [
      system(
        'You write prompts for a small student model. For each sub-question, in order, write a precise prompt ' +
          '(primary) and a differently phrased alternative; each must make the student cover the rubric.',
      ),
      user(
        questions
          .map((q, i) => `Sub-question ${i + 1}: ${q.question}\nRubric: ${q.rubric.join('; ')}`)
          .join('\n\n'),
      ),
    ],
    promptPairs,
  );
  const candidates = questions.map((q, i) =>
    at(written.prompts, i, { primary: q.question, alternative: q.question }),
  );
  const tries = candidates.flatMap((pair, question) =>
    (['primary', 'alternative'] as const).map((variant) => ({ question, variant, prompt: pair[variant] })),
  );
  const trials = await mapBounded(tries, MODEL_CONCURRENCY, async (trial) => ({
    ...trial,
    answer: await meter.chat('try_prompt', [user(trial.prompt)]),
  }));
  const scores = await gradeAnswers(meter, questions, trials);
  const chosen = questions.map((q, i) => {
    const primary = scores[2 * i]!;
    const alternative = scores[2 * i + 1]!;
    const keep = alternative > primary ? 'alternative' : 'primary';
    return {
      question: q.question,
      prompt: candidates[i]![keep],
      kept: keep,
      scores: { primary, alternative },
    };
  });
  return {
    summary: clip(
      `Optimised ${chosen.length} prompts on the student: kept ${chosen.filter((c) => c.kept === 'alternative').length} ` +
        `alternatives; mean rubric score ${round2(mean(chosen.map((c) => Math.max(c.scores.primary, c.scores.alternative))))}.`,
    ),
    result: { prompts: chosen, trials: trials.map((t, i) => ({ ...t, score: scores[i] })) },
  };
};

const codegen: ModelPhase = async (context, meter) => {
  const taught = await resultOf<Decomposition>(context, 'teacher');
  if (!taught.needsComputation) {
    return {
      summary: 'The query calls for no computation: no code generated.',
      result: { needed: false, findings: [] },
    };
  }
  const code: GeneratedCode = await meter.structured(
    'generate_code',
    [
      system(
        'Write self-contained analysis or simulation code for the research query, with unit tests and the ' +
          'assumptions it makes. It will be reviewed, never run: no network, file or process access.',
      ),
      user(
        `Research query: ${context.prompt}\nConcepts: ${taught.concepts.join(', ')}\nSub-questions:\n${numbered(
          taught.subQuestions.map((q) => q.question),
        )}`,
      ),
    ],
    generatedCode,
  );
  const findings = scanCode(`${code.code}\n${code.tests}`);
  return {
    summary: clip(
      `Generated ${code.language} code (${code.code.split('\n').length} lines, tests, ${code.assumptions.length} ` +
        `assumptions), never executed; static scan: ${findings.length} finding(s).`,
    ),
    result: { ...code, findings, executed: false },
  };
};

const student: ModelPhase = async (context, meter) => {
  const taught = await resultOf<Decomposition>(context, 'teacher');
  const prompted = await resultOf<{ prompts: { prompt: string }[] }>(context, 'prompter');
  const questions = taught.subQuestions;
  const first = await meter.structured(
    'unaided',
    [system('Answer each question briefly, in order.'), user(numbered(questions.map((q) => q.question)))],
    unaidedAnswers,
  );
  const unaided = questions.map((_, i) => at(first.answers, i, '(no answer)'));
  const answers = await mapBounded(questions, MODEL_CONCURRENCY, (q, i) =>
    meter.chat('answer', [user(at(prompted.prompts, i, { prompt: q.question }).prompt)]),
  );
  const scores = await gradeAnswers(meter, questions, [
    ...unaided.map((answer, question) => ({ question, answer })),
    ...answers.map((answer, question) => ({ question, answer })),
  ]);
  const graded = questions.map((q, i) => {
    const before = scores[i]!;
    const after = scores[questions.length + i]!;
    return {
      question: q.question,
      unaided: unaided[i],
      answer: answers[i],
      scores: { unaided: before, optimised: after },
      gain: round2(after - before),
    };
  });
  const gain = round2(mean(graded.map((g) => g.gain)));
  return {
    summary: clip(
      `The student answered ${graded.length} sub-questions; mean score ${round2(mean(graded.map((g) => g.scores.optimised)))} ` +
        `(unaided ${round2(mean(graded.map((g) => g.scores.unaided)))}), learning gain ${gain}.`,
    ),
    result: { answers: graded, learningGain: gain },
  };
};

interface GradedAnswer {
  question: string;
  answer: string;
  scores: { unaided: number; optimised: number };
}

const multiAgent: ModelPhase = async (context, meter) => {
  const taught = await resultOf<Decomposition>(context, 'teacher');
  const learned = await resultOf<{ answers: GradedAnswer[] }>(context, 'student');
  const code = await resultOf<Partial<GeneratedCode> & { needed: boolean; findings: unknown[] }>(
    context,
    'codegen',
  );
  const listing = learned.answers
    .map((a, i) => `Q${i + 1}: ${a.question}\nA${i + 1}: ${a.answer}`)
    .join('\n\n');
  const found = await meter.structured(
    'critic',
    [
      system('You are the critic. Find the gaps and the contradictions across these answers.'),
      user(`Research query: ${context.prompt}\n\n${listing}`),
    ],
    critique,
  );
  const revised = await meter.structured(
    'reviser',
    [
      system(
        'You are the reviser. Rewrite each answer, in order, closing the gaps and resolving the contradictions.',
      ),
      user(
        `${listing}\n\nGaps:\n${numbered(found.gaps)}\n\nContradictions:\n${numbered(found.contradictions)}`,
      ),
    ],
    revisions,
  );
  const final = learned.answers.map((a, i) => ({ ...a, revised: at(revised.answers, i, a.answer) }));
  const report = await meter.structured(
    'synthesiser',
    [
      system(
        'You are the synthesiser. Write the final research report: a title, a summary, sections (each naming the ' +
          'artifacts that support it among: teacher, prompter, codegen, student, multi_agent) and the limitations.',
      ),
      user(
        `Research query: ${context.prompt}\nConcepts: ${taught.concepts.join(', ')}\n\n` +
          final.map((a, i) => `Q${i + 1}: ${a.question}\nA${i + 1}: ${a.revised}`).join('\n\n') +
          (code.needed ? `\n\nCode assumptions:\n${numbered(code.assumptions ?? [])}` : ''),
      ),
    ],
    synthesis,
  );
  const sections = checkSupport(report.sections, CITABLE_ARTIFACTS);
  const unknown = sections.reduce((sum, section) => sum + section.unknownSupport.length, 0);
  return {
    summary: clip(
      `Critic: ${found.gaps.length} gaps, ${found.contradictions.length} contradictions; ${final.length} answers revised; ` +
        `report "${report.title}" in ${report.sections.length} sections` +
        `${unknown ? ` (${unknown} unknown artifact name(s) dropped)` : ''}.`,
    ),
    result: { critique: found, answers: final, report: { ...report, sections } },
  };
};

export const MODEL_PHASES: Readonly<Record<string, ModelPhase>> = {
  teacher,
  prompter,
  codegen,
  student,
  multi_agent: multiAgent,
};
