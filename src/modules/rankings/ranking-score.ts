/**
 * THE score formula, in one place (the old service's, so ranks stay comparable after the switch):
 *
 *   score = followers × 2
 *         + public_repos × 5
 *         + Σ over the user's repositories (stars + forks × 2)
 *         + commits in the last `commitWindowDays` days (daily_activity, UTC days)
 *
 * Users with fewer than `minFollowers` followers are not ranked. Both numbers are settings
 * (`RANKING_MIN_FOLLOWERS`, `RANKING_COMMIT_WINDOW_DAYS`). The ranking run computes it in SQL
 * (`scoreSql` below, used by ranking-run.sql.ts); `scoreOf` is the same formula in TypeScript for
 * documentation and tests.
 */
export const SCORE_WEIGHTS = {
  followers: 2,
  publicRepos: 5,
  repositoryStars: 1,
  repositoryForks: 2,
  recentCommits: 1,
} as const;

export interface ScoreInputs {
  readonly followers: number;
  readonly publicRepos: number;
  readonly repositories: readonly { readonly stars: number; readonly forks: number }[];
  readonly recentCommits: number;
}

export function scoreOf(inputs: ScoreInputs): number {
  const w = SCORE_WEIGHTS;
  return (
    inputs.followers * w.followers +
    inputs.publicRepos * w.publicRepos +
    inputs.repositories.reduce(
      (sum, r) => sum + r.stars * w.repositoryStars + r.forks * w.repositoryForks,
      0,
    ) +
    inputs.recentCommits * w.recentCommits
  );
}

/** A day's contributions, as SQL over `daily_activity` columns (what `totalContributions` counts). */
export const DAY_CONTRIBUTIONS_SQL = 'commits + pull_requests + issues_opened + reviews';

/** `daily_activity` rows inside the commit window (parameter: the window in days). */
export const COMMIT_WINDOW_SQL = "date > (now() at time zone 'utc')::date - ?::int";

/** Per-repository points, as SQL over `repository` columns (summed per owner). */
export const REPOSITORY_POINTS_SQL = `stargazer_count * ${SCORE_WEIGHTS.repositoryStars} + fork_count * ${SCORE_WEIGHTS.repositoryForks}`;

/**
 * The score as SQL, over `u` (github_user), `r.points` (summed repository points) and
 * `a.commits` (summed recent commits); both may be null (no repositories, no activity).
 */
export const SCORE_SQL =
  `u.followers::bigint * ${SCORE_WEIGHTS.followers} + u.public_repos::bigint * ${SCORE_WEIGHTS.publicRepos}` +
  ` + coalesce(r.points, 0) + coalesce(a.commits, 0) * ${SCORE_WEIGHTS.recentCommits}`;
