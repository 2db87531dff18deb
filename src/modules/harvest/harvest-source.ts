import type { GitHubClient } from '../../platform/github/github-client';
import type { OrganizationSummary, SocialAccount } from '../users/github-user.entity';
import type { HarvestedActivity, HarvestedRepository } from './harvest-data';
import { fetchEventActivity } from './harvest-events';
import { fetchContributions, fetchRepositoryCounts, type RepositoryCounts } from './harvest-graphql';
import {
  fetchOrganizations,
  fetchProfile,
  fetchProfileById,
  fetchRepositories,
  fetchSocialAccounts,
  type ProfileAnswer,
} from './harvest-rest';

/**
 * What a harvest asks GitHub, in the domain's terms (no wire format), with what each costs on
 * GitHub. The Octokit adapter (`octokitHarvestSource`) is the production one; a test may pass an
 * in-memory source to the harvester instead.
 */
export interface HarvestSource {
  /** Whether a token is usable (GraphQL needs one; otherwise the events feed is used). */
  authenticated(): Promise<boolean>;
  /** Who a login is: 1 REST point, free when revalidated (304). */
  profile(login: string): Promise<ProfileAnswer>;
  /** Who has this GitHub id now (a renamed developer): 1 REST point. */
  profileById(githubId: number): Promise<ProfileAnswer>;
  /** 1 REST point per 100, free when revalidated. */
  socialAccounts(login: string): Promise<SocialAccount[]>;
  /** 1 REST point per 100, free when revalidated. */
  organizations(login: string, htmlOrigin: string): Promise<OrganizationSummary[]>;
  /** Every public repository the developer owns: 1 REST point per 100, free when revalidated. */
  repositories(login: string): Promise<HarvestedRepository[]>;
  /**
   * Own commits, pull requests, open issues and watchers per repository (by GitHub id), for the
   * developer with this node id: about 4 GraphQL points per 100 repositories, reused while
   * `repositories` (the REST list) is unchanged.
   */
  repositoryCounts(
    login: string,
    authorId: string,
    repositories: readonly HarvestedRepository[],
  ): Promise<ReadonlyMap<number, RepositoryCounts>>;
  /** A year of contributions per day: 1-2 GraphQL points (more for very active developers). */
  contributions(login: string, nowMs: number): Promise<HarvestedActivity>;
  /** 90 days of the public events feed (unauthenticated harvests): up to 3 REST points. */
  eventActivity(login: string, nowMs: number): Promise<HarvestedActivity>;
}

/** The harvest source over GitHub's REST and GraphQL APIs (Octokit, through the token pool). */
export function octokitHarvestSource(github: GitHubClient): HarvestSource {
  const { octokit, pool, derived } = github;
  return {
    authenticated: () => pool.hasUsableTokens(),
    profile: (login) => fetchProfile(octokit, login),
    profileById: (githubId) => fetchProfileById(octokit, githubId),
    socialAccounts: (login) => fetchSocialAccounts(octokit, login),
    organizations: (login, htmlOrigin) => fetchOrganizations(octokit, login, htmlOrigin),
    repositories: (login) => fetchRepositories(octokit, login),
    async repositoryCounts(login, authorId, repositories) {
      const entries = await derived.remember(['repository-counts/v1', authorId, repositories], async () => [
        ...(await fetchRepositoryCounts(octokit, login, authorId)).entries(),
      ]);
      return new Map(entries);
    },
    contributions: (login, nowMs) => fetchContributions(octokit, login, nowMs),
    eventActivity: (login, nowMs) => fetchEventActivity(octokit, login, nowMs),
  };
}
