import { createHash } from 'node:crypto';
import { LANGUAGE_COLORS } from './dataset-builders';
import type {
  FakeDataset,
  FakeItemContribution,
  FakeOrganization,
  FakeRepository,
  FakeUser,
} from './dataset-types';
import { organizationsOf, pullRequestTotal, repositoryById } from './dataset-queries';
import {
  connection,
  type ConnectionArgs,
  countOnly,
  encodeCursor,
  type GraphQLModel,
} from './graphql-connection';
import { contributionsCollection } from './graphql-contributions';
import { avatarUrl, HTML_BASE, nodeId } from './rest-bodies';

/**
 * GraphQL objects backed by the dataset. Each field is a value or a function of the field's
 * arguments; graphql-js runs them through the stand-in's field resolver. Fields a harvester is
 * unlikely to ask for are left out: asking for a non-null one fails with a message naming it.
 */
export interface ModelContext {
  readonly data: FakeDataset;
  /** The stand-in's clock (epoch ms): contributionsCollection defaults to the year before it. */
  readonly now: number;
  /** What the query made "GitHub" do (a heavy one times out with 502). */
  readonly work: { commitsWalked: number };
}

interface HistoryArgs extends ConnectionArgs {
  readonly author?: { readonly id?: string | null; readonly emails?: readonly string[] | null } | null;
}

interface RepositoryArgs extends ConnectionArgs {
  readonly orderBy?: { field: string; direction: string } | null;
  readonly ownerAffiliations?: readonly string[] | null;
  readonly privacy?: string | null;
  readonly isFork?: boolean | null;
  readonly isArchived?: boolean | null;
}

export function userModel(user: FakeUser, ctx: ModelContext): GraphQLModel {
  return {
    __typename: 'User',
    id: nodeId('User', user.id),
    databaseId: user.id,
    login: user.login,
    name: user.name,
    bio: user.bio,
    company: user.company,
    location: user.location,
    email: user.email ?? '',
    websiteUrl: user.blog || null,
    twitterUsername: user.twitterUsername,
    pronouns: null,
    status: null,
    avatarUrl: avatarUrl(user.id),
    url: `${HTML_BASE}/${user.login}`,
    resourcePath: `/${user.login}`,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    isHireable: user.hireable === true,
    isSiteAdmin: false,
    isEmployee: false,
    isGitHubStar: false,
    isCampusExpert: false,
    isBountyHunter: false,
    isDeveloperProgramMember: false,
    isViewer: false,
    followers: () => countOnly(user.followers),
    following: () => countOnly(user.following),
    gists: () => countOnly(user.publicGists),
    starredRepositories: () => countOnly(0),
    repositories: (args: RepositoryArgs) => repositories(user, args, ctx),
    repository: (args: { name: string }) => {
      const found = user.repositories.find((r) => r.name.toLowerCase() === args.name.toLowerCase());
      return found ? repositoryModel(found, user, ctx) : null;
    },
    repositoriesContributedTo: (args: ConnectionArgs) => {
      const ids = new Set(
        [...user.contributions.commits, ...user.contributions.pullRequests, ...user.contributions.issues].map(
          (c) => c.repositoryId,
        ),
      );
      const owned = [...ids]
        .map((id) => repositoryById(ctx.data, id))
        .filter((r) => r && r.owner.id !== user.id);
      return connection(owned, args, (r) => repositoryModel(r!.repository, r!.owner, ctx));
    },
    organizations: (args: ConnectionArgs) =>
      connection(organizationsOf(ctx.data, user), args, organizationModel),
    socialAccounts: (args: ConnectionArgs) =>
      connection(user.socialAccounts, args, (a) => ({
        provider: a.provider.toUpperCase(),
        url: a.url,
        displayName: a.url.replace(/^https?:\/\/(www\.)?/, ''),
      })),
    pullRequests: (args: ConnectionArgs & { states?: readonly string[] | null }) => {
      // Every pull request the dataset generates is merged.
      const merged = !args.states || args.states.includes('MERGED');
      const items = merged ? user.contributions.pullRequests : [];
      return connection(items, args, (c) => pullRequestModel(c, user, ctx), {
        totalCount: merged ? user.lifetimePullRequests : 0,
      });
    },
    issues: (args: ConnectionArgs & { states?: readonly string[] | null }) => {
      const open = !args.states || args.states.includes('OPEN');
      return connection(open ? user.contributions.issues : [], args, (c) => issueModel(c, user, ctx), {
        totalCount: open ? user.lifetimeIssues : 0,
      });
    },
    contributionsCollection: (args: { from?: string | null; to?: string | null }) =>
      contributionsCollection(user, args, ctx, { userModel, repositoryModel, pullRequestModel, issueModel }),
  };
}

