import type { GitHubClient } from '../../platform/github/github-client';
import type {
  HarvestedRepository,
  HarvestOutcome,
  ProgressReporter,
  SkippedRepositories,
} from './harvest-data';
import { fetchEventActivity } from './harvest-events';
import { fetchContributions, fetchRepositoryCounts, type RepositoryCounts } from './harvest-graphql';
import {
  fetchOrganizations,
  fetchProfile,
  fetchProfileById,
  fetchRepositories,
  fetchSocialAccounts,
  htmlOriginOf,
  type ProfileAnswer,
} from './harvest-rest';

export interface UserHarvesterOptions {
  readonly github: GitHubClient;
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
  constructor(private readonly options: UserHarvesterOptions) {}

  async harvest(
    login: string,
    progress: ProgressReporter,
    known: KnownDeveloper = { githubId: null },
  ): Promise<HarvestOutcome> {
    const { octokit, pool } = this.options.github;
    const now = this.options.now ?? Date.now;
    await progress(5, 'profile');
    let answer: ProfileAnswer = await fetchProfile(octokit, login);
    if (answer.kind === 'not_found' && known.githubId !== null)
      answer = await fetchProfileById(octokit, known.githubId);
    if (answer.kind === 'not_found') return { kind: 'not_found' };
    if (answer.kind === 'organization') return { kind: 'organization', login: answer.login };
    const { profile, nodeId } = answer;
    const authenticated = await pool.hasUsableTokens();
    // The current login from here on: a case difference or a rename between calls must not matter.
    const current = profile.login;
    const [social, organizations] = await Promise.all([
      fetchSocialAccounts(octokit, current),
      fetchOrganizations(octokit, current, htmlOriginOf(profile.htmlUrl)),
    ]);
    await progress(10, 'repositories');
    // No public repositories on the profile: the list is not asked for (a request saved per developer).
    const repositories = profile.publicRepos > 0 ? await fetchRepositories(octokit, current) : [];
    let skipped: SkippedRepositories = { unavailable: 0, empty: 0 };
    if (authenticated && repositories.length > 0) {
      await progress(15, 'commits');
      const counts = await this.options.github.derived.remember(
        ['repository-counts/v1', nodeId, repositories],
        async () => [...(await fetchRepositoryCounts(octokit, current, nodeId)).entries()],
      );
      skipped = applyCounts(repositories, new Map(counts));
    }
    await progress(80, 'activity');
    const activity = authenticated
      ? await fetchContributions(octokit, current, now())
      : await fetchEventActivity(octokit, current, now());
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
