import type { OrganizationSummary, SocialAccount } from '../users/github-user.entity';

/**
 * What one harvest collected from GitHub, as plain data: fetched first, then written in one
 * transaction (so a failure while fetching never leaves a half-written user).
 */
export interface HarvestedProfile {
  readonly githubId: number;
  readonly login: string;
  readonly name: string | null;
  readonly avatarUrl: string | null;
  readonly bio: string | null;
  readonly company: string | null;
  readonly location: string | null;
  readonly websiteUrl: string | null;
  /** The profile's page on GitHub (`html_url`): its origin is where organization pages are too. */
  readonly htmlUrl: string | null;
  readonly followers: number;
  readonly following: number;
  readonly publicRepos: number;
  readonly publicGists: number;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

export interface HarvestedRepository {
  readonly githubId: number;
  readonly name: string;
  /** `owner/name` as GitHub reports it now. */
  readonly fullName: string;
  readonly description: string | null;
  readonly homepageUrl: string | null;
  readonly primaryLanguage: string | null;
  readonly license: string | null;
  readonly topics: string[];
  readonly stargazerCount: number;
  readonly forkCount: number;
  /** Open issues, pull requests excluded (GraphQL); REST's count (which includes PRs) when unauthenticated. */
  openIssuesCount: number;
  watcherCount: number;
  readonly diskUsageKb: number;
  /**
   * The developer's own commits on the default branch (a fork counts only theirs); 0 for an
   * empty repository; null when not counted (unauthenticated, or GitHub did not serve it).
   */
  commitCount: number | null;
  /** Pull requests of every state; null when not counted (unauthenticated harvest). */
  pullRequestCount: number | null;
  readonly isFork: boolean;
  readonly isArchived: boolean;
  readonly defaultBranch: string | null;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
  readonly pushedAt: Date | null;
}

/** Contributions on one UTC day. */
export interface HarvestedDay {
  readonly date: string;
  commits: number;
  pullRequests: number;
  issuesOpened: number;
  reviews: number;
}

export interface HarvestedActivity {
  /** `graphql`: exact per-day counts; `events`: the public events feed (90 days, pushes not commits). */
  readonly source: 'graphql' | 'events';
  /** The days the harvest covers (`YYYY-MM-DD`, inclusive): stored rows in it are replaced. */
  readonly firstDay: string;
  readonly lastDay: string;
  /** Days with any activity, ascending. */
  readonly days: HarvestedDay[];
  /**
   * Private contributions in the window (GraphQL `restrictedContributionsCount`, opted-in
   * developers only); never part of `days`. Null when unknown (events feed).
   */
  readonly restrictedContributions: number | null;
}

/** Repositories listed by REST but not counted: never a reason to fail the developer. */
export interface SkippedRepositories {
  /** Left out by GitHub's GraphQL (blocked for DMCA or terms of service, deleted meanwhile). */
  readonly unavailable: number;
  /** No default branch yet (GitHub answers 409 "Git Repository is empty."): 0 commits. */
  readonly empty: number;
}

export interface HarvestedUser {
  readonly profile: HarvestedProfile;
  readonly social: SocialAccount[];
  readonly organizations: OrganizationSummary[];
  readonly repositories: HarvestedRepository[];
  readonly activity: HarvestedActivity;
  readonly skipped: SkippedRepositories;
}

export type HarvestOutcome =
  | { readonly kind: 'found'; readonly user: HarvestedUser }
  | { readonly kind: 'not_found' }
  /** The login is an organization's (GitHub said so in its first answer): nothing else is fetched. */
  | { readonly kind: 'organization'; readonly login: string };

/** Called as the harvest moves on: percent 0-100 and the stage name. */
export type ProgressReporter = (progress: number, stage: string) => Promise<void>;

export function dateOrNull(value: string | null | undefined): Date | null {
  return value ? new Date(value) : null;
}

/** Runs `fn` over `items` with at most `limit` at once; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Counts per UTC day, filled by a harvest source; `inRange` lists the days with any activity, ascending. */
export class DayTally {
  private readonly days = new Map<string, HarvestedDay>();

  /** The counters of `date` (`YYYY-MM-DD`), created empty on first use. */
  day(date: string): HarvestedDay {
    let d = this.days.get(date);
    if (!d) {
      d = { date, commits: 0, pullRequests: 0, issuesOpened: 0, reviews: 0 };
      this.days.set(date, d);
    }
    return d;
  }

  /** The counters of `date` if anything was counted on it. */
  peek(date: string): HarvestedDay | undefined {
    return this.days.get(date);
  }

  inRange(firstDay: string, lastDay: string): HarvestedDay[] {
    return [...this.days.values()]
      .filter((d) => d.date >= firstDay && d.date <= lastDay)
      .filter((d) => d.commits + d.pullRequests + d.issuesOpened + d.reviews > 0)
      .sort((a, b) => a.date.localeCompare(b.date));
  }
}
