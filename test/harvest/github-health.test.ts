import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubPoolCheck } from '../../src/modules/harvest/github-pool.check';
import { MemoryCache } from '../../src/platform/cache/memory-cache';
import { createGitHubClient } from '../../src/platform/github/github-client';
import { TokenPool } from '../../src/platform/github/token-pool';
import { createLogger } from '../../src/platform/logging/logger';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github';

/** The `github` health component reads the token pool: budgets per masked token, rejected tokens. */
const GOOD = 'ghp_goodtoken1111111111111111111111111111';
const REVOKED = 'ghp_revokedtoken22222222222222222222222222';
const logger = createLogger('silent');
let fake: FakeGitHub;

beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake?.close();
});

describe('github health component', () => {
  it('is degraded when unauthenticated', async () => {
    const pool = new TokenPool({ provider: async () => [], logger });
    const result = await githubPoolCheck(pool).check();
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/unauthenticated/);
    expect(result.details).toMatchObject({ mode: 'unauthenticated', validTokens: 0 });
  });

  it('reports each token masked with its budget, and a rejected token as degraded', async () => {
    const pool = new TokenPool({ provider: async () => [GOOD, REVOKED], logger });
    const github = await createGitHubClient({ baseUrl: fake.url, pool, cache: new MemoryCache(100), logger });
    expect((await githubPoolCheck(pool).check()).status).toBe('ok');
    await github.octokit.request('GET /users/{username}', { username: 'prolific-dev' });
    await github.octokit.request('GET /users/{username}', { username: 'empty-dev' });
    fake.revokeToken(REVOKED);
    // Fresh URLs take turns on the tokens (a cached URL goes back to the token holding its ETag).
    await github.octokit.request('GET /users/{username}', { username: 'renamed-dev' });
    await github.octokit.request('GET /users/{username}/orgs', { username: 'empty-dev' });
    const result = await githubPoolCheck(pool).check();
    const text = JSON.stringify(result);
    expect(text).not.toContain(GOOD);
    expect(text).not.toContain(REVOKED);
    expect(result.status).toBe('degraded');
    expect(result.message).toMatch(/1 GitHub token\(s\) rejected/);
    expect(result.details).toMatchObject({ mode: 'authenticated', validTokens: 1, invalidTokens: 1 });
    const lines = Object.entries(result.details ?? {}).filter(([key]) => key.startsWith('token '));
    expect(lines).toHaveLength(2);
    expect(lines.map(([, v]) => String(v)).join('\n')).toMatch(/^valid; core \d+\/5000/m);
    expect(lines.map(([, v]) => String(v)).join('\n')).toMatch(/^rejected since/m);
  });
});
