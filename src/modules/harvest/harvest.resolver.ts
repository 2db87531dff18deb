import { isUuid } from '../../core/identifiers';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { DomainError } from '../../core/errors';
import type { HarvestService } from './harvest.service';
import { HarvestJobNode, RefreshUserInput, RefreshUserPayload } from './harvest.types';

@Resolver()
export class HarvestResolver {
  constructor(private readonly harvests: HarvestService) {}

  @Mutation(() => RefreshUserPayload, {
    description:
      'Harvests a developer from GitHub now (public). One harvest per login at a time: while one is queued or running it is returned; a login asked for less than REFRESH_USER_MIN_INTERVAL_MS ago returns that latest harvest instead of a new one; a login GitHub did not know is not asked again within HARVEST_NOT_FOUND_TTL_HOURS. A new harvest spends one of the caller\'s HARVEST_STARTS_* per window; when they are spent, the error is RATE_LIMITED with `extensions.limit: "harvestStarts"`, `retryAfterSeconds` and `retryAt`. A key holder\'s harvests run before automatic ones.',
  })
  async refreshUser(
    @Ctx() { em, viewer }: GraphQLContext,
    @Arg('input', () => RefreshUserInput, { description: 'The developer to harvest.' })
    input: RefreshUserInput,
  ): Promise<RefreshUserPayload> {
    const harvest = HarvestJobNode.from(await this.harvests.refresh(em, input.login, viewer));
    return Object.assign(new RefreshUserPayload(), { harvest });
  }

  @Query(() => HarvestJobNode, {
    nullable: true,
    description: 'A harvest by id: its status, progress, attempts and error; null when unknown.',
  })
  async harvestJob(
    @Ctx() { em }: GraphQLContext,
    @Arg('id', () => ID, { description: 'The job id refreshUser (or a user harvest state) returned.' })
    id: string,
  ): Promise<HarvestJobNode | null> {
    if (!isUuid(id))
      throw new DomainError('BAD_USER_INPUT', 'id must be a harvest job id', { argument: 'id' });
    const state = await this.harvests.byId(em, id);
    return state ? HarvestJobNode.from(state) : null;
  }
}
