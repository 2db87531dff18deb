import { addressGroup } from '../platform/rate-limit/client-address';

/** API key roles, lowest first: each role may do what the ones before it may. */
export const API_KEY_ROLES = ['reader', 'operator', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

const RANK: Record<ApiKeyRole, number> = Object.fromEntries(
  API_KEY_ROLES.map((role, i) => [role, i]),
) as Record<ApiKeyRole, number>;

/** Who is calling: resolved once per request (HTTP) or per connection (WebSocket). */
export type Viewer =
  | { readonly kind: 'anonymous'; readonly ip: string }
  | {
      readonly kind: 'apiKey';
      readonly ip: string;
      readonly keyId: string;
      readonly keyPrefix: string;
      readonly role: ApiKeyRole;
    };

export function anonymousViewer(ip: string): Viewer {
  return { kind: 'anonymous', ip };
}

export function isApiKeyRole(role: string): role is ApiKeyRole {
  return Object.hasOwn(RANK, role);
}

/** The lowest role among `roles` (what `@Authorized(...roles)` asks for). */
export function lowestRole(roles: readonly ApiKeyRole[]): ApiKeyRole {
  return roles.reduce((low, role) => (RANK[role] < RANK[low] ? role : low));
}

/** Whether the caller holds an API key with `role` or a higher one (reader < operator < admin). */
export function hasRole(viewer: Viewer, role: ApiKeyRole): boolean {
  return viewer.kind === 'apiKey' && RANK[viewer.role] >= RANK[role];
}

/**
 * Whose budget a caller spends (rate limits, new harvests, notification sign-ups): its key for key
 * holders, its address group (IPv6: the /64) otherwise.
 */
export function budgetIdentity(viewer: Viewer): string {
  return viewer.kind === 'apiKey' ? `key:${viewer.keyId}` : `ip:${addressGroup(viewer.ip)}`;
}
