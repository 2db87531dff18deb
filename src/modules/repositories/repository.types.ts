import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { encodeGlobalId } from '../../core/global-id';
import type { RepositoryRecord } from './repository.rows';
import { Node } from '../../graphql/node';
import { type EnumValue, graphqlEnum } from '../../graphql/enums';

@ObjectType('Language', { description: 'A programming language, as GitHub detects it.' })
export class LanguageNode {
  @Field(() => String, { description: "The language's name (`TypeScript`, `Go`, ...)." })
  name!: string;
}

@ObjectType('Ref', { description: "A Git reference: here a repository's default branch." })
export class RefNode {
  @Field(() => String, { description: 'The branch name (`main`, `master`, ...).' })
  name!: string;
}

@ObjectType('Repository', { implements: Node, description: 'A repository owned by a harvested developer.' })
export class RepositoryNode extends Node {
  @Field(() => Float, {
    nullable: true,
    description: "GitHub's numeric id (databaseId in GitHub's API; may exceed 32 bits).",
  })
  githubId!: number | null;

  @Field(() => String, { description: 'The name, without the owner.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The description, when set.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The homepage, when set.' })
  homepageUrl!: string | null;

  @Field(() => LanguageNode, {
    nullable: true,
    description: 'The main language; null when GitHub detects none.',
  })
  primaryLanguage!: LanguageNode | null;

  @Field(() => String, {
    nullable: true,
    description: 'SPDX id of the license (`MIT`, `Apache-2.0`, `NOASSERTION`); null without one.',
  })
  licenseSpdxId!: string | null;

  @Field(() => [String], { description: 'Topics, as set on GitHub.' })
  topics!: string[];

  @Field(() => Int, { description: 'Stars.' })
  stargazerCount!: number;

  @Field(() => Int, { description: 'Forks.' })
  forkCount!: number;

  @Field(() => Int, {
    description:
      "People watching it (GitHub's subscribers: `watchers.totalCount` in GitHub's GraphQL API). Harvested without a token: REST's `watchers_count`, which is the star count.",
  })
  watcherCount!: number;

  @Field(() => RefNode, {
    nullable: true,
    description:
      "The default branch, as in GitHub's API (`defaultBranchRef { name }`); null when GitHub did not name one.",
  })
  defaultBranchRef!: RefNode | null;

  @Field(() => Int, {
    description:
      "Open issues. Harvested with a token: issues only; without one, GitHub's REST count, which includes open pull requests.",
  })
  openIssueCount!: number;

  @Field(() => Int, { description: 'Size in kilobytes.' })
  diskUsage!: number;

  @Field(() => Int, { nullable: true, description: 'Commits on the default branch; null when unknown.' })
  commitCount!: number | null;

  @Field(() => Int, { nullable: true, description: 'Pull requests; null when unknown.' })
  pullRequestCount!: number | null;

  @Field(() => Boolean, { description: 'Whether it is a fork.' })
  isFork!: boolean;

  @Field(() => Boolean, { description: 'Whether it is archived.' })
  isArchived!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was created on GitHub.' })
  createdAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When GitHub last saw it change.' })
  updatedAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When something was last pushed to it.' })
  pushedAt!: string | null;

  /** The GraphQL object for a stored repository (see repository.rows.ts). */
  static from(record: RepositoryRecord): RepositoryNode {
    return Object.assign(new RepositoryNode(), {
      ...record,
      id: encodeGlobalId('Repository', record.id),
      primaryLanguage: record.primaryLanguage
        ? Object.assign(new LanguageNode(), { name: record.primaryLanguage })
        : null,
      defaultBranchRef: record.defaultBranch
        ? Object.assign(new RefNode(), { name: record.defaultBranch })
        : null,
    });
  }
}

export const RepositoryOrderField = graphqlEnum(
  'RepositoryOrderField',
  "Orderings of a developer's repositories.",
  {
    STARS: 'Most stars first.',
    FORKS: 'Most forks first.',
    UPDATED: 'Most recently updated first (never updated last).',
    NAME: 'By name, case-insensitively, A to Z.',
  },
);
export type RepositoryOrderField = EnumValue<typeof RepositoryOrderField>;

export const RepositoryConnection = Connection(RepositoryNode, 'Repository', 'repository');

@ObjectType('LanguageShare', {
  description:
    "One primary language's share of a developer's repositories (forks included) and of their stars. Repositories without a detected language are left out of both shares.",
})
export class LanguageShare {
  @Field(() => LanguageNode, { description: 'The language.' })
  language!: LanguageNode;

  @Field(() => Int, { description: 'Repositories whose primary language it is.' })
  repositoryCount!: number;

  @Field(() => Float, { description: 'repositoryCount / repositories with a language, 0-1.' })
  repositoryShare!: number;

  @Field(() => Int, { description: 'Stars of those repositories.' })
  stargazerCount!: number;

  @Field(() => Float, {
    description: 'stargazerCount / stars of repositories with a language, 0-1 (0 without stars).',
  })
  stargazerShare!: number;
}
