import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { buildSchema, type AuthChecker, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { GraphQLContext } from './context';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ResolverClass = Function;

export interface SchemaOptions {
  readonly resolvers: NonEmptyArray<ResolverClass>;
  /** Resolver instances, constructed with their services in the composition root. */
  readonly resolverInstances: ReadonlyMap<ResolverClass, object>;
  readonly pubSub: PubSub;
  readonly authChecker?: AuthChecker<GraphQLContext>;
}

export { DateResolver, DateTimeResolver, JSONObjectResolver };

/** Builds the one schema; the same call writes `schema/schema.graphql` (scripts/emit-schema.ts). */
export async function buildAppSchema(options: SchemaOptions): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: options.resolvers,
    container: {
      get(someClass) {
        const instance = options.resolverInstances.get(someClass as ResolverClass);
        if (!instance)
          throw new Error(`no instance registered for resolver ${(someClass as { name: string }).name}`);
        return instance;
      },
    },
    pubSub: options.pubSub,
    authChecker: options.authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: { forbidUnknownValues: true, stopAtFirstError: false },
    emitSchemaFile: false,
  });
}

/** The committed SDL: sorted, so it changes only when the schema does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