function repositories(user: FakeUser, args: RepositoryArgs, ctx: ModelContext): GraphQLModel {
  const affiliations = args.ownerAffiliations ?? ['OWNER', 'COLLABORATOR'];
  // A blocked repository (DMCA, terms of service) is left out of GraphQL connections.
  let items =
    affiliations.includes('OWNER') && args.privacy !== 'PRIVATE'
      ? user.repositories.filter((r) => !r.blocked)
      : [];
  if (typeof args.isFork === 'boolean') items = items.filter((r) => r.isFork === args.isFork);
  if (typeof args.isArchived === 'boolean') items = items.filter((r) => r.isArchived === args.isArchived);
  const field = args.orderBy?.field;
  const key = (r: FakeRepository): string | number =>
    field === 'STARGAZERS'
      ? r.stars
      : field === 'NAME'
        ? r.name.toLowerCase()
        : field === 'UPDATED_AT'
          ? r.updatedAt
          : field === 'PUSHED_AT'
            ? (r.pushedAt ?? '')
            : r.createdAt;
  const sign = args.orderBy?.direction === 'DESC' ? -1 : 1;
  items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const order =
      typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
    return sign * order || a.id - b.id;
  });
  return connection(items, args, (r) => repositoryModel(r, user, ctx), {
    totalDiskUsage: items.reduce((sum, r) => sum + r.sizeKb, 0),
  });
}

export function repositoryModel(
  repository: FakeRepository,
  owner: FakeUser,
  ctx: ModelContext,
): GraphQLModel {
  const full = `${owner.login}/${repository.name}`;
  const language = (name: string | null) =>
    name ? { id: nodeId('Language', name.length), name, color: LANGUAGE_COLORS[name] ?? null } : null;
  const oid = createHash('sha1').update(`${repository.id}:${repository.commitCount}`).digest('hex');
  return {
    __typename: 'Repository',
    id: nodeId('Repository', repository.id),
    databaseId: repository.id,
    name: repository.name,
    nameWithOwner: full,
    owner: () => userModel(owner, ctx),
    description: repository.description,
    homepageUrl: repository.homepage,
    url: `${HTML_BASE}/${full}`,
    resourcePath: `/${full}`,
    stargazerCount: repository.stars,
    forkCount: repository.forks,
    stargazers: () => countOnly(repository.stars),
    watchers: () => countOnly(repository.watchers),
    isFork: repository.isFork,
    isArchived: repository.isArchived,
    isPrivate: false,
    isTemplate: repository.isTemplate,
    isEmpty: repository.commitCount === 0,
    isDisabled: false,
    isLocked: false,
    isMirror: false,
    visibility: 'PUBLIC',
    diskUsage: repository.sizeKb,
    createdAt: repository.createdAt,
    updatedAt: repository.updatedAt,
    pushedAt: repository.pushedAt,
    archivedAt: repository.isArchived ? repository.updatedAt : null,
    primaryLanguage: language(repository.language),
    languages: (args: ConnectionArgs) =>
      connection(repository.language ? [repository.language] : [], args, language, {
        totalSize: repository.sizeKb * 1024,
        edges: () =>
          repository.language
            ? [
                {
                  cursor: encodeCursor(0),
                  size: repository.sizeKb * 1024,
                  node: language(repository.language),
                },
              ]
            : [],
      }),
    licenseInfo: repository.license && {
      id: nodeId('License', repository.license.key.length),
      key: repository.license.key,
      name: repository.license.name,
      spdxId: repository.license.spdxId,
      nickname: null,
      url:
        repository.license.key === 'other'
          ? null
          : `http://choosealicense.com/licenses/${repository.license.key}/`,
      pseudoLicense: repository.license.key === 'other',
    },
    repositoryTopics: (args: ConnectionArgs) =>
      connection(repository.topics, args, (name) => ({
        id: nodeId('RepositoryTopic', name.length),
        url: `${HTML_BASE}/topics/${name}`,
        resourcePath: `/topics/${name}`,
        topic: { id: nodeId('Topic', name.length), name },
      })),
    issues: (args: ConnectionArgs & { states?: readonly string[] | null }) => {
      const states = args.states ?? ['OPEN', 'CLOSED'];
      const total =
        (states.includes('OPEN') ? repository.openIssues : 0) +
        (states.includes('CLOSED') ? repository.closedIssues : 0);
      return countOnly(total);
    },
    pullRequests: (args: ConnectionArgs & { states?: readonly string[] | null }) => {
      const states = args.states ?? ['OPEN', 'CLOSED', 'MERGED'];
      const byState: Record<string, number> = {
        OPEN: repository.openPullRequests,
        CLOSED: repository.closedPullRequests,
        MERGED: repository.mergedPullRequests,
      };
      return countOnly(
        args.states ? states.reduce((sum, s) => sum + (byState[s] ?? 0), 0) : pullRequestTotal(repository),
      );
    },
    defaultBranchRef:
      repository.commitCount === 0
        ? null
        : {
            id: nodeId('Ref', repository.id),
            name: repository.defaultBranch,
            prefix: 'refs/heads/',
            target: {
              __typename: 'Commit',
              id: nodeId('Commit', repository.id),
              oid,
              abbreviatedOid: oid.slice(0, 7),
              committedDate: repository.pushedAt,
              // History serves its size (the commit count harvesters read); not the commits themselves.
              // Filtered by author (`author: {id}`, a User node id) it counts that author's commits,
              // which makes GitHub walk the branch's whole history.
              history: (args: HistoryArgs) => {
                if (!args.author) return countOnly(repository.commitCount);
                ctx.work.commitsWalked += repository.commitCount;
                const byOwner = args.author.id === nodeId('User', owner.id);
                return countOnly(byOwner ? repository.authorCommits : 0);
              },
            },
          },
  };
}

