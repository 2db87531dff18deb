/**
 * The stand-in's world: plain, mutable data that both the REST and the GraphQL faces read on
 * every request. A test may change it between requests (add a repository, bump stars, rename a
 * user); responses, ETags and Last-Modified follow, because they are computed from it.
 *
 * Timestamps are ISO 8601 strings in UTC with second precision (`2024-05-01T12:00:00Z`), as
 * GitHub sends them; calendar days are `YYYY-MM-DD`.
 */

export interface FakeLicense {
  /** GitHub's license key, e.g. `mit`, `apache-2.0`. */
  readonly key: string;
  readonly name: string;
  readonly spdxId: string;
}

export interface FakeRepository {
  /** GitHub's numeric repository id (stable across renames and transfers). */
  id: number;
  name: string;
  description: string | null;
  homepage: string | null;
  /** Primary language, or null for a repository GitHub could not classify. */
  language: string | null;
  topics: string[];
  license: FakeLicense | null;
  stars: number;
  forks: number;
  watchers: number;
  /** Issues (not pull requests) by state. */
  openIssues: number;
  closedIssues: number;
  /** Pull requests by state (merged ones are closed on GitHub, counted apart here). */
  openPullRequests: number;
  closedPullRequests: number;
  mergedPullRequests: number;
  /** Commits on the default branch; 0 means an empty repository (no default branch ref). */
  commitCount: number;
  /**
   * Commits on the default branch authored by the owner (GitHub's `history(author: {id})`, REST
   * `commits?author=`). A fork of a large project has its upstream's whole history in
   * `commitCount` and only the owner's few commits here.
   */
  authorCommits: number;
  /**
   * GitHub blocked access to the repository: `dmca` answers 451 (Unavailable For Legal Reasons),
   * `tos` answers 403; both with the message "Repository access blocked". Still listed under
   * its owner; GraphQL leaves it out of connections and refuses it by name.
   */
  blocked?: 'dmca' | 'tos';
  defaultBranch: string;
  isFork: boolean;
  isArchived: boolean;
  isTemplate: boolean;
  /** Size in KB, as GitHub reports `size`/`diskUsage`. */
  sizeKb: number;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
}

export interface FakeOrganization {
  id: number;
  login: string;
  name: string | null;
  description: string | null;
}

export interface FakeSocialAccount {
  /** GitHub's provider names: `twitter`, `linkedin`, `mastodon`, `youtube`, `generic`, ... */
  provider: string;
  url: string;
}

/** Commits made on one day to one repository (GitHub's CreatedCommitContribution). */
export interface FakeCommitContribution {
  date: string;
  repositoryId: number;
  commitCount: number;
}

/** A pull request or issue the user opened, or a pull request review the user submitted. */
export interface FakeItemContribution {
  occurredAt: string;
  repositoryId: number;
  /** The pull request or issue number in its repository. */
  number: number;
  title: string;
}

export interface FakeContributions {
  commits: FakeCommitContribution[];
  pullRequests: FakeItemContribution[];
  issues: FakeItemContribution[];
  reviews: FakeItemContribution[];
}

export interface FakeUser {
  /** GitHub's numeric user id: the stable key (a rename keeps it). */
  id: number;
  /** The current login. Lookups are case-insensitive, as on GitHub. */
  login: string;
  /** Logins this account had before; on GitHub they answer 404 (see the server's notes). */
  previousLogins: string[];
  type: 'User' | 'Organization';
  name: string | null;
  company: string | null;
  blog: string | null;
  location: string | null;
  email: string | null;
  bio: string | null;
  twitterUsername: string | null;
  hireable: boolean | null;
  followers: number;
  following: number;
  publicGists: number;
  createdAt: string;
  updatedAt: string;
  organizationIds: number[];
  socialAccounts: FakeSocialAccount[];
  repositories: FakeRepository[];
  contributions: FakeContributions;
  /** Lifetime totals, at least the last year's contributions (search and `pullRequests.totalCount`). */
  lifetimePullRequests: number;
  lifetimeIssues: number;
  /**
   * Contributions to private repositories by a developer who opted in to show them ("Private
   * contributions" in profile settings): GitHub adds them to the calendar per day and to
   * `restrictedContributionsCount`, without naming the repositories. Empty when not opted in.
   */
  privateContributions?: { date: string; count: number }[];
}

export interface FakeDataset {
  users: FakeUser[];
  organizations: FakeOrganization[];
  /** The day contributions were generated up to (UTC), `YYYY-MM-DD`. */
  today: string;
}
