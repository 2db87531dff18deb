import type { GitHubOctokit } from '../../platform/github/octokit-loader';
import type { OrganizationSummary, SocialAccount } from '../users/github-user.entity';
import { dateOrNull, type HarvestedProfile, type HarvestedRepository } from './harvest-data';

/**
 * The REST half of a harvest: plain, cacheable GETs. Every one of them is conditional through
 * the client's ETag cache, so a second harvest of an unchanged user is answered with 304s,
 * which GitHub does not count against the rate limit.
 */

/** HTTP status of an Octokit error, when it carries one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The profile, or undefined when GitHub answers 404 (no such login, or a former login). */
export async function fetchProfile(
  octokit: GitHubOctokit,
  login: string,
): Promise<HarvestedProfile | undefined> {
  try {
    const { data } = await octokit.request('GET /users/{username}', { username: login });
    return {
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
    };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
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

/**
 * Commits on the default branch, with GitHub's `per_page=1` trick: the `rel="last"` link names
 * the last page, which is the count. One cacheable GET per repository (a 304 when unchanged).
 * An empty repository answers 409 and counts 0.
 */
export async function fetchCommitCount(octokit: GitHubOctokit, fullName: string): Promise<number> {
  const [owner, repo] = fullName.split('/') as [string, string];
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/commits', {
      owner,
      repo,
      per_page: 1,
    });
    const link = String(response.headers.link ?? '');
    const last = /<([^>]+)>;\s*rel="last"/.exec(link)?.[1];
    if (last) {
      const page = Number(new URL(last).searchParams.get('page'));
      if (Number.isInteger(page) && page > 0) return page;
    }
    return response.data.length;
  } catch (error) {
    if (statusOf(error) === 409) return 0;
    throw error;
  }
}
