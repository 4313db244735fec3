import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { type components, type PrsmClient, PrsmProblem, unwrap } from '#client/index.js';
import { type CommandContext, ftnsArgument, positiveInteger, withContext } from '../context.js';
import { type ListOptions, listPage, printPage, withListOptions } from '../lists.js';
import { FINISHED, progressWriter } from '../progress.js';
import { fields, table } from '../table.js';
import { keyHeader } from './account.js';

type Workflow = components['schemas']['Workflow'];

const getWorkflow = (client: PrsmClient, workflowId: string) =>
  unwrap(client.GET('/v1/workflows/{workflowId}', { params: { path: { workflowId } } }));

const renderWorkflow = (workflow: Workflow) =>
  [
    fields([
      ['id', workflow.id],
      ['status', workflow.status],
      ['executor', workflow.executor],
      ['budget', workflow.budgetId],
      ['estimate', workflow.estimate],
      ['cost', workflow.totalCost],
      ['failure', workflow.failure ? `${workflow.failure.code}: ${workflow.failure.message}` : null],
      ['prompt', workflow.prompt],
    ]),
    table(
      ['phase', 'status', 'estimate', 'cost', 'summary'],
      workflow.phases.map((p) => [p.id, p.status, p.estimate, p.cost, p.summary?.slice(0, 60)]),
    ),
  ].join('\n\n');

/** A finished workflow that did not complete is the command's failure: exit 1 with its code. */
function refusalOf(workflow: Workflow): PrsmProblem | undefined {
  if (workflow.status === 'completed') return undefined;
  return new PrsmProblem(409, {
    code: workflow.failure?.code ?? `workflow_${workflow.status}`,
    detail: workflow.failure?.message ?? `the workflow was ${workflow.status}`,
  });
}

async function follow(context: CommandContext, id: string, intervalMs: number): Promise<Workflow> {
  const draw = progressWriter(process.stderr);
  for (;;) {
    const workflow = await getWorkflow(context.client, id);
    if (!context.json) draw(workflow);
    if (FINISHED.has(workflow.status)) return workflow;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function registerWorkflows(program: Command): void {
  program
    .command('run')
    .description('submit a research workflow; with --follow, watch its phases and print its report')
    .argument('<query>', 'the research question')
    .requiredOption('--budget <budgetId>', 'the budget that pays')
    .addOption(
      new Option('--executor <executor>', 'who does the work').choices(['builtin', 'openai', 'bedrock']),
    )
    .option('--max-cost <ftns>', 'refuse to spend more than this', ftnsArgument)
    .option('--follow', 'wait for the workflow, showing each phase and the cost so far')
    .option('--out <file>', 'with --follow: save the report (its text) to this file')
    .option('--interval <ms>', 'with --follow: milliseconds between looks', positiveInteger, 500)
    .option('--idempotency-key <key>', 'your own key (default: a new one, reused by retries)')
    .action(
      withContext(
        async (
          context,
          query: string,
          options: {
            budget: string;
            executor?: 'builtin' | 'openai' | 'bedrock';
            maxCost?: string;
            follow?: boolean;
            out?: string;
            interval: number;
            idempotencyKey?: string;
          },
        ) => {
          const submitted = await unwrap(
            context.client.POST('/v1/workflows', {
              params: { header: keyHeader(options.idempotencyKey) },
              body: {
                prompt: query,
                budgetId: options.budget,
                ...(options.executor ? { executor: options.executor } : {}),
                ...(options.maxCost ? { maxCost: options.maxCost } : {}),
              },
            }),
          );
          if (!options.follow) {
            context.print(submitted, (s) => `submitted ${s.id} (${s.status}, estimate ${s.estimate} FTNS)`);
            return;
          }
          context.note(`submitted ${submitted.id}, estimate ${submitted.estimate} FTNS`);
          const workflow = await follow(context, submitted.id, options.interval);
          if (options.out && workflow.response) await writeFile(options.out, workflow.response.responseText);
          context.print(workflow, (w) =>
            [w.response?.responseText ?? '', `${w.status}: ${w.totalCost} FTNS`].filter(Boolean).join('\n\n'),
          );
          if (options.out && workflow.response) context.note(`report saved to ${options.out}`);
          const refusal = refusalOf(workflow);
          if (refusal) throw refusal;
        },
      ),
    );

  const workflows = program.command('workflows').description('your research workflows');

  withListOptions(workflows.command('ls').description('your workflows, newest first')).action(
    withContext(async (context, options: ListOptions) => {
      const page = await listPage(options, (query) =>
        context.client.GET('/v1/workflows', { params: { query } }),
      );
      printPage(context, page, [
        ['id', (w) => w.id],
        ['status', (w) => w.status],
        ['estimate', (w) => w.estimate],
        ['cost', (w) => w.totalCost],
        ['phase', (w) => w.currentPhase],
        ['created', (w) => w.createdAt],
      ]);
    }),
  );

  workflows
    .command('show')
    .description('one workflow with its phases')
    .argument('<workflowId>')
    .action(
      withContext(async (context, workflowId: string) => {
        context.print(await getWorkflow(context.client, workflowId), renderWorkflow);
      }),
    );

  workflows
    .command('cancel')
    .description('ask a workflow to stop after its current phase')
    .argument('<workflowId>')
    .action(
      withContext(async (context, workflowId: string) => {
        const workflow = await unwrap(
          context.client.POST('/v1/workflows/{workflowId}/cancel', { params: { path: { workflowId } } }),
        );
        context.print(
          workflow,
          (w) => `${w.id}: ${w.status}${w.cancelRequested ? ' (cancel requested)' : ''}`,
        );
      }),
    );

  workflows
    .command('artifacts')
    .description("a workflow's phase artifacts (SHA-256 and size); --download saves them, checked")
    .argument('<workflowId>')
    .option('--download <dir>', 'save each artifact as <dir>/<phase>.json after checking its SHA-256')
    .action(
      withContext(async (context, workflowId: string, options: { download?: string }) => {
        const workflow = await getWorkflow(context.client, workflowId);
        const phases = workflow.phases.filter((phase) => phase.artifact);
        const artifacts = [];
        for (const phase of phases) {
          const artifact = await unwrap(
            context.client.GET('/v1/workflows/{workflowId}/artifacts/{phase}', {
              params: { path: { workflowId, phase: phase.id } },
            }),
          );
          const file = options.download ? await download(artifact, options.download) : undefined;
          artifacts.push({ ...artifact, ...(file ? { file } : {}) });
        }
        context.print({ items: artifacts }, ({ items }) =>
          items.length
            ? table(
                ['phase', 'bytes', 'sha256', 'file'],
                items.map((a) => [a.phase, a.bytes, a.sha256.slice(0, 16), 'file' in a ? a.file : null]),
              )
            : '(no artifacts yet)',
        );
      }),
    );
}

/** Fetches an artifact's presigned url into `dir`, refusing bytes whose SHA-256 is not the recorded one. */
async function download(
  artifact: { phase: string; url: string; sha256: string },
  dir: string,
): Promise<string> {
  const response = await fetch(artifact.url);
  if (!response.ok) throw new Error(`artifact ${artifact.phase}: the download answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== artifact.sha256)
    throw new Error(`artifact ${artifact.phase}: SHA-256 ${sha256} is not the recorded one`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${artifact.phase}.json`);
  await writeFile(file, bytes);
  return file;
}
