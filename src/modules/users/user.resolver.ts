import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { ConnectionShape } from '../../core/cursors';
import { HarvestJobNode } from '../harvest/harvest.types';
import { MAX_SEARCH_LENGTH, type UserDirectoryService } from './user-directory.service';
import type { UserLookupService } from './user-lookup.service';
import { UserConnection, UserLookup, type UserNode, UserOrderField } from './user.types';

/** `user(login:)` and `users(...)`. */
@Resolver(() => UserLookup)
export class UserResolver {
  constructor(
    private readonly lookups: UserLookupService,
    private readonly directory: UserDirectoryService,
  ) {}

  @Query(() => UserLookup, {
    description:
      'A developer by login: the stored profile (null when unknown) and, when it is unknown or stale, the harvest asked for automatically.',
  })
  async user(
    @Arg('login', () => String, { description: 'GitHub login (case-insensitive).' }) login: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserLookup> {
    const lookup = await this.lookups.lookup(ctx.em, login, ctx.requestId, ctx.viewer);
    if (lookup.stale) ctx.staleness.stale = true;
    return lookup;
  }

  @FieldResolver(() => HarvestJobNode, {
    nullable: true,
    description:
      'The harvest this read asked for (the developer was unknown, never harvested or stale), else the latest harvest of the login; null when there was none.',
  })
  harvest(@Root() lookup: UserLookup, @Ctx() ctx: GraphQLContext): Promise<HarvestJobNode | null> {
    return this.lookups.harvest(ctx.em, lookup);
  }

  @Query(() => UserConnection, { description: 'Harvested developers, one page at a time.' })
  users(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 1-100, 20 by default.' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (endCursor).' })
    after: string | null,
    @Arg('search', () => String, {
      nullable: true,
      description: `Keeps developers whose login or name starts with this text (case-insensitive, at most ${MAX_SEARCH_LENGTH} characters).`,
    })
    search: string | null,
    @Arg('orderBy', () => UserOrderField, {
      defaultValue: UserOrderField.FOLLOWERS,
      description: 'Ordering; most followers first by default.',
    })
    orderBy: UserOrderField,
  ): Promise<ConnectionShape<UserNode>> {
    return this.directory.list(ctx.em, { first, after, search, orderBy });
  }
}
