import { Arg, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { isResync, type HarvestProgressPayload, type ResyncMarker, TOPICS } from '../../core/topics';
import type { GraphQLContext } from '../../graphql/context';
import { loginTopic } from '../users/login';
import { fromProgressPayload } from './harvest-progress';
import type { HarvestRequests } from './harvest-requests';
import { HarvestProgressEvent } from './harvest.types';

@Resolver()
export class HarvestProgressResolver {
  constructor(private readonly harvests: HarvestRequests) {}

  @Subscription(() => HarvestProgressEvent, {
    topics: loginTopic(TOPICS.HARVEST_PROGRESS),
    description:
      "Progress of the developer's harvests, whichever process runs them: each stage and percent, then completed, failed or not found. Subscribe before asking for the harvest (refreshUser or user(login:)).",
  })
  async harvestProgress(
    @Root() event: HarvestProgressPayload | ResyncMarker,
    @Ctx() context: GraphQLContext,
    @Arg('login', () => String, { description: 'GitHub login (case-insensitive).' }) login: string,
  ): Promise<HarvestProgressEvent> {
    const resync = isResync(event);
    // The context's EntityManager only on a resync (it is forked on first use).
    const state = resync ? await this.harvests.latest(context.em, login) : fromProgressPayload(event);
    return HarvestProgressEvent.of(login, resync, state);
  }
}
