import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testPrefix } from './resources.js';
import { GENEROUS_WAIT_MS } from './waits.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RuntimeProcess {
  url: string;
  prefix: string;
  adminKey: string;
  output: string[];
  /** The runtime's process id (its local AWS, when it started one, is a child of it). */
  pid: number;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<number | null>;
}

/**
 * Starts `npm start`'s entry point as its own process against the test run's local AWS. A
 * variable given as undefined is removed from the environment: without AWS_ENDPOINT_URL the
 * process starts a local AWS of its own.
 */
export async function startRuntimeProcess(
  file: string,
  env: Record<string, string | undefined> = {},
): Promise<RuntimeProcess> {
  const { child, prefix, output } = spawnRuntime(file, env);
  const lines = createInterface({ input: child.stdout! });
  let adminKey = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runtime did not start:\n${output.join('\n')}`)),
      GENEROUS_WAIT_MS,
    );
    lines.on('line', (line) => {
      output.push(line);
      const key = /admin key\s+(\S+)/.exec(line)?.[1];
      if (key) adminKey = key;
      const found = /PRSM is running at (\S+)/.exec(line)?.[1];
      if (found) {
        clearTimeout(timer);
        // the banner's remaining lines (the admin key) follow in the same write
        setTimeout(() => resolve(found), 50);
      }
    });
    child.once('exit', (code) => reject(new Error(`runtime exited with ${code}:\n${output.join('\n')}`)));
  });
  return {
    url,
    prefix,
    get adminKey() {
      return adminKey;
    },
    output,
    pid: child.pid!,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

/** `npm start`'s entry point as a process; its standard error is collected in `output`. */
export function spawnRuntime(file: string, env: Record<string, string | undefined> = {}) {
  const prefix = testPrefix(file);
  const merged = { ...process.env, PORT: '0', PRSM_PREFIX: prefix, POWERTOOLS_LOG_LEVEL: 'WARN', ...env };
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'infra', 'local', 'main.ts')],
    {
      cwd: ROOT,
      env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  return { child, prefix, output };
}
