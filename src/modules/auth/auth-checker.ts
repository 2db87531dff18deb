import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DomainError } from '../../graphql/errors';
import { API_KEY_ROLES, type ApiKeyRole } from './api-key.entity';

const RANK: Record<ApiKeyRole, number> = Object.fromEntries(
  API_KEY_ROLES.map((role, i) => [role, i]),
) as Record<ApiKeyRole, number>;

/**
 * `@Authorized()` needs any API key; `@Authorized('operator')` needs that role or a higher one
 * (reader < operator < admin). Anonymous callers get UNAUTHENTICATED; keys with a lower role get
 * FORBIDDEN (type-graphql's UNAUTHORIZED, mapped in errors.ts).
 */
export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  const { viewer } = context;
  if (viewer.kind !== 'apiKey') {
    throw new DomainError('UNAUTHENTICATED', 'This field needs an API key (Authorization: Bearer <key>)');
  }
  if (roles.length === 0) return true;
  const needed = Math.min(
    ...roles.map((role) => {
      if (!(role in RANK)) throw new Error(`@Authorized names an unknown role: ${role}`);
      return RANK[role as ApiKeyRole];
    }),
  );
  return RANK[viewer.role] >= needed;
};

/** Whether the caller holds an API key with `role` or a higher one (reader < operator < admin). */
export function hasRole(viewer: GraphQLContext['viewer'], role: ApiKeyRole): boolean {
  return viewer.kind === 'apiKey' && RANK[viewer.role] >= RANK[role];
}
