import type { ListingType, PricingModel, QualityGrade } from './catalogue.js';

/**
 * The demo catalogue: the domain document's seed catalogue (seven items, 515.45 together), an
 * ai_model and an mcp_tool so that all nine types are present, and the listings of the four
 * end-to-end journeys (which reuse seed items). Ids are fixed so that seeding twice changes
 * nothing.
 */
export interface DemoUser {
  id: string;
  name: string;
  /** The 12-character key id of the development key used locally. */
  keyId: string;
  /** FTNS granted once, as a decimal string. */
  grant?: string;
  /** The buyer's demo budget, charged by their checkouts. */
  budget?: { id: string; total: string };
}

export interface DemoListing {
  id: string;
  sellerId: string;
  type: ListingType;
  title: string;
  description: string;
  tags: string[];
  price: string;
  pricingModel: PricingModel;
  qualityGrade: QualityGrade;
  metadata: Record<string, unknown>;
}

export const DEMO_SELLERS: DemoUser[] = [
  { id: 'usr_demolabs', name: 'PRSM Demo Labs (demo seller)', keyId: 'demoseller01' },
  { id: 'usr_demoenterprise', name: 'Enterprise Partners (demo seller)', keyId: 'demoseller02' },
];

/** One buyer per journey, so that journeys reusing a one-time item do not collide. */
export const DEMO_BUYERS: DemoUser[] = [
  {
    id: 'usr_demoresearcher',
    name: 'Research scientist (demo buyer)',
    keyId: 'demobuyer001',
    grant: '5000',
    budget: { id: 'bud_demoresearcher', total: '2500' },
  },
  {
    id: 'usr_demodeveloper',
    name: 'AI developer (demo buyer)',
    keyId: 'demobuyer002',
    grant: '5000',
    budget: { id: 'bud_demodeveloper', total: '2500' },
  },
  {
    id: 'usr_democompany',
    name: 'Enterprise team (demo buyer)',
    keyId: 'demobuyer003',
    grant: '5000',
    budget: { id: 'bud_democompany', total: '4000' },
  },
  {
    id: 'usr_democommunity',
    name: 'Community member (demo buyer)',
    keyId: 'demobuyer004',
    grant: '5000',
    budget: { id: 'bud_democommunity', total: '500' },
  },
];

/** The budget category demo checkouts are charged to. */
export const DEMO_CATEGORY = 'marketplace_trading';

const LABS = 'usr_demolabs';
const ENTERPRISE = 'usr_demoenterprise';

