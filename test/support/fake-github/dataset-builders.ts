import type {
  FakeContributions,
  FakeItemContribution,
  FakeLicense,
  FakeOrganization,
  FakeRepository,
  FakeUser,
} from './dataset-types';
import type { SeededRandom } from './seeded-random';

/** Linguist colours GitHub shows for each language (GraphQL `Language.color`). */
export const LANGUAGE_COLORS: Readonly<Record<string, string>> = {
  TypeScript: '#3178c6',
  JavaScript: '#f1e05a',
  Python: '#3572A5',
  Go: '#00ADD8',
  Rust: '#dea584',
  Java: '#b07219',
  'C++': '#f34b7d',
  Ruby: '#701516',
  Shell: '#89e051',
  Kotlin: '#A97BFF',
  HTML: '#e34c26',
  Dockerfile: '#384d54',
};

export const LICENSES: readonly FakeLicense[] = [
  { key: 'mit', name: 'MIT License', spdxId: 'MIT' },
  { key: 'apache-2.0', name: 'Apache License 2.0', spdxId: 'Apache-2.0' },
  { key: 'gpl-3.0', name: 'GNU General Public License v3.0', spdxId: 'GPL-3.0' },
  { key: 'bsd-3-clause', name: 'BSD 3-Clause "New" or "Revised" License', spdxId: 'BSD-3-Clause' },
  { key: 'mpl-2.0', name: 'Mozilla Public License 2.0', spdxId: 'MPL-2.0' },
  { key: 'unlicense', name: 'The Unlicense', spdxId: 'Unlicense' },
  { key: 'other', name: 'Other', spdxId: 'NOASSERTION' },
];

export const TOPICS: readonly string[] = [
  'graphql',
  'typescript',
  'nodejs',
  'cli',
  'api',
  'database',
  'postgresql',
  'redis',
  'docker',
  'kubernetes',
  'machine-learning',
  'react',
  'vue',
  'rust-lang',
  'golang',
  'devops',
  'testing',
  'security',
  'performance',
  'game',
  'education',
  'hacktoberfest',
  'open-source',
  'awesome-list',
  'automation',
  'data-visualization',
  'web',
  'android',
  'ios',
  'embedded',
];

const WORDS = [
  'fast',
  'tiny',
  'happy',
  'open',
  'cloud',
  'pixel',
  'quantum',
  'river',
  'stone',
  'paper',
  'rocket',
];
const NOUNS = [
  'parser',
  'server',
  'toolkit',
  'engine',
  'dashboard',
  'bot',
  'lib',
  'notes',
  'sdk',
  'store',
  'cli',
];

/** `YYYY-MM-DD` of a time in ms (UTC). */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** GitHub's timestamp format: ISO 8601, UTC, whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const DAY_MS = 86_400_000;

/** Hands out ids and per-repository issue numbers so generated data never collides. */
export class IdSequence {
  private nextUser = 1001;
  private nextRepository = 100_001;
  private nextOrganization = 9001;
  private readonly numbers = new Map<number, number>();

  user(): number {
    return this.nextUser++;
  }
  repository(): number {
    return this.nextRepository++;
  }
  organization(): number {
    return this.nextOrganization++;
  }
  /** The next issue/pull-request number in a repository. */
  issueNumber(repositoryId: number): number {
    const next = (this.numbers.get(repositoryId) ?? 0) + 1;
    this.numbers.set(repositoryId, next);
    return next;
  }
}

export function emptyContributions(): FakeContributions {
  return { commits: [], pullRequests: [], issues: [], reviews: [] };
}

/** A user with plausible defaults; pass overrides for what a test cares about. */
export function buildUser(ids: IdSequence, overrides: Partial<FakeUser> & { login: string }): FakeUser {
  return {
    id: ids.user(),
    previousLogins: [],
    type: 'User',
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    bio: null,
    twitterUsername: null,
    hireable: null,
    followers: 0,
    following: 0,
    publicGists: 0,
    createdAt: '2015-03-01T10:00:00Z',
    updatedAt: '2024-01-01T10:00:00Z',
    organizationIds: [],
    socialAccounts: [],
    repositories: [],
    contributions: emptyContributions(),
    lifetimePullRequests: 0,
    lifetimeIssues: 0,
    ...overrides,
  };
}

export function buildOrganization(ids: IdSequence, login: string, name: string | null): FakeOrganization {
  return { id: ids.organization(), login, name, description: name ? `${name} on GitHub` : null };
}

