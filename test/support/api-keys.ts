import { runApiKeyCommand } from '../../src/cli/apikey.command';
import type { Config } from '../../src/config/config';
import { LogCapture } from './app-harness';

/** Creates an API key through the real CLI command and returns the printed key. */
export async function createKeyWithCli(
  config: Config,
  role: 'reader' | 'operator' | 'admin',
  name = `${role} key`,
  extraArgs: string[] = [],
): Promise<{ key: string; prefix: string; output: string[] }> {
  const output: string[] = [];
  const errors: string[] = [];
  const code = await runApiKeyCommand(
    config,
    new LogCapture('warn').logger,
    ['create', '--name', name, '--role', role, ...extraArgs],
    (l) => output.push(l),
    (l) => errors.push(l),
  );
  if (code !== 0) throw new Error(`apikey create failed (${code}): ${errors.join('\n')}`);
  const key = output.at(-1)!;
  return { key, prefix: key.split('_').slice(0, 2).join('_'), output };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
