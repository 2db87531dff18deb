/**
 * The real entry point (`run` from src/main.ts, signals handled) with one extra health component
 * that answers only after SLOW_CHECK_MS: a long in-flight request for the graceful-shutdown test.
 * SIGUSR2 makes an error outside any request: a promise nobody awaits rejects, or with
 * STRAY_ERROR=throw, a callback throws. Prints `listening <url>` once ready.
 */
import 'reflect-metadata';
import { runChildApp } from './child-main';

const slowMs = Number(process.env.SLOW_CHECK_MS ?? 1500);

process.on('SIGUSR2', () => {
  const error = new Error('an error outside any request');
  if (process.env.STRAY_ERROR === 'throw') {
    setImmediate(() => {
      throw error;
    });
  } else {
    void Promise.reject(error);
  }
});

runChildApp(
  ['all'],
  {
    extraHealthChecks: [
      {
        name: 'slow',
        required: false,
        check: () => new Promise((resolve) => setTimeout(() => resolve({ status: 'ok' }), slowMs)),
      },
    ],
  },
  (config) => `listening http://127.0.0.1:${config.http.port}`,
);
