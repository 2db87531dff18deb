import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InsightsReportDocument,
  InsightsRepositoriesDocument,
  InsightsUsersDashboardDocument,
} from '../generated/graphql';
import { GithubUser } from '../../src/modules/users/github-user.entity';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { LogCapture, startTestApp, type TestApp } from '../support/app-harness';
import { makeDay, makeRepository, makeUser, plain, RecordingHarvests, seed } from './insights-kit';

/**
 * A page of users with their repositories (first 10 each), activity, languages and report costs
 * the same number of SQL queries for 5 users as for 50: every list field is batched per request.
 * Queries are counted from MikroORM's query log (DB_DEBUG) of this app only.
 */
let t: TestApp;
let operatorKey: string;
const sql = new LogCapture('debug');

const queries = () =>
  sql.lines.filter((l) => l.component === 'orm' && plain(String(l.msg)).startsWith('[query]'));

async function countQueries(run: () => Promise<unknown>): Promise<{ count: number; statements: string[] }> {
  const before = queries().length;
  await run();
  const statements = queries()
    .slice(before)
    .map((l) => plain(String(l.msg)));
  return { count: statements.length, statements };
}

beforeAll(async () => {
  t = await startTestApp({
    env: { DB_DEBUG: 'true', RATE_LIMIT_ENABLED: 'false' },
    overrides: { logger: sql.logger, harvestRequests: new RecordingHarvests() },
  });
  operatorKey = (await createKeyWithCli(t.config, 'operator')).key;
  await seed(t.config, (em) => {
    for (let u = 0; u < 60; u++) {
      const user = makeUser(em, `dev-${String(u).padStart(2, '0')}`, { followers: u * 10 });
      for (let r = 0; r < 12; r++)
        makeRepository(em, user, `repo-${r}`, {
          stargazerCount: r * u,
          primaryLanguage: r % 2 ? 'Go' : 'Rust',
          topics: [`t${r % 4}`],
        });
      const today = new Date();
      for (let d = 0; d < 5; d++)
        makeDay(em, user, new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10), {
          commits: u,
        });
    }
  });
});

afterAll(async () => {
  await t?.close();
});

describe('batching', () => {
  it('a page of 50 users costs the same SQL queries as a page of 5', async () => {
    // Warm what other features cache once for all users (the rankings' current run), so the two
    // pages compare only what grows with the page. dev-00 is in neither page.
    const warm = await t.execute(InsightsUsersDashboardDocument, { first: 1 });
    let after: string | null = null;
    const small = await countQueries(async () => {
      const { data, errors } = await t.execute(InsightsUsersDashboardDocument, {
        first: 5,
        after: warm.data!.users.pageInfo.endCursor,
      });
      expect(errors).toBeUndefined();
      expect(data!.users.nodes).toHaveLength(5);
      after = data!.users.pageInfo.endCursor;
    });
    // the next 50 users: none of them cached yet
    const large = await countQueries(async () => {
      const { data, errors } = await t.execute(InsightsUsersDashboardDocument, { first: 50, after });
      expect(errors).toBeUndefined();
      expect(data!.users.nodes).toHaveLength(50);
      const user = data!.users.nodes[0]!;
      expect(user.repositories.totalCount).toBe(12);
      expect(user.repositories.nodes).toHaveLength(10);
      expect(user.activity.totals.contributions).toBe(Number(user.login.slice(4)) * 5); // dev-NN commits NN a day
      expect(user.languages.map((l) => l.language.name)).toEqual(['Go', 'Rust']);
    });
    console.log(`SQL queries: page of 5 users -> ${small.count}, page of 50 users -> ${large.count}`);
    console.log(large.statements.map((s) => s.slice(0, 140)).join('\n'));
    expect(large.count).toBe(small.count);
    // users page + total, repositories, activity, languages, report (activity sums + repository sums)
    expect(large.count).toBeLessThanOrEqual(7);
    expect(large.statements.some((s) => /row_number\(\) over \(partition by o\.owner_id/.test(s))).toBe(true);
  });
});

describe('shared cache', () => {
  const cacheStats = async () => {
    // operator keys see component details (hits and misses of the shared cache)
    const response = await fetch(`${t.url}/api/system/health`, { headers: bearer(operatorKey) });
    const body = (await response.json()) as {
      components: Record<string, { details: Record<string, number> }>;
    };
    return body.components.cache!.details;
  };

  it('a second read is answered from the cache (no repository, activity or report query)', async () => {
    await t.execute(InsightsUsersDashboardDocument, { first: 3 });
    const hitsBefore = (await cacheStats()).hits;
    const again = await countQueries(() => t.execute(InsightsUsersDashboardDocument, { first: 3 }));
    // only the users page and its total (plus whatever rankings read): no repository or activity query
    expect(again.statements.filter((q) => /github_user/.test(q))).toHaveLength(2);
    expect(again.statements.filter((q) => /repository|daily_activity/.test(q))).toEqual([]);
    // repositories, activity, languages and report of 3 users (rankings may add hits of their own)
    expect((await cacheStats()).hits - hitsBefore).toBeGreaterThanOrEqual(3 * 4);
  });

  it('a completed harvest (new harvestedAt) invalidates what was cached', async () => {
    const read = async () => {
      const { data } = await t.execute(InsightsRepositoriesDocument, {
        login: 'dev-59',
        orderBy: 'STARS',
        first: 1,
      });
      return data!.user.user!.repositories;
    };
    const report = async () =>
      (await t.execute(InsightsReportDocument, { login: 'dev-59' })).data!.user.user!.report.trophies.find(
        (x) => x.kind === 'STAR_GAZER',
      )!.value;
    expect((await read()).totalCount).toBe(12);
    const starsBefore = await report();
    // the harvest writes new data, then the new harvestedAt (as the harvest's transaction does)
    await seed(t.config, async (em) => {
      const user = await em.findOneOrFail(GithubUser, { loginKey: 'dev-59' });
      makeRepository(em, user, 'brand-new', { stargazerCount: 100_000 });
      await em.flush();
      // cached entries still answer before harvestedAt changes
      expect((await read()).totalCount).toBe(12);
      user.harvestedAt = new Date();
    });
    const after = await read();
    expect(after.totalCount).toBe(13);
    expect(after.nodes[0]!.name).toBe('brand-new');
    expect(await report()).toBe(starsBefore + 100_000);
  });
});
