import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { HarvestRequests } from '../harvest/harvest-requests';
import { type HarvestCaller, HarvestStartRefusedError } from '../harvest/harvest-starts';
import { HarvestJobNode, HarvestRefusal } from '../harvest/harvest.types';
import { GithubUser } from './github-user.entity';
import { assertValidLogin, loginKey } from './login';
import { UserLookup, UserNode } from './user.types';

/**
 * `user(login:)`: the stored developer, and a harvest asked for automatically (trigger `auto`,
 * deduplicated by the harvest service) when the developer is unknown, never harvested, or older
 * than the freshness window. A harvest that cannot be asked for (queue down) never fails the read:
 * the stored developer is still returned, and the failure is logged. A harvest the caller may not
 * start (its HARVEST_STARTS_* budget is spent) is answered as `harvestRefusal`: why, and when to ask again.
 */
export class UserLookupService {
  constructor(
    private readonly harvests: HarvestRequests,
    private readonly freshnessMs: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async lookup(
    em: EntityManager,
    login: string,
    requestId: string,
    caller?: HarvestCaller,
  ): Promise<UserLookup> {
    assertValidLogin(login);
    const user = await em.findOne(GithubUser, { loginKey: loginKey(login) });
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
    });
  }

  /** The harvest this lookup asked for, else the latest harvest of the login (null when none). */
  async harvest(em: EntityManager, lookup: UserLookup): Promise<HarvestJobNode | null> {
    if (lookup.requested) return lookup.requested;
    const latest = await this.harvests.latest(em, lookup.login);
    return latest ? HarvestJobNode.from(latest) : null;
  }

  isStale(user: GithubUser | null): boolean {
    if (!user?.harvestedAt) return true;
    return this.now().getTime() - user.harvestedAt.getTime() > this.freshnessMs;
  }
}
