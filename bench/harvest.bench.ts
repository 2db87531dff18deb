/**
 * Harvest benchmark: `npx tsx bench/harvest.bench.ts [--tokens N] [--all]`.
 *
 * Against the GitHub stand-in playing GitHub's documented behaviour (per-token ETags, secondary
 * limits, account budgets: test/support/github/BEHAVIOUR.md), through the real GitHub client
 * (token pool with N tokens, ETag cache on the shared Redis) and the real writer (one transaction
 * per developer on a scratch PostgreSQL database, dropped at the end):
 * - first and second harvest of `prolific-dev` (320 repositories), the second of the unchanged
 *   developer measured against the first;
 * - with `--all` also: a first harvest of `huge-dev` (5,000 repositories), an organization login,
 *   and the fan-out of a country harvest: the 1,100 developers a search of Tokyo finds, harvested
 *   QUEUE_CONCURRENCY at a time (the default settings).
 * Each line: GitHub requests, rate-limit points, 304 answers, secondary limits met, wall time.
 * The last line is `second/first points: X` for the given N.
 */
import 'reflect-metadata';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { appEntities } from '../src/app';
import { loadConfig } from '../src/config/load-config';
import type { HarvestOutcome } from '../src/modules/harvest/harvest-data';
import { HarvestJob } from '../src/modules/harvest/harvest-job.entity';
import { writeHarvest } from '../src/modules/harvest/harvest-writer';
import { UserHarvester } from '../src/modules/harvest/user-harvester';
import { RedisCache } from '../src/platform/cache/redis-cache';
import { openDatabase } from '../src/platform/database/database';
import { migrateUp } from '../src/platform/database/migrations';
import { createGitHubClient } from '../src/platform/github/github-client';
import { TokenPool } from '../src/platform/github/token-pool';
import { createLogger } from '../src/platform/logging/logger';
import { STANDARD_LOGINS, startFakeGitHub } from '../test/support/fake-github';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

interface Run {
  requests: number;
  points: number;
  rest: number;
  graphql: number;
  notModified: number;
  secondaryLimits: number;
  ms: number;
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const tokenCount = Math.max(1, Number(argument('--tokens') ?? 1));
  const all = process.argv.includes('--all');
  const tokens = Array.from({ length: tokenCount }, (_, i) => `ghp_benchtoken${String(i).padStart(28, '0')}`);
  const name = `bench_harvest_${Date.now().toString(36)}`;
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const prefix = `bench:${name}:`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const fake = await startFakeGitHub({ datasetOptions: { hugeRepositories: all ? 5000 : 0 } });
  const logger = createLogger('warn');
  const { config } = await loadConfig({ env: { NODE_ENV: 'test', DB_HOST: PG.host, DB_NAME: name } });
  const database = await openDatabase(config, appEntities(), logger);
  try {
    await migrateUp(database.orm);
    const pool = new TokenPool({ provider: async () => tokens, logger });
    const github = await createGitHubClient({
      baseUrl: fake.url,
      pool,
      cache: new RedisCache(redis, prefix, logger),
      logger,
    });
    const harvester = new UserHarvester({ github });

    /** Harvests and stores one login as the worker would; returns the outcome kind. */
    const harvestOne = async (login: string): Promise<HarvestOutcome['kind']> => {
      const em = database.orm.em.fork();
      const job = Object.assign(new HarvestJob(), {
        login,
        loginKey: login.toLowerCase(),
        trigger: 'manual',
      });
      await em.persistAndFlush(job);
      const outcome = await harvester.harvest(login, async () => {});
      if (outcome.kind === 'found') await writeHarvest(em.fork(), job.id, outcome.user, new Date());
      return outcome.kind;
    };
    const measure = async (work: () => Promise<unknown>): Promise<Run> => {
      fake.counters.reset();
      const started = performance.now();
      await work();
      const ms = performance.now() - started;
      return {
        requests: fake.counters.total,
        points: fake.counters.pointsSpent(),
        rest: fake.counters.pointsSpent({ resource: 'core' }),
        graphql: fake.counters.pointsSpent({ resource: 'graphql' }),
        notModified: fake.counters.notModified,
        secondaryLimits: fake.counters.secondaryLimited,
        ms,
      };
    };
    const line = (label: string, r: Run) =>
      console.log(
        `${label}: ${r.points} points (REST ${r.rest}, GraphQL ${r.graphql}), ${r.requests} requests, ${r.notModified} answered 304, ${r.secondaryLimits} secondary limits met, ${(r.ms / 1000).toFixed(1)} s`,
      );

    console.log(
      `GitHub stand-in, ${tokenCount} token(s), default settings (QUEUE_CONCURRENCY ${config.queue.concurrency})`,
    );
    const first = await measure(() => harvestOne(STANDARD_LOGINS.prolific));
    const second = await measure(() => harvestOne(STANDARD_LOGINS.prolific));
    line(`${STANDARD_LOGINS.prolific} (320 repositories), first harvest`, first);
    line(`${STANDARD_LOGINS.prolific}, second harvest (unchanged)`, second);

    if (all) {
      line(
        `${STANDARD_LOGINS.huge} (5,000 repositories), first harvest`,
        await measure(() => harvestOne(STANDARD_LOGINS.huge)),
      );
      let organizationOutcome = '';
      const organization = await measure(async () => {
        organizationOutcome = await harvestOne(STANDARD_LOGINS.organization);
      });
      line(`${STANDARD_LOGINS.organization} (an organization) -> ${organizationOutcome}`, organization);
      const crowd = fake.data.users.filter((u) => u.login.startsWith('tokyo-dev-')).map((u) => u.login);
      const outcomes = new Map<string, number>();
      const country = await measure(async () => {
        const queue = [...crowd];
        await Promise.all(
          Array.from({ length: config.queue.concurrency }, async () => {
            for (let login = queue.shift(); login; login = queue.shift()) {
              const kind = await harvestOne(login);
              outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
            }
          }),
        );
      });
      line(
        `country harvest fan-out: ${crowd.length} developers (${[...outcomes].map(([k, n]) => `${n} ${k}`).join(', ')})`,
        country,
      );
    }
    console.log(`second/first points: ${(second.points / first.points).toFixed(3)}`);
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
