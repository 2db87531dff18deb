import type { AppOverrides } from '../../src/app';
import type { Config } from '../../src/config/config';
import { run } from '../../src/main';
import { releaseIdleAsyncContexts } from '../../src/platform/database/idle-async-contexts';

/**
 * Runs the real entry point (`run` from src/main.ts, signals handled, idle async contexts released) in a child process of a
 * test and prints `ready(config)` once it started; a failed start exits 1, a command's code exits.
 */
export function runChildApp(
  argv: readonly string[],
  overrides: AppOverrides,
  ready: (config: Config) => string,
): void {
  releaseIdleAsyncContexts(); // as src/main.ts does for the real process
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
