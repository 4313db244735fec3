import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { arch } from 'node:os';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { bundling } from '#infra/bundling.js';
import { authorizer, functions } from '#infra/manifest.js';
import type { Benchmark, Section } from './section.js';
import { median, percentile, round } from './stats.js';

/**
 * Every function's bundle, built exactly as the stack builds it, measured against a
 * hello-world handler: minified size, gzip size, and the time a cold Node process takes to
 * import it (the part of a Lambda cold start that the bundle controls).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, '.build', 'bench', 'bundles');
const RUNS = 7;
const HELLO = { id: 'hello-world', entry: 'test/bench/fixtures/hello-world.ts' };

/**
 * Dummy config and no credentials or endpoint: importing must not need AWS, and cannot reach it.
 * The stack also sets NODE_OPTIONS=--enable-source-maps (infra/constructs/prsm-function.ts), which
 * makes Node read and parse each bundle's source map at import: timed both with and without it.
 */
const CHILD_ENV = {
  PATH: process.env.PATH ?? '',
  TABLE_NAME: 'bench',
  BUCKET_NAME: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Runs in each fresh process; times the import alone, not Node's own startup. */
const PROBE = `
const url = process.argv[1];
const start = performance.now();
const module = await import(url);
const ms = performance.now() - start;
if (typeof module.handler !== 'function') throw new Error(url + ' exports no handler');
console.log('BENCH_IMPORT_MS=' + ms);
`;

interface Bundle {
  id: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** esbuild's account of the .mjs output: which inputs it holds, what it leaves external. */
  output: Metafile['outputs'][string];
}

async function bundle(id: string, entry: string): Promise<Bundle> {
  const file = join(OUT_DIR, id, 'index.mjs');
  const { metafile } = await build({
    entryPoints: [join(ROOT, entry)],
    outfile: file,
    bundle: true,
    format: bundling.format,
    platform: bundling.platform,
    target: bundling.target,
    minify: bundling.minify,
    sourcemap: bundling.sourcemap,
    banner: { js: bundling.banner },
    mainFields: [...bundling.mainFields],
    external: [...bundling.externalModules],
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
  });
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  if (!output) throw new Error(`esbuild wrote no .mjs for ${id}`);
  const code = readFileSync(file);
  return { id, file, bytes: code.length, gzipBytes: gzipSync(code).length, output };
}

const SOURCE_MAPS = { NODE_OPTIONS: '--enable-source-maps' };

function importMs(bundle: Bundle, sourceMaps: boolean): number {
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(bundle.file).href],
    { env: sourceMaps ? { ...CHILD_ENV, ...SOURCE_MAPS } : CHILD_ENV, encoding: 'utf8' },
  );
  const match = /^BENCH_IMPORT_MS=([\d.]+)$/m.exec(child.stdout);
  if (child.status !== 0 || !match?.[1]) {
    throw new Error(`importing ${bundle.id} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return Number(match[1]);
}

/** `node_modules/@aws-sdk/client-s3/dist-es/x.js` -> `@aws-sdk/client-s3`; our own files -> `(project source)`. */
function packageOf(input: string): string {
  const names = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((match) => match[1]!);
  return names.at(-1) ?? '(project source)';
}

function topInputs(bundle: Bundle, key: (input: string) => string, count = 3): string {
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(bundle.output.inputs)) {
    bytes.set(key(input), (bytes.get(key(input)) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => `${name} ${kib(size)} KiB (${Math.round((100 * size) / bundle.bytes)}%)`)
    .join(', ');
}

const kib = (bytes: number): number => round(bytes / 1024);
const isBuiltin = (path: string): boolean =>
  path.startsWith('node:') || builtinModules.includes(path.split('/')[0]!);

async function run(): Promise<Section> {
  const entries = [HELLO, ...functions, authorizer].map(({ id, entry }) => ({ id, entry }));
  process.stderr.write(`bundles: building ${entries.length} bundles\n`);
  const bundles: Bundle[] = [];
  for (const { id, entry } of entries) bundles.push(await bundle(id, entry));

  // One untimed import each warms the file cache; the timed runs go round-robin so that any
  // drift in the machine's load spreads over every bundle instead of landing on one.
  process.stderr.write(`bundles: importing each bundle ${RUNS} times in fresh processes\n`);
  const withMaps = new Map<string, number[]>(bundles.map((b) => [b.id, []]));
  const withoutMaps = new Map<string, number[]>(bundles.map((b) => [b.id, []]));
  for (const b of bundles) importMs(b, true);
  for (let i = 0; i < RUNS; i++) {
    for (const b of bundles) {
      withMaps.get(b.id)!.push(importMs(b, true));
      withoutMaps.get(b.id)!.push(importMs(b, false));
    }
  }

  const hello = bundles[0]!;
  const helloMedian = median(withMaps.get(hello.id)!);
  const rows = bundles.map((b) => {
    const ms = withMaps.get(b.id)!;
    return [
      b.id,
      kib(b.bytes),
      round(b.bytes / hello.bytes),
      kib(b.gzipBytes),
      round(b.gzipBytes / hello.gzipBytes),
      round(median(ms), 2),
      round(percentile(ms, 90), 2),
      round(median(ms) / helloMedian),
      round(median(withoutMaps.get(b.id)!), 2),
    ];
  });

  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const notes = [
    `Built with esbuild ${esbuildVersion} and infra/bundling.ts (target ${bundling.target}, minified, ` +
      'all dependencies bundled); sizes are the .mjs without its source map, gzip at the default level.',
    'Import time, as deployed (NODE_OPTIONS=--enable-source-maps): `performance.now()` around ' +
      `\`await import()\` in ${RUNS} fresh \`node\` processes per bundle (after one warm-up, round-robin), ` +
      `without Node startup; p90 is nearest-rank, so with ${RUNS} runs it is the slowest one. The × hello ` +
      'import ratio compares medians. The last column is the same import without source-map support.',
    `Largest bundle, ${largest.id} (${kib(largest.bytes)} KiB): top packages ` +
      `${topInputs(largest, packageOf)}; top folders ${topInputs(largest, posix.dirname)}.`,
  ];
  if (process.versions.node.split('.')[0] !== bundling.target.replace('node', '') || arch() !== 'arm64') {
    notes.push(
      `Lambda runs these on ${bundling.target} and arm64; this run imported them with Node ` +
        `${process.version} on ${arch()}: absolute times differ from Lambda's, the ratios less so.`,
    );
  }
  const externals = bundles.flatMap((b) =>
    b.output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => `${b.id}: ${i.path}`),
  );
  notes.push(
    externals.length
      ? `Left external (would be missing on Lambda): ${externals.join(', ')}.`
      : 'No bundle imports anything but Node built-ins at run time.',
  );

  return {
    title: 'Function bundles: size and cold import time against a hello-world handler',
    columns: [
      'Function',
      'Size KiB',
      'Size × hello',
      'Gzip KiB',
      'Gzip × hello',
      'Import median ms',
      'Import p90 ms',
      'Import × hello',
      'Import median ms, no source maps',
    ],
    rows,
    notes,
  };
}

export const bundles: Benchmark = { name: 'bundles', run };
