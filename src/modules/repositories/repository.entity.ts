import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { GithubUser } from '../users/github-user.entity';

/**
 * A repository owned by a harvested user, as GitHub last reported it. `githubId` is GitHub's
 * stable id (a renamed repository updates the same row). Per-owner indexes serve each ordering
 * of `User.repositories`.
 */
@Entity({ tableName: 'repository' })
@Index({ name: 'repository_owner_stars_index', properties: ['owner', 'stargazerCount', 'id'] })
@Index({ name: 'repository_owner_forks_index', properties: ['owner', 'forkCount', 'id'] })
@Index({ name: 'repository_owner_updated_index', properties: ['owner', 'githubUpdatedAt', 'id'] })
@Index({ name: 'repository_owner_name_index', properties: ['owner', 'name', 'id'] })
export class Repository {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number'), nullable: true, unique: true })
  githubId: number | null = null;

  @ManyToOne(() => GithubUser, { deleteRule: 'cascade' })
  owner!: Rel<GithubUser>;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'text', nullable: true })
  homepageUrl: string | null = null;

  @Property({ type: 'text', nullable: true })
  primaryLanguage: string | null = null;

  /** SPDX id (MIT, Apache-2.0, ...) or NOASSERTION; null without a license. */
  @Property({ type: 'text', nullable: true })
  license: string | null = null;

  @Property({ type: 'jsonb' })
  topics: string[] = [];

  @Property({ type: 'integer' })
  stargazerCount: number = 0;

  @Property({ type: 'integer' })
  forkCount: number = 0;

  @Property({ type: 'integer' })
  openIssuesCount: number = 0;

  @Property({ type: 'integer' })
  watcherCount: number = 0;

  @Property({ type: 'integer' })
  diskUsageKb: number = 0;

  /** Commits on the default branch; null when unknown (empty repository, or not harvested). */
  @Property({ type: 'integer', nullable: true })
  commitCount: number | null = null;

  @Property({ type: 'integer', nullable: true })
  pullRequestCount: number | null = null;

  @Property({ type: 'boolean' })
  isFork: boolean = false;

  @Property({ type: 'boolean' })
  isArchived: boolean = false;

  @Property({ type: 'text', nullable: true })
  defaultBranch: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  githubCreatedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  githubUpdatedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  pushedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  harvestedAt: Date = new Date();
}
