import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { budgets } from './budgets.js';
import { bundles } from './bundles.js';
import { ledger } from './ledger.js';
import { marketplace } from './marketplace.js';
import { network } from './network.js';
import type { Benchmark, Section } from './section.js';
import { webhooks } from './webhooks.js';
import { workflows } from './workflows.js';
import { workflowsModel } from './workflows-model.js';

/**
 * `npm run bench`: runs each benchmark in turn, prints a markdown report to stdout (progress
 * goes to stderr) and writes the same figures to .build/bench.json. Never part of `npm test`.
 */

/** Add a benchmark here: a module in test/bench/ exporting a `Benchmark`. */
const all: Benchmark[] = [
  bundles,
  ledger,
  budgets,
  workflows,
  workflowsModel,
  marketplace,
  webhooks,
  network,
];
/** `PRSM_BENCH=workflows,workflows-model npm run bench` runs only the named benchmarks. */
const only = process.env.PRSM_BENCH?.split(',').map((name) => name.trim());
const benchmarks = only ? all.filter((benchmark) => only.includes(benchmark.name)) : all;

const ROOT = join(import.meta.dirname, '..', '..');
const JSON_OUT = join(ROOT, '.build', 'bench.json');

const machine = {
  cpu: cpus()[0]?.model.trim() ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  os: `${platform()} ${arch()}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
};

/** A markdown table padded to line up in a terminal; numeric columns right-aligned. */
function markdownTable(section: Section): string {
  const cells = [section.columns, ...section.rows.map((row) => row.map(String))];
  const numeric = section.columns.map((_, i) => section.rows.every((row) => typeof row[i] === 'number'));
  const widths = section.columns.map((_, i) => Math.max(3, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((width, i) => (numeric[i] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

const results: { name: string; seconds: number; section?: Section; error?: string }[] = [];
const report = [
  '# PRSM benchmarks',
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`,
  `Date: ${new Date().toISOString()}`,
];
console.log(report.join('\n'));

for (const benchmark of benchmarks) {
  const start = performance.now();
  try {
    const section = await benchmark.run();
    const seconds = Number(((performance.now() - start) / 1000).toFixed(1));
    results.push({ name: benchmark.name, seconds, section });
    const notes = (section.notes ?? []).map((note) => `- ${note}`);
    console.log(
      ['', `## ${section.title}`, '', markdownTable(section), '', ...notes, `- Took ${seconds} s.`].join(
        '\n',
      ),
    );
  } catch (error) {
    // One broken benchmark should not hide the others' figures; the exit code still says so.
    const seconds = Number(((performance.now() - start) / 1000).toFixed(1));
    results.push({ name: benchmark.name, seconds, error: String(error) });
    console.log(`\n## ${benchmark.name}\n\nFAILED: ${String(error)}`);
    process.exitCode = 1;
  }
}

mkdirSync(join(ROOT, '.build'), { recursive: true });
writeFileSync(JSON_OUT, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
console.log(`\nFigures written to ${JSON_OUT.slice(ROOT.length + 1)}.`);
