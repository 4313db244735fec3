import { MICRO_PER_FTNS, type Micro } from '#platform/money.js';

/**
 * The seven phases of a research workflow, after the original: each is metered in the budget
 * category below, and costs the sum of its components' prices (defaults here, admin-editable).
 */
export interface PhaseDefinition {
  /** 1-based position. */
  number: number;
  id: string;
  name: string;
  category: string;
  components: string[];
}

export const PHASES: readonly PhaseDefinition[] = [
  {
    number: 1,
    id: 'teacher',
    name: 'Teacher model framework',
    category: 'model_inference',
    components: ['SEAL', 'DistilledTeacher', 'AbsoluteZero'],
  },
  {
    number: 2,
    id: 'prompter',
    name: 'Prompter AI optimisation',
    category: 'context_processing',
    components: ['ZeroDataLearning', 'PromptOptimizer'],
  },
  {
    number: 3,
    id: 'codegen',
    name: 'Code generation',
    category: 'tool_execution',
    components: ['CodeGenerator', 'SelfPlayImprovement'],
  },
  {
    number: 4,
    id: 'student',
    name: 'Student model learning',
    category: 'model_inference',
    components: ['AdaptiveLearning', 'Personalization'],
  },
  {
    number: 5,
    id: 'security',
    name: 'Enterprise security',
    category: 'safety_validation',
    components: ['ComplianceChecker', 'AuditTrail'],
  },
  {
    number: 6,
    id: 'multi_agent',
    name: 'Multi-agent framework',
    category: 'agent_coordination',
    components: ['ContextCompression', 'AgentParallelism'],
  },
  {
    number: 7,
    id: 'settlement',
    name: 'FTNS and marketplace',
    category: 'marketplace_trading',
    components: ['FTNSScheduling', 'MarketplaceIntegration'],
  },
];

const ftns = (whole: number, cents: number): Micro =>
  BigInt(whole) * MICRO_PER_FTNS + BigInt(cents) * 10_000n;

/** The original's component prices: 112.90 FTNS over 15 components. */
export const DEFAULT_PRICES: Readonly<Record<string, Micro>> = {
  SEAL: ftns(5, 50),
  DistilledTeacher: ftns(5, 0),
  AbsoluteZero: ftns(5, 0),
  ZeroDataLearning: ftns(4, 50),
  PromptOptimizer: ftns(4, 25),
  CodeGenerator: ftns(12, 30),
  SelfPlayImprovement: ftns(10, 0),
  AdaptiveLearning: ftns(6, 40),
  Personalization: ftns(6, 0),
  ComplianceChecker: ftns(3, 40),
  AuditTrail: ftns(3, 40),
  ContextCompression: ftns(14, 90),
  AgentParallelism: ftns(14, 0),
  FTNSScheduling: ftns(9, 25),
  MarketplaceIntegration: ftns(9, 0),
};

export const COMPONENTS = Object.keys(DEFAULT_PRICES);
