import * as z from 'zod';
import { text } from '#platform/schemas.js';
import type { ListingType } from './catalogue.js';

/**
 * What a buyer of each resource type needs to know before buying, one strict schema per type:
 * a field of another type's metadata is a 422, not silently stored.
 */
const label = text(200).min(1);
const labels = (max = 20) => z.array(label).max(max);
const licence = text(100).min(1).meta({ description: 'SPDX id or a licence name', example: 'CC-BY-4.0' });
const link = z.url({ protocol: /^https?$/ }).max(2000);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positive = z.number().positive().max(1_000_000_000);

export const aiModelMetadata = z.strictObject({
  modality: z.enum(['text', 'image', 'audio', 'video', 'multimodal', 'embedding', 'code']),
  contextLength: z.number().int().min(1).max(100_000_000).meta({ description: 'Tokens' }),
  parameters: text(20).min(1).optional().meta({ example: '7B' }),
  architecture: label.optional(),
  licence,
  endpoint: link.optional(),
});

export const datasetMetadata = z.strictObject({
  format: z.enum([
    'csv',
    'parquet',
    'json',
    'jsonl',
    'hdf5',
    'netcdf',
    'arrow',
    'tfrecord',
    'images',
    'other',
  ]),
  sizeBytes: count,
  records: count.optional(),
  licence,
  sampleUrl: link.optional(),
  updateFrequency: z.enum(['static', 'daily', 'weekly', 'monthly']).optional(),
});

export const agentWorkflowMetadata = z.strictObject({
  steps: z.number().int().min(1).max(1000),
  agents: z.number().int().min(1).max(1000),
  frameworks: labels().optional(),
  inputs: labels().min(1),
  outputs: labels().min(1),
  estimatedMinutes: positive.optional(),
});

export const mcpToolMetadata = z.strictObject({
  transport: z.enum(['stdio', 'sse', 'streamable_http']),
  capabilities: z
    .array(z.enum(['tools', 'resources', 'prompts', 'sampling']))
    .min(1)
    .max(4)
    .refine((c) => new Set(c).size === c.length, 'must not repeat a capability'),
  tools: labels(100).optional(),
  serverUrl: link.optional(),
  authentication: z.enum(['none', 'api_key', 'oauth']).optional(),
});

export const computeResourceMetadata = z.strictObject({
  hardware: label.meta({ example: '8x NVIDIA H100 80GB' }),
  gpus: count.optional(),
  vcpus: count.optional(),
  memoryGiB: count.optional(),
  region: text(50).min(1).meta({ example: 'eu-west-1' }),
  hours: positive.meta({ description: 'Hours of use one purchase gives' }),
});

export const knowledgeResourceMetadata = z.strictObject({
  kind: z.enum(['knowledge_graph', 'ontology', 'corpus', 'index', 'documentation']),
  domain: label,
  format: text(50).min(1).meta({ example: 'RDF/Turtle' }),
  entities: count.optional(),
  relations: count.optional(),
  licence,
});

export const evaluationServiceMetadata = z.strictObject({
  benchmarks: labels().min(1),
  metrics: labels().min(1),
  turnaroundHours: positive,
  reportFormat: z.enum(['pdf', 'json', 'html']).optional(),
});

export const trainingServiceMetadata = z.strictObject({
  method: z.enum(['fine_tuning', 'lora', 'distillation', 'rlhf', 'pretraining']),
  baseModels: labels().min(1),
  gpuHours: positive,
  deliverables: labels().min(1),
});

export const safetyToolMetadata = z.strictObject({
  checks: z
    .array(z.enum(['toxicity', 'bias', 'privacy', 'jailbreak', 'hallucination', 'compliance', 'red_teaming']))
    .min(1)
    .max(7)
    .refine((c) => new Set(c).size === c.length, 'must not repeat a check'),
  frameworks: labels()
    .optional()
    .meta({ example: ['EU AI Act', 'NIST AI RMF'] }),
  integration: z.enum(['api', 'library', 'report']),
});

export const metadataSchemas = {
  ai_model: aiModelMetadata,
  dataset: datasetMetadata,
  agent_workflow: agentWorkflowMetadata,
  mcp_tool: mcpToolMetadata,
  compute_resource: computeResourceMetadata,
  knowledge_resource: knowledgeResourceMetadata,
  evaluation_service: evaluationServiceMetadata,
  training_service: trainingServiceMetadata,
  safety_tool: safetyToolMetadata,
} as const satisfies Record<ListingType, z.ZodType>;

export type MetadataOf<T extends ListingType> = z.output<(typeof metadataSchemas)[T]>;
export type ListingMetadata = MetadataOf<ListingType>;
