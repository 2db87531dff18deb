import { COMMIT_WINDOW_SQL, DAY_CONTRIBUTIONS_SQL, REPOSITORY_POINTS_SQL, SCORE_SQL } from './ranking-score';

/**
 * The ranking run's one set-based statement (parameters: `rankingRunParams`).
 *
 * - `repo` / `act`: repository points and recent commits (and contributions, kept with the rank)
 *   per user, aggregated once.
 * - `ranked`: every user at or above the follower floor with score, `rank()` over everyone and
 *   `rank()` within the country (equal scores share a rank; the next rank skips).
 * - `countries`: ranked users per country for this run.
 * - the statement itself appends the run's rows (`ranking_snapshot`): the new ranks and their
 *   history at once; its row count is the number of users ranked.
 *
 * It runs inside the run's transaction together with the run's status flip to `completed`, the
 * pointer readers follow: they see either the previous run's ranks or this one's, never a mix.
 */
export const RANKING_RUN_SQL = `
with repo as (
  select owner_id as user_id, sum(${REPOSITORY_POINTS_SQL})::bigint as points
  from repository
  group by owner_id
), act as (
  select user_id, sum(commits)::bigint as commits, sum(${DAY_CONTRIBUTIONS_SQL})::bigint as contributions
  from daily_activity
  where ${COMMIT_WINDOW_SQL}
  group by user_id
), scored as (
  select u.id as user_id, u.country_code, (${SCORE_SQL})::bigint as score,
    coalesce(a.commits, 0)::int as commits, coalesce(a.contributions, 0)::int as contributions
  from github_user u
  left join repo r on r.user_id = u.id
  left join act a on a.user_id = u.id
  where u.followers >= ?::int
), ranked as materialized (
  select user_id, country_code, score, commits, contributions,
    rank() over (order by score desc)::int as global_rank,
    case when country_code is null then null
      else rank() over (partition by country_code order by score desc)::int end as country_rank
  from scored
), countries as (
  insert into ranking_country (run_id, country_code, ranked_users)
  select ?::int, country_code, count(*)::int from ranked
  where country_code is not null
  group by country_code
)
insert into ranking_snapshot (run_id, user_id, score, global_rank, country_code, country_rank, commits, contributions)
select ?::int, user_id, score, global_rank, country_code, country_rank, commits, contributions from ranked
`;

/** Parameters of RANKING_RUN_SQL, in placeholder order. */
export function rankingRunParams(runId: number, minFollowers: number, commitWindowDays: number): number[] {
  return [commitWindowDays, minFollowers, runId, runId];
}
