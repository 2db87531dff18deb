import { DAY_MS, dayOf, isoSeconds } from './dataset-builders';
import type { FakeItemContribution, FakeRepository, FakeUser } from './dataset-types';
import { repositoryById } from './dataset-queries';
import { connection, type ConnectionArgs, type GraphQLModel } from './graphql-connection';
import { GitHubTypedError } from './graphql-errors';
import type { ModelContext } from './graphql-user-model';

/**
 * `User.contributionsCollection(from, to)` over the dataset's contributions. As on GitHub:
 * - the span may not exceed one year; `to` defaults to now and `from` to one year before `to`;
 * - the calendar counts, per day, commits + pull requests opened + issues opened + reviews +
 *   repositories created (not forks), so the per-kind connections add up to the calendar;
 * - per-kind per-day detail comes from `commitContributionsByRepository { contributions }`
 *   (one node per repository and day, with `commitCount`), `pullRequestContributions`,
 *   `issueContributions`, `pullRequestReviewContributions` and `repositoryContributions`.
 * Days are UTC; a day-level contribution's `occurredAt` is that day at 00:00:00Z.
 */
export interface ModelBuilders {
  userModel(user: FakeUser, ctx: ModelContext): GraphQLModel;
  repositoryModel(repository: FakeRepository, owner: FakeUser, ctx: ModelContext): GraphQLModel;
  pullRequestModel(item: FakeItemContribution, author: FakeUser, ctx: ModelContext): GraphQLModel;
  issueModel(item: FakeItemContribution, author: FakeUser, ctx: ModelContext): GraphQLModel;
}

interface OrderedArgs extends ConnectionArgs {
  readonly orderBy?: { field?: string; direction?: string } | null;
}

