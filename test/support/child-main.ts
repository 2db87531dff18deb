import type { AppOverrides } from '../../src/app';
import type { Config } from '../../src/config/config';
import { run } from '../../src/main';

/**
 * Runs the real entry point (`run` from src/main.ts, signals handled) in a child process of a
 * test and prints `ready(config)` once it started; a failed start exits 1, a command's code exits.
 */
export function runChildApp(
  argv: readonly string[],
  overrides: AppOverrides,
  ready: (config: Config) => string,
): void {
  run(argv, { handleSignals: true, overrides }).then(
    (result) => {
      if (typeof result === 'number') process.exit(result);
      process.stdout.write(`${ready(result.config)}\n`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
