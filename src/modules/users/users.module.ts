import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule, moduleKey } from '../../core/module';
import { HARVEST } from '../harvest/harvest.module';
import { GithubUser } from './github-user.entity';
import { LastKnownDevelopers } from './last-known-developer';
import { UserDirectoryService } from './user-directory.service';
import { UserLookupService } from './user-lookup.service';
import { UserUpdatedResolver } from './user-updated.resolver';
import { UserResolver } from './user.resolver';
import { UserNode } from './user.types';

async function findUserNode(em: EntityManager, id: number): Promise<UserNode | null> {
  const user = await em.findOne(GithubUser, { id });
  return user ? UserNode.from(user) : null;
}

/**
 * Developers: the `github_user` table, `user(login:)` (asking harvest for unknown or stale
 * developers) and `users(...)`. Their repositories, activity, report and ranking are fields
 * the owning modules add to `User`.
 */
export const usersModule = defineModule({
  key: moduleKey('users'),
  entities: [GithubUser],
  resolvers: [UserResolver, UserUpdatedResolver],
  create({ config, logger, cache }, { use }) {
    const { requests } = use(HARVEST);
    const lastKnown = new LastKnownDevelopers(cache);
    const lookups = new UserLookupService(requests, config.harvest.freshnessMs, logger, lastKnown);
    return {
      resolvers: [new UserResolver(lookups, new UserDirectoryService()), new UserUpdatedResolver()],
      nodes: { User: findUserNode },
      exports: undefined,
    };
  },
});