const LEVEL_COLORS = ['#ebedf0', '#9be9a8', '#40c463', '#30a14e', '#216e39'] as const;
const LEVELS = ['NONE', 'FIRST_QUARTILE', 'SECOND_QUARTILE', 'THIRD_QUARTILE', 'FOURTH_QUARTILE'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function oneYearAfter(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.getTime();
}

function oneYearBefore(ms: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d.getTime();
}

export function contributionsCollection(
  user: FakeUser,
  args: { from?: string | null; to?: string | null },
  ctx: ModelContext,
  build: ModelBuilders,
): GraphQLModel {
  const fromArg = args.from ? Date.parse(args.from) : undefined;
  const toArg = args.to ? Date.parse(args.to) : undefined;
  if (Number.isNaN(fromArg) || Number.isNaN(toArg))
    throw new GitHubTypedError('INVALID_ARGUMENTS', 'Invalid DateTime');
  const to = toArg ?? (fromArg !== undefined ? oneYearAfter(fromArg) : ctx.now);
  const from = fromArg ?? oneYearBefore(to);
  if (to < from)
    throw new GitHubTypedError('INVALID_ARGUMENTS', "The 'from' argument must be before the 'to' argument");
  if (to > oneYearAfter(from)) {
    throw new GitHubTypedError(
      'INVALID_ARGUMENTS',
      "The total time spanned by 'from' and 'to' must not exceed 1 year",
    );
  }
  const firstDay = dayOf(from);
  const lastDay = dayOf(to);
  const inRange = (day: string): boolean => day >= firstDay && day <= lastDay;
  const c = user.contributions;
  const commits = c.commits.filter((x) => inRange(x.date));
  const pullRequests = c.pullRequests.filter((x) => inRange(x.occurredAt.slice(0, 10)));
  const issues = c.issues.filter((x) => inRange(x.occurredAt.slice(0, 10)));
  const reviews = c.reviews.filter((x) => inRange(x.occurredAt.slice(0, 10)));
  const created = user.repositories.filter((r) => !r.isFork && inRange(r.createdAt.slice(0, 10)));

  const perDay = new Map<string, number>();
  const add = (day: string, n: number): void => void perDay.set(day, (perDay.get(day) ?? 0) + n);
  commits.forEach((x) => add(x.date, x.commitCount));
  [...pullRequests, ...issues, ...reviews].forEach((x) => add(x.occurredAt.slice(0, 10), 1));
  created.forEach((r) => add(r.createdAt.slice(0, 10), 1));
  // An opted-in developer's private contributions: in the calendar and the restricted count only.
  const restricted = (user.privateContributions ?? []).filter((x) => inRange(x.date));
  restricted.forEach((x) => add(x.date, x.count));
  const restrictedDays = restricted.map((x) => x.date).sort();

  const owned = (repositoryId: number) => repositoryById(ctx.data, repositoryId);
  const repoModel = (repositoryId: number): GraphQLModel | null => {
    const found = owned(repositoryId);
    return found ? build.repositoryModel(found.repository, found.owner, ctx) : null;
  };
  const sortByTime = <T>(items: readonly T[], at: (item: T) => string, args: OrderedArgs): T[] => {
    const sign = args.orderBy?.direction === 'ASC' ? 1 : -1;
    return [...items].sort((a, b) => sign * at(a).localeCompare(at(b)));
  };
  const base = (occurredAt: string) => ({
    occurredAt,
    isRestricted: false,
    user: () => build.userModel(user, ctx),
  });
  const itemConnection =
    (items: readonly FakeItemContribution[], toNode: (i: FakeItemContribution) => GraphQLModel) =>
    (args: OrderedArgs) =>
      connection(
        sortByTime(items, (i) => i.occurredAt, args),
        args,
        toNode,
      );
  const pullRequestNode = (i: FakeItemContribution): GraphQLModel => ({
    ...base(i.occurredAt),
    pullRequest: build.pullRequestModel(i, user, ctx),
    url: build.pullRequestModel(i, user, ctx).url,
  });
  const issueNode = (i: FakeItemContribution): GraphQLModel => ({
    ...base(i.occurredAt),
    issue: build.issueModel(i, user, ctx),
    url: build.issueModel(i, user, ctx).url,
  });
  const reviewNode = (i: FakeItemContribution): GraphQLModel => {
    const pullRequest = build.pullRequestModel(i, user, ctx);
    return {
      ...base(i.occurredAt),
      pullRequest,
      repository: () => repoModel(i.repositoryId),
      pullRequestReview: {
        state: 'APPROVED',
        createdAt: i.occurredAt,
        submittedAt: i.occurredAt,
        body: '',
        url: `${String(pullRequest.url)}#pullrequestreview`,
      },
    };
  };
  const byRepository = <T extends { repositoryId: number }>(
    items: readonly T[],
    weight: (item: T) => number,
  ) => {
    const groups = new Map<number, T[]>();
    for (const item of items) groups.set(item.repositoryId, [...(groups.get(item.repositoryId) ?? []), item]);
    const total = (list: readonly T[]): number => list.reduce((sum, i) => sum + weight(i), 0);
    return [...groups.entries()].sort((a, b) => total(b[1]) - total(a[1]) || a[0] - b[0]);
  };
  const maxRepositories = (args: { maxRepositories?: number | null }): number => {
    const n = args.maxRepositories ?? 25;
    if (n > 100)
      throw new GitHubTypedError('INVALID_ARGUMENTS', 'maxRepositories must be less than or equal to 100');
    return n;
  };

  return {
    startedAt: isoSeconds(from),
    endedAt: isoSeconds(to),
    isSingleDay: firstDay === lastDay,
    doesEndInCurrentMonth: lastDay.slice(0, 7) === dayOf(ctx.now).slice(0, 7),
    hasAnyContributions: perDay.size > 0,
    hasAnyRestrictedContributions: restricted.length > 0,
    restrictedContributionsCount: restricted.reduce((sum, x) => sum + x.count, 0),
    earliestRestrictedContributionDate: restrictedDays[0] ?? null,
    latestRestrictedContributionDate: restrictedDays.at(-1) ?? null,
    hasActivityInThePast:
      c.commits.some((x) => x.date < firstDay) ||
      c.pullRequests.some((x) => x.occurredAt.slice(0, 10) < firstDay),
    contributionYears: years(user, ctx.now),
    user: () => build.userModel(user, ctx),
    totalCommitContributions: commits.reduce((sum, x) => sum + x.commitCount, 0),
    totalPullRequestContributions: pullRequests.length,
    totalIssueContributions: issues.length,
    totalPullRequestReviewContributions: reviews.length,
    totalRepositoryContributions: created.length,
    totalRepositoriesWithContributedCommits: new Set(commits.map((x) => x.repositoryId)).size,
    totalRepositoriesWithContributedPullRequests: new Set(pullRequests.map((x) => x.repositoryId)).size,
    totalRepositoriesWithContributedIssues: new Set(issues.map((x) => x.repositoryId)).size,
    totalRepositoriesWithContributedPullRequestReviews: new Set(reviews.map((x) => x.repositoryId)).size,
    contributionCalendar: calendar(from, to, perDay),
    commitContributionsByRepository: (args: { maxRepositories?: number | null }) =>
      byRepository(commits, (x) => x.commitCount)
        .slice(0, maxRepositories(args))
        .map(([repositoryId, days]) => ({
          repository: () => repoModel(repositoryId),
          url: `${String(repoModel(repositoryId)?.url)}/commits?author=${user.login}`,
          resourcePath: `${String(repoModel(repositoryId)?.resourcePath)}/commits?author=${user.login}`,
          contributions: (a: OrderedArgs) => {
            const sign = a.orderBy?.direction === 'ASC' ? 1 : -1;
            const sorted = [...days].sort((x, y) =>
              a.orderBy?.field === 'COMMIT_COUNT'
                ? sign * (x.commitCount - y.commitCount) || y.date.localeCompare(x.date)
                : sign * x.date.localeCompare(y.date),
            );
            return connection(sorted, a, (d) => ({
              ...base(`${d.date}T00:00:00Z`),
              commitCount: d.commitCount,
              repository: () => repoModel(repositoryId),
              url: `${String(repoModel(repositoryId)?.url)}/commits?author=${user.login}&since=${d.date}&until=${d.date}`,
              resourcePath: `${String(repoModel(repositoryId)?.resourcePath)}/commits?author=${user.login}`,
            }));
          },
        })),
    pullRequestContributions: itemConnection(pullRequests, pullRequestNode),
    issueContributions: itemConnection(issues, issueNode),
    pullRequestReviewContributions: itemConnection(reviews, reviewNode),
    repositoryContributions: (args: OrderedArgs) =>
      connection(
        sortByTime(created, (r) => r.createdAt, args),
        args,
        (r) => ({ ...base(r.createdAt), repository: build.repositoryModel(r, user, ctx) }),
      ),
    pullRequestContributionsByRepository: (args: { maxRepositories?: number | null }) =>
      byRepository(pullRequests, () => 1)
        .slice(0, maxRepositories(args))
        .map(([repositoryId, items]) => ({
          repository: () => repoModel(repositoryId),
          contributions: itemConnection(items, pullRequestNode),
        })),
    issueContributionsByRepository: (args: { maxRepositories?: number | null }) =>
      byRepository(issues, () => 1)
        .slice(0, maxRepositories(args))
        .map(([repositoryId, items]) => ({
          repository: () => repoModel(repositoryId),
          contributions: itemConnection(items, issueNode),
        })),
  };
}

function years(user: FakeUser, now: number): number[] {
  const out: number[] = [];
  for (let y = new Date(now).getUTCFullYear(); y >= Number(user.createdAt.slice(0, 4)); y--) out.push(y);
  return out;
}

/** GitHub's calendar: weeks start on Sunday; the first and last weeks may be partial. */
function calendar(from: number, to: number, perDay: ReadonlyMap<string, number>): GraphQLModel {
  const counts = [...perDay.values()].filter((n) => n > 0).sort((a, b) => a - b);
  const quartile = (q: number): number => counts[Math.max(0, Math.ceil(counts.length * q) - 1)] ?? 0;
  const thresholds = [quartile(0.25), quartile(0.5), quartile(0.75)];
  const level = (n: number): number => (n === 0 ? 0 : 1 + thresholds.filter((t) => n > t).length);
  const weeks: { firstDay: string; contributionDays: GraphQLModel[] }[] = [];
  const months: GraphQLModel[] = [];
  let total = 0;
  for (let ms = Date.parse(dayOf(from)); ms <= to; ms += DAY_MS) {
    const date = dayOf(ms);
    const weekday = new Date(ms).getUTCDay();
    const count = perDay.get(date) ?? 0;
    total += count;
    if (weeks.length === 0 || weekday === 0) weeks.push({ firstDay: date, contributionDays: [] });
    const l = level(count);
    weeks.at(-1)!.contributionDays.push({
      date,
      weekday,
      contributionCount: count,
      contributionLevel: LEVELS[l],
      color: LEVEL_COLORS[l],
    });
    if (months.length === 0 || date.endsWith('-01')) {
      months.push({
        name: MONTHS[new Date(ms).getUTCMonth()],
        year: new Date(ms).getUTCFullYear(),
        firstDay: date,
        totalWeeks: 0,
      });
    }
    if (weekday === 0 || months.at(-1)!.totalWeeks === 0)
      (months.at(-1) as { totalWeeks: number }).totalWeeks += 1;
  }
  return { totalContributions: total, weeks, months, colors: LEVEL_COLORS.slice(1), isHalloween: false };
}
