import type { AuthChecker } from 'type-graphql';
import { DomainError } from '../core/errors';
import { hasRole, isApiKeyRole, lowestRole } from '../core/viewer';
import type { GraphQLContext } from './context';

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
  const unknown = roles.find((role) => !isApiKeyRole(role));
  if (unknown !== undefined) throw new Error(`@Authorized names an unknown role: ${unknown}`);
  return hasRole(viewer, lowestRole(roles.filter(isApiKeyRole)));
};
