import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface StoredConfig {
  apiUrl?: string;
  apiKey?: string;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** `$XDG_CONFIG_HOME/prsm/config.json`, or `~/.config/prsm/config.json`. */
export const configPath = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'prsm', 'config.json');

export async function readConfig(path = configPath()): Promise<StoredConfig> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as StoredConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** Writes the config readable by its owner alone (0600, its folder 0700): it holds an API key. */
export async function writeConfig(config: StoredConfig, path = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode applies only to a new file
}

/** Flags first, then PRSM_API_URL / PRSM_API_KEY, then the stored config (`prsm login`). */
export async function resolveConfig(flags: StoredConfig, env: NodeJS.ProcessEnv = process.env) {
  const stored = await readConfig(configPath(env));
  return {
    apiUrl: flags.apiUrl ?? env.PRSM_API_URL ?? stored.apiUrl ?? DEFAULT_API_URL,
    apiKey: flags.apiKey ?? env.PRSM_API_KEY ?? stored.apiKey,
  };
}
