import { describe, expect, it } from 'vitest';
import type { HarvestedProfile, HarvestedRepository } from '../../src/modules/harvest/harvest-data';
import type { HarvestSource } from '../../src/modules/harvest/harvest-source';
import { UserHarvester } from '../../src/modules/harvest/user-harvester';

/**
 * The harvester over an in-memory source (the domain interface, no GitHub wire format): what it
 * asks for, in which order, and what it makes of the answers.
 */
const profile = (login: string, githubId: number, publicRepos: number): HarvestedProfile => ({
  githubId,
  login,
  name: null,
  avatarUrl: null,
  bio: null,
  company: null,
  location: null,
  websiteUrl: null,
  htmlUrl: `https://github.com/${login}`,
  followers: 0,
  following: 0,
  publicRepos,
  publicGists: 0,
  createdAt: null,
  updatedAt: null,
});

const repository = (githubId: number): HarvestedRepository => ({
  githubId,
  name: `r${githubId}`,
  fullName: `dev/r${githubId}`,
  description: null,
  homepageUrl: null,
  primaryLanguage: null,
  license: null,
  topics: [],
  stargazerCount: 0,
  forkCount: 0,
  openIssuesCount: 0,
  watcherCount: 0,
  diskUsageKb: 0,
  commitCount: null,
  pullRequestCount: null,
  isFork: false,
  isArchived: false,
  defaultBranch: 'main',
  createdAt: null,
  updatedAt: null,
  pushedAt: null,
});

function memorySource(calls: string[]): HarvestSource {
  const activity = { source: 'graphql' as const, firstDay: '2026-01-01', lastDay: '2026-12-31', days: [] };
  return {
    authenticated: async () => true,
    profile: async (login) => {
      calls.push(`profile ${login}`);
      if (login === 'an-org') return { kind: 'organization', login, githubId: 1 };
      if (login === 'old-name') return { kind: 'not_found' };
      return { kind: 'user', nodeId: 'U_dev', profile: profile(login, 7, login === 'no-repos' ? 0 : 3) };
    },
    profileById: async (id) => {
      calls.push(`profileById ${id}`);
      return { kind: 'user', nodeId: 'U_dev', profile: profile('new-name', id, 3) };
    },
    socialAccounts: async () => [],
    organizations: async () => [],
    repositories: async (login) => {
      calls.push(`repositories ${login}`);
      return [repository(1), repository(2), repository(3)];
    },
    repositoryCounts: async () =>
      new Map([
        [1, { pullRequests: 1, openIssues: 2, watchers: 3, commits: 4, empty: false }],
        [2, { pullRequests: 0, openIssues: 0, watchers: 0, commits: 0, empty: true }],
      ]),
    contributions: async () => ({ ...activity, restrictedContributions: 0 }),
    eventActivity: async () => ({ ...activity, source: 'events', restrictedContributions: null }),
  };
}

describe('UserHarvester over a harvest source', () => {
  it('stops at the first answer for an organization', async () => {
    const calls: string[] = [];
    const outcome = await new UserHarvester({ source: memorySource(calls) }).harvest(
      'an-org',
      async () => {},
    );
    expect(outcome).toEqual({ kind: 'organization', login: 'an-org' });
    expect(calls).toEqual(['profile an-org']);
  });

  it('looks a 404 login up by its stored GitHub id and harvests the new login', async () => {
    const calls: string[] = [];
    const outcome = await new UserHarvester({ source: memorySource(calls) }).harvest(
      'old-name',
      async () => {},
      { githubId: 7 },
    );
    expect(outcome.kind === 'found' && outcome.user.profile.login).toBe('new-name');
    expect(calls).toEqual(['profile old-name', 'profileById 7', 'repositories new-name']);
  });

  it('counts what GitHub did not serve as skipped, and asks for no list without public repositories', async () => {
    const calls: string[] = [];
    const harvester = new UserHarvester({ source: memorySource(calls) });
    const outcome = await harvester.harvest('dev', async () => {});
    if (outcome.kind !== 'found') throw new Error('expected found');
    expect(outcome.user.skipped).toEqual({ unavailable: 1, empty: 1 });
    expect(outcome.user.repositories.map((r) => r.commitCount)).toEqual([4, 0, null]);
    calls.length = 0;
    await harvester.harvest('no-repos', async () => {});
    expect(calls).toEqual(['profile no-repos']);
  });
});
