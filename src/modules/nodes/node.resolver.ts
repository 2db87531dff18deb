import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { Node } from '../../graphql/node';
import type { NodeService } from './node.service';

/** `node(id:)`: what Apollo Client and Relay refetch normalized objects with. */
@Resolver()
export class NodeResolver {
  constructor(private readonly nodes: NodeService) {}

  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id; null when it no longer exists.',
  })
  node(
    @Arg('id', () => ID, { description: 'A global id (the `id` of a User or Repository).' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<object | null> {
    return this.nodes.node(ctx.em, id);
  }
}
