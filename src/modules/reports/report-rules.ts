/**
 * Trophies and achievements: the OLD SERVICE'S RULES, kept so existing users see the same badges.
 * This table is the one place they live; the report and its tests read it.
 *
 * | badge                          | kind        | metric                                       | levels                  |
 * | ------------------------------ | ----------- | -------------------------------------------- | ----------------------- |
 * | Super Follower                 | trophy      | followers                                    | 1,000 / 5,000 / 10,000  |
 * | Code Contributor               | trophy      | commits in the report period                 | 1,000 / 5,000 / 10,000  |
 * | Star Gazer                     | trophy      | stars summed over owned repositories         | 100 / 1,000 / 5,000     |
 * | Prolific Repository Creator    | trophy      | public repositories (GitHub's profile count) | 20 / 50 / 100           |
 * | Jack of All Trades             | achievement | distinct topics over owned repositories      | 3 / 5 / 10              |
 * | Open Source Bug Hunter         | achievement | issues opened in the report period           | 10 / 50 / 100           |
 * | Pull Request Pro               | achievement | pull requests opened in the report period    | 5 / 20 / 50             |
 * | Repository Forker              | achievement | forks summed over owned repositories         | 100 / 500 / 1,000       |
 *
 * Trophy levels are BRONZE / SILVER / GOLD, achievement levels 1 / 2 / 3; a value equal to a
 * threshold earns that level. The report period is the 365 days ending on the day of the last
 * harvest (a harvest collects the last year of daily activity); before any harvest, the 365 days
 * ending today.
 */

export const REPORT_PERIOD_DAYS = 365;

export enum TrophyKind {
  SUPER_FOLLOWER = 'SUPER_FOLLOWER',
  CODE_CONTRIBUTOR = 'CODE_CONTRIBUTOR',
  STAR_GAZER = 'STAR_GAZER',
  PROLIFIC_REPOSITORY_CREATOR = 'PROLIFIC_REPOSITORY_CREATOR',
}

export enum AchievementKind {
  JACK_OF_ALL_TRADES = 'JACK_OF_ALL_TRADES',
  OPEN_SOURCE_BUG_HUNTER = 'OPEN_SOURCE_BUG_HUNTER',
  PULL_REQUEST_PRO = 'PULL_REQUEST_PRO',
  REPOSITORY_FORKER = 'REPOSITORY_FORKER',
}

/** What the rules are evaluated on. */
export interface ReportMetrics {
  readonly followers: number;
  readonly commits: number;
  readonly stars: number;
  readonly publicRepositories: number;
  readonly topics: number;
  readonly issuesOpened: number;
  readonly pullRequests: number;
  readonly forks: number;
}

export interface BadgeRule<Kind extends string = string> {
  readonly id: Kind;
  readonly name: string;
  readonly metric: keyof ReportMetrics;
  /** Ascending thresholds of levels 1, 2, 3. */
  readonly thresholds: readonly [number, number, number];
  readonly description: string;
}

export const TROPHY_RULES: readonly BadgeRule<TrophyKind>[] = [
  {
    id: TrophyKind.SUPER_FOLLOWER,
    name: 'Super Follower',
    metric: 'followers',
    thresholds: [1_000, 5_000, 10_000],
    description: 'Followers.',
  },
  {
    id: TrophyKind.CODE_CONTRIBUTOR,
    name: 'Code Contributor',
    metric: 'commits',
    thresholds: [1_000, 5_000, 10_000],
    description: 'Commits in the report period.',
  },
  {
    id: TrophyKind.STAR_GAZER,
    name: 'Star Gazer',
    metric: 'stars',
    thresholds: [100, 1_000, 5_000],
    description: 'Stars across owned repositories.',
  },
  {
    id: TrophyKind.PROLIFIC_REPOSITORY_CREATOR,
    name: 'Prolific Repository Creator',
    metric: 'publicRepositories',
    thresholds: [20, 50, 100],
    description: 'Public repositories.',
  },
];

export const ACHIEVEMENT_RULES: readonly BadgeRule<AchievementKind>[] = [
  {
    id: AchievementKind.JACK_OF_ALL_TRADES,
    name: 'Jack of All Trades',
    metric: 'topics',
    thresholds: [3, 5, 10],
    description: 'Distinct topics across owned repositories.',
  },
  {
    id: AchievementKind.OPEN_SOURCE_BUG_HUNTER,
    name: 'Open Source Bug Hunter',
    metric: 'issuesOpened',
    thresholds: [10, 50, 100],
    description: 'Issues opened in the report period.',
  },
  {
    id: AchievementKind.PULL_REQUEST_PRO,
    name: 'Pull Request Pro',
    metric: 'pullRequests',
    thresholds: [5, 20, 50],
    description: 'Pull requests opened in the report period.',
  },
  {
    id: AchievementKind.REPOSITORY_FORKER,
    name: 'Repository Forker',
    metric: 'forks',
    thresholds: [100, 500, 1_000],
    description: 'Forks across owned repositories.',
  },
];

export interface BadgeResult<Kind extends string = string> {
  readonly rule: BadgeRule<Kind>;
  readonly value: number;
  /** 0 when not earned, else 1-3. */
  readonly level: number;
  /** Threshold of the next level; null at the top level. */
  readonly nextThreshold: number | null;
}

export function evaluate<Kind extends string>(
  rule: BadgeRule<Kind>,
  metrics: ReportMetrics,
): BadgeResult<Kind> {
  const value = metrics[rule.metric];
  const level = rule.thresholds.filter((t) => value >= t).length;
  return { rule, value, level, nextThreshold: rule.thresholds[level] ?? null };
}