export const DEMO_LISTINGS: DemoListing[] = [
  // The seed catalogue.
  {
    id: 'lst_demodataset',
    sellerId: LABS,
    type: 'dataset',
    title: 'Protein Structure Reference Dataset',
    description:
      'Curated protein structures with folding annotations, for training and validating structure models.',
    tags: ['biology', 'proteins', 'research'],
    price: '29.99',
    pricingModel: 'one_time',
    qualityGrade: 'verified',
    metadata: {
      format: 'parquet',
      sizeBytes: 48_318_382_080,
      records: 1_250_000,
      licence: 'CC-BY-4.0',
      sampleUrl: 'https://example.org/prsm/samples/protein-structures.parquet',
      updateFrequency: 'monthly',
    },
  },
  {
    id: 'lst_demoworkflow',
    sellerId: LABS,
    type: 'agent_workflow',
    title: 'Literature Review Agent Workflow',
    description: 'Three agents search, screen and summarise the literature on a research question.',
    tags: ['research', 'literature', 'agents'],
    price: '7.99',
    pricingModel: 'pay_per_use',
    qualityGrade: 'community',
    metadata: {
      steps: 6,
      agents: 3,
      frameworks: ['langgraph'],
      inputs: ['research question'],
      outputs: ['annotated bibliography', 'summary report'],
      estimatedMinutes: 20,
    },
  },
  {
    id: 'lst_democompute',
    sellerId: LABS,
    type: 'compute_resource',
    title: 'GPU Compute Hours',
    description: 'On-demand GPU hours for experiments, billed per block of hours.',
    tags: ['compute', 'gpu'],
    price: '12.50',
    pricingModel: 'pay_per_use',
    qualityGrade: 'verified',
    metadata: {
      hardware: '1x NVIDIA A100 80GB',
      gpus: 1,
      vcpus: 16,
      memoryGiB: 128,
      region: 'eu-west-1',
      hours: 5,
    },
  },
  {
    id: 'lst_demokgraph',
    sellerId: LABS,
    type: 'knowledge_resource',
    title: 'Scientific Knowledge Graph',
    description:
      'Entities and relations extracted from open-access papers across the life and physical sciences.',
    tags: ['research', 'knowledge-graph'],
    price: '199.99',
    pricingModel: 'subscription',
    qualityGrade: 'premium',
    metadata: {
      kind: 'knowledge_graph',
      domain: 'life and physical sciences',
      format: 'RDF/Turtle',
      entities: 42_000_000,
      relations: 310_000_000,
      licence: 'ODC-BY-1.0',
    },
  },
  {
    id: 'lst_demoeval',
    sellerId: LABS,
    type: 'evaluation_service',
    title: 'Model Evaluation Service',
    description: 'Benchmarks a model on reasoning, knowledge and safety suites and reports the results.',
    tags: ['evaluation', 'benchmarks', 'ai-development'],
    price: '49.99',
    pricingModel: 'pay_per_use',
    qualityGrade: 'verified',
    metadata: {
      benchmarks: ['MMLU', 'GSM8K', 'TruthfulQA'],
      metrics: ['accuracy', 'calibration'],
      turnaroundHours: 24,
      reportFormat: 'pdf',
    },
  },
  {
    id: 'lst_demotraining',
    sellerId: LABS,
    type: 'training_service',
    title: 'Custom Fine-Tuning Service',
    description: 'LoRA fine-tuning of an open model on your data, with an evaluation of the result.',
    tags: ['training', 'fine-tuning', 'ai-development'],
    price: '125.00',
    pricingModel: 'pay_per_use',
    qualityGrade: 'verified',
    metadata: {
      method: 'lora',
      baseModels: ['Llama 3 8B', 'Mistral 7B'],
      gpuHours: 40,
      deliverables: ['adapter weights', 'evaluation report'],
    },
  },
  {
    id: 'lst_demosafety',
    sellerId: LABS,
    type: 'safety_tool',
    title: 'AI Safety Validation Toolkit',
    description: 'Red-teaming and bias checks for models before deployment, with a findings report.',
    tags: ['safety', 'validation', 'ai-development'],
    price: '89.99',
    pricingModel: 'one_time',
    qualityGrade: 'premium',
    metadata: { checks: ['jailbreak', 'bias', 'toxicity', 'red_teaming'], integration: 'library' },
  },
  // The two remaining types.
  {
    id: 'lst_demomodel',
    sellerId: LABS,
    type: 'ai_model',
    title: 'Research Assistant Model 7B',
    description: 'An instruction-tuned language model for scientific question answering, per call.',
    tags: ['models', 'research'],
    price: '0.50',
    pricingModel: 'pay_per_use',
    qualityGrade: 'community',
    metadata: { modality: 'text', contextLength: 32_768, parameters: '7B', licence: 'Apache-2.0' },
  },
  {
    id: 'lst_demomcptool',
    sellerId: LABS,
    type: 'mcp_tool',
    title: 'Paper Search MCP Server',
    description: 'An MCP server whose tools search and fetch open-access papers.',
    tags: ['research', 'literature', 'mcp'],
    price: '0',
    pricingModel: 'free',
    qualityGrade: 'community',
    metadata: {
      transport: 'streamable_http',
      capabilities: ['tools', 'resources'],
      tools: ['search_papers', 'fetch_paper'],
      authentication: 'none',
    },
  },
  // The end-to-end journeys' own listings.
  {
    id: 'lst_demohpc',
    sellerId: LABS,
    type: 'compute_resource',
    title: 'HPC Compute Block',
    description: 'A block of 100 node-hours on an HPC cluster for large simulations.',
    tags: ['compute', 'hpc', 'research'],
    price: '221.50',
    pricingModel: 'pay_per_use',
    qualityGrade: 'verified',
    metadata: {
      hardware: '32-core CPU nodes, InfiniBand',
      vcpus: 32,
      memoryGiB: 256,
      region: 'eu-central-1',
      hours: 100,
    },
  },
  {
    id: 'lst_democompliance',
    sellerId: ENTERPRISE,
    type: 'safety_tool',
    title: 'Enterprise Compliance Suite',
    description: 'Compliance checks, audit trails and reports for AI systems under enterprise policies.',
    tags: ['compliance', 'enterprise', 'safety'],
    price: '999.99',
    pricingModel: 'one_time',
    qualityGrade: 'enterprise',
    metadata: {
      checks: ['compliance', 'privacy', 'bias'],
      frameworks: ['EU AI Act', 'ISO/IEC 42001'],
      integration: 'api',
    },
  },
  {
    id: 'lst_demoentcompute',
    sellerId: ENTERPRISE,
    type: 'compute_resource',
    title: 'Enterprise Compute Reservation',
    description: 'A dedicated GPU cluster reserved for a month, with support.',
    tags: ['compute', 'gpu', 'enterprise'],
    price: '1499.99',
    pricingModel: 'subscription',
    qualityGrade: 'enterprise',
    metadata: {
      hardware: '8x NVIDIA H100 80GB',
      gpus: 8,
      vcpus: 192,
      memoryGiB: 2048,
      region: 'us-east-1',
      hours: 720,
    },
  },
  {
    id: 'lst_demogovernance',
    sellerId: ENTERPRISE,
    type: 'knowledge_resource',
    title: 'AI Governance Toolkit',
    description: 'Policies, templates and checklists for governing AI in an organisation.',
    tags: ['governance', 'enterprise'],
    price: '199.99',
    pricingModel: 'one_time',
    qualityGrade: 'premium',
    metadata: {
      kind: 'documentation',
      domain: 'AI governance',
      format: 'Markdown and PDF',
      licence: 'proprietary',
    },
  },
  {
    id: 'lst_democommunity',
    sellerId: LABS,
    type: 'knowledge_resource',
    title: 'Community Research Resources',
    description: 'Shared notebooks, reading lists and tutorials maintained by the community.',
    tags: ['community', 'research'],
    price: '15.25',
    pricingModel: 'one_time',
    qualityGrade: 'community',
    metadata: {
      kind: 'corpus',
      domain: 'open science',
      format: 'Jupyter notebooks',
      licence: 'CC-BY-SA-4.0',
    },
  },
  {
    id: 'lst_demopeerreview',
    sellerId: LABS,
    type: 'evaluation_service',
    title: 'Peer Review Service',
    description: 'Structured peer review of a preprint by two domain experts.',
    tags: ['community', 'review'],
    price: '20.50',
    pricingModel: 'pay_per_use',
    qualityGrade: 'community',
    metadata: {
      benchmarks: ['methodology', 'reproducibility'],
      metrics: ['reviewer score'],
      turnaroundHours: 72,
    },
  },
  {
    id: 'lst_demomonetise',
    sellerId: LABS,
    type: 'agent_workflow',
    title: 'Research Monetisation Kit',
    description: 'A workflow that packages research outputs as marketplace listings.',
    tags: ['community', 'marketplace'],
    price: '10.00',
    pricingModel: 'one_time',
    qualityGrade: 'experimental',
    metadata: {
      steps: 4,
      agents: 2,
      inputs: ['research outputs'],
      outputs: ['listing drafts', 'pricing advice'],
    },
  },
];

