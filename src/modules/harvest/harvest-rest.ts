import type { Endpoints } from '@octokit/types';
import type { GitHubOctokit } from '../../platform/github/octokit-loader';
import type { OrganizationSummary, SocialAccount } from '../users/github-user.entity';
import { dateOrNull, type HarvestedProfile, type HarvestedRepository } from './harvest-data';

/**
 * The REST half of a harvest: plain, cacheable GETs (profile, social accounts, organizations,
 * repositories). Every one of them is conditional through the client's ETag cache, revalidated
 * by the token that holds the ETag, so a second harvest of an unchanged user is answered with
 * 304s, which GitHub does not count against the rate limit.
 */

/** HTTP status of an Octokit error, when it carries one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Who a login (or a GitHub id) is, from GitHub's first answer. */
export type ProfileAnswer =
  | { readonly kind: 'user'; readonly profile: HarvestedProfile; readonly nodeId: string }
  /** GET /users/{login} serves organizations too (`"type": "Organization"`): nothing more is asked. */
  | { readonly kind: 'organization'; readonly login: string; readonly githubId: number }
  /** 404: no such login (or a former login: GitHub gives no redirect for renamed accounts). */
  | { readonly kind: 'not_found' };

type PublicUser = Endpoints['GET /users/{username}']['response']['data'];

function profileAnswer(data: PublicUser): ProfileAnswer {
  if (data.type === 'Organization')
    return { kind: 'organization', login: data.login, githubId: Number(data.id) };
  return {
    kind: 'user',
    nodeId: data.node_id,
    profile: {
      githubId: Number(data.id),
      login: data.login,
      name: data.name ?? null,
      avatarUrl: data.avatar_url || null,
      bio: data.bio ?? null,
      company: data.company ?? null,
      location: data.location ?? null,
      websiteUrl: data.blog ? data.blog : null,
      htmlUrl: data.html_url || null,
      followers: data.followers,
      following: data.following,
      publicRepos: data.public_repos,
      publicGists: data.public_gists,
      createdAt: dateOrNull(data.created_at),
      updatedAt: dateOrNull(data.updated_at),
    },
  };
}

async function notFoundAs404(fetch: () => Promise<PublicUser>): Promise<ProfileAnswer> {
  try {
    return profileAnswer(await fetch());
  } catch (error) {
    if (statusOf(error) === 404) return { kind: 'not_found' };
    throw error;
  }
}

/** The account behind a login: one GET (1 point, free when revalidated). */
export function fetchProfile(octokit: GitHubOctokit, login: string): Promise<ProfileAnswer> {
  return notFoundAs404(
    async () => (await octokit.request('GET /users/{username}', { username: login })).data as PublicUser,
  );
}

/** The account with this GitHub id, whatever its login is now (`GET /user/{account_id}`). */
export function fetchProfileById(octokit: GitHubOctokit, githubId: number): Promise<ProfileAnswer> {
  return notFoundAs404(
    async () =>
      (await octokit.request('GET /user/{account_id}', { account_id: githubId })).data as PublicUser,
  );
}

export async function fetchSocialAccounts(octokit: GitHubOctokit, login: string): Promise<SocialAccount[]> {
  const accounts = await octokit.paginate('GET /users/{username}/social_accounts', {
    username: login,
    per_page: 100,
  });
  return accounts.map((a) => ({ provider: a.provider, url: a.url }));
}

/**
 * Public organization memberships. REST gives no page address for an organization (its `url` is
 * the API's), so `url` is the organization's login under `htmlOrigin`, where GitHub serves the
 * profile's own page (`https://github.com`, or a GitHub Enterprise host).
 */
export async function fetchOrganizations(
  octokit: GitHubOctokit,
  login: string,
  htmlOrigin: string,
): Promise<OrganizationSummary[]> {
  const orgs = await octokit.paginate('GET /users/{username}/orgs', { username: login, per_page: 100 });
  return orgs.map((o) => ({
    login: o.login,
    githubId: Number(o.id),
    url: `${htmlOrigin}/${o.login}`,
    avatarUrl: o.avatar_url || null,
    description: o.description,
  }));
}

/** Where GitHub serves pages: the origin of a profile's `html_url` (github.com when unknown). */
export function htmlOriginOf(htmlUrl: string | null): string {
  try {
    return htmlUrl ? new URL(htmlUrl).origin : GITHUB_HTML_ORIGIN;
  } catch {
    return GITHUB_HTML_ORIGIN;
  }
}

export const GITHUB_HTML_ORIGIN = 'https://github.com';

/** Every public repository the user owns (every page, 100 a page). */
export async function fetchRepositories(
  octokit: GitHubOctokit,
  login: string,
): Promise<HarvestedRepository[]> {
  const repos = await octokit.paginate('GET /users/{username}/repos', {
    username: login,
    type: 'owner',
    sort: 'full_name',
    per_page: 100,
  });
  return repos.map((r) => ({
    githubId: Number(r.id),
    name: r.name,
    fullName: r.full_name,
    description: r.description ?? null,
    homepageUrl: r.homepage ? r.homepage : null,
    primaryLanguage: r.language ?? null,
    license: r.license?.spdx_id ?? null,
    topics: r.topics ?? [],
    stargazerCount: r.stargazers_count ?? 0,
    forkCount: r.forks_count ?? 0,
    // REST's open_issues_count includes open pull requests; GraphQL replaces it when available.
    openIssuesCount: r.open_issues_count ?? 0,
    watcherCount: r.watchers_count ?? 0,
    diskUsageKb: r.size ?? 0,
    commitCount: null,
    pullRequestCount: null,
    isFork: r.fork,
    isArchived: r.archived ?? false,
    defaultBranch: r.default_branch ?? null,
    createdAt: dateOrNull(r.created_at),
    updatedAt: dateOrNull(r.updated_at),
    pushedAt: dateOrNull(r.pushed_at),
  }));
}
