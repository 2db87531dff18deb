import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateResolver, DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { ResolverClass } from '../core/module';
import { authChecker } from './auth-checker';

export interface SchemaOptions {
  /** Every module's resolver classes (the app's module list); nothing else reaches the schema. */
  readonly resolvers: readonly ResolverClass[];
  /** The instances serving them, built by the modules; absent when only the SDL is wanted. */
  readonly instances?: readonly object[];
  readonly pubSub: PubSub;
}

export { DateResolver, DateTimeResolver, JSONObjectResolver };

/** Builds the one schema; the same call writes `schema/schema.graphql` (scripts/emit-schema.ts). */
export async function buildAppSchema(options: SchemaOptions): Promise<GraphQLSchema> {
  if (options.resolvers.length === 0) throw new Error('no module declares a resolver');
  const instances = new Map((options.instances ?? []).map((instance) => [instance.constructor, instance]));
  return buildSchema({
    resolvers: options.resolvers as NonEmptyArray<ResolverClass>,
    container: {
      get(someClass) {
        const instance = instances.get(someClass as ResolverClass);
        if (!instance)
          throw new Error(`no instance registered for resolver ${(someClass as { name: string }).name}`);
        return instance;
      },
    },
    pubSub: options.pubSub,
    authChecker,
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
