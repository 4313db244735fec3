import { formatFtns, type Micro } from '#platform/money.js';
import type { UsageLine } from './meter.js';
import type { GeneratedCode, Synthesis } from './schemas.js';
import type { CheckedSection } from './support.js';

/** The workflow's response on a model provider: the synthesiser's report with its evidence. */
export interface ReportInput {
  prompt: string;
  provider: string;
  teacher: Record<string, unknown>;
  prompter: Record<string, unknown>;
  codegen: Record<string, unknown>;
  student: Record<string, unknown>;
  multiAgent: Record<string, unknown>;
  costs: { phase: string; cost: Micro; usage: UsageLine[] }[];
  byModel: Record<string, { inputTokens: number; outputTokens: number; calls: number }>;
  total: Micro;
  verified: boolean;
}

interface FinalAnswer {
  question: string;
  revised: string;
  scores: { unaided: number; optimised: number };
}

export function renderReport(input: ReportInput): string {
  const report = input.multiAgent.report as Omit<Synthesis, 'sections'> & {
    sections: (Synthesis['sections'][number] & Partial<CheckedSection>)[];
  };
  const answers = (input.multiAgent.answers ?? []) as FinalAnswer[];
  const code = input.codegen as Partial<GeneratedCode> & {
    needed: boolean;
    findings?: { category: string; match: string; line: number }[];
  };
  const lines = [
    `# ${report.title}`,
    '',
    `Research query: ${input.prompt.trim()}`,
    `Models on ${input.provider}: ${Object.keys(input.byModel).join(', ')}.`,
    '',
    report.summary,
    '',
    ...report.sections.flatMap((s) => [
      `## ${s.heading}`,
      '',
      s.body,
      '',
      `Supported by: ${s.supportedBy.length ? s.supportedBy.join(', ') : 'no artifact of this workflow'}.`,
      ...(s.unknownSupport?.length
        ? [`Not artifacts of this workflow (dropped): ${s.unknownSupport.join(', ')}.`]
        : []),
      '',
    ]),
    '## Graded answers',
    '',
    ...answers.flatMap((a, i) => [
      `### Q${i + 1}. ${a.question}`,
      '',
      a.revised,
      '',
      `Teacher's grade: ${a.scores.optimised} (unaided ${a.scores.unaided}). Artifacts: student, multi_agent.`,
      '',
    ]),
    '## Code',
    '',
    ...(code.needed
      ? [
          `Language: ${code.language}. Never executed; static scan: ${code.findings?.length ?? 0} finding(s)${
            code.findings?.length
              ? ` (${code.findings.map((f) => `${f.category} "${f.match}" line ${f.line}`).join('; ')})`
              : ''
          }.`,
          '',
          '```',
          code.code ?? '',
          '```',
          '',
          'Assumptions:',
          ...(code.assumptions ?? []).map((a) => `- ${a}`),
          '',
        ]
      : ['The query called for no computation.', '']),
    '## Limitations',
    '',
    ...(report.limitations.length ? report.limitations.map((l) => `- ${l}`) : ['- none stated']),
    `- The answers are model output, graded by a model (the teacher) against its own rubrics.`,
    '',
    '## Cost',
    '',
    ...input.costs.map((c) => {
      const tokens = c.usage.reduce((sum, u) => sum + u.inputTokens + u.outputTokens, 0);
      return `- ${c.phase}: ${formatFtns(c.cost)} FTNS${c.usage.length ? ` (${c.usage.length} model exchange(s), ${tokens} tokens)` : ''}`;
    }),
    `- total: ${formatFtns(input.total)} FTNS; audit chain ${input.verified ? 'verified' : 'BROKEN'}.`,
  ];
  return lines.join('\n');
}
