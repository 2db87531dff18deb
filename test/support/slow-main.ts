/**
 * The real entry point (`run` from src/main.ts, signals handled) with one extra health component
 * that answers only after SLOW_CHECK_MS: a long in-flight request for the graceful-shutdown test.
 * Prints `listening <url>` once ready.
 */
import 'reflect-metadata';
import { run } from '../../src/main';

const slowMs = Number(process.env.SLOW_CHECK_MS ?? 1500);

run(['all'], {
  handleSignals: true,
  overrides: {
    extraHealthChecks: [
      {
        name: 'slow',
        required: false,
        check: () => new Promise((resolve) => setTimeout(() => resolve({ status: 'ok' }), slowMs)),
      },
    ],
  },
}).then(
  (result) => {
    if (typeof result === 'number') process.exit(result);
    process.stdout.write(`listening http://127.0.0.1:${result.config.http.port}\n`);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
