import type { FakeDataset, FakeItemContribution, FakeRepository, FakeUser } from './dataset-types';
import { repositoryById, repositoryByName, userByLogin } from './dataset-queries';
import { DOCS, errorBody, linkHeader, pagination } from './github-http';
import { userSearchItem } from './rest-bodies';
import { issueItem } from './rest-events';
import type { RestResult } from './rest-route';

/**
 * GET /search/users and GET /search/issues with the qualifiers a harvester uses, and GitHub's
 * rules: `total_count` is the true total, but only the first 1,000 results can be paged through
 * (a page past them is a 422), and `per_page` is at most 100.
 */
export const SEARCH_RESULT_CAP = 1000;

interface ParsedQuery {
  readonly qualifiers: ReadonlyMap<string, string[]>;
  readonly terms: readonly string[];
}

/** Splits `foo location:"San Francisco" followers:>10` into qualifiers and free terms. */
export function parseSearchQuery(q: string): ParsedQuery {
  const qualifiers = new Map<string, string[]>();
  const terms: string[] = [];
  for (const match of q.matchAll(/([a-z_]+):("[^"]*"|\S+)|("[^"]*"|\S+)/gi)) {
    if (match[1] !== undefined && match[2] !== undefined) {
      const key = match[1].toLowerCase();
      qualifiers.set(key, [...(qualifiers.get(key) ?? []), match[2].replace(/^"|"$/g, '')]);
    } else if (match[3] !== undefined) {
      terms.push(match[3].replace(/^"|"$/g, '').toLowerCase());
    }
  }
  return { qualifiers, terms };
}

/** GitHub's numeric range syntax: `10`, `>10`, `>=10`, `<10`, `<=10`, `10..50`, `10..*`, `*..50`. */
export function matchesRange(value: number, range: string): boolean {
  const between = /^(\*|\d+)\.\.(\*|\d+)$/.exec(range);
  if (between) {
    const low = between[1] === '*' ? -Infinity : Number(between[1]);
    const high = between[2] === '*' ? Infinity : Number(between[2]);
    return value >= low && value <= high;
  }
  const compare = /^(>=|<=|>|<)?(\d+)$/.exec(range);
  if (!compare) return true;
  const n = Number(compare[2]);
  switch (compare[1]) {
    case '>':
      return value > n;
    case '>=':
      return value >= n;
    case '<':
      return value < n;
    case '<=':
      return value <= n;
    default:
      return value === n;
  }
}

function missingQuery(): RestResult {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
      documentation_url: DOCS.searchUsers,
      status: '422',
    },
  };
}

/** The page of results, or GitHub's 422 past the 1,000th result. */
function searchPage<T>(
  all: readonly T[],
  query: URLSearchParams,
  base: string,
): RestResult & { items?: T[] } {
  const { perPage, page } = pagination(query);
  if ((page - 1) * perPage >= SEARCH_RESULT_CAP) {
    return {
      status: 422,
      body: errorBody(422, 'Only the first 1000 search results are available', DOCS.searchUsers),
    };
  }
  const reachable = Math.min(all.length, SEARCH_RESULT_CAP);
  const lastPage = Math.max(1, Math.ceil(reachable / perPage));
  const link = linkHeader(base, query, page, lastPage);
  return {
    status: 200,
    items: all.slice((page - 1) * perPage, Math.min(page * perPage, reachable)),
    headers: link ? { link } : {},
  };
}

/** Which user searches time out (armed by a test): those matching more than `above` users, `times` of them. */
export interface SearchTimeoutPlan {
  readonly above: number;
  /** How many searches time out before the search answers in full again (default: every one). */
  readonly times?: number;
}

/**
 * GitHub's search time limit ("Troubleshooting search queries", Potential timeouts; the REST search
 * docs, "Timeouts and incomplete results"): a query that runs past it answers with the matches
 * found before the timeout, `total_count` counting only those, and `incomplete_results: true`.
 * Here a query matching more than `above` users times out after finding the first `above` of them
 * (in the order the index holds them, not the sort order asked for).
 */
export class SearchTimeouts {
  private plan: { above: number; remaining: number } | undefined;

  arm(plan: SearchTimeoutPlan): void {
    this.plan = { above: plan.above, remaining: plan.times ?? Infinity };
  }

  /** The matches a search gets to see: all of them, or what it found before timing out. */
  found<T>(matches: readonly T[]): { readonly found: readonly T[]; readonly incomplete: boolean } {
    const plan = this.plan;
    if (!plan || plan.remaining <= 0 || matches.length <= plan.above)
      return { found: matches, incomplete: false };
    plan.remaining--;
    return { found: matches.slice(0, plan.above), incomplete: true };
  }
}

