#!/usr/bin/env node
// Builds the web console (console/) into .build/console: app.js and app.css bundled by esbuild,
// index.html, and config.json (the API's address: empty, the same origin, for the local runtime;
// the CDK stack deploys its own). Prints each file's size and gzip size.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_DIR = join(root, '.build', 'console');

export async function buildConsole({ quiet = false } = {}) {
  mkdirSync(CONSOLE_DIR, { recursive: true });
  await build({
    entryPoints: { app: join(root, 'console', 'src', 'main.tsx') },
    outdir: CONSOLE_DIR,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(root, 'console', 'index.html'), join(CONSOLE_DIR, 'index.html'));
  writeFileSync(join(CONSOLE_DIR, 'config.json'), `${JSON.stringify({ apiUrl: '' })}\n`);
  const sizes = ['index.html', 'app.js', 'app.css'].map((file) => {
    const bytes = readFileSync(join(CONSOLE_DIR, file));
    return { file, bytes: bytes.length, gzip: gzipSync(bytes).length };
  });
  if (!quiet) {
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    console.log(
      `[console] built ${sizes.map((s) => `${s.file} ${s.bytes} B (gzip ${s.gzip} B)`).join(', ')}; gzip total ${total} B`,
    );
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildConsole();