export function organizationModel(org: FakeOrganization): GraphQLModel {
  return {
    __typename: 'Organization',
    id: nodeId('Organization', org.id),
    databaseId: org.id,
    login: org.login,
    name: org.name,
    description: org.description,
    avatarUrl: avatarUrl(org.id),
    url: `${HTML_BASE}/${org.login}`,
    resourcePath: `/${org.login}`,
  };
}

export function pullRequestModel(
  item: FakeItemContribution,
  author: FakeUser,
  ctx: ModelContext,
): GraphQLModel {
  const target = repositoryById(ctx.data, item.repositoryId);
  const full = target ? `${target.owner.login}/${target.repository.name}` : 'unknown/unknown';
  return {
    __typename: 'PullRequest',
    id: nodeId('PullRequest', item.repositoryId * 100_000 + item.number),
    number: item.number,
    title: item.title,
    url: `${HTML_BASE}/${full}/pull/${item.number}`,
    createdAt: item.occurredAt,
    updatedAt: item.occurredAt,
    state: 'MERGED',
    merged: true,
    mergedAt: item.occurredAt,
    closed: true,
    closedAt: item.occurredAt,
    isDraft: false,
    author: () => userModel(author, ctx),
    repository: () => (target ? repositoryModel(target.repository, target.owner, ctx) : null),
  };
}

export function issueModel(item: FakeItemContribution, author: FakeUser, ctx: ModelContext): GraphQLModel {
  const target = repositoryById(ctx.data, item.repositoryId);
  const full = target ? `${target.owner.login}/${target.repository.name}` : 'unknown/unknown';
  return {
    __typename: 'Issue',
    id: nodeId('Issue', item.repositoryId * 100_000 + item.number),
    number: item.number,
    title: item.title,
    url: `${HTML_BASE}/${full}/issues/${item.number}`,
    createdAt: item.occurredAt,
    updatedAt: item.occurredAt,
    state: 'OPEN',
    closed: false,
    closedAt: null,
    author: () => userModel(author, ctx),
    repository: () => (target ? repositoryModel(target.repository, target.owner, ctx) : null),
  };
}
