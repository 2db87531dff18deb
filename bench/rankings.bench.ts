/**
 * Ranking run benchmark: `npx tsx bench/rankings.bench.ts [--users N]` (default 1,000,000).
 * Generates N users, 3N repositories and 90 days of activity in a scratch database of its own
 * (dropped at the end), then times, in the same process and on the same data:
 *   - a bare baseline: the same kind of set-based statement (aggregates, rank() globally and per
 *     country, upsert, snapshot append) on stock settings, with no service around it;
 *   - the service's run (RankingRunService: run record, lock, transaction, statement, switch).
 * Each is run twice (first on an empty ranking table, then on a full one). Prints users ranked
 * per second, the service/baseline ratio and the SQL statements one run sends.
 */
import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { loadConfig } from '../src/config/load-config';
import { appEntities } from '../src/app';
import { RankingRunService } from '../src/modules/rankings/ranking-run.service';
import { openDatabase } from '../src/platform/database/database';
import { migrateUp } from '../src/platform/database/migrations';
import { createLogger } from '../src/platform/logging/logger';
import { generateRankingsData } from './rankings-data';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

const BASELINE_SQL = `
with repo as (
  select owner_id as user_id, sum(stargazer_count + fork_count * 2)::bigint as points
  from repository group by owner_id
), act as (
  select user_id, sum(commits)::bigint as commits from daily_activity
  where date > current_date - 90 group by user_id
), ranked as materialized (
  select u.id as user_id, u.country_code,
    u.followers::bigint * 2 + u.public_repos * 5 + coalesce(r.points, 0) + coalesce(a.commits, 0) as score
  from github_user u left join repo r on r.user_id = u.id left join act a on a.user_id = u.id
  where u.followers >= 31
), ranks as materialized (
  select user_id, country_code, score, rank() over (order by score desc)::int as global_rank,
    rank() over (partition by country_code order by score desc)::int as country_rank
  from ranked
), up as (
  insert into baseline_ranking (user_id, score, global_rank, country_code, country_rank, previous_global_rank, run_id)
  select user_id, score, global_rank, country_code, country_rank, null, $1 from ranks
  on conflict (user_id) do update set score = excluded.score, global_rank = excluded.global_rank,
    country_code = excluded.country_code, country_rank = excluded.country_rank,
    previous_global_rank = baseline_ranking.global_rank, run_id = excluded.run_id
)
insert into baseline_snapshot (user_id, run_id, score, global_rank, country_rank)
select user_id, $1, score, global_rank, country_rank from ranks`;

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ ...PG, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  console.log(`${label}: ${(ms / 1000).toFixed(2)} s`);
  return { ms, value };
}

async function main(): Promise<void> {
  const users = argument('--users', 1_000_000);
  const dbName = `bench_rankings_${Date.now().toString(36)}`;
  await admin(`create database "${dbName}"`);
  const { config } = await loadConfig({
    env: { NODE_ENV: 'test', DB_HOST: PG.host, DB_NAME: dbName, DB_STATEMENT_TIMEOUT_MS: '0' },
  });
  const logger = createLogger('warn');
  const database = await openDatabase(config, appEntities(), logger);
  try {
    await migrateUp(database.orm);
    const em = database.orm.em.fork() as EntityManager;
    await timed(`generate ${users} users, ${users * 3} repositories, 90 days of activity`, () =>
      generateRankingsData(em, users),
    );
    // The baseline's tables: current ranks (upserted) and history (appended), with the read indexes.
    await em.execute(`create table baseline_ranking (user_id bigint primary key, score bigint not null,
      global_rank int not null, country_code text, country_rank int, previous_global_rank int, run_id int not null)`);
    await em.execute('create index on baseline_ranking (global_rank, user_id)');
    await em.execute('create index on baseline_ranking (country_code, country_rank, user_id)');
    await em.execute(`create table baseline_snapshot (user_id bigint not null, run_id int not null, score bigint not null,
      global_rank int not null, country_rank int, primary key (user_id, run_id))`);

    // Bare baseline: one statement on its own connection, stock settings.
    const bare = new Client({ ...PG, database: dbName });
    await bare.connect();
    const baseline = [];
    for (const run of [1, 2]) {
      baseline.push((await timed(`baseline run ${run}`, () => bare.query(BASELINE_SQL, [run]))).ms);
    }
    await bare.end();

    // The service, counting every statement it sends.
    const service = new RankingRunService({ ...config.rankings, runTimeoutMs: 3_600_000 }, logger);
    const knex = database.orm.em.getConnection().getKnex();
    let statements = 0;
    knex.on('query', () => statements++);
    const runs = [];
    let ranked = 0;
    for (const run of [1, 2]) {
      statements = 0;
      const { ms, value } = await timed(`service run ${run}`, () =>
        service.run(database.orm.em.fork() as EntityManager, 'manual'),
      );
      if (value.status !== 'completed') throw new Error(`run ${value.id} ended ${value.status}`);
      ranked = value.rankedUsers;
      runs.push(ms);
      console.log(`  statements sent: ${statements}`);
    }
    console.log('');
    console.log(`users: ${users}, ranked: ${ranked}`);
    for (const i of [0, 1]) {
      const label = i === 0 ? 'empty ranking table' : 'full ranking table ';
      console.log(
        `${label}: service ${(runs[i]! / 1000).toFixed(2)} s (${Math.round(ranked / (runs[i]! / 1000))} users/s), ` +
          `baseline ${(baseline[i]! / 1000).toFixed(2)} s (${Math.round(ranked / (baseline[i]! / 1000))} users/s), ` +
          `ratio service/baseline ${(runs[i]! / baseline[i]!).toFixed(2)}`,
      );
    }
    console.log(`SQL statements per run: ${statements}`);
  } finally {
    await database.close();
    await admin(`drop database if exists "${dbName}" with (force)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
