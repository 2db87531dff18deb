import type { GitHubClient } from '../../platform/github/github-client';
import { type HarvestOutcome, mapLimit, type ProgressReporter } from './harvest-data';
import { fetchEventActivity } from './harvest-events';
import { fetchContributions, fetchRepositoryCounts } from './harvest-graphql';
import {
  fetchCommitCount,
  fetchOrganizations,
  fetchProfile,
  fetchRepositories,
  fetchSocialAccounts,
  htmlOriginOf,
} from './harvest-rest';

export interface UserHarvesterOptions {
  readonly github: GitHubClient;
  /** Commit-count requests in flight at once for one harvest (default 8). */
  readonly concurrency?: number;
  readonly now?: () => number;
}

/**
 * Collects one developer from GitHub, spending as little rate limit as it can:
 * - REST for profile, social accounts, organizations, repositories (100 a page) and one
 *   `commits?per_page=1` per repository: cacheable GETs that cost nothing when they come back
 *   304 on the next harvest;
 * - GraphQL (authenticated only) for what REST would need a request per repository for: pull
 *   requests, open issues and watchers for 100 repositories per query (a couple of points), and
 *   the year of contributions (one query, plus pages for very active users);
 * - unauthenticated (60 requests an hour): no per-repository commit counts and no GraphQL;
 *   activity from the public events feed instead.
 * Nothing is written here: the caller stores the result in one transaction.
 */
export class UserHarvester {
  constructor(private readonly options: UserHarvesterOptions) {}

  async harvest(login: string, progress: ProgressReporter): Promise<HarvestOutcome> {
    const { octokit, pool } = this.options.github;
    const now = this.options.now ?? Date.now;
    await progress(5, 'profile');
    const profile = await fetchProfile(octokit, login);
    if (!profile) return { kind: 'not_found' };
    const authenticated = await pool.hasUsableTokens();
    // The current login from here on: a case difference or a rename between calls must not matter.
    const current = profile.login;
    const [social, organizations] = await Promise.all([
      fetchSocialAccounts(octokit, current),
      fetchOrganizations(octokit, current, htmlOriginOf(profile.htmlUrl)),
    ]);
    await progress(10, 'repositories');
    const repositories = await fetchRepositories(octokit, current);

    if (authenticated) {
      await progress(15, 'commits');
      let done = 0;
      let reported = 0;
      await mapLimit(repositories, this.options.concurrency ?? 8, async (repository) => {
        repository.commitCount = await fetchCommitCount(octokit, repository.fullName);
        done++;
        // Report every ~10% of the repositories, not once per request.
        const percent = 15 + Math.floor((55 * done) / repositories.length);
        if (percent - reported >= 5) {
          reported = percent;
          await progress(percent, 'commits');
        }
      });
      await progress(70, 'pull-requests');
      const counts = await fetchRepositoryCounts(octokit, current);
      for (const repository of repositories) {
        const c = counts.get(repository.githubId);
        if (!c) continue;
        repository.pullRequestCount = c.pullRequests;
        repository.openIssuesCount = c.openIssues;
        repository.watcherCount = c.watchers;
      }
    }
    await progress(80, 'activity');
    const activity = authenticated
      ? await fetchContributions(octokit, current, now())
      : await fetchEventActivity(octokit, current, now());
    return { kind: 'found', user: { profile, social, organizations, repositories, activity } };
  }
}
