import type { Cache } from '../../platform/cache/cache';
import { loginKey } from './login';
import { OrganizationNode, SocialAccountNode, UserNode } from './user.types';

/** How long a developer's last-read profile is kept for outages (refreshed on every read). */
const LAST_KNOWN_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * The developer as last read from PostgreSQL, kept in the shared cache under its login, so that
 * `user(login:)` can still answer while the database is unreachable. Only that outage path reads
 * it; normal reads always go to the database. The profile holds the user id and harvest time,
 * which key the insights cache (`insightsCacheKey`), so the repositories, activity, languages and
 * report cached for that harvest are served too; what the cache does not hold fails as
 * SERVICE_UNAVAILABLE. Separate from any response cache: it stores one profile per login.
 */
export class LastKnownDevelopers {
  constructor(
    private readonly cache: Cache,
    private readonly ttlMs = LAST_KNOWN_TTL_MS,
  ) {}

  /** Keeps `user` for outages; a cache that is down just misses (never fails the read). */
  remember(user: UserNode): Promise<void> {
    return this.cache.set(key(user.login), user, this.ttlMs);
  }

  async recall(login: string): Promise<UserNode | undefined> {
    const stored = await this.cache.get<StoredUser>(key(login));
    if (!stored) return undefined;
    return Object.assign(new UserNode(), {
      ...stored,
      createdAt: date(stored.createdAt),
      harvestedAt: date(stored.harvestedAt),
      social: stored.social.map((s) => Object.assign(new SocialAccountNode(), s)),
      organizations: stored.organizations.map((o) => Object.assign(new OrganizationNode(), o)),
    });
  }
}

/** A UserNode after a JSON round trip: dates are strings. */
type StoredUser = Omit<UserNode, 'createdAt' | 'harvestedAt'> & {
  createdAt: string | null;
  harvestedAt: string | null;
};

const key = (login: string) => `users:last-known:v1:${loginKey(login)}`;
const date = (value: string | null) => (value === null ? null : new Date(value));
