import { createHash } from 'node:crypto';
import type { FakeRepository, FakeUser } from './dataset-types';
import { organizationsOf, repositoryById, repositoryByName, userById, userByLogin } from './dataset-queries';
import { DOCS, errorBody, linkHeader, paginate, pagination } from './github-http';
import {
  type Commit,
  minimalRepository,
  organizationSimple,
  publicUser,
  type RateLimitOverview,
} from './rest-bodies';
import { EVENTS_MAX, userEvents } from './rest-events';
import { defineRoute, type RestContext, type RestResult, type RestRoute } from './rest-route';
import { searchIssues, searchUsers, type SearchTimeouts } from './rest-search';

/**
 * The REST routes a harvester calls. Notes on GitHub behaviour reproduced here:
 * - Logins are case-insensitive. A renamed user's former login answers 404 (GitHub documents
 *   that links to the old profile 404 and the name can be claimed by someone else); the
 *   numeric id still works through GET /user/{account_id}.
 * - Repository URLs under a former owner login redirect (301 to /repositories/{id}/...), as
 *   GitHub does for renamed repositories and owners.
 * - Lists paginate with `per_page` (max 100) and `page`, and Link URLs are rewritten to the
 *   id-based form GitHub uses (`/user/{id}/repos`, `/repositories/{id}/commits`).
 */

const notFound = (documentationUrl: string = DOCS.getUser): RestResult => ({
  status: 404,
  body: errorBody(404, 'Not Found', documentationUrl),
});

function page<T>(
  ctx: RestContext,
  items: readonly T[],
  base: string,
  defaultPerPage = 30,
): RestResult & { items: T[] } {
  const p = paginate(items, ctx.query, defaultPerPage);
  const link = linkHeader(base, ctx.query, p.page, p.lastPage);
  return { status: 200, items: p.items, headers: link ? { link } : {} };
}

function withUser(
  handler: (ctx: RestContext, user: FakeUser) => RestResult,
): (ctx: RestContext) => RestResult {
  return (ctx) => {
    const user =
      ctx.params.account_id !== undefined
        ? userById(ctx.data, Number(ctx.params.account_id))
        : userByLogin(ctx.data, ctx.params.username ?? '');
    return user ? handler(ctx, user) : notFound();
  };
}

function withRepository(
  handler: (ctx: RestContext, repository: FakeRepository, owner: FakeUser) => RestResult,
  suffix: string,
): (ctx: RestContext) => RestResult {
  return (ctx) => {
    if (ctx.params.repository_id !== undefined) {
      const found = repositoryById(ctx.data, Number(ctx.params.repository_id));
      if (found?.repository.blocked) return blockedAnswer(found.repository, found.owner);
      return found ? handler(ctx, found.repository, found.owner) : notFound(DOCS.rest);
    }
    const found = repositoryByName(ctx.data, ctx.params.owner ?? '', ctx.params.repo ?? '');
    if (!found) return notFound(DOCS.rest);
    if (found.repository.blocked) return blockedAnswer(found.repository, found.owner);
    if (found.renamedOwner) {
      const query = ctx.query.toString();
      const location = `${ctx.api}/repositories/${found.repository.id}${suffix}${query ? `?${query}` : ''}`;
      return {
        status: 301,
        body: { message: 'Moved Permanently', url: location, documentation_url: DOCS.redirects },
        headers: { location },
      };
    }
    return handler(ctx, found.repository, found.owner);
  };
}

/**
 * A blocked repository: 451 for a DMCA takedown, 403 for a terms-of-service block, both with
 * "Repository access blocked" and a `block` object (GitHub's documented error for such repositories).
 */
function blockedAnswer(repository: FakeRepository, owner: FakeUser): RestResult {
  const status = repository.blocked === 'dmca' ? 451 : 403;
  return {
    status,
    body: {
      message: 'Repository access blocked',
      block: {
        reason: repository.blocked === 'dmca' ? 'dmca' : 'tos',
        created_at: repository.updatedAt,
        html_url:
          repository.blocked === 'dmca'
            ? `https://github.com/github/dmca/blob/master/${owner.login}-${repository.name}.md`
            : null,
      },
      documentation_url: DOCS.rest,
      status: String(status),
    },
  };
}

function userRepositories(ctx: RestContext, user: FakeUser): RestResult {
  const type = ctx.query.get('type') ?? 'owner';
  const sort = ctx.query.get('sort') ?? 'full_name';
  const direction = ctx.query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
  const key = (r: FakeRepository): string =>
    sort === 'created'
      ? r.createdAt
      : sort === 'updated'
        ? r.updatedAt
        : sort === 'pushed'
          ? (r.pushedAt ?? '')
          : r.name.toLowerCase();
  const repositories = type === 'member' ? [] : [...user.repositories];
  repositories.sort((a, b) => (direction === 'asc' ? 1 : -1) * key(a).localeCompare(key(b)) || a.id - b.id);
  const result = page(ctx, repositories, `${ctx.api}/user/${user.id}/repos`);
  return { ...result, body: result.items.map((r) => minimalRepository(r, user, ctx.api)) };
}

function userEventsPage(ctx: RestContext, user: FakeUser): RestResult {
  const events = userEvents(ctx.data, user, ctx.api, ctx.now);
  const p = paginate(events, ctx.query);
  if ((p.page - 1) * p.perPage >= EVENTS_MAX) {
    const message =
      'In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can traverse.';
    return { status: 422, body: errorBody(422, message, DOCS.events) };
  }
  const result = page(ctx, events, `${ctx.api}/user/${user.id}/events/public`);
  // GitHub asks event pollers to wait this many seconds between polls.
  return { ...result, headers: { ...result.headers, 'x-poll-interval': '60' }, body: result.items };
}

