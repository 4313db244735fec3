import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { RuntimeProcess } from './runtime-process.js';

/**
 * The pid of the moto a runtime process started for itself (run without AWS_ENDPOINT_URL): the
 * port from its banner, the pid from `ss`, checked to be the runtime's child, so that a test
 * stopping or pausing it never touches the local AWS the other tests share.
 */
export function ownLocalAwsPid(runtime: RuntimeProcess): number {
  const banner = runtime.output.find((line) => line.includes('(moto, started by npm start)'));
  const port = banner && /local AWS\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1];
  if (!port) throw new Error(`the runtime did not start its own local AWS:\n${runtime.output.join('\n')}`);
  const listening = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = Number(/pid=(\d+)/.exec(listening)?.[1]);
  const parent = existsSync(`/proc/${pid}/stat`)
    ? Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1])
    : undefined;
  if (!pid || parent !== runtime.pid) {
    throw new Error(`port ${port} is not held by a child of the runtime (${runtime.pid}): ${listening}`);
  }
  return pid;
}
