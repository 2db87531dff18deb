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
  /** An organization: GET /users/{login} answers `"type": "Organization"`; GraphQL user(login:) NOT_FOUND. */
  organization: 'big-org',
  /** Logins from before today's sign-up rules (still valid on GitHub). */
  trailingHyphen: 'legacy-dev-',
  doubleHyphen: 'old--timer',
  /** An Enterprise Managed User: `<handle>_<enterprise shortcode>`. */
  managedUser: 'mona_acme',
  /** Forks of large projects (40,000 commits each), a few of the owner's commits on each. */
  forkCollector: 'fork-collector',
  /** Repositories blocked by DMCA (451) and terms of service (403), an empty one (409). */
  blocked: 'blocked-dev',
  /** Opted in to show private contributions (calendar and restrictedContributionsCount). */
  privateContributor: 'private-dev',
  /** `hugeRepositories` repositories (0 unless asked for: the 5,000-repository developer). */
  huge: 'huge-dev',
} as const;

/** Where the legacy-login developers live (a location of their own, so search counts elsewhere hold). */
export const LEGACY_LOCATION = 'Lisbon, Portugal';

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
  /** Repositories of `huge-dev` (default 0: no such user). */
  readonly hugeRepositories?: number;
  /** Repositories of the organization `big-org` (default 150). */
  readonly organizationRepositories?: number;
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
  // Drawn from a stream of their own, after the others: adding them changed nobody else's numbers.
  const survival = survivalUsers(new SeededRandom((options.seed ?? 42) + 1), ids, todayMs, options);
  return {
    users: [prolific, empty, renamed, ...population, ...survival],
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

/** The accounts issue #9's behaviours need (see BEHAVIOUR.md next to the stand-in). */
function survivalUsers(
  random: SeededRandom,
  ids: IdSequence,
  todayMs: number,
  options: StandardDatasetOptions,
): FakeUser[] {
  const repos = (n: number, overrides: Partial<FakeRepository> = {}): FakeRepository[] =>
    Array.from({ length: n }, (_, i) => randomRepository(random, ids, i + 1, todayMs, overrides));
  const organization = buildUser(ids, {
    login: STANDARD_LOGINS.organization,
    type: 'Organization',
    name: 'Big Organization',
    location: 'Berlin, Germany',
    followers: 25_000,
    createdAt: '2012-01-01T00:00:00Z',
  });
  organization.repositories = repos(options.organizationRepositories ?? 150);
  const legacy = [
    STANDARD_LOGINS.trailingHyphen,
    STANDARD_LOGINS.doubleHyphen,
    STANDARD_LOGINS.managedUser,
  ].map((login) => {
    const user = buildUser(ids, {
      login,
      location: LEGACY_LOCATION,
      followers: random.int(10, 500),
      createdAt: '2010-05-05T05:05:05Z',
    });
    user.repositories = repos(2);
    return user;
  });
  const forkCollector = buildUser(ids, {
    login: STANDARD_LOGINS.forkCollector,
    location: 'Bengaluru, India',
    followers: 40,
    createdAt: '2014-02-02T02:02:02Z',
  });
  forkCollector.repositories = [
    ...repos(60, { isFork: true, commitCount: 40_000, authorCommits: 0 }).map((r, i) => ({
      ...r,
      authorCommits: i % 4,
    })),
    ...repos(5, { isFork: false, commitCount: 50, authorCommits: 50 }),
  ];
  const blocked = buildUser(ids, {
    login: STANDARD_LOGINS.blocked,
    location: 'Bengaluru, India',
    followers: 12,
    createdAt: '2018-08-08T08:08:08Z',
  });
  blocked.repositories = [
    ...repos(3, { isFork: false, commitCount: 30, authorCommits: 30 }),
    ...repos(1, { blocked: 'dmca', isFork: false, commitCount: 10, authorCommits: 10 }),
    ...repos(1, { blocked: 'tos', isFork: false, commitCount: 10, authorCommits: 10 }),
    ...repos(1, { isFork: false, commitCount: 0, authorCommits: 0, pushedAt: null }),
  ];
  const privateContributor = buildUser(ids, {
    login: STANDARD_LOGINS.privateContributor,
    location: 'Bengaluru, India',
    followers: 77,
    createdAt: '2017-07-07T07:07:07Z',
  });
  privateContributor.repositories = repos(3);
  privateContributor.contributions = generateContributions(
    random,
    ids,
    privateContributor.repositories,
    todayMs,
    {
      commitDays: 0.2,
      maxCommitsPerRepositoryDay: 3,
      pullRequestDays: 0.05,
      issueDays: 0.02,
      reviewDays: 0,
      days: 365,
    },
  );
  privateContributor.privateContributions = Array.from({ length: 30 }, (_, i) => ({
    date: dayOf(todayMs - (i * 7 + 1) * DAY_MS),
    count: 1 + (i % 5),
  }));
  finishUser(privateContributor, todayMs, 0, 0);
  const users = [organization, ...legacy, forkCollector, blocked, privateContributor];
  if ((options.hugeRepositories ?? 0) > 0) {
    const huge = buildUser(ids, {
      login: STANDARD_LOGINS.huge,
      location: 'Bengaluru, India',
      followers: 9_000,
      createdAt: '2009-09-09T09:09:09Z',
    });
    huge.repositories = repos(options.hugeRepositories ?? 0);
    users.push(huge);
  }
  return users;
}
