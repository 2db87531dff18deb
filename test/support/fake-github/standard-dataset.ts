import {
  buildOrganization,
  buildUser,
  DAY_MS,
  dayOf,
  generateContributions,
  IdSequence,
  isoSeconds,
  randomRepository,
} from './dataset-builders';
import type { FakeDataset, FakeRepository, FakeUser } from './dataset-types';
import { SeededRandom } from './seeded-random';

/** The logins of the standard dataset, so tests name them instead of repeating strings. */
export const STANDARD_LOGINS = {
  /** 320 repositories (one of them empty), a year of dense contributions, 3 organizations. */
  prolific: 'prolific-dev',
  /** No repositories; a few pull requests and issues opened on other people's repositories. */
  empty: 'empty-dev',
  /** The current login of a renamed account... */
  renamed: 'renamed-dev',
  /** ...and the login it had before (answers 404, as on GitHub). */
  renamedFrom: 'former-dev',
  /** No account has this login. */
  unknown: 'no-such-user-404',
} as const;

/** Locations of the search population; the crowded one has more than 1,000 users (the search cap). */
export const SEARCH_LOCATIONS = [
  'Berlin, Germany',
  'San Francisco, CA',
  'Lagos, Nigeria',
  'Bengaluru, India',
] as const;
export const CROWDED_LOCATION = 'Tokyo, Japan';

export interface StandardDatasetOptions {
  readonly seed?: number;
  /** The day contributions run up to (default: today, UTC). */
  readonly today?: Date | string;
  readonly prolificRepositories?: number;
  /** Users per location in `SEARCH_LOCATIONS`. */
  readonly usersPerLocation?: number;
  /** Users in `CROWDED_LOCATION` (default 1,100: above the 1,000-result search cap). */
  readonly crowdSize?: number;
}

/**
 * The dataset every test starts from unless it brings its own. Deterministic for a seed and a
 * day: the same options give the same users, repositories and contributions.
 */
export function generateStandardDataset(options: StandardDatasetOptions = {}): FakeDataset {
  const random = new SeededRandom(options.seed ?? 42);
  const ids = new IdSequence();
  const todayMs = Date.parse(
    dayOf(options.today === undefined ? Date.now() : new Date(options.today).getTime()),
  );
  const organizations = [
    buildOrganization(ids, 'acme-labs', 'Acme Labs'),
    buildOrganization(ids, 'open-tooling', 'Open Tooling'),
    buildOrganization(ids, 'tiny-collective', null),
  ];

  const prolific = buildUser(ids, {
    login: STANDARD_LOGINS.prolific,
    name: 'Prolific Developer',
    company: '@acme-labs',
    blog: 'https://prolific.example.dev',
    location: 'Berlin, Germany',
    email: 'prolific@example.dev',
    bio: 'Builds too many things.',
    twitterUsername: 'prolific_dev',
    hireable: true,
    followers: 12_345,
    following: 87,
    publicGists: 42,
    createdAt: '2011-04-12T08:30:00Z',
    organizationIds: organizations.map((o) => o.id),
    socialAccounts: [
      { provider: 'twitter', url: 'https://twitter.com/prolific_dev' },
      { provider: 'mastodon', url: 'https://hachyderm.io/@prolific' },
      { provider: 'linkedin', url: 'https://www.linkedin.com/in/prolific-dev' },
    ],
  });
  const count = options.prolificRepositories ?? 320;
  prolific.repositories = Array.from({ length: Math.max(0, count - 1) }, (_, i) =>
    randomRepository(random, ids, i + 1, todayMs),
  );
  prolific.contributions = generateContributions(random, ids, prolific.repositories, todayMs, {
    commitDays: 0.75,
    maxCommitsPerRepositoryDay: 12,
    pullRequestDays: 0.3,
    issueDays: 0.12,
    reviewDays: 0.2,
    days: 400,
  });
  if (count > 0) prolific.repositories.push(emptyRepository(random, ids, todayMs));
  finishUser(prolific, todayMs, 480, 95);

  const empty = buildUser(ids, {
    login: STANDARD_LOGINS.empty,
    name: 'Empty Handed',
    location: 'Lagos, Nigeria',
    followers: 3,
    following: 12,
    createdAt: '2020-06-01T12:00:00Z',
  });
  empty.contributions = generateContributions(random, ids, prolific.repositories.slice(0, 5), todayMs, {
    commitDays: 0,
    maxCommitsPerRepositoryDay: 1,
    pullRequestDays: 0.02,
    issueDays: 0.02,
    reviewDays: 0,
    days: 365,
  });
  finishUser(empty, todayMs, 2, 4);

  const renamed = buildUser(ids, {
    login: STANDARD_LOGINS.renamed,
    previousLogins: [STANDARD_LOGINS.renamedFrom],
    name: 'Renamed Person',
    location: 'San Francisco, CA',
    followers: 150,
    following: 10,
    createdAt: '2016-09-09T09:09:09Z',
    organizationIds: [organizations[1]!.id],
  });
  renamed.repositories = Array.from({ length: 6 }, (_, i) => randomRepository(random, ids, i + 1, todayMs));
  renamed.contributions = generateContributions(random, ids, renamed.repositories, todayMs, {
    commitDays: 0.3,
    maxCommitsPerRepositoryDay: 4,
    pullRequestDays: 0.05,
    issueDays: 0.03,
    reviewDays: 0.02,
    days: 400,
  });
  finishUser(renamed, todayMs, 20, 8);

  const population = searchPopulation(random, ids, todayMs, options);
  return {
    users: [prolific, empty, renamed, ...population],
    organizations,
    today: dayOf(todayMs),
  };
}

