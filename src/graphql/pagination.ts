import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { ConnectionShape } from '../core/cursors';

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items precede this page (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of this page.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last item; pass it as `after` for the next page.',
  })
  endCursor!: string | null;
}

/**
 * A Relay connection type for `node` objects: `edges { cursor node }`, `nodes`, `pageInfo`,
 * `totalCount`. Call once per node type at module level (type-graphql needs unique names).
 */
export function Connection<T extends object>(nodeClass: ClassType<T>, name: string, what: string) {
  @ObjectType(`${name}Edge`, { description: `One ${what} and its cursor.` })
  class Edge {
    @Field(() => String, {
      description: 'Opaque cursor of this item; pass it as `after` to continue after it.',
    })
    cursor!: string;

    @Field(() => nodeClass, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what}s.` })
  class ConnectionType implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [nodeClass], { description: 'The items of this page.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Pagination state.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `Number of ${what}s in the whole list.` })
    totalCount!: number;
  }
  return ConnectionType;
}

export type { ConnectionShape };
