import type { GitHubClient } from '../../platform/github/github-client';
import type {
  HarvestedRepository,
  HarvestOutcome,
  ProgressReporter,
  SkippedRepositories,
} from './harvest-data';
import type { RepositoryCounts } from './harvest-graphql';
import { htmlOriginOf, type ProfileAnswer } from './harvest-rest';
import { type HarvestSource, octokitHarvestSource } from './harvest-source';

export interface UserHarvesterOptions {
  /** GitHub through Octokit (the production source)... */
  readonly github?: GitHubClient;
  /** ...or any source in the domain's terms (tests: in memory). One of the two is required. */
  readonly source?: HarvestSource;
  readonly now?: () => number;
}

/** What is already known of the login being harvested (from the stored developer). */
export interface KnownDeveloper {
  /** GitHub's id of the developer stored under this login: found by id when the login 404s. */
  readonly githubId: number | null;
}

/**
 * Collects one developer from GitHub, spending as little rate limit as it can:
 * - REST for profile, social accounts, organizations and repositories (100 a page): cacheable
 *   GETs that cost nothing when they come back 304 on the next harvest (revalidated by the token
 *   holding their ETags);
 * - an organization is recognised from the profile's `type` (1 point) and nothing more is asked;
 * - a login that 404s is looked up by the stored GitHub id (`GET /user/{id}`): a renamed
 *   developer is harvested under the new login;
 * - GraphQL (authenticated only), 100 repositories a query: the developer's own commits on each
 *   default branch (`history(author: {id})`, so a fork counts only theirs), pull requests, open
 *   issues and watchers; reused while the REST repository list is unchanged; then the year of
 *   contributions (one query, plus pages for very active users);
 * - blocked, vanished and empty repositories are skipped and counted, never failing the user;
 * - unauthenticated (60 requests an hour): no per-repository counts and no GraphQL; activity
 *   from the public events feed instead.
 * Nothing is written here: the caller stores the result in one transaction.
 */
export class UserHarvester {
  private readonly source: HarvestSource;

  constructor(private readonly options: UserHarvesterOptions) {
    if (options.source) this.source = options.source;
    else if (options.github) this.source = octokitHarvestSource(options.github);
    else throw new Error('UserHarvester needs a GitHub client or a harvest source');
  }

  async harvest(
    login: string,
    progress: ProgressReporter,
    known: KnownDeveloper = { githubId: null },
  ): Promise<HarvestOutcome> {
    const { source } = this;
    const now = this.options.now ?? Date.now;
    await progress(5, 'profile');
    let answer: ProfileAnswer = await source.profile(login);
    if (answer.kind === 'not_found' && known.githubId !== null)
      answer = await source.profileById(known.githubId);
    if (answer.kind === 'not_found') return { kind: 'not_found' };
    if (answer.kind === 'organization') return { kind: 'organization', login: answer.login };
    const { profile, nodeId } = answer;
    const authenticated = await source.authenticated();
    // The current login from here on: a case difference or a rename between calls must not matter.
    const current = profile.login;
    const [social, organizations] = await Promise.all([
      source.socialAccounts(current),
      source.organizations(current, htmlOriginOf(profile.htmlUrl)),
    ]);
    await progress(10, 'repositories');
    // No public repositories on the profile: the list is not asked for (a request saved per developer).
    const repositories = profile.publicRepos > 0 ? await source.repositories(current) : [];
    let skipped: SkippedRepositories = { unavailable: 0, empty: 0 };
    if (authenticated && repositories.length > 0) {
      await progress(15, 'commits');
      skipped = applyCounts(repositories, await source.repositoryCounts(current, nodeId, repositories));
    }
    await progress(80, 'activity');
    const activity = authenticated
      ? await source.contributions(current, now())
      : await source.eventActivity(current, now());
    return { kind: 'found', user: { profile, social, organizations, repositories, activity, skipped } };
  }
}

/** Sets GraphQL's counts on the REST repositories; those GraphQL did not serve stay uncounted. */
function applyCounts(
  repositories: HarvestedRepository[],
  counts: ReadonlyMap<number, RepositoryCounts>,
): SkippedRepositories {
  let unavailable = 0;
  let empty = 0;
  for (const repository of repositories) {
    const c = counts.get(repository.githubId);
    if (!c) {
      unavailable++;
      continue;
    }
    if (c.empty) empty++;
    repository.commitCount = c.commits;
    repository.pullRequestCount = c.pullRequests;
    repository.openIssuesCount = c.openIssues;
    repository.watcherCount = c.watchers;
  }
  return { unavailable, empty };
}