function emptyRepository(random: SeededRandom, ids: IdSequence, todayMs: number): FakeRepository {
  return randomRepository(random, ids, 0, todayMs, {
    name: 'just-created',
    description: null,
    language: null,
    topics: [],
    license: null,
    stars: 0,
    forks: 0,
    watchers: 0,
    openIssues: 0,
    closedIssues: 0,
    openPullRequests: 0,
    closedPullRequests: 0,
    mergedPullRequests: 0,
    commitCount: 0,
    sizeKb: 0,
    isFork: false,
    isArchived: false,
    isTemplate: false,
    createdAt: isoSeconds(todayMs - 2 * DAY_MS),
    updatedAt: isoSeconds(todayMs - 2 * DAY_MS),
    pushedAt: null,
  });
}

/** Lifetime totals and `updatedAt` consistent with what was generated. */
function finishUser(user: FakeUser, todayMs: number, olderPullRequests: number, olderIssues: number): void {
  user.lifetimePullRequests = user.contributions.pullRequests.length + olderPullRequests;
  user.lifetimeIssues = user.contributions.issues.length + olderIssues;
  user.updatedAt = isoSeconds(todayMs - 3 * DAY_MS);
}

function searchPopulation(
  random: SeededRandom,
  ids: IdSequence,
  todayMs: number,
  options: StandardDatasetOptions,
): FakeUser[] {
  const users: FakeUser[] = [];
  const perLocation = options.usersPerLocation ?? 15;
  for (const location of SEARCH_LOCATIONS) {
    const slug = location.split(',')[0]!.toLowerCase().replace(/\s+/g, '-');
    for (let i = 1; i <= perLocation; i++) {
      const user = buildUser(ids, {
        login: `${slug}-dev-${i}`,
        name: `${location.split(',')[0]} Developer ${i}`,
        location,
        followers: random.skewed(20_000, 5),
        following: random.int(0, 300),
        publicGists: random.int(0, 20),
        createdAt: isoSeconds(todayMs - random.int(100, 5000) * DAY_MS),
        updatedAt: isoSeconds(todayMs - random.int(1, 90) * DAY_MS),
      });
      user.repositories = Array.from({ length: random.int(0, 4) }, (_, n) =>
        randomRepository(random, ids, n + 1, todayMs),
      );
      users.push(user);
    }
  }
  // Crowd members are cheap (no repositories, no contributions): they exist to be searched.
  for (let i = 1; i <= (options.crowdSize ?? 1100); i++) {
    users.push(
      buildUser(ids, {
        login: `tokyo-dev-${String(i).padStart(4, '0')}`,
        location: CROWDED_LOCATION,
        followers: random.skewed(5000, 6),
        createdAt: isoSeconds(todayMs - random.int(100, 5000) * DAY_MS),
      }),
    );
  }
  return users;
}