function commitsPage(ctx: RestContext, repository: FakeRepository, owner: FakeUser): RestResult {
  if (repository.commitCount === 0) {
    return { status: 409, body: errorBody(409, 'Git Repository is empty.', DOCS.listCommits) };
  }
  // `author=<login>` keeps that author's commits (the owner's are `authorCommits`).
  const author = ctx.query.get('author');
  const total =
    author === null
      ? repository.commitCount
      : author.toLowerCase() === owner.login.toLowerCase()
        ? repository.authorCommits
        : 0;
  // Numbers newest first; only the requested page is materialised (a repository may have 10^5 commits).
  const { page: p, perPage } = pagination(ctx.query);
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const first = (p - 1) * perPage;
  const numbers = Array.from(
    { length: Math.max(0, Math.min(perPage, total - first)) },
    (_, i) => total - first - i,
  );
  const link = linkHeader(`${ctx.api}/repositories/${repository.id}/commits`, ctx.query, p, lastPage);
  return {
    status: 200,
    body: numbers.map((n) => commit(ctx.api, repository, owner, n)),
    headers: link ? { link } : {},
  };
}

function commit(api: string, repository: FakeRepository, owner: FakeUser, n: number): Commit {
  const sha = createHash('sha1').update(`${repository.id}:${n}`).digest('hex');
  const parent = createHash('sha1')
    .update(`${repository.id}:${n - 1}`)
    .digest('hex');
  const url = `${api}/repos/${owner.login}/${repository.name}`;
  const start = Date.parse(repository.createdAt);
  const end = Date.parse(repository.pushedAt ?? repository.createdAt);
  const date = new Date(start + ((end - start) * n) / repository.commitCount)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  const person = {
    name: owner.name ?? owner.login,
    email: owner.email ?? `${owner.id}+${owner.login}@users.noreply.github.com`,
    date,
  };
  return {
    sha,
    node_id: Buffer.from(`C_${sha}`).toString('base64'),
    url: `${url}/commits/${sha}`,
    html_url: `https://github.com/${owner.login}/${repository.name}/commit/${sha}`,
    comments_url: `${url}/commits/${sha}/comments`,
    commit: {
      url: `${url}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: `Change number ${n}`,
      comment_count: 0,
      tree: { sha: parent, url: `${url}/git/trees/${parent}` },
    },
    author: null,
    committer: null,
    parents: n > 1 ? [{ sha: parent, url: `${url}/commits/${parent}` }] : [],
  };
}

function rateLimit(ctx: RestContext): RestResult {
  const view = (resource: Parameters<RestContext['budget']>[0]) => {
    const w = ctx.budget(resource);
    return { limit: w.limit, used: w.used, remaining: w.remaining, reset: Math.floor(w.resetAt / 1000) };
  };
  const body: RateLimitOverview = {
    resources: {
      core: view('core'),
      search: view('search'),
      graphql: view('graphql'),
      code_search: view('code_search'),
    },
    rate: view('core'),
  };
  return { status: 200, body };
}

export function restRoutes(searchTimeouts?: SearchTimeouts): RestRoute[] {
  const userBody = withUser((ctx, user) => ({
    status: 200,
    body: publicUser(user, ctx.api),
    lastModified: user.updatedAt,
  }));
  const repos = withUser(userRepositories);
  const events = withUser(userEventsPage);
  const repository = withRepository(
    (ctx, r, owner) => ({
      status: 200,
      body: minimalRepository(r, owner, ctx.api),
      lastModified: r.updatedAt,
    }),
    '',
  );
  const commits = withRepository(commitsPage, '/commits');
  return [
    defineRoute('GET /rate_limit', 'core', rateLimit, { charged: false, cacheable: false }),
    defineRoute('GET /users/{username}', 'core', userBody),
    defineRoute('GET /user/{account_id}', 'core', userBody),
    defineRoute('GET /users/{username}/repos', 'core', repos),
    defineRoute('GET /user/{account_id}/repos', 'core', repos),
    defineRoute(
      'GET /users/{username}/orgs',
      'core',
      withUser((ctx, user) => {
        const result = page(ctx, organizationsOf(ctx.data, user), `${ctx.api}/users/${user.login}/orgs`);
        return { ...result, body: result.items.map((o) => organizationSimple(o, ctx.api)) };
      }),
    ),
    defineRoute(
      'GET /users/{username}/social_accounts',
      'core',
      withUser((ctx, user) => {
        const result = page(ctx, user.socialAccounts, `${ctx.api}/users/${user.login}/social_accounts`);
        return { ...result, body: result.items.map((a) => ({ provider: a.provider, url: a.url })) };
      }),
    ),
    defineRoute('GET /users/{username}/events/public', 'core', events),
    defineRoute('GET /user/{account_id}/events/public', 'core', events),
    defineRoute('GET /repos/{owner}/{repo}', 'core', repository),
    defineRoute('GET /repositories/{repository_id}', 'core', repository),
    defineRoute('GET /repos/{owner}/{repo}/commits', 'core', commits),
    defineRoute('GET /repositories/{repository_id}/commits', 'core', commits),
    // GitHub sends search results with `cache-control: no-cache` and no validators.
    defineRoute(
      'GET /search/users',
      'search',
      (ctx) => searchUsers(ctx.data, ctx.query, ctx.api, searchTimeouts),
      { cacheable: false },
    ),
    defineRoute('GET /search/issues', 'search', (ctx) => searchIssues(ctx.data, ctx.query, ctx.api), {
      cacheable: false,
    }),
  ];
}
