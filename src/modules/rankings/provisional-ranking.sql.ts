import { COMMIT_WINDOW_SQL, DAY_CONTRIBUTIONS_SQL, REPOSITORY_POINTS_SQL, SCORE_SQL } from './ranking-score';

/**
 * Provisional ranks of developers the current run did not rank (harvested since, or changed since
 * below to above the follower floor): THE score formula (ranking-score.ts) over their stored data
 * now, placed among the current run's scores. Their global rank is the rank the run gave the
 * highest score at or below theirs (its ties share it: 1 + the scores above), or one past the
 * last when every score is above; the same within their country. Each placement is one probe of
 * a score index (`ranking_snapshot_score_index`, `..._country_score_index`), so a batch of N
 * developers is one statement of N small probes, never a scan of the run.
 *
 * Parameters: `provisionalRankingParams`.
 */
export const PROVISIONAL_RANKING_SQL = `
with u as (
  select id, country_code, followers, public_repos from github_user
  where id = any(?::bigint[]) and followers >= ?::int
), r as (
  select owner_id as user_id, sum(${REPOSITORY_POINTS_SQL})::bigint as points
  from repository where owner_id = any(?::bigint[]) group by owner_id
), a as (
  select user_id, sum(commits)::bigint as commits, sum(${DAY_CONTRIBUTIONS_SQL})::bigint as contributions
  from daily_activity where user_id = any(?::bigint[]) and ${COMMIT_WINDOW_SQL} group by user_id
), p as (
  select u.id as user_id, u.country_code, (${SCORE_SQL})::bigint as score,
    coalesce(a.commits, 0)::int as commits, coalesce(a.contributions, 0)::int as contributions
  from u left join r on r.user_id = u.id left join a on a.user_id = u.id
)
select p.user_id, p.score, p.country_code, p.commits, p.contributions,
  coalesce((select s.global_rank from ranking_snapshot s
            where s.run_id = ?::int and s.score <= p.score order by s.score desc limit 1),
           ?::int + 1) as global_rank,
  case when p.country_code is null then null else coalesce(
    (select s.country_rank from ranking_snapshot s
     where s.run_id = ?::int and s.country_code = p.country_code and s.score <= p.score
     order by s.score desc limit 1),
    coalesce(c.ranked_users, 0) + 1) end as country_rank,
  case when p.country_code is null then null else coalesce(c.ranked_users, 0) + 1 end as country_total
from p left join ranking_country c on c.run_id = ?::int and c.country_code = p.country_code
`;

/** Parameters of PROVISIONAL_RANKING_SQL, in placeholder order. */
export function provisionalRankingParams(
  ids: string,
  settings: { readonly minFollowers: number; readonly commitWindowDays: number },
  run: { readonly id: number; readonly rankedUsers: number },
): (string | number)[] {
  // u (ids, floor), r (ids), a (ids, window), global rank (run, ranked users), country rank (run), join (run).
  return [
    ids,
    settings.minFollowers,
    ids,
    ids,
    settings.commitWindowDays,
    run.id,
    run.rankedUsers,
    run.id,
    run.id,
  ];
}
