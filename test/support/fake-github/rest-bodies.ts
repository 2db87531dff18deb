import type { components } from '@octokit/openapi-types';
import type { FakeOrganization, FakeRepository, FakeUser } from './dataset-types';

/**
 * REST bodies typed with GitHub's own OpenAPI schemas (@octokit/openapi-types): if GitHub's
 * shape and ours disagree, the compiler says so. API URLs point at the stand-in (so a client
 * following them stays local); HTML URLs point at github.com, as GitHub's do.
 */
type Schemas = components['schemas'];
export type PublicUser = Schemas['public-user'];
export type SimpleUser = Schemas['simple-user'];
export type MinimalRepository = Schemas['minimal-repository'];
export type OrganizationSimple = Schemas['organization-simple'];
export type SocialAccount = Schemas['social-account'];
export type UserSearchItem = Schemas['user-search-result-item'];
export type IssueSearchItem = Schemas['issue-search-result-item'];
export type GitHubEvent = Schemas['event'];
export type Commit = Schemas['commit'];
export type RateLimitOverview = Schemas['rate-limit-overview'];

export const HTML_BASE = 'https://github.com';

/** GitHub's legacy global node id: base64 of `0<len>:<Type><id>` (e.g. `MDQ6VXNlcjE=` for User 1). */
export function nodeId(type: string, id: number): string {
  const body = `${type}${id}`;
  return Buffer.from(`0${body.length}:${body}`).toString('base64');
}

export function avatarUrl(id: number): string {
  return `https://avatars.githubusercontent.com/u/${id}?v=4`;
}

export function simpleUser(user: FakeUser, api: string): SimpleUser {
  const url = `${api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: avatarUrl(user.id),
    gravatar_id: '',
    url,
    html_url: `${HTML_BASE}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function publicUser(user: FakeUser, api: string): PublicUser {
  return {
    ...simpleUser(user, api),
    name: user.name,
    company: user.company,
    blog: user.blog ?? '',
    location: user.location,
    email: user.email,
    hireable: user.hireable,
    bio: user.bio,
    twitter_username: user.twitterUsername,
    public_repos: user.repositories.length,
    public_gists: user.publicGists,
    followers: user.followers,
    following: user.following,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function userSearchItem(user: FakeUser, api: string, score: number): UserSearchItem {
  return { ...simpleUser(user, api), score };
}

export function minimalRepository(
  repository: FakeRepository,
  owner: FakeUser,
  api: string,
): MinimalRepository {
  const full = `${owner.login}/${repository.name}`;
  const url = `${api}/repos/${full}`;
  const html = `${HTML_BASE}/${full}`;
  // GitHub's open_issues_count counts open pull requests too (they are issues underneath).
  const openIssues = repository.openIssues + repository.openPullRequests;
  return {
    id: repository.id,
    node_id: nodeId('Repository', repository.id),
    name: repository.name,
    full_name: full,
    private: false,
    owner: simpleUser(owner, api),
    html_url: html,
    description: repository.description,
    fork: repository.isFork,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
    created_at: repository.createdAt,
    updated_at: repository.updatedAt,
    pushed_at: repository.pushedAt,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: repository.homepage,
    size: repository.sizeKb,
    stargazers_count: repository.stars,
    watchers_count: repository.stars,
    language: repository.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: repository.forks,
    mirror_url: null,
    archived: repository.isArchived,
    disabled: false,
    open_issues_count: openIssues,
    license: repository.license && {
      key: repository.license.key,
      name: repository.license.name,
      spdx_id: repository.license.spdxId,
      url: repository.license.key === 'other' ? null : `${api}/licenses/${repository.license.key}`,
      node_id: nodeId('License', repository.license.key.length),
    },
    allow_forking: true,
    is_template: repository.isTemplate,
    web_commit_signoff_required: false,
    topics: repository.topics,
    visibility: 'public',
    forks: repository.forks,
    open_issues: openIssues,
    watchers: repository.stars,
    default_branch: repository.defaultBranch,
  };
}

export function organizationSimple(org: FakeOrganization, api: string): OrganizationSimple {
  const url = `${api}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId('Organization', org.id),
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: avatarUrl(org.id),
    description: org.description,
  };
}