/** The seed catalogue of the domain document: bought together, 515.45. */
export const SEED_CATALOGUE = [
  'lst_demodataset',
  'lst_demoworkflow',
  'lst_democompute',
  'lst_demokgraph',
  'lst_demoeval',
  'lst_demotraining',
  'lst_demosafety',
];

/** The end-to-end journeys: each one checkout by its own demo buyer. */
export const DEMO_JOURNEYS = [
  {
    name: 'Scientific research',
    buyerId: 'usr_demoresearcher',
    budgetId: 'bud_demoresearcher',
    listingIds: ['lst_demodataset', 'lst_demokgraph', 'lst_demoworkflow', 'lst_demohpc'],
    total: '459.47',
  },
  {
    name: 'AI development',
    buyerId: 'usr_demodeveloper',
    budgetId: 'bud_demodeveloper',
    listingIds: ['lst_demotraining', 'lst_demoeval', 'lst_demosafety', 'lst_demodataset'],
    total: '294.97',
  },
  {
    name: 'Enterprise deployment',
    buyerId: 'usr_democompany',
    budgetId: 'bud_democompany',
    listingIds: ['lst_democompliance', 'lst_demoentcompute', 'lst_demogovernance'],
    total: '2699.97',
  },
  {
    name: 'Community collaboration',
    buyerId: 'usr_democommunity',
    budgetId: 'bud_democommunity',
    listingIds: ['lst_democommunity', 'lst_demopeerreview', 'lst_demomonetise'],
    total: '45.75',
  },
] as const;
