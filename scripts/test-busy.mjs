// `npm test` on a loaded machine: two CPU-bound processes run beside the whole suite, as when
// other work shares the cores. The suite may be slower; its verdict must not change.
import { spawn } from 'node:child_process';

const BUSY_PROCESSES = 2;
const busy = Array.from({ length: BUSY_PROCESSES }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBusy = () => {
  for (const child of busy) if (child.exitCode === null) child.kill('SIGKILL');
};
process.on('SIGINT', () => {
  stopBusy();
  process.exit(130);
});

const started = Date.now();
const suite = spawn('npm', ['test'], { stdio: 'inherit' });
suite.on('exit', (code, signal) => {
  stopBusy();
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(`[test:busy] the suite ran ${minutes} min beside ${BUSY_PROCESSES} busy processes`);
  process.exit(code ?? (signal ? 1 : 0));
});
