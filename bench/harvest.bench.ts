/**
 * Harvest benchmark: `npx tsx bench/harvest.bench.ts`. Harvests `prolific-dev` (320 repositories,
 * a year of dense contributions) from the GitHub stand-in twice, through the real GitHub client
 * (token pool, ETag cache on the shared Redis) and the real writer (one transaction on a scratch
 * PostgreSQL database, dropped at the end). The first harvest is the baseline; the second, of the
 * unchanged user, is measured against it. Prints GitHub requests, rate-limit points, 304 answers
 * and wall time for each, and the second/first ratios.
 */
import 'reflect-metadata';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { loadConfig } from '../src/config/load-config';
import { appEntities } from '../src/app';
import { HarvestJob } from '../src/modules/harvest/harvest-job.entity';
import { writeHarvest } from '../src/modules/harvest/harvest-writer';
import { UserHarvester } from '../src/modules/harvest/user-harvester';
import { RedisCache } from '../src/platform/cache/redis-cache';
import { createGitHubClient } from '../src/platform/github/github-client';
import { TokenPool } from '../src/platform/github/token-pool';
import { openDatabase } from '../src/platform/database/database';
import { migrateUp } from '../src/platform/database/migrations';
import { createLogger } from '../src/platform/logging/logger';
import { STANDARD_LOGINS, startFakeGitHub } from '../test/support/fake-github';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const TOKEN = 'ghp_benchtoken00000000000000000000000000000';

interface Run {
  requests: number;
  points: number;
  rest: number;
  graphql: number;
  notModified: number;
  ms: number;
}

async function main(): Promise<void> {
  const name = `bench_harvest_${Date.now().toString(36)}`;
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const prefix = `bench:${name}:`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const fake = await startFakeGitHub();
  const logger = createLogger('warn');
  const { config } = await loadConfig({ env: { NODE_ENV: 'test', DB_HOST: PG.host, DB_NAME: name } });
  const database = await openDatabase(config, appEntities(), logger);
  try {
    await migrateUp(database.orm);
    const pool = new TokenPool({ provider: async () => [TOKEN], logger });
    const github = await createGitHubClient({
      baseUrl: fake.url,
      pool,
      cache: new RedisCache(redis, prefix, logger),
      logger,
    });
    const harvester = new UserHarvester({ github });
    const run = async (): Promise<Run> => {
      fake.counters.reset();
      const em = database.orm.em.fork();
      const job = Object.assign(new HarvestJob(), {
        login: STANDARD_LOGINS.prolific,
        loginKey: STANDARD_LOGINS.prolific,
        trigger: 'manual',
      });
      await em.persistAndFlush(job);
      const started = performance.now();
      const outcome = await harvester.harvest(STANDARD_LOGINS.prolific, async () => {});
      if (outcome.kind !== 'found') throw new Error('prolific-dev not found');
      await writeHarvest(em.fork(), job.id, outcome.user, new Date());
      const ms = performance.now() - started;
      return {
        requests: fake.counters.total,
        points: fake.counters.pointsSpent({ token: TOKEN }),
        rest: fake.counters.pointsSpent({ token: TOKEN, resource: 'core' }),
        graphql: fake.counters.pointsSpent({ token: TOKEN, resource: 'graphql' }),
        notModified: fake.counters.notModified,
        ms,
      };
    };
    const first = await run();
    const second = await run();
    const byResource = (label: string, r: Run) =>
      `${label}: ${r.requests} GitHub requests, ${r.points} rate-limit points (REST ${r.rest}, GraphQL ${r.graphql}), ${r.notModified} answered 304, ${r.ms.toFixed(0)} ms`;
    console.log(`harvest of ${STANDARD_LOGINS.prolific} (320 repositories) against the GitHub stand-in`);
    console.log(byResource('first (baseline)', first));
    console.log(byResource('second (unchanged user)', second));
    console.log(
      `ratios second/first: points ${(second.points / first.points).toFixed(3)}, requests ${(second.requests / first.requests).toFixed(3)}, wall time ${(second.ms / first.ms).toFixed(3)}`,
    );
  } finally {
    await database.close();
    await fake.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
