import { afterAll, beforeAll } from 'vitest';
import type { ScriptedServer } from './fake-models/scripted-server.js';
import { startTestRuntime, type TestRuntime } from './runtime.js';

/**
 * A test file's model provider, faked: before the file, starts the fake server, sets the
 * environment that points the runtime at it, then starts the runtime; after the file, stops
 * both and unsets exactly the variables it set, so the next file starts clean.
 */
export function useFakeProvider<Fake extends ScriptedServer>(options: {
  /** The test file (`import.meta.filename`): the runtime is named after it. */
  testFile: string;
  start(): Promise<Fake>;
  env(fake: Fake): Record<string, string>;
  /** Receives the started fake and runtime, and readies the runtime (prices, ...). */
  ready(fake: Fake, t: TestRuntime): Promise<void>;
}) {
  let fake: Fake | undefined;
  let t: TestRuntime | undefined;
  let names: string[] = [];
  beforeAll(async () => {
    fake = await options.start();
    const env = options.env(fake);
    names = Object.keys(env);
    Object.assign(process.env, env);
    t = await startTestRuntime(options.testFile);
    await options.ready(fake, t);
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
    for (const name of names) delete process.env[name];
  });
}
