import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The local AWS (moto behind a DynamoDB-serialising wrapper) for DynamoDB, SQS and S3. */
export interface LocalAws {
  endpoint: string;
  /** True when this process started it (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Dummy credentials and a region: the SDK insists on both even against a local endpoint. */
export function applyLocalAwsEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_ENDPOINT_URL = endpoint;
  env.AWS_ACCESS_KEY_ID ??= 'test';
  env.AWS_SECRET_ACCESS_KEY ??= 'test';
  env.AWS_REGION ??= 'us-east-1';
}

function pythonWithMoto(): string {
  if (process.env.PRSM_PYTHON) return process.env.PRSM_PYTHON;
  const chosen = join(ROOT, '.local', 'python');
  return existsSync(chosen) ? readFileSync(chosen, 'utf8').trim() : 'python3';
}

async function waitUntilAnswering(endpoint: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`local AWS at ${endpoint} did not answer within ${deadlineMs} ms`);
}

function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts moto on 127.0.0.1 on a free port and waits until it answers; when AWS_ENDPOINT_URL
 * is already set (LocalStack, or a local AWS started by someone else) it uses that instead.
 */
export async function startLocalAws(): Promise<LocalAws> {
  const existing = process.env.AWS_ENDPOINT_URL;
  if (existing) {
    applyLocalAwsEnv(existing);
    return { endpoint: existing, owned: false, stop: async () => {} };
  }
  const child = spawn(pythonWithMoto(), [join(ROOT, 'infra', 'local', 'moto_server.py'), '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /^PRSM_LOCAL_AWS_PORT=(\d+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`local AWS exited early (code ${code}); run npm run ensure`)),
    );
  });
  const endpoint = `http://127.0.0.1:${port}`;
  // Generous: moto starts in a second or two, but a loaded machine may take far longer.
  await waitUntilAnswering(endpoint, 120_000);
  applyLocalAwsEnv(endpoint);
  return { endpoint, owned: true, stop: () => stopProcess(child) };
}
