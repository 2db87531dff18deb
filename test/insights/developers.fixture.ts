import type { EntityManager } from '@mikro-orm/postgresql';
import { makeDay, makeRepository, makeUser } from './insights-kit';

/** When `ada` and `lonely` were last harvested (the report period ends on that day). */
export const HARVESTED = new Date('2026-06-30T10:00:00Z');

/**
 * The developers the field and connection tests read: `ada` sits exactly on or one short of
 * each threshold; the others exercise users(...) orderings, search and LIKE escaping.
 */
export function seedDevelopers(em: EntityManager): void {
  const ada = makeUser(em, 'ada', {
    name: 'Ada Lovelace',
    followers: 1_000,
    publicRepos: 19,
    harvestedAt: HARVESTED,
  });
  const repos: [string, number, number, string | null, string[], string | null][] = [
    ['zeta', 50, 1, 'TypeScript', ['cli', 'graphql'], '2026-01-05'],
    ['Alpha', 30, 98, 'Go', ['cli'], '2026-03-01'],
    ['beta', 19, 0, 'TypeScript', ['web'], null],
    ['gamma', 0, 0, null, [], '2026-02-01'],
    ['delta', 0, 0, 'TypeScript', [], '2025-12-01'],
  ];
  for (const [name, stars, forks, language, topics, updated] of repos)
    makeRepository(em, ada, name, {
      stargazerCount: stars,
      forkCount: forks,
      primaryLanguage: language,
      topics,
      watcherCount: stars > 0 ? Math.floor(stars / 10) + 1 : 0,
      defaultBranch: name === 'gamma' ? null : 'main',
      githubUpdatedAt: updated ? new Date(`${updated}T00:00:00Z`) : null,
    });
  // activity: inside the report period (2025-07-01..2026-06-30) and one day outside it
  makeDay(em, ada, '2025-06-30', { commits: 500, issuesOpened: 50, pullRequests: 50 });
  makeDay(em, ada, '2025-07-01', { commits: 600, issuesOpened: 5, pullRequests: 2 });
  makeDay(em, ada, '2026-06-28', { commits: 399, issuesOpened: 4, pullRequests: 2, reviews: 3 });
  makeDay(em, ada, '2026-06-29', { commits: 1, pullRequests: 1 });
  makeDay(em, ada, '2026-06-30', { commits: 0, reviews: 1 });
  makeUser(em, 'lonely', { harvestedAt: HARVESTED });
  // users(...) ordering and search
  makeUser(em, 'grace', {
    name: 'Grace Hopper',
    followers: 5_000,
    harvestedAt: new Date('2026-06-01T00:00:00Z'),
    social: [{ provider: 'twitter', url: 'https://twitter.com/grace' }],
    organizations: [{ login: 'navy', avatarUrl: null, description: null }],
  });
  makeUser(em, 'linus', { name: 'Linus', followers: 5_000, harvestedAt: new Date('2026-06-02T00:00:00Z') });
  makeUser(em, 'a_b', { name: 'Under Score', followers: 1, harvestedAt: new Date('2026-05-01T00:00:00Z') });
  makeUser(em, 'axb', { name: 'Not Matched', followers: 2, harvestedAt: new Date('2026-05-02T00:00:00Z') });
  makeUser(em, 'ghost', { followers: 9_999, harvestedAt: null });
}