/** A repository with random but plausible numbers (heavy-tailed stars and forks). */
export function randomRepository(
  random: SeededRandom,
  ids: IdSequence,
  index: number,
  todayMs: number,
  overrides: Partial<FakeRepository> = {},
): FakeRepository {
  const createdMs = todayMs - random.int(30, 3650) * DAY_MS - random.int(0, 86_399) * 1000;
  const pushedMs = Math.min(todayMs, createdMs + random.int(0, 3000) * DAY_MS);
  const languages = Object.keys(LANGUAGE_COLORS);
  const stars = random.skewed(6000, 5);
  const licensed = random.chance(0.75);
  const repository: FakeRepository = {
    id: ids.repository(),
    name: `${random.pick(WORDS)}-${random.pick(NOUNS)}-${index}`,
    description: random.chance(0.85)
      ? `A ${random.pick(WORDS)} ${random.pick(NOUNS)} for everyday use`
      : null,
    homepage: random.chance(0.2) ? `https://example.org/${index}` : null,
    language: random.chance(0.92) ? random.pick(languages) : null,
    topics: random.sample(TOPICS, random.int(0, 6)).sort(),
    license: licensed ? random.pick(LICENSES) : null,
    stars,
    forks: Math.floor(stars * random.next() * 0.3) + random.int(0, 3),
    watchers: random.int(0, 40),
    openIssues: random.skewed(120, 3),
    closedIssues: random.skewed(400, 3),
    openPullRequests: random.skewed(30, 3),
    closedPullRequests: random.skewed(60, 3),
    mergedPullRequests: random.skewed(300, 3),
    commitCount: random.int(1, 1500),
    defaultBranch: random.chance(0.8) ? 'main' : 'master',
    isFork: random.chance(0.12),
    isArchived: random.chance(0.06),
    isTemplate: random.chance(0.02),
    sizeKb: random.int(8, 250_000),
    createdAt: isoSeconds(createdMs),
    updatedAt: isoSeconds(Math.min(todayMs, pushedMs + random.int(0, 40) * DAY_MS)),
    pushedAt: isoSeconds(pushedMs),
    authorCommits: 0,
    ...overrides,
  };
  if (overrides.authorCommits === undefined) authorshipOf(repository);
  return repository;
}

/**
 * Who wrote a repository's history, derived from its id (no random draw, so datasets keep their
 * numbers): the owner wrote 70-100% of an own project; a fork carries a large project's history
 * (5,000-65,000 commits) with 0-9 commits of the owner's on top.
 */
export function authorshipOf(repository: FakeRepository): void {
  const h = (repository.id * 2_654_435_761) % 4_294_967_296;
  if (repository.isFork && repository.commitCount > 0) {
    repository.authorCommits = h % 10;
    repository.commitCount = 5_000 + (h % 60_000) + repository.authorCommits;
  } else {
    repository.authorCommits = Math.round(repository.commitCount * (0.7 + (h % 31) / 100));
  }
}

export interface ContributionProfile {
  /** Chance that a day has commits. */
  readonly commitDays: number;
  readonly maxCommitsPerRepositoryDay: number;
  readonly pullRequestDays: number;
  readonly issueDays: number;
  readonly reviewDays: number;
  /** How many days back to generate (GitHub keeps all; 400 covers "the last year" and some before). */
  readonly days: number;
}

/**
 * Contributions spread over the days before `todayMs`, into `targets` (the user's own
 * repositories, or other people's). Repository counters are raised to stay consistent: a
 * repository never has fewer commits or pull requests than were contributed to it.
 */
export function generateContributions(
  random: SeededRandom,
  ids: IdSequence,
  targets: readonly FakeRepository[],
  todayMs: number,
  profile: ContributionProfile,
): FakeContributions {
  const out = emptyContributions();
  if (targets.length === 0) return out;
  const active = random.sample(targets, Math.max(1, Math.min(targets.length, 12)));
  const item = (dayMs: number, repository: FakeRepository, verb: string): FakeItemContribution => ({
    occurredAt: isoSeconds(dayMs + random.int(0, 86_399) * 1000),
    repositoryId: repository.id,
    number: ids.issueNumber(repository.id),
    title: `${verb} ${random.pick(WORDS)} ${random.pick(NOUNS)}`,
  });
  for (let back = profile.days - 1; back >= 0; back--) {
    const dayMs = Math.floor(todayMs / DAY_MS) * DAY_MS - back * DAY_MS;
    const date = dayOf(dayMs);
    // Only repositories that existed that day can receive contributions.
    const existing = active.filter((r) => Date.parse(r.createdAt) <= dayMs);
    const anyExisting = targets.filter((r) => Date.parse(r.createdAt) <= dayMs);
    if (existing.length === 0 || anyExisting.length === 0) continue;
    if (random.chance(profile.commitDays)) {
      for (const repository of random.sample(existing, random.int(1, 3))) {
        const commitCount = 1 + random.skewed(profile.maxCommitsPerRepositoryDay, 2);
        out.commits.push({ date, repositoryId: repository.id, commitCount });
        repository.commitCount += commitCount;
        // Commits are generated into the contributor's own repositories: they are the author's.
        repository.authorCommits += commitCount;
        repository.pushedAt = maxIso(repository.pushedAt, isoSeconds(dayMs + 43_200_000));
      }
    }
    if (random.chance(profile.pullRequestDays)) {
      const repository = random.pick(existing);
      out.pullRequests.push(item(dayMs, repository, 'Add'));
      repository.mergedPullRequests += 1;
    }
    if (random.chance(profile.issueDays)) {
      const repository = random.pick(anyExisting);
      out.issues.push(item(dayMs, repository, 'Bug in'));
      repository.openIssues += 1;
    }
    if (random.chance(profile.reviewDays)) out.reviews.push(item(dayMs, random.pick(anyExisting), 'Review'));
  }
  for (const repository of targets) {
    if (repository.pushedAt && repository.pushedAt > repository.updatedAt)
      repository.updatedAt = repository.pushedAt;
  }
  return out;
}

function maxIso(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}
