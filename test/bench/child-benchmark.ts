import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { startLocalAws } from '#infra/local/local-aws.js';
import type { Throttling } from '#infra/local/rate-limiter.js';
import { type Runtime, startRuntime } from '#infra/local/runtime.js';
import type { Benchmark, Section } from './section.js';

/**
 * A benchmark of the local runtime that runs in a process of its own: the platform caches its
 * configuration (table name, queue URLs) and its SDK clients per process, so a runtime started
 * after another benchmark's would talk to that benchmark's stopped local AWS.
 */
export interface ChildBenchmark {
  name: string;
  /** The benchmark module's own file (`import.meta.filename`): the child runs it. */
  file: string;
  timeoutMs: number;
  /** The runtime's per-key throttling; the manifest's limits when absent. */
  throttling?: Throttling | 'off';
  measure(runtime: Runtime, endpoint: string, ownedAws: boolean): Promise<Section>;
}

type ChildAnswer = { section: Section } | { error: string };

const ROOT = join(import.meta.dirname, '..', '..');

async function measureHere(benchmark: ChildBenchmark): Promise<Section> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const aws = await startLocalAws();
  let runtime: Runtime | undefined;
  try {
    runtime = await startRuntime({
      prefix: `bench-${benchmark.name.slice(0, 8)}-${randomBytes(3).toString('hex')}`,
      port: 0,
      scheduleIntervalSeconds: 3600,
      ...(benchmark.throttling ? { throttling: benchmark.throttling } : {}),
      log: () => {},
    });
    return await benchmark.measure(runtime, aws.endpoint, aws.owned);
  } finally {
    await runtime?.stop();
    await aws.stop();
  }
}

/** Runs the benchmark's file in a child process and returns the section it sends back. */
function runInChild(benchmark: ChildBenchmark): Promise<Section> {
  return new Promise((done, fail) => {
    const child = fork(benchmark.file, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    // Whatever the child prints (its logs) goes to stderr, off the report.
    child.stdout?.pipe(process.stderr, { end: false });
    let answer: ChildAnswer | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), benchmark.timeoutMs);
    child.on('message', (message) => {
      answer = message as ChildAnswer;
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer && 'section' in answer) done(answer.section);
      else
        fail(
          new Error(
            answer?.error ?? `the ${benchmark.name} benchmark's process exited with ${signal ?? code}`,
          ),
        );
    });
  });
}

/** The child: measure, send the section to the parent (or print it as JSON when run alone), exit. */
async function answerParent(benchmark: ChildBenchmark): Promise<void> {
  let answer: ChildAnswer;
  try {
    answer = { section: await measureHere(benchmark) };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    answer = { error: String(error) };
  }
  const send = process.send?.bind(process);
  if (send) await new Promise<void>((sent) => send(answer, undefined, {}, () => sent()));
  else console.log(JSON.stringify(answer, null, 2));
  // The SDK clients' keep-alive sockets would hold the process open.
  process.exit('error' in answer ? 1 : 0);
}

/**
 * The benchmark as the runner sees it. Called at the bottom of the benchmark's module: when
 * that module is the process's entry (the child), it measures and answers the parent instead.
 */
export async function childBenchmark(benchmark: ChildBenchmark): Promise<Benchmark> {
  if (process.argv[1] && resolve(process.argv[1]) === benchmark.file) await answerParent(benchmark);
  return { name: benchmark.name, run: () => runInChild(benchmark) };
}
