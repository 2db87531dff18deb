import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export interface SocialAccount {
  /** GitHub's provider name (`twitter`, `linkedin`, `mastodon`, ... or `generic`). */
  provider: string;
  url: string;
}

export interface OrganizationSummary {
  login: string;
  avatarUrl: string | null;
  description: string | null;
  /** GitHub's numeric id; absent in rows stored before it was kept (and in imported ones). */
  githubId?: number | null;
  /** The organization's page on GitHub; absent in rows stored before it was kept. */
  url?: string | null;
}

/**
 * A GitHub developer as last harvested. GitHub's numeric id is the stable key (a renamed login
 * updates the same row); `githubId` is null only for rows imported from the old service that no
 * harvest has confirmed yet. Logins are unique case-insensitively (`loginKey` = lower(login)).
 */
@Entity({ tableName: 'github_user' })
@Index({
  name: 'github_user_login_key_prefix_index',
  expression:
    'create index "github_user_login_key_prefix_index" on "github_user" ("login_key" text_pattern_ops)',
})
@Index({
  name: 'github_user_name_key_prefix_index',
  expression:
    'create index "github_user_name_key_prefix_index" on "github_user" ("name_key" text_pattern_ops)',
})
@Index({ name: 'github_user_followers_index', properties: ['followers', 'id'] })
@Index({ name: 'github_user_harvested_at_index', properties: ['harvestedAt', 'id'] })
export class GithubUser {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: new BigIntType('number'), nullable: true, unique: true })
  githubId: number | null = null;

  @Property({ type: 'text' })
  login!: string;

  @Property({ type: 'text', unique: true })
  loginKey!: string;

  @Property({ type: 'text', nullable: true })
  name: string | null = null;

  /** lower(name), for prefix search. */
  @Property({ type: 'text', nullable: true })
  nameKey: string | null = null;

  @Property({ type: 'text', nullable: true })
  avatarUrl: string | null = null;

  @Property({ type: 'text', nullable: true })
  bio: string | null = null;

  @Property({ type: 'text', nullable: true })
  company: string | null = null;

  @Property({ type: 'text', nullable: true })
  location: string | null = null;

  @Property({ type: 'text', nullable: true })
  websiteUrl: string | null = null;

  @Property({ type: 'integer' })
  followers: number = 0;

  @Property({ type: 'integer' })
  following: number = 0;

  @Property({ type: 'integer' })
  publicRepos: number = 0;

  @Property({ type: 'integer' })
  publicGists: number = 0;

  @Property({ type: 'jsonb' })
  social: SocialAccount[] = [];

  @Property({ type: 'jsonb' })
  organizations: OrganizationSummary[] = [];

  /** ISO 3166-1 alpha-2 code resolved from `location`; null when it names no single country. */
  @Property({ type: 'text', nullable: true })
  countryCode: string | null = null;

  /** How `countryCode` was matched (flag, country-name, city, ...), for auditing the resolver. */
  @Property({ type: 'text', nullable: true })
  countryMatch: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  githubCreatedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  githubUpdatedAt: Date | null = null;

  /**
   * Contributions to private repositories GitHub reported for the last year
   * (`restrictedContributionsCount`: only for developers who opted in to show them). Kept apart:
   * no public figure (commits, activity, rankings) includes them, so those never depend on which
   * token asked. Null when not known (unauthenticated harvest, or never harvested).
   */
  @Property({ type: 'integer', nullable: true })
  restrictedContributions: number | null = null;

  /** When the last complete harvest was written; null before the first one. */
  @Property({ type: 'timestamptz', nullable: true })
  harvestedAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
