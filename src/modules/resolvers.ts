import type { NonEmptyArray } from 'type-graphql';
import type { ResolverClass } from '../graphql/schema';
import { ApiKeyResolver } from './auth/api-key.resolver';
import { SystemResolver } from './system/system.resolver';

/** Every resolver class in the schema, listed explicitly. Instances are built in app.ts. */
export const RESOLVERS: NonEmptyArray<ResolverClass> = [SystemResolver, ApiKeyResolver];
