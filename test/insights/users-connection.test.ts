import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsightsUsersDocument } from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app-harness';
import { SHARED_PG } from '../support/services';
import { seedDevelopers } from './developers.fixture';
import { RecordingHarvests, seed } from './insights-kit';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    env: { RATE_LIMIT_ENABLED: 'false' },
    overrides: { harvestRequests: new RecordingHarvests() },
  });
  await seed(t.config, seedDevelopers);
});

afterAll(async () => {
  await t?.close();
});

describe('users(...)', () => {
  const users = (variables: {
    first?: number;
    after?: string;
    search?: string;
    orderBy: 'FOLLOWERS' | 'RECENTLY_HARVESTED' | 'LOGIN';
  }) => t.execute(InsightsUsersDocument, variables);

  it('lists harvested developers only, in each ordering', async () => {
    const logins = async (orderBy: 'FOLLOWERS' | 'RECENTLY_HARVESTED' | 'LOGIN') => {
      const { data } = await users({ orderBy });
      expect(data!.users.totalCount).toBe(6);
      return data!.users.edges.map((e) => e.node.login);
    };
    expect(await logins('FOLLOWERS')).toEqual(['linus', 'grace', 'ada', 'axb', 'a_b', 'lonely']);
    expect(await logins('RECENTLY_HARVESTED')).toEqual(['lonely', 'ada', 'linus', 'grace', 'axb', 'a_b']);
    expect(await logins('LOGIN')).toEqual(['a_b', 'ada', 'axb', 'grace', 'linus', 'lonely']);
  });

  it('pages with cursors', async () => {
    for (const orderBy of ['FOLLOWERS', 'RECENTLY_HARVESTED', 'LOGIN'] as const) {
      const all = (await users({ orderBy })).data!.users.edges.map((e) => e.node.login);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = (await users({ orderBy, first: 4, after })).data!.users;
        seen.push(...page.edges.map((e) => e.node.login));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor! : undefined;
      } while (after);
      expect(seen).toEqual(all);
    }
  });

  it('search matches login and name prefixes, case-insensitively, wildcards literally', async () => {
    const search = async (text: string) =>
      (await users({ search: text, orderBy: 'LOGIN' })).data!.users.edges.map((e) => e.node.login);
    expect(await search('A')).toEqual(['a_b', 'ada', 'axb']);
    expect(await search('hopp')).toEqual([]);
    expect(await search('grace h')).toEqual(['grace']);
    expect(await search('under')).toEqual(['a_b']);
    expect(await search('a_')).toEqual(['a_b']); // `_` is not a wildcard
    expect(await search('%')).toEqual([]);
    expect((await users({ search: 'L', orderBy: 'LOGIN' })).data!.users.totalCount).toBe(2);
  });

  it('maps every user field from the page query (jsonb included)', async () => {
    const { body } = await t.graphql(
      '{ users(search: "grace", orderBy: LOGIN) { nodes { id login name followers social { provider url } organizations { login } } } }',
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.users.nodes).toEqual([
      {
        id: expect.any(String),
        login: 'grace',
        name: 'Grace Hopper',
        followers: 5_000,
        social: [{ provider: 'twitter', url: 'https://twitter.com/grace' }],
        organizations: [{ login: 'navy' }],
      },
    ]);
  });

  it('refuses bad paging and over-long searches', async () => {
    for (const variables of [
      { first: 101, orderBy: 'LOGIN' as const },
      { after: 'bm9wZQ', orderBy: 'LOGIN' as const },
      { search: 'x'.repeat(65), orderBy: 'LOGIN' as const },
    ]) {
      const { errors } = await users(variables);
      expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
    const login = (await users({ orderBy: 'LOGIN', first: 1 })).data!.users.pageInfo.endCursor!;
    const { errors } = await users({ orderBy: 'FOLLOWERS', after: login });
    expect(errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('the prefix search uses the text_pattern_ops indexes (EXPLAIN)', async () => {
    const client = new Client({ ...SHARED_PG, database: t.config.database.name });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('set local enable_seqscan = off');
      const { rows } = await client.query(
        `explain select * from github_user u where u.harvested_at is not null
           and (u.login_key like 'gr%' escape '\\' or u.name_key like 'gr%' escape '\\')`,
      );
      const plan = rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('github_user_login_key_prefix_index');
      expect(plan).toContain('github_user_name_key_prefix_index');
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });
});
