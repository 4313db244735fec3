#!/usr/bin/env node
// Installs what a fresh clone is missing before `npm start` / `npm test`:
// node_modules (when absent or older than package-lock.json) and a Python with moto for the
// local AWS (the machine's python3 when it already has moto 5.x, otherwise a project venv
// with the pinned moto[server]), Debian's chromium for the console's browser tests (when
// /usr/bin/chromium is absent), then builds the web console into .build/console.
// Plain Node on purpose: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

function ensureNodeModules() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = join(root, 'node_modules', '.prsm-lock-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  console.log('[ensure] installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

const hasMoto = (python) =>
  spawnSync(python, ['-c', 'import moto, werkzeug; assert moto.__version__.startswith("5.")'], {
    stdio: 'ignore',
  }).status === 0;

function ensurePython() {
  if (process.env.AWS_ENDPOINT_URL) return; // an external local AWS (e.g. LocalStack) is used
  const venvPython = join(root, '.venv', 'bin', 'python');
  const candidates = [process.env.PRSM_PYTHON, venvPython, 'python3'].filter(Boolean);
  let python = candidates.find((candidate) => hasMoto(candidate));
  if (!python) {
    console.log('[ensure] creating .venv with the pinned moto[server]');
    run('python3', ['-m', 'venv', join(root, '.venv')]);
    run(venvPython, ['-m', 'pip', 'install', '--quiet', '-r', 'infra/local/moto-requirements.txt']);
    python = venvPython;
  }
  mkdirSync(join(root, '.local'), { recursive: true });
  writeFileSync(join(root, '.local', 'python'), python);
}

const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, never a browser download: the browser tests drive it with playwright-core. */
function ensureChromium() {
  if (existsSync(CHROMIUM) || process.env.PRSM_BROWSER_TESTS === 'off') return;
  const isRoot = process.getuid?.() === 0;
  const apt = (args) =>
    spawnSync(isRoot ? 'apt-get' : 'sudo', isRoot ? args : ['apt-get', ...args], { stdio: 'inherit' });
  console.log('[ensure] installing Debian chromium for the browser tests (apt-get install chromium)');
  if (apt(['install', '-y', '--no-install-recommends', 'chromium']).status !== 0) {
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium']);
  }
  if (!existsSync(CHROMIUM)) console.warn(`[ensure] ${CHROMIUM} is missing: the browser tests will fail`);
}

ensureNodeModules();
ensurePython();
ensureChromium();
// After npm ci: the build needs esbuild from node_modules.
await (await import('./build-console.mjs')).buildConsole();
