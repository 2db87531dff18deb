import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Objects that clients refetch by id (Relay's Node interface): Apollo Client and Relay normalize
 * their caches on `id`, and `node(id:)` fetches any of them back.
 */
@InterfaceType('Node', { description: 'An object with a global id that node(id:) fetches back.' })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, unique across every type of this API.' })
  id!: string;
}
