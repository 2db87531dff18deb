import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { Connection } from '../../graphql/pagination';
import { HarvestJobNode, HarvestRefusal } from '../harvest/harvest.types';
import type { GithubUser, OrganizationSummary } from './github-user.entity';
import { encodeGlobalId } from '../../core/global-id';
import { Node } from '../../graphql/node';
import { type EnumValue, graphqlEnum } from '../../graphql/enums';

@ObjectType('SocialAccount', { description: 'A social account linked on the GitHub profile.' })
export class SocialAccountNode {
  @Field(() => String, {
    description: "GitHub's provider name, lower-case (`twitter`, `linkedin`, `mastodon`, ... or `generic`).",
  })
  provider!: string;

  @Field(() => String, { description: 'Address of the account.' })
  url!: string;
}

/** Organization pages of rows stored before their address was kept (harvests store it since). */
const GITHUB_ORIGIN = 'https://github.com';

@ObjectType('Organization', { description: 'A public organization membership shown on the profile.' })
export class OrganizationNode {
  @Field(() => Float, {
    nullable: true,
    description:
      "GitHub's numeric id (databaseId in GitHub's API); null until the developer's next harvest for memberships stored before ids were kept.",
  })
  githubId!: number | null;

  @Field(() => String, { description: "The organization's login." })
  login!: string;

  @Field(() => String, { description: "The organization's page on GitHub (`https://github.com/<login>`)." })
  url!: string;

  @Field(() => String, { nullable: true, description: "The organization's avatar, when it has one." })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: "The organization's description, when it has one." })
  description!: string | null;
}

@ObjectType('User', {
  implements: Node,
  description:
    'A GitHub developer as last harvested. Lists on it (repositories, activity, languages, report) are batched and cached.',
})
export class UserNode extends Node {
  /** Database id (not a GraphQL field): what loaders and other features key on. */
  userId!: number;
  /** ISO 3166-1 alpha-2 code resolved from `location` (not a field here; rankings use it). */
  countryCode!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: "GitHub's numeric id (databaseId in GitHub's API; may exceed 32 bits).",
  })
  githubId!: number | null;

  @Field(() => String, { description: 'The login, as GitHub spells it now.' })
  login!: string;

  @Field(() => String, { nullable: true, description: 'The display name, when set.' })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Address of the avatar image.' })
  avatarUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'The profile bio, when set.' })
  bio!: string | null;

  @Field(() => String, { nullable: true, description: 'The company on the profile, when set.' })
  company!: string | null;

  @Field(() => String, { nullable: true, description: 'The location on the profile (free text), when set.' })
  location!: string | null;

  @Field(() => String, { nullable: true, description: 'The website on the profile, when set.' })
  websiteUrl!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the GitHub account was created.' })
  createdAt!: Date | null;

  @Field(() => Int, { description: 'How many people follow this developer.' })
  followers!: number;

  @Field(() => Int, { description: 'How many people this developer follows.' })
  following!: number;

  @Field(() => Int, {
    description: "Public repositories, as GitHub's profile counts them (forks included; owned only).",
  })
  publicRepos!: number;

  @Field(() => Int, { description: "Public gists, as GitHub's profile counts them." })
  publicGists!: number;

  @Field(() => [SocialAccountNode], { description: 'Social accounts linked on the profile.' })
  social!: SocialAccountNode[];

  @Field(() => [OrganizationNode], { description: 'Public organization memberships.' })
  organizations!: OrganizationNode[];

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When the last complete harvest was stored; null before the first one.',
  })
  harvestedAt!: Date | null;

  static from(user: GithubUser): UserNode {
    return Object.assign(new UserNode(), {
      id: encodeGlobalId('User', user.id),
      userId: user.id,
      countryCode: user.countryCode,
      publicRepos: user.publicRepos,
      publicGists: user.publicGists,
      githubId: user.githubId,
      login: user.login,
      name: user.name,
      avatarUrl: user.avatarUrl,
      bio: user.bio,
      company: user.company,
      location: user.location,
      websiteUrl: user.websiteUrl,
      createdAt: user.githubCreatedAt,
      followers: user.followers,
      following: user.following,
      social: user.social.map((s) => Object.assign(new SocialAccountNode(), s)),
      organizations: user.organizations.map(toOrganization),
      harvestedAt: user.harvestedAt,
    });
  }
}

function toOrganization(o: OrganizationSummary): OrganizationNode {
  return Object.assign(new OrganizationNode(), {
    githubId: o.githubId ?? null,
    login: o.login,
    url: o.url ?? `${GITHUB_ORIGIN}/${o.login}`,
    avatarUrl: o.avatarUrl ?? null,
    description: o.description ?? null,
  });
}

@ObjectType('UserLookup', {
  description:
    'The answer to user(login:): the stored developer (null when unknown) and the harvest that refreshes it.',
})
export class UserLookup {
  @Field(() => String, { description: 'The login asked for.' })
  login!: string;

  @Field(() => UserNode, {
    nullable: true,
    description: 'The stored developer; null when it was never harvested (see `harvest`).',
  })
  user!: UserNode | null;

  @Field(() => HarvestRefusal, {
    nullable: true,
    description:
      'Set when this read would have started a new harvest (the developer is unknown or stale) but the caller has started as many as it may per window (HARVEST_STARTS_*): nothing was started; ask again at `retryAt`. Null otherwise.',
  })
  harvestRefusal!: HarvestRefusal | null;

  /** The harvest this read asked for, when it asked for one (the field falls back to the latest). */
  requested!: HarvestJobNode | null;

  /** Answered from the shared cache because the database was unreachable (not a field: `extensions.stale`). */
  stale!: boolean;
}

export const UserOrderField = graphqlEnum('UserOrderField', 'Orderings of users(...).', {
  FOLLOWERS: 'Most followers first.',
  RECENTLY_HARVESTED: 'Most recently harvested first.',
  LOGIN: 'By login, case-insensitively, A to Z.',
});
export type UserOrderField = EnumValue<typeof UserOrderField>;

export const UserConnection = Connection(UserNode, 'User', 'developer');

@ObjectType({ description: "A developer's stored data changed, pushed to userUpdated subscribers." })
export class UserUpdatedEvent {
  @Field(() => String, { description: 'The login subscribed to.' })
  login!: string;

  @Field(() => Boolean, {
    description:
      'True when events may have been missed (the server lost its pub/sub link, or the client fell behind): `user` is the current stored one either way.',
  })
  resync!: boolean;

  @Field(() => UserNode, {
    nullable: true,
    description: 'The developer as now stored (every field reads fresh data); null when not stored yet.',
  })
  user!: UserNode | null;
}
