import { describe, expect, it } from 'vitest';
import { progressLines, progressWriter } from '#cli/progress.js';
import type { components } from '#client/index.js';

type Workflow = components['schemas']['Workflow'];

const workflow = (statuses: [string, string, string | null][], totalCost: string): Workflow =>
  ({
    status: statuses.every(([, status]) => status === 'completed') ? 'completed' : 'running',
    estimate: '24.25',
    totalCost,
    phases: statuses.map(([id, status, cost]) => ({ id, status, cost })),
  }) as unknown as Workflow;

/** A stream that keeps what is written; `isTTY` says which kind of output the writer draws for. */
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream,
  };
};

describe('cli: run --follow progress', () => {
  it('draws a bar per phase with its cost, and the cost so far against the estimate', () => {
    const lines = progressLines(
      workflow(
        [
          ['teacher', 'completed', '15.50'],
          ['prompter', 'running', null],
          ['codegen', 'pending', null],
        ],
        '15.50',
      ),
      0,
    );
    expect(lines).toEqual([
      'teacher   [############]  completed  15.50',
      'prompter  [######>.....]  running',
      'codegen   [............]  pending',
      'running: 15.50 FTNS so far of an estimated 24.25',
    ]);
  });

  it('redraws in place on a terminal: the cursor goes back up over the previous drawing', () => {
    const { written, stream: tty } = stream(true);
    const draw = progressWriter(tty);
    draw(workflow([['teacher', 'running', null]], '0.00'));
    draw(workflow([['teacher', 'completed', '15.50']], '15.50'));
    expect(written[0]).not.toContain('\x1b[2F');
    expect(written[1]?.startsWith('\x1b[2F')).toBe(true);
    expect(written[1]).toContain('15.50 FTNS so far');
  });

  it('writes a line only when a phase changes when the output is not a terminal', () => {
    const { written, stream: log } = stream(false);
    const draw = progressWriter(log);
    const running = workflow(
      [
        ['teacher', 'running', null],
        ['prompter', 'pending', null],
      ],
      '0.00',
    );
    draw(running);
    draw(running);
    draw(
      workflow(
        [
          ['teacher', 'completed', '15.50'],
          ['prompter', 'running', null],
        ],
        '15.50',
      ),
    );
    expect(written).toEqual([
      'teacher running (0.00 FTNS so far)\n',
      'teacher completed 15.50 (15.50 FTNS so far)\n',
      'prompter running (15.50 FTNS so far)\n',
    ]);
  });
});
