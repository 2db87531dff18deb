/**
 * Preloaded into the server under test (`node -r probe.cjs`), whatever its checkout: counts the SQL
 * statements it sends (pg's Client#query), the shared cache's lookups (ioredis GET: hit or miss)
 * and its CPU time (user and system), and samples its resident set size. The bench asks over the IPC channel:
 *   { probe: 'reset' } -> counters zeroed, peak RSS restarted; { probe: 'read' } -> the counters.
 * It changes nothing the server does; the cost is one counter increment per statement or GET.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file run by node directly */
/* global setInterval */

const fromTarget = (name) => require(require.resolve(name, { paths: [process.cwd()] }));

const counters = { sql: 0, cacheHits: 0, cacheMisses: 0, peakRss: 0, cpuMicros: 0 };
/** CPU time (user and system, this process) at the last reset. */
let cpuAtReset = process.cpuUsage();

const pg = fromTarget('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  counters.sql++;
  return query.apply(this, args);
};

const Redis = fromTarget('ioredis');
const RedisClass = Redis.default ?? Redis;
const get = RedisClass.prototype.get;
RedisClass.prototype.get = function (...args) {
  const result = get.apply(this, args);
  if (result && typeof result.then === 'function') {
    result.then(
      (value) => (value === null ? counters.cacheMisses++ : counters.cacheHits++),
      () => counters.cacheMisses++,
    );
  }
  return result;
};

const sample = () => {
  const rss = process.memoryUsage.rss();
  if (rss > counters.peakRss) counters.peakRss = rss;
};
setInterval(sample, 50).unref();

process.on('message', (message) => {
  if (!message || typeof message !== 'object' || !('probe' in message)) return;
  sample();
  if (message.probe === 'reset') {
    counters.sql = 0;
    counters.cacheHits = 0;
    counters.cacheMisses = 0;
    counters.peakRss = process.memoryUsage.rss();
    cpuAtReset = process.cpuUsage();
  }
  const cpu = process.cpuUsage(cpuAtReset);
  counters.cpuMicros = cpu.user + cpu.system;
  process.send({ probe: message.probe, ...counters });
});
process.channel?.unref();
