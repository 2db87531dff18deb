import type { GitHubOctokit } from '../../platform/github/octokit-loader';
import { dayAfter, toDay } from '../activity/activity-calendar';
import { DayTally, type HarvestedActivity, type HarvestedDay } from './harvest-data';

/**
 * The GraphQL half of a harvest (authenticated only; GitHub refuses GraphQL without a token).
 * Only what REST cannot give cheaply: per-repository pull-request, open-issue and watcher counts
 * (one query per 100 repositories) and a year of contributions (exact per-day counts). Every
 * document here is validated against GitHub's schema in test/harvest/harvest-queries.test.ts.
 */

export const REPOSITORY_COUNTS_QUERY = /* GraphQL */ `
  query HarvestRepositoryCounts($login: String!, $authorId: ID!, $first: Int!, $after: String) {
    user(login: $login) {
      repositories(first: $first, after: $after, ownerAffiliations: OWNER, privacy: PUBLIC) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          databaseId
          pullRequests {
            totalCount
          }
          openIssues: issues(states: OPEN) {
            totalCount
          }
          watchers {
            totalCount
          }
          defaultBranchRef {
            target {
              ... on Commit {
                history(author: { id: $authorId }) {
                  totalCount
                }
              }
            }
          }
        }
      }
    }
  }
`;

const PAGE = `pageInfo {
          hasNextPage
          endCursor
        }`;

export const CONTRIBUTIONS_QUERY = /* GraphQL */ `
  query HarvestContributions($login: String!, $from: DateTime!, $to: DateTime!) {
    user(login: $login) {
      contributionsCollection(from: $from, to: $to) {
        restrictedContributionsCount
        contributionCalendar {
          weeks {
            contributionDays {
              date
              contributionCount
            }
          }
        }
        commitContributionsByRepository(maxRepositories: 100) {
          repository {
            databaseId
          }
          contributions(first: 100) {
            ${PAGE}
            nodes {
              occurredAt
              commitCount
            }
          }
        }
        pullRequestContributions(first: 100) {
          ${PAGE}
          nodes {
            occurredAt
          }
        }
        issueContributions(first: 100) {
          ${PAGE}
          nodes {
            occurredAt
          }
        }
        pullRequestReviewContributions(first: 100) {
          ${PAGE}
          nodes {
            occurredAt
          }
        }
        repositoryContributions(first: 100) {
          ${PAGE}
          nodes {
            occurredAt
          }
        }
      }
    }
  }
`;

export const ITEM_KINDS = [
  'pullRequestContributions',
  'issueContributions',
  'pullRequestReviewContributions',
  'repositoryContributions',
] as const;
type ItemKind = (typeof ITEM_KINDS)[number];

/** The next page of one per-kind connection (kind is one of ITEM_KINDS, never user input). */
export function itemPageQuery(kind: ItemKind): string {
  return /* GraphQL */ `
  query HarvestContributionPage($login: String!, $from: DateTime!, $to: DateTime!, $after: String) {
    user(login: $login) {
      contributionsCollection(from: $from, to: $to) {
        ${kind}(first: 100, after: $after) {
          ${PAGE}
          nodes {
            occurredAt
          }
        }
      }
    }
  }
`;
}

export const COMMIT_PAGE_QUERY = /* GraphQL */ `
  query HarvestCommitPage($login: String!, $from: DateTime!, $to: DateTime!, $after: String) {
    user(login: $login) {
      contributionsCollection(from: $from, to: $to) {
        commitContributionsByRepository(maxRepositories: 100) {
          repository {
            databaseId
          }
          contributions(first: 100, after: $after) {
            ${PAGE}
            nodes {
              occurredAt
              commitCount
            }
          }
        }
      }
    }
  }
`;

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
interface ItemConnection {
  pageInfo: PageInfo;
  nodes: { occurredAt: string }[];
}
interface CommitConnection {
  pageInfo: PageInfo;
  nodes: { occurredAt: string; commitCount: number }[];
}
interface CommitsByRepository {
  repository: { databaseId: number | null };
  contributions: CommitConnection;
}
interface CollectionAnswer {
  restrictedContributionsCount: number;
  contributionCalendar: { weeks: { contributionDays: { date: string; contributionCount: number }[] }[] };
  commitContributionsByRepository: CommitsByRepository[];
  pullRequestContributions: ItemConnection;
  issueContributions: ItemConnection;
  pullRequestReviewContributions: ItemConnection;
  repositoryContributions: ItemConnection;
}

export interface RepositoryCounts {
  readonly pullRequests: number;
  readonly openIssues: number;
  readonly watchers: number;
  /** The developer's own commits on the default branch (`history(author: {id})`); 0 when empty. */
  readonly commits: number;
  /** No default branch: an empty repository. */
  readonly empty: boolean;
}

interface CountsPage {
  user: {
    repositories: {
      pageInfo: PageInfo;
      nodes: ({
        databaseId: number | null;
        pullRequests: { totalCount: number };
        openIssues: { totalCount: number };
        watchers: { totalCount: number };
        defaultBranchRef: { target: { history?: { totalCount: number } } | null } | null;
      } | null)[];
    };
  } | null;
}

/** GitHub stops a query after 10 seconds and answers 502: an author-filtered history over big forks can. */
function timedOut(error: unknown): boolean {
  return (error as { status?: unknown } | null)?.status === 502;
}

/**
 * Per repository (by GitHub id): pull requests, open issues, watchers and the developer's own
 * commits on the default branch, 100 repositories a query (every page). `authorId` is the
 * developer's node id: a fork counts only their commits, not its upstream's history. A page GitHub
 * times out (502) is asked again in halves, down to one repository; a repository that still times
 * out is left uncounted. Repositories GitHub leaves out (blocked, deleted since) are absent.
 */
