import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_KEY } from '#shared/identity/bootstrap.js';
import { spawnRuntime, stopProcess } from '../support/runtime-process.js';

/** `npm start` as the README tells a newcomer to use it: wait for /v1/health, then try it. */
const README = join(import.meta.dirname, '..', '..', 'README.md');
let port: number;
let runtime: ReturnType<typeof spawnRuntime>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The first answer on the port, polling while nothing listens (a bound for a very busy machine only). */
async function firstAnswer(url: string): Promise<Response> {
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > until || runtime.child.exitCode !== null) {
        throw new Error(`the runtime never answered: ${String(error)}\n${runtime.output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

beforeAll(async () => {
  port = await freePort();
  runtime = spawnRuntime(import.meta.filename, {
    PORT: String(port),
    PRSM_SCHEDULE_INTERVAL_SECONDS: '3600',
  });
});

afterAll(async () => {
  expect(await stopProcess(runtime.child)).toBe(0);
});

describe('npm start as the README describes it', () => {
  it('first answers when the admin and the demo catalogue exist', { timeout: 240_000 }, async () => {
    const health = await firstAnswer(`http://127.0.0.1:${port}/v1/health`);
    expect(health.status).toBe(200);
    const listings = await fetch(`http://127.0.0.1:${port}/v1/listings?limit=1`, {
      headers: { authorization: `Bearer ${DEVELOPMENT_ADMIN_KEY}` },
    });
    expect(listings.status).toBe(200);
    expect(((await listings.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("runs the README's Try-it block as written, every request answered with a 2xx", async () => {
    const readme = readFileSync(README, 'utf8');
    const block = /Try it[^\n]*\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeTruthy();
    // The README's port is the default; this runtime has its own. --fail-with-body makes a 4xx/5xx fail the script.
    const script = block!
      .replaceAll('localhost:3000', `127.0.0.1:${port}`)
      .replaceAll('curl ', 'curl --fail-with-body ');
    const cwd = mkdtempSync(join(tmpdir(), 'prsm-readme-'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd });
    expect(stdout).toContain('"balance":"100.00"');
    expect(stdout).toContain('"type":"dataset"');
    expect(existsSync(join(cwd, 'openapi.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd, 'openapi.json'), 'utf8')).openapi).toBe('3.1.0');
  });
});

describe('the client and the CLI as the README shows them', () => {
  const ROOT = join(import.meta.dirname, '..', '..');
  const blockAfter = (heading: string, language: string) => {
    const pattern = new RegExp(`## ${heading}\\n[\\s\\S]*?\`\`\`${language}\\n([\\s\\S]*?)\`\`\``);
    const block = pattern.exec(readFileSync(README, 'utf8'))?.[1];
    expect(block, `a ${language} block under ${heading}`).toBeTruthy();
    return block!.replaceAll('127.0.0.1:3000', `127.0.0.1:${port}`);
  };

  it('runs the "Use it from code" script as written', async () => {
    // In the repository, as the README says, so that #client/* resolves.
    const dir = join(ROOT, '.build', 'readme');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'try-client.ts');
    writeFileSync(script, blockAfter('Use it from code', 'ts'));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
    });
    expect(stdout).toMatch(/^Community member \(demo buyer\): \d+\.\d{2} FTNS available$/m);
    expect(stdout).toMatch(/^order ord_\w+: 12\.50 FTNS$/m);
    expect(stdout).toContain('lst_demodataset  29.99 FTNS  Protein Structure Reference Dataset');
    expect(stdout).toMatch(/^refused: insufficient_funds \(402\)$/m);
  });

  it('runs the "Use it from the shell" block as written (npx prsm is the package bin)', async () => {
    const script = blockAfter('Use it from the shell', 'sh').replaceAll(
      'npx prsm ',
      `${process.execPath} ${join(ROOT, 'cli', 'bin.mjs')} `,
    );
    const cwd = mkdtempSync(join(tmpdir(), 'prsm-readme-cli-'));
    const env = { ...process.env, XDG_CONFIG_HOME: cwd };
    const { stdout, stderr } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env,
    });
    expect(stdout).toMatch(/^name\s+Research scientist \(demo buyer\)$/m);
    expect(stdout).toContain('lst_democompute');
    expect(stdout).toMatch(/^completed: 112\.90 FTNS$/m);
    expect(readFileSync(join(cwd, 'report.txt'), 'utf8')).toMatch(/^Deterministic demonstration/);
    expect(stderr).toMatch(/^error: insufficient_funds \(402\): /m);
    expect(stdout).toContain('refused with exit code 1');
  });
});
