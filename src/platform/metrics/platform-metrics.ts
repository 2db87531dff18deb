import type { EntityManager } from '@mikro-orm/postgresql';
import type { MetricSample, ObservedMetric } from './observed-metric';
import type { Cache } from '../cache/cache';
import type { QueueDriver } from '../queue/job-queue';
import type { SecretStore } from '../secrets/secret-store';

/** What knex's pool (tarn) reports; read through the ORM's connection at each scrape. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

function poolOf(em: EntityManager): TarnPool | undefined {
  const knex = em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } };
  return knex.client?.pool;
}

/** Connections in use, idle, and callers waiting for one. */
export function databasePoolMetric(em: EntityManager): ObservedMetric {
  return {
    name: 'insights_db_pool_connections',
    help: 'Database pool connections by state: in_use, idle, waiting (callers waiting for a connection), pending (being opened)',
    type: 'gauge',
    labelNames: ['state'],
    read() {
      const pool = poolOf(em);
      if (!pool) return [];
      return [
        { labels: { state: 'in_use' }, value: pool.numUsed() },
        { labels: { state: 'idle' }, value: pool.numFree() },
        { labels: { state: 'waiting' }, value: pool.numPendingAcquires() },
        { labels: { state: 'pending' }, value: pool.numPendingCreates() },
      ];
    },
  };
}

/** Shared-cache lookups (hits, misses, backend errors) and the hit ratio since start. */
export function cacheMetrics(cache: Cache): ObservedMetric[] {
  return [
    {
      name: 'insights_cache_lookups_total',
      help: 'Shared cache lookups by result: hit, miss, error (a backend failure, also counted as a miss)',
      type: 'counter',
      labelNames: ['result'],
      read() {
        const { hits, misses, errors } = cache.stats();
        return [
          { labels: { result: 'hit' }, value: hits },
          { labels: { result: 'miss' }, value: misses },
          { labels: { result: 'error' }, value: errors },
        ];
      },
    },
    {
      name: 'insights_cache_hit_ratio',
      help: 'Share of shared-cache lookups answered from the cache since the process started (0 to 1)',
      type: 'gauge',
      read() {
        const { hits, misses } = cache.stats();
        return hits + misses === 0 ? [] : [{ value: hits / (hits + misses) }];
      },
    },
  ];
}

const QUEUE_STATES = ['waiting', 'active', 'completed', 'failed', 'delayed'] as const;

/** Jobs per queue and state, as the queue backend counts them (every process's jobs). */
export function queueJobsMetric(queue: QueueDriver, queues: readonly string[]): ObservedMetric {
  return {
    name: 'insights_queue_jobs',
    help: 'Jobs in each queue by state (waiting, active, completed and failed kept in history, delayed)',
    type: 'gauge',
    labelNames: ['queue', 'state'],
    async read() {
      const counts = await Promise.all(queues.map((name) => queue.counts(name)));
      return queues.flatMap((name, i) =>
        QUEUE_STATES.map((state) => ({ labels: { queue: name, state }, value: counts[i]![state] })),
      );
    },
  };
}

/** Per secret (by name; never a value): seconds since its value was read, and whether the last read failed. */
export function secretMetrics(
  secrets: SecretStore | undefined,
  now: () => number = Date.now,
): ObservedMetric[] {
  const statuses = () => secrets?.status() ?? [];
  return [
    {
      name: 'insights_secret_cache_age_seconds',
      help: 'Seconds since each Secrets Manager secret was last read successfully',
      type: 'gauge',
      labelNames: ['secret'],
      read: () =>
        statuses().flatMap((s): MetricSample[] =>
          s.fetchedAt
            ? [{ labels: { secret: s.name }, value: (now() - Date.parse(s.fetchedAt)) / 1000 }]
            : [],
        ),
    },
    {
      name: 'insights_secret_read_failing',
      help: '1 while the last read of a secret failed (the cached value is served), else 0',
      type: 'gauge',
      labelNames: ['secret'],
      read: () => statuses().map((s) => ({ labels: { secret: s.name }, value: s.lastError ? 1 : 0 })),
    },
  ];
}
