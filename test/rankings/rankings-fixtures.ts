import type { EntityManager } from '@mikro-orm/postgresql';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';

export type RankingsDb = MigratedDatabase;

/** A migrated database of the test file's own on the shared PostgreSQL. */
export const openRankingsDb = (): Promise<RankingsDb> => openMigratedDatabase('rank');

export interface FixtureUser {
  readonly login: string;
  readonly followers: number;
  readonly publicRepos?: number;
  readonly country?: string | null;
  readonly location?: string | null;
  /** [stars, forks] per repository. */
  readonly repositories?: readonly (readonly [number, number])[];
  /** [days ago, commits]. */
  readonly activity?: readonly (readonly [number, number])[];
}

/** Inserts users with repositories and activity; returns their ids by login. */
export async function insertUsers(
  em: EntityManager,
  users: readonly FixtureUser[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const u of users) {
    const [row] = await em.execute<{ id: string }[]>(
      `insert into github_user (login, login_key, name, avatar_url, location, followers, following, public_repos,
         public_gists, social, organizations, country_code, harvested_at, created_at, updated_at)
       values (?, lower(?), ?, ?, ?, ?, 0, ?, 0, '[]', '[]', ?, now(), now(), now()) returning id`,
      [
        u.login,
        u.login,
        `${u.login} name`,
        `https://avatars.example/${u.login}`,
        u.location ?? null,
        u.followers,
        u.publicRepos ?? 0,
        u.country ?? null,
      ],
    );
    const id = Number(row!.id);
    ids.set(u.login, id);
    for (const [i, [stars, forks]] of (u.repositories ?? []).entries()) {
      await em.execute(
        `insert into repository (owner_id, name, topics, stargazer_count, fork_count, open_issues_count,
           watcher_count, disk_usage_kb, is_fork, is_archived, harvested_at)
         values (?, ?, '[]', ?, ?, 0, 0, 0, false, false, now())`,
        [id, `repo${i}`, stars, forks],
      );
    }
    for (const [daysAgo, commits] of u.activity ?? []) {
      await em.execute(
        `insert into daily_activity (user_id, date, commits, pull_requests, issues_opened, reviews)
         values (?, (now() at time zone 'utc')::date - ?::int, ?, 0, 0, 0)`,
        [id, daysAgo, commits],
      );
    }
  }
  return ids;
}

export interface RankRow {
  login: string;
  score: number;
  globalRank: number;
  countryRank: number | null;
  countryCode: string | null;
  previousGlobalRank: number | null;
}

/** The current ranks, by login. */
export async function currentRanks(em: EntityManager): Promise<Map<string, RankRow>> {
  const rows = await em.execute<Record<string, string | number | null>[]>(
    `select u.login, r.score, r.global_rank, r.country_rank, r.country_code, p.global_rank as previous_global_rank
     from ranking_snapshot r join github_user u on u.id = r.user_id
     left join ranking_snapshot p on p.user_id = r.user_id and p.run_id = (
       select id from ranking_run where status = 'completed' order by finished_at desc, id desc offset 1 limit 1)
     where r.run_id = (select id from ranking_run where status = 'completed' order by finished_at desc, id desc limit 1)`,
  );
  return new Map(
    rows.map((r) => [
      String(r.login),
      {
        login: String(r.login),
        score: Number(r.score),
        globalRank: Number(r.global_rank),
        countryRank: r.country_rank === null ? null : Number(r.country_rank),
        countryCode: r.country_code === null ? null : String(r.country_code),
        previousGlobalRank: r.previous_global_rank === null ? null : Number(r.previous_global_rank),
      },
    ]),
  );
}
