/**
 * The `api` process of bench/subscriptions.bench.ts: the real entry point (src/main.ts, role
 * `api`) plus, for the bench only, an event-loop delay monitor (perf_hooks) and CPU and memory
 * figures, sent to the parent over IPC when it asks (`reset`, then `stats`). Run with --expose-gc.
 * With BENCH_CPU_PROF=<dir>, the measured window (from `reset` to `stats`) is CPU-profiled
 * (node:inspector) and written to <dir>/api-<fanout>-<subscriptions>.cpuprofile.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runChildApp } from '../../test/support/child-main';

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpu = process.cpuUsage();
let since = performance.now();

const profileDir = process.env.BENCH_CPU_PROF;
const profiler = profileDir ? new Session() : undefined;
profiler?.connect();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) =>
    profiler!.post(method, (error, result) => (error ? reject(error) : resolve(result))),
  );
const startProfile = async () => {
  await post('Profiler.enable');
  await post('Profiler.start');
};
const stopProfile = async () => {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  const name = `api-${process.env.WS_SUBSCRIPTION_FANOUT}-${Date.now()}.cpuprofile`;
  writeFileSync(path.join(profileDir!, name), JSON.stringify(profile));
};

const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

process.on('message', (message: string) => {
  if (message === 'memory') process.send!({ kind: 'memory', ...memory() });
  if (message === 'reset') {
    if (profiler) void startProfile();
    delay.reset();
    cpu = process.cpuUsage();
    since = performance.now();
    process.send!({ kind: 'reset' });
  }
  if (message === 'stats') {
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - since;
    process.send!({
      kind: 'stats',
      // No sample at all: the loop was blocked for the whole window.
      loopMaxMs: delay.count > 0 ? delay.max / 1e6 : wall,
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMeanMs: delay.mean / 1e6,
      cpuPercent: ((used.user + used.system) / 1000 / wall) * 100,
      cpuMs: (used.user + used.system) / 1000,
    });
    if (profiler) void stopProfile();
  }
});

runChildApp(['api'], {}, (config) => `started api ${config.http.port}`);