export async function fetchRepositoryCounts(
  octokit: GitHubOctokit,
  login: string,
  authorId: string,
): Promise<Map<number, RepositoryCounts>> {
  const counts = new Map<number, RepositoryCounts>();
  let after: string | null = null;
  let first = 100;
  for (;;) {
    let answer: CountsPage;
    try {
      answer = await octokit.graphql<CountsPage>(REPOSITORY_COUNTS_QUERY, { login, authorId, first, after });
    } catch (error) {
      if (!timedOut(error) || first === 1) throw error;
      first = Math.max(1, Math.floor(first / 2));
      continue;
    }
    const connection = answer.user?.repositories;
    if (!connection) return counts;
    for (const node of connection.nodes) {
      if (!node || node.databaseId === null) continue;
      const ref = node.defaultBranchRef;
      counts.set(node.databaseId, {
        pullRequests: node.pullRequests.totalCount,
        openIssues: node.openIssues.totalCount,
        watchers: node.watchers.totalCount,
        commits: ref?.target?.history?.totalCount ?? 0,
        empty: ref === null,
      });
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return counts;
    after = connection.pageInfo.endCursor;
  }
}

function oneYearBefore(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.getTime();
}

/**
 * A year of contributions up to `nowMs`, per UTC day: commits (from
 * `commitContributionsByRepository`, exact counts), pull requests and issues opened, and
 * reviews. GitHub lists at most 100 repositories there; when that cap is reached, commits per day
 * are derived from the calendar instead (calendar = commits + PRs + issues + reviews +
 * repositories created, GitHub's own definition), unless the developer shows private
 * contributions (they are in the calendar too): then the 100 repositories' commits only.
 * `restrictedContributionsCount` is returned apart.
 */
export async function fetchContributions(
  octokit: GitHubOctokit,
  login: string,
  nowMs: number,
): Promise<HarvestedActivity> {
  const from = new Date(oneYearBefore(nowMs)).toISOString();
  const to = new Date(nowMs).toISOString();
  const vars = { login, from, to };
  const answer: { user: { contributionsCollection: CollectionAnswer } | null } = await octokit.graphql(
    CONTRIBUTIONS_QUERY,
    vars,
  );
  const collection = answer.user?.contributionsCollection;
  // `from` falls inside its day, which GitHub counts only in part: the window's first whole day follows it.
  const firstDay = dayAfter(from);
  const lastDay = toDay(nowMs);
  if (!collection) return { source: 'graphql', firstDay, lastDay, days: [], restrictedContributions: null };

  const items = async (kind: ItemKind): Promise<string[]> => {
    let connection = collection[kind];
    const out = connection.nodes.map((n) => n.occurredAt);
    while (connection.pageInfo.hasNextPage && connection.pageInfo.endCursor) {
      const next: { user: { contributionsCollection: Record<ItemKind, ItemConnection> } } =
        await octokit.graphql(itemPageQuery(kind), { ...vars, after: connection.pageInfo.endCursor });
      connection = next.user.contributionsCollection[kind];
      out.push(...connection.nodes.map((n) => n.occurredAt));
    }
    return out;
  };
  const commitNodes = async (entry: CommitsByRepository): Promise<CommitConnection['nodes']> => {
    let connection = entry.contributions;
    const out = [...connection.nodes];
    while (connection.pageInfo.hasNextPage && connection.pageInfo.endCursor) {
      const next: {
        user: { contributionsCollection: { commitContributionsByRepository: CommitsByRepository[] } };
      } = await octokit.graphql(COMMIT_PAGE_QUERY, { ...vars, after: connection.pageInfo.endCursor });
      const same = next.user.contributionsCollection.commitContributionsByRepository.find(
        (e) => e.repository.databaseId === entry.repository.databaseId,
      );
      if (!same) break;
      connection = same.contributions;
      out.push(...connection.nodes);
    }
    return out;
  };

  const tally = new DayTally();
  const day = (date: string): HarvestedDay => tally.day(date);
  for (const at of await items('pullRequestContributions')) day(toDay(at)).pullRequests++;
  for (const at of await items('issueContributions')) day(toDay(at)).issuesOpened++;
  for (const at of await items('pullRequestReviewContributions')) day(toDay(at)).reviews++;

  const byRepository = collection.commitContributionsByRepository;
  const restricted = collection.restrictedContributionsCount;
  // The calendar also counts an opted-in developer's private contributions (per day, unnamed):
  // deriving commits from it would turn them into public commits, so that is done only without any.
  if (byRepository.length < 100 || restricted > 0) {
    for (const entry of byRepository)
      for (const node of await commitNodes(entry)) day(toDay(node.occurredAt)).commits += node.commitCount;
  } else {
    const created = new Map<string, number>();
    for (const at of await items('repositoryContributions'))
      created.set(toDay(at), (created.get(toDay(at)) ?? 0) + 1);
    for (const week of collection.contributionCalendar.weeks) {
      for (const { date, contributionCount } of week.contributionDays) {
        const known = tally.peek(date);
        const others =
          (known ? known.pullRequests + known.issuesOpened + known.reviews : 0) + (created.get(date) ?? 0);
        if (contributionCount > others) day(date).commits = contributionCount - others;
      }
    }
  }
  const sorted = tally.inRange(firstDay, lastDay);
  return { source: 'graphql', firstDay, lastDay, days: sorted, restrictedContributions: restricted };
}
