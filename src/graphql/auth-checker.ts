import type { AuthChecker } from 'type-graphql';
import { DomainError } from '../core/errors';
import { hasRole, isApiKeyRole, lowestRole, type Viewer } from '../core/viewer';
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

/**
 * Operator subscriptions check the role in `topics` too, when the subscription starts (graphql-ws
 * answers the error before any event); `@Authorized('operator')` checks it again on every event.
 */
export function requireOperator(viewer: Viewer): void {
  if (viewer.kind !== 'apiKey')
    throw new DomainError('UNAUTHENTICATED', 'This subscription needs an API key (connectionParams)');
  if (!hasRole(viewer, 'operator'))
    throw new DomainError('FORBIDDEN', 'This subscription needs an operator or admin key');
}
