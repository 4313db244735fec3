#!/usr/bin/env node
// The `prsm` command: runs the TypeScript sources through tsx (already the repo's runner), so
// `npx prsm` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