export function searchUsers(
  data: FakeDataset,
  query: URLSearchParams,
  api: string,
  timeouts?: SearchTimeouts,
): RestResult {
  const q = query.get('q');
  if (!q) return missingQuery();
  const { qualifiers, terms } = parseSearchQuery(q);
  const all = data.users.filter((user) => {
    const type = qualifiers.get('type')?.[0]?.toLowerCase();
    if (type && (type === 'org' ? 'organization' : type) !== user.type.toLowerCase()) return false;
    for (const location of qualifiers.get('location') ?? []) {
      if (!user.location?.toLowerCase().includes(location.toLowerCase())) return false;
    }
    for (const range of qualifiers.get('followers') ?? [])
      if (!matchesRange(user.followers, range)) return false;
    for (const range of qualifiers.get('repos') ?? [])
      if (!matchesRange(user.repositories.length, range)) return false;
    return terms.every(
      (t) => user.login.toLowerCase().includes(t) || (user.name ?? '').toLowerCase().includes(t),
    );
  });
  const { found, incomplete } = timeouts?.found(all) ?? { found: all, incomplete: false };
  const matches = [...found];
  const sort = query.get('sort');
  const direction = query.get('order') === 'asc' ? 1 : -1;
  const key = (u: FakeUser): number =>
    sort === 'repositories'
      ? u.repositories.length
      : sort === 'joined'
        ? Date.parse(u.createdAt)
        : u.followers;
  // "Best match" has no public definition; followers, then id, keeps it deterministic.
  matches.sort((a, b) => direction * (key(a) - key(b)) || a.id - b.id);
  const page = searchPage(matches, query, `${api}/search/users`);
  if (!page.items) return page;
  return {
    ...page,
    body: {
      total_count: matches.length,
      incomplete_results: incomplete,
      items: page.items.map((u, i) => userSearchItem(u, api, matches.length - i)),
    },
  };
}

interface IssueHit {
  readonly item: FakeItemContribution;
  readonly target: { owner: FakeUser; repository: FakeRepository };
  readonly author: FakeUser;
  readonly isPullRequest: boolean;
}

export function searchIssues(data: FakeDataset, query: URLSearchParams, api: string): RestResult {
  const q = query.get('q');
  if (!q) return missingQuery();
  const { qualifiers } = parseSearchQuery(q);
  const kinds = [...(qualifiers.get('type') ?? []), ...(qualifiers.get('is') ?? [])].map((k) =>
    k.toLowerCase(),
  );
  const wantsPr = kinds.includes('pr') || kinds.includes('pull-request');
  const wantsIssue = kinds.includes('issue');
  const state = kinds.find((k) => k === 'open' || k === 'closed' || k === 'merged');
  const repoName = qualifiers.get('repo')?.[0];
  const author = qualifiers.get('author')?.[0];
  const target = repoName
    ? repositoryByName(data, repoName.split('/')[0] ?? '', repoName.split('/')[1] ?? '')
    : undefined;
  const authorUser = author ? userByLogin(data, author) : undefined;
  if ((repoName && !target) || (author && !authorUser)) {
    return {
      status: 200,
      body: { total_count: 0, incomplete_results: false, items: [], search_type: 'lexical' },
    };
  }
  const includePr = wantsPr || !wantsIssue;
  const includeIssue = wantsIssue || !wantsPr;
  let total = 0;
  if (target && !authorUser) {
    const r = target.repository;
    if (includePr) {
      const byState = {
        open: r.openPullRequests,
        closed: r.closedPullRequests + r.mergedPullRequests,
        merged: r.mergedPullRequests,
      };
      total += state
        ? byState[state as keyof typeof byState]
        : r.openPullRequests + r.closedPullRequests + r.mergedPullRequests;
    }
    if (includeIssue && state !== 'merged') {
      total +=
        state === 'open' ? r.openIssues : state === 'closed' ? r.closedIssues : r.openIssues + r.closedIssues;
    }
  } else if (authorUser) {
    // Contributions generated by the dataset are merged pull requests and open issues.
    const inRepo = (c: FakeItemContribution): boolean => !target || c.repositoryId === target.repository.id;
    if (includePr && state !== 'open') {
      total += target
        ? authorUser.contributions.pullRequests.filter(inRepo).length
        : authorUser.lifetimePullRequests;
    }
    if (includeIssue && state !== 'closed' && state !== 'merged') {
      total += target ? authorUser.contributions.issues.filter(inRepo).length : authorUser.lifetimeIssues;
    }
  }
  const hits = issueHits(data, total, includePr, target, authorUser);
  const page = searchPage(hits, query, `${api}/search/issues`);
  if (!page.items) return page;
  return {
    ...page,
    body: {
      total_count: total,
      incomplete_results: false,
      items: page.items.map((h) => issueItem(h.item, h.target, h.author, api, h.isPullRequest)),
      // GitHub's issue search now says which search ran (`lexical`, `semantic` or `hybrid`).
      search_type: 'lexical',
    },
  };
}

/** Items to show for `total` results: the user's real contributions first, then synthetic ones. */
function issueHits(
  data: FakeDataset,
  total: number,
  includePr: boolean,
  target: { owner: FakeUser; repository: FakeRepository } | undefined,
  author: FakeUser | undefined,
): IssueHit[] {
  const reachable = Math.min(total, SEARCH_RESULT_CAP);
  const real: [FakeItemContribution, boolean][] = author
    ? [
        ...(includePr
          ? author.contributions.pullRequests.map((c): [FakeItemContribution, boolean] => [c, true])
          : []),
        ...author.contributions.issues.map((c): [FakeItemContribution, boolean] => [c, false]),
      ]
    : [];
  const hits: IssueHit[] = [];
  for (const [item, isPullRequest] of real) {
    const owned = repositoryById(data, item.repositoryId);
    if (owned && author && (!target || owned.repository.id === target.repository.id)) {
      hits.push({ item, target: owned, author, isPullRequest });
    }
  }
  const fallbackTarget = target ?? hits[0]?.target;
  for (let n = hits.length; n < reachable && fallbackTarget; n++) {
    const item = {
      occurredAt: fallbackTarget.repository.createdAt,
      repositoryId: 0,
      number: reachable - n,
      title: `Item ${n}`,
    };
    hits.push({
      item,
      target: fallbackTarget,
      author: author ?? fallbackTarget.owner,
      isPullRequest: includePr,
    });
  }
  return hits.slice(0, reachable);
}
