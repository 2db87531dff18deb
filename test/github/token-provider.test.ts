import { describe, expect, it } from 'vitest';
import { resourceForRequest } from '../../src/platform/github/rate-limit-resource';
import { classifyFailure } from '../../src/platform/github/rate-limit-signals';
import { maskToken } from '../../src/platform/github/token-fingerprint';
import {
  createTokenProvider,
  TokenSecretError,
  tokensFromSecret,
} from '../../src/platform/github/token-provider';
import { CachedSecretStore, SecretError } from '../../src/platform/secrets/secret-store';

const SECRET = 'prod/github-tokens';

describe('GitHub token provider', () => {
  it('reads every secret format bootstrap accepts, de-duplicated', () => {
    expect(
      tokensFromSecret(SECRET, '{"tokens":["ghp_a1a1a1a1a1","ghp_b2b2b2b2b2","ghp_a1a1a1a1a1"]}'),
    ).toEqual(['ghp_a1a1a1a1a1', 'ghp_b2b2b2b2b2']);
    expect(tokensFromSecret(SECRET, '{"tokens":"ghp_a1a1a1a1a1, ghp_b2b2b2b2b2"}')).toEqual([
      'ghp_a1a1a1a1a1',
      'ghp_b2b2b2b2b2',
    ]);
    expect(tokensFromSecret(SECRET, '{"value":"ghp_a1a1a1a1a1"}')).toEqual(['ghp_a1a1a1a1a1']);
    expect(tokensFromSecret(SECRET, 'ghp_a1a1a1a1a1,ghp_b2b2b2b2b2')).toEqual([
      'ghp_a1a1a1a1a1',
      'ghp_b2b2b2b2b2',
    ]);
  });

  it('rejects a secret without tokens, naming the secret and no value', () => {
    const attempt = () => tokensFromSecret(SECRET, '{"password":"ghp_secretvalue"}');
    expect(attempt).toThrow(TokenSecretError);
    expect(attempt).toThrow(/prod\/github-tokens/);
    expect(attempt).not.toThrow(/ghp_secretvalue/);
  });

  it('serves static tokens when no secret is named', async () => {
    const provider = createTokenProvider({ staticTokens: ['ghp_a1', ' ghp_b2 ', ''] });
    expect(await provider()).toEqual(['ghp_a1', 'ghp_b2']);
    expect(await provider({ refresh: true })).toEqual(['ghp_a1', 'ghp_b2']);
  });

  it('prefers the secret, falls back to static tokens until it has been read once', async () => {
    let value: string | undefined;
    const store = new CachedSecretStore(async (name) => {
      if (value === undefined) throw new SecretError(name, 'access_denied', 'denied');
      return value;
    }, 60_000);
    const provider = createTokenProvider({
      staticTokens: ['ghp_static'],
      secrets: store,
      secretName: SECRET,
    });
    expect(await provider()).toEqual(['ghp_static']);
    value = '{"tokens":["ghp_fromsecret"]}';
    expect(await provider({ refresh: true })).toEqual(['ghp_fromsecret']);
    // Once read, a broken secret is an error (the pool then keeps its last good list).
    value = '{"nothing":"here"}';
    await expect(provider({ refresh: true })).rejects.toThrow(TokenSecretError);
  });

  it('masks tokens with their type prefix and a short hash', () => {
    expect(maskToken('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toMatch(/^ghp_…[0-9a-f]{8}$/);
    expect(maskToken('github_pat_11ABCDEFG_xyz')).toMatch(/^github_pat_…[0-9a-f]{8}$/);
    expect(maskToken('plainoldtoken123')).toMatch(/^…[0-9a-f]{8}$/);
  });

  it('maps URLs to rate-limit resources, GitHub Enterprise Server included', () => {
    expect(resourceForRequest('https://api.github.com/users/octocat')).toBe('core');
    expect(resourceForRequest('https://api.github.com/search/users?q=x')).toBe('search');
    expect(resourceForRequest('https://api.github.com/search/code?q=x')).toBe('code_search');
    expect(resourceForRequest('https://api.github.com/graphql')).toBe('graphql');
    expect(resourceForRequest('https://ghe.example.com/api/graphql')).toBe('graphql');
    expect(resourceForRequest('https://ghe.example.com/api/v3/search/issues?q=x')).toBe('search');
  });

  it("classifies failures by GitHub's documented rules", () => {
    const now = 1_000_000;
    const facts = (status: number | undefined, headers: Record<string, string> = {}, message = '') =>
      classifyFailure({ status, headers, message }, now);
    expect(facts(401)).toEqual({ kind: 'bad-credentials' });
    expect(facts(403, { 'retry-after': '5', 'x-ratelimit-remaining': '0' })).toEqual({
      kind: 'secondary-limit',
      retryAt: now + 5000,
    });
    expect(facts(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000' })).toEqual({
      kind: 'primary-limit',
      resetAt: 2_000_000,
    });
    expect(facts(403, { 'x-ratelimit-remaining': '10' }, 'You have exceeded a secondary rate limit')).toEqual(
      {
        kind: 'secondary-limit',
        retryAt: now + 60_000,
      },
    );
    expect(facts(403, { 'x-ratelimit-remaining': '10' }, 'Resource not accessible by integration')).toEqual({
      kind: 'fatal',
    });
    expect(facts(502)).toEqual({ kind: 'server-error', retryAfterMs: undefined });
    expect(facts(undefined)).toEqual({ kind: 'network-error' });
    expect(facts(422)).toEqual({ kind: 'fatal' });
  });
});

describe('tokensFromSecret reads a rotated secret exactly as start-up does', () => {
  const a = 'ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const b = 'ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
  it.each([
    ['a JSON object with an array', JSON.stringify({ tokens: [a, b] })],
    ['a JSON object with a list', JSON.stringify({ tokens: `${a},${b}` })],
    ['a JSON object with value', JSON.stringify({ value: `${a}, ${b}` })],
    ['plain text', `${a},${b}`],
    ['a JSON string', JSON.stringify(`${a},${b}`)],
  ])('accepts %s', (_what, raw) => {
    expect(tokensFromSecret('gh', raw)).toEqual([a, b]);
  });

  it.each([
    ['a JSON array', JSON.stringify([a])],
    ['an empty list', JSON.stringify({ tokens: [] })],
    ['a token with quotes in it', `"${a}`],
  ])('refuses %s instead of using a mangled token', (_what, raw) => {
    expect(() => tokensFromSecret('gh', raw)).toThrow(TokenSecretError);
  });
});
