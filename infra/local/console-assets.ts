import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/**
 * The web console's files (built by scripts/build-console.mjs into .build/console), served at
 * `/` beside the API under `/v1`: what S3 and CloudFront serve on AWS. Only files of that
 * directory, read on each request (a rebuild shows at once); a path that leaves it, or names no
 * file, is not the console's.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** The console loads only itself; the API is the same origin locally. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export type ConsoleAssets = (method: string, pathname: string, response: ServerResponse) => boolean;

export function consoleAssets(directory: string): ConsoleAssets | undefined {
  if (!existsSync(join(directory, 'index.html'))) return undefined;
  const read = (pathname: string): Buffer | undefined => {
    const relative = normalize(pathname === '/' ? 'index.html' : pathname.slice(1));
    if (relative.startsWith('..') || relative.includes(`${sep}..`) || !TYPES[extname(relative)]) return;
    const file = join(directory, relative);
    return existsSync(file) ? readFileSync(file) : undefined;
  };
  return (method, pathname, response) => {
    if ((method !== 'GET' && method !== 'HEAD') || pathname.startsWith('/v1/')) return false;
    const body = read(pathname);
    if (!body) return false;
    response.writeHead(200, {
      'content-type': TYPES[extname(pathname === '/' ? 'index.html' : pathname)]!,
      'content-length': String(body.length),
      ...SECURITY_HEADERS,
    });
    response.end(method === 'HEAD' ? undefined : body);
    return true;
  };
}
