import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserNode } from '../users/user.types';
import type { LanguageSharesService } from './language-shares.service';
import type { RepositoryPage, RepositoryPagesService } from './repository-pages.service';
import { LanguageShare, RepositoryConnection, RepositoryOrderField } from './repository.types';

/** The repository fields of `User` (batched per request, cached per harvest). */
@Resolver(() => UserNode)
export class UserRepositoriesResolver {
  constructor(
    private readonly pages: RepositoryPagesService,
    private readonly languageShares: LanguageSharesService,
  ) {}

  @FieldResolver(() => RepositoryConnection, {
    description: 'Repositories this developer owns, one page at a time.',
  })
  repositories(
    @Root() user: UserNode,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 1-100, 20 by default.' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (endCursor).' })
    after: string | null,
    @Arg('orderBy', () => RepositoryOrderField, {
      defaultValue: RepositoryOrderField.STARS,
      description: 'Ordering; most stars first by default.',
    })
    orderBy: RepositoryOrderField,
  ): Promise<RepositoryPage> {
    return this.pages.page(ctx.loaders, user, { first, after, orderBy });
  }

  @FieldResolver(() => [LanguageShare], {
    description:
      "Primary languages of this developer's repositories with their share of repositories and of stars, most repositories first.",
  })
  languages(@Root() user: UserNode, @Ctx() ctx: GraphQLContext): Promise<LanguageShare[]> {
    return this.languageShares.shares(ctx.loaders, user);
  }
}
