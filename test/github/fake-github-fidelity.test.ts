import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { getJson } from './github-test-kit';

/**
 * Holds the stand-in to recorded exchanges with api.github.com (@octokit/fixtures): the same
 * header names, the same Link layout, no invented body keys. When GitHub's recorded shapes and
 * the stand-in drift apart, this fails here rather than in production.
 */
interface RecordedExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Record<string, string | number>;
  readonly response: unknown;
}

function recorded(scenario: string): RecordedExchange[] {
  const root = dirname(require.resolve('@octokit/fixtures/package.json'));
  const file = join(root, 'scenarios', 'api.github.com', scenario, 'normalized-fixture.json');
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedExchange[];
}

const keys = (value: unknown): string[] => Object.keys(value as Record<string, unknown>).sort();
const TOKEN = 'ghp_fidelitytesttoken0000001';

describe('GitHub stand-in: fidelity to recorded GitHub exchanges', () => {
  let fake: FakeGitHub | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('sends every header GitHub sent on a recorded 200', async () => {
    fake = await startFakeGitHub();
    const github = recorded('get-repository')[0]!;
    const mine = await fetch(
      `${fake.url}/repos/${STANDARD_LOGINS.prolific}/${fake.data.users[0]!.repositories[0]!.name}`,
      {
        headers: { authorization: `token ${TOKEN}` },
      },
    );
    const ignored = new Set(['connection', 'content-length', 'x-accepted-oauth-scopes']);
    const missing = Object.keys(github.headers).filter(
      (name) => !ignored.has(name) && !mine.headers.has(name),
    );
    expect(missing).toEqual([]);
    expect(mine.headers.get('access-control-expose-headers')).toBe(
      github.headers['access-control-expose-headers'],
    );
    expect(mine.headers.get('x-github-media-type')).toBe(github.headers['x-github-media-type']);
  });

  it('lays out Link relations like GitHub (prev, next, last, first)', async () => {
    fake = await startFakeGitHub();
    const github = recorded('paginate-issues')[1]!;
    const rels = (link: string): string[] => [...link.matchAll(/rel="(\w+)"/g)].map((m) => m[1]!);
    const mine = await getJson(`${fake.url}/users/${STANDARD_LOGINS.prolific}/repos?per_page=3&page=2`, {
      authorization: `token ${TOKEN}`,
    });
    expect(rels(mine.headers.get('link')!)).toEqual(rels(String(github.headers.link)));
    const shape = (link: string): string => link.replace(/<[^>]+>/g, '<URL>');
    expect(shape(mine.headers.get('link')!)).toBe(shape(String(github.headers.link)));
  });

  it('invents no repository or owner keys GitHub does not send', async () => {
    fake = await startFakeGitHub();
    const github = recorded('get-repository')[0]!.response as { owner: unknown };
    const mine = await getJson<Record<string, unknown>[]>(
      `${fake.url}/users/${STANDARD_LOGINS.prolific}/repos`,
    );
    // `has_discussions` and `user_view_type` are newer than the recording; both are in GitHub's OpenAPI schema.
    const allowedNewer = new Set(['has_discussions', 'user_view_type']);
    expect(keys(mine.body[0]).filter((k) => !(k in (github as object)) && !allowedNewer.has(k))).toEqual([]);
    expect(keys(mine.body[0]!.owner).filter((k) => !allowedNewer.has(k))).toEqual(keys(github.owner));
  });

  it('answers search with the recorded envelope and item keys', async () => {
    fake = await startFakeGitHub();
    const github = recorded('search-issues')[0]!.response as { items: unknown[] };
    const user = fake.data.users[0]!;
    const q = encodeURIComponent(
      `type:issue repo:${user.login}/${user.repositories.find((r) => r.openIssues > 0)!.name}`,
    );
    const mine = await getJson<{ items: unknown[] }>(`${fake.url}/search/issues?q=${q}`);
    // `search_type` is newer than the recording; GitHub's current OpenAPI description requires it.
    expect(keys(mine.body).filter((k) => k !== 'search_type')).toEqual(keys(github));
    expect(keys(github.items[0]).filter((k) => !keys(mine.body.items[0]).includes(k))).toEqual([]);
  });
});
