/**
 * The read-path data set: 10,000 developers, 300,000 repositories (30 each), a year of daily
 * activity (every third day per developer) and one completed ranking run, in a database of its own.
 * Generating takes a while, so the database is kept and reused while its marker matches
 * DATASET_VERSION (bump it when the generator or the migrations change what it holds).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { appEntities } from '../../src/app';
import { loadConfig } from '../../src/config/load-config';
import { RankingRunService } from '../../src/modules/rankings/ranking-run.service';
import { openDatabase } from '../../src/platform/database/database';
import { migrateUp } from '../../src/platform/database/migrations';
import { createLogger } from '../../src/platform/logging/logger';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
export const DATASET_DB = 'bench_read_path';
export const DEVELOPERS = 10_000;
const REPOSITORIES_PER_DEVELOPER = 30;
const DATASET_VERSION = `read-path-v1:${DEVELOPERS}:${REPOSITORIES_PER_DEVELOPER}`;

/** Real ISO codes, so `rankings(country:)` and the report's country resolve as in production. */
export const COUNTRIES = ['US', 'DE', 'IN', 'CN', 'BR', 'GB', 'FR', 'CA', 'JP', 'NL', 'PL', 'ES'];

async function withClient<T>(database: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...PG, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function currentVersion(): Promise<string | undefined> {
  const exists = await withClient('postgres', (c) =>
    c.query('select 1 from pg_database where datname = $1', [DATASET_DB]),
  );
  if (exists.rowCount === 0) return undefined;
  return withClient(DATASET_DB, async (c) => {
    const table = await c.query(`select to_regclass('bench_dataset') as t`);
    if (!table.rows[0].t) return undefined;
    const row = await c.query('select version from bench_dataset');
    return row.rows[0]?.version as string | undefined;
  });
}

async function generate(em: EntityManager): Promise<void> {
  const countries = `array[${COUNTRIES.map((c) => `'${c}'`).join(',')}]`;
  await em.execute('select setseed(0.42)');
  await em.execute(
    `insert into github_user (github_id, login, login_key, name, name_key, avatar_url, bio, company, location,
       website_url, followers, following, public_repos, public_gists, social, organizations, country_code,
       github_created_at, harvested_at, created_at, updated_at)
     select 1000000 + i, 'dev' || i, 'dev' || i, 'Developer ' || i, 'developer ' || i,
       'https://avatars.githubusercontent.com/u/' || (1000000 + i), 'Builds things number ' || i,
       'Company ' || (i % 300), 'City ' || (i % 50), 'https://dev' || i || '.example.com',
       31 + (random() * 5000)::int, (random() * 200)::int, ${REPOSITORIES_PER_DEVELOPER}, (random() * 20)::int,
       '[]'::jsonb, '[]'::jsonb,
       case when i % 7 = 0 then null else (${countries})[1 + i % ${COUNTRIES.length}] end,
       now() - interval '5 years', now(), now(), now()
     from generate_series(1, ?::int) as i`,
    [DEVELOPERS],
  );
  await em.execute(
    `insert into repository (github_id, owner_id, name, description, homepage_url, primary_language, license, topics,
       stargazer_count, fork_count, open_issues_count, watcher_count, disk_usage_kb, commit_count,
       pull_request_count, is_fork, is_archived, default_branch, github_created_at, github_updated_at,
       pushed_at, harvested_at)
     select 5000000 + i, (i % ?::int) + 1, 'repo-' || i, 'A repository numbered ' || i, null,
       (array['TypeScript','Go','Rust','Python','Java','C'])[1 + i % 6], 'MIT', '["tools","web"]'::jsonb,
       (random() * 2000)::int, (random() * 300)::int, (random() * 50)::int, (random() * 100)::int,
       (random() * 10000)::int, (random() * 5000)::int, (random() * 200)::int, i % 10 = 0, false, 'main',
       now() - (random() * 1000)::int * interval '1 day', now() - (random() * 100)::int * interval '1 day',
       now() - (random() * 100)::int * interval '1 day', now()
     from generate_series(0, ?::int - 1) as i`,
    [DEVELOPERS, DEVELOPERS * REPOSITORIES_PER_DEVELOPER],
  );
  await em.execute(
    `insert into daily_activity (user_id, date, commits, pull_requests, issues_opened, reviews)
     select u, current_date - d, (random() * 20)::int, (random() * 3)::int, (random() * 2)::int, (random() * 3)::int
     from generate_series(1, ?::int) as u, generate_series(u % 3, 364, 3) as d`,
    [DEVELOPERS],
  );
  await em.execute('vacuum analyze github_user, repository, daily_activity');
}

/** Makes sure the data set database exists with the current version; generates it when not. */
export async function ensureDataset(log: (line: string) => void): Promise<void> {
  if ((await currentVersion()) === DATASET_VERSION) {
    log(`data set: reusing database ${DATASET_DB} (${DATASET_VERSION})`);
    return;
  }
  const started = performance.now();
  log(`data set: generating ${DATASET_DB} (${DATASET_VERSION}) ...`);
  await withClient('postgres', async (c) => {
    await c.query(`drop database if exists ${DATASET_DB} with (force)`);
    await c.query(`create database ${DATASET_DB}`);
  });
  const { config } = await loadConfig({
    env: { NODE_ENV: 'test', DB_HOST: PG.host, DB_NAME: DATASET_DB, DB_STATEMENT_TIMEOUT_MS: '0' },
  });
  const logger = createLogger('warn');
  const database = await openDatabase(config, appEntities(), logger);
  try {
    await migrateUp(database.orm);
    const em = database.orm.em.fork() as EntityManager;
    await generate(em);
    const service = new RankingRunService({ ...config.rankings, runTimeoutMs: 3_600_000 }, logger);
    const run = await service.run(database.orm.em.fork() as EntityManager, 'manual');
    if (run.status !== 'completed') throw new Error(`ranking run ${run.id} ended ${run.status}`);
    await em.execute('vacuum analyze');
    await em.execute('create table bench_dataset (version text not null)');
    await em.execute('insert into bench_dataset (version) values (?)', [DATASET_VERSION]);
  } finally {
    await database.close();
  }
  log(`data set: generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
