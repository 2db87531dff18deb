import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { HarvestRequests } from '../harvest/harvest-requests';
import { type HarvestCaller, HarvestStartRefusedError } from '../harvest/harvest-starts';
import { HarvestJobNode, HarvestRefusal } from '../harvest/harvest.types';
import { isDatabaseUnavailable } from '../../platform/database/database-errors';
import { GithubUser } from './github-user.entity';
import type { LastKnownDevelopers } from './last-known-developer';
import { assertValidLogin, loginKey } from './login';
import { UserLookup, UserNode } from './user.types';

/**
 * `user(login:)`: the stored developer, and a harvest asked for automatically (trigger `auto`,
 * deduplicated by the harvest service) when the developer is unknown, never harvested, or older
 * than the freshness window. A harvest that cannot be asked for (queue down) never fails the read:
 * the stored developer is still returned, and the failure is logged. A harvest the caller may not
 * start (its HARVEST_STARTS_* budget is spent) is answered as `harvestRefusal`: why, and when to ask again.
 * While the database is unreachable, the developer as last read is answered from the shared cache (`stale`).
 */
export class UserLookupService {
  constructor(
    private readonly harvests: HarvestRequests,
    private readonly freshnessMs: number,
    private readonly logger: Logger,
    private readonly lastKnown: LastKnownDevelopers,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async lookup(
    em: EntityManager,
    login: string,
    requestId: string,
    caller?: HarvestCaller,
  ): Promise<UserLookup> {
    assertValidLogin(login);
    let user: GithubUser | null;
    try {
      user = await em.findOne(GithubUser, { loginKey: loginKey(login) });
    } catch (error) {
      return this.fromLastKnown(login, error);
    }
    if (user) await this.lastKnown.remember(UserNode.from(user));
    let requested: HarvestJobNode | null = null;
    let harvestRefusal: HarvestRefusal | null = null;
    if (this.isStale(user)) {
      try {
        requested = HarvestJobNode.from(await this.harvests.request(em, login, 'auto', caller));
      } catch (error) {
        if (error instanceof HarvestStartRefusedError) harvestRefusal = HarvestRefusal.from(error);
        else this.logger.warn({ err: error, login, requestId }, 'automatic harvest could not be requested');
      }
    }
    return Object.assign(new UserLookup(), {
      login,
      user: user ? UserNode.from(user) : null,
      harvestRefusal,
      requested,
      stale: false,
    });
  }

  /**
   * While the database is unreachable: the developer as last read, from the shared cache, marked
   * stale; the database's error when the cache does not hold it (or the failure is another one).
   */
  private async fromLastKnown(login: string, error: unknown): Promise<UserLookup> {
    if (!isDatabaseUnavailable(error)) throw error;
    const user = await this.lastKnown.recall(login);
    if (!user) throw error;
    return Object.assign(new UserLookup(), {
      login,
      user,
      harvestRefusal: null,
      requested: null,
      stale: true,
    });
  }

  /** The harvest this lookup asked for, else the latest harvest of the login (null when none). */
  async harvest(em: EntityManager, lookup: UserLookup): Promise<HarvestJobNode | null> {
    if (lookup.requested) return lookup.requested;
    // Harvests live in the database only: an answer from the cache has none to show.
    if (lookup.stale) return null;
    const latest = await this.harvests.latest(em, lookup.login);
    return latest ? HarvestJobNode.from(latest) : null;
  }

  isStale(user: GithubUser | null): boolean {
    if (!user?.harvestedAt) return true;
    return this.now().getTime() - user.harvestedAt.getTime() > this.freshnessMs;
  }
}
