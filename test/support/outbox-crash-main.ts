/**
 * The real entry point (`run` from src/main.ts) whose outbox relay stops for good at
 * OUTBOX_STOP_AT (`beforeAdd`: rows locked, no job added; `beforeMark`: jobs added, rows not
 * marked relayed), printing `outbox stopped <stage> <jobIds>`, so a test can SIGKILL the process
 * exactly there. Prints `listening <url>` once ready.
 */
import 'reflect-metadata';
import { runChildApp } from './child-main';
import type { RelayedJob } from '../../src/platform/outbox/outbox-relay';

const stage = process.env.OUTBOX_STOP_AT === 'beforeMark' ? 'beforeMark' : 'beforeAdd';

const stop = async (jobs: readonly RelayedJob[]): Promise<void> => {
  if (jobs.length === 0) return;
  process.stdout.write(`outbox stopped ${stage} ${jobs.map((j) => j.jobId).join(',')}\n`);
  await new Promise<never>(() => undefined); // held (transaction open) until the process is killed
};

runChildApp(
  [process.env.ROLE ?? 'api'],
  { outboxRelayHooks: stage === 'beforeMark' ? { beforeMark: stop } : { beforeAdd: stop } },
  (config) => `listening http://127.0.0.1:${config.http.port}`,
);
