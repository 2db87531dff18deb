import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Synthetic rankings data with generate_series, in the database `em` points at: `users` users
 * (about 97% at or above the default follower floor, 80% with one of 60 countries), three
 * repositories per user, and activity on every ninth day of the last 90 days per user.
 */
export async function generateRankingsData(em: EntityManager, users: number): Promise<void> {
  await em.execute('select setseed(0.42)');
  await em.execute(
    `insert into github_user (login, login_key, followers, following, public_repos, public_gists,
       social, organizations, country_code, created_at, updated_at)
     select 'dev' || i, 'dev' || i, (random() * 1000)::int, 0, (random() * 60)::int, 0,
       '[]'::jsonb, '[]'::jsonb,
       case when i % 5 = 0 then null else chr(65 + (i % 60) / 26) || chr(65 + (i % 60) % 26) end,
       now(), now()
     from generate_series(1, ?::int) as i`,
    [users],
  );
  await em.execute(
    `insert into repository (owner_id, name, topics, stargazer_count, fork_count, open_issues_count,
       watcher_count, disk_usage_kb, is_fork, is_archived, harvested_at)
     select (i % ?::int) + 1, 'repo' || i, '[]'::jsonb, (random() * 200)::int, (random() * 40)::int,
       0, 0, 0, false, false, now()
     from generate_series(0, ?::int * 3 - 1) as i`,
    [users, users],
  );
  await em.execute(
    `insert into daily_activity (user_id, date, commits, pull_requests, issues_opened, reviews)
     select u, current_date - d, (random() * 20)::int, 0, 0, 0
     from generate_series(1, ?::int) as u, generate_series(u % 9, 89, 9) as d`,
    [users],
  );
  await em.execute('vacuum analyze github_user, repository, daily_activity');
}
