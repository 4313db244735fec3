import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../support/http.js';

const BIN = join(import.meta.dirname, '..', '..', 'cli', 'bin.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Standard output as JSON (for `--json` runs). */
  json(): Json;
}

/** A config directory of its own, so no test reads or writes the user's `prsm login`. */
export const freshConfigHome = () => mkdtemp(join(tmpdir(), 'prsm-cli-'));

/** Runs `prsm <args>` as a subprocess, as `npx prsm` does (the package's bin), with the given environment. */
export function prsm(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const merged = { ...process.env, PRSM_API_URL: undefined, PRSM_API_KEY: undefined, ...env };
    const child = spawn(process.execPath, [BIN, ...args], {
      env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
}

export interface RunningCli {
  /** Standard output so far. */
  stdout(): string;
  /** Standard output's JSON lines so far (for `--json` runs that stream). */
  lines(): Json[];
  /** Ctrl-C: SIGINT, then the run's result once it has exited. */
  interrupt(): Promise<CliResult>;
}

/** Starts a long-running `prsm <args>` (like `webhooks listen`) to be stopped with `interrupt()`. */
export function startPrsm(args: string[], env: Record<string, string | undefined> = {}): RunningCli {
  let stdout = '';
  let stderr = '';
  const merged = { ...process.env, PRSM_API_URL: undefined, PRSM_API_KEY: undefined, ...env };
  const child = spawn(process.execPath, [BIN, ...args], {
    env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    stdout: () => stdout,
    lines: () =>
      stdout
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line)),
    interrupt: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      const code = await exited;
      return { code, stdout, stderr, json: () => JSON.parse(stdout) };
    },
  };
}
