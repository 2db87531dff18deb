import { DomainError } from '../../core/errors';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { requireCountry, type CountryDirectory } from './country-directory';
import type { CountryHarvestJobs } from './country-harvest.jobs';
import type { RankingJobs } from './rankings.jobs';
import { RANKINGS_UPDATED } from './rankings.jobs';
import type { RankingsQueryService } from './rankings-query.service';
import { isResync, type RankingsUpdatedPayload, type ResyncMarker } from '../../core/topics';
import { fromRankingsPayload, rankingsEventFor } from './rankings-events';
import { CountryHarvestNode, RankedCountryNode, RankingConnection, RankingRunNode } from './rankings.types';
import type { RankingEntriesService, RankingConnectionShape } from './ranking-entries.service';
import {
  HarvestCountryInput,
  HarvestCountryPayload,
  RecomputeRankingsInput,
  RecomputeRankingsPayload,
} from './rankings-mutations.types';

/** Countries are ISO 3166-1 alpha-2: the `countries` list is bounded by their number. */
export const MAX_COUNTRIES = 249;

/** Rankings, countries, the ranking run and country harvests (thin: services hold the logic). */
@Resolver()
export class RankingsResolver {
  constructor(
    private readonly entries: RankingEntriesService,
    private readonly queries: RankingsQueryService,
    private readonly directory: CountryDirectory,
    private readonly jobs: RankingJobs,
    private readonly countryHarvests: CountryHarvestJobs,
  ) {}

  @Query(() => RankingConnection, {
    description:
      'Developers by rank in the current ranking: global, or within a country. Equal scores share a rank. Cached until the next ranking run.',
  })
  rankings(
    @Ctx() { em }: GraphQLContext,
    @Arg('country', () => String, {
      nullable: true,
      description: 'ISO 3166-1 alpha-2 code (DE) or English name (Germany); omit for the global ranking.',
    })
    country: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size: 1-100, 20 by default.' })
    first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor to continue after (endCursor).' })
    after: string | null,
  ): Promise<RankingConnectionShape> {
    return this.entries.connection(em, { country, first, after });
  }

  @Query(() => [RankedCountryNode], {
    description: `Countries of the current ranking with their number of ranked developers, most first. A bounded list, not a connection: one entry per ISO 3166-1 country with ranked developers, so at most ${MAX_COUNTRIES}.`,
  })
  async countries(@Ctx() { em }: GraphQLContext): Promise<RankedCountryNode[]> {
    const counts = await this.queries.countryCounts(em);
    return counts.map((c) =>
      Object.assign(new RankedCountryNode(), { ...c, name: this.directory.name(c.code) ?? c.code }),
    );
  }

  @Authorized('admin')
  @Mutation(() => RecomputeRankingsPayload, {
    description:
      'Recomputes every score and rank now (admin). Queued as a job; while a run is queued or running, that run is returned.',
  })
  async recomputeRankings(
    @Ctx() { em }: GraphQLContext,
    @Arg('input', () => RecomputeRankingsInput, {
      nullable: true,
      description: 'Options (none yet); may be omitted.',
    })
    input: RecomputeRankingsInput | null,
  ): Promise<RecomputeRankingsPayload> {
    const run = RankingRunNode.from(await this.jobs.recompute(em));
    return Object.assign(new RecomputeRankingsPayload(), {
      run,
      clientMutationId: input?.clientMutationId ?? null,
    });
  }

  @Authorized('admin')
  @Mutation(() => HarvestCountryPayload, {
    description:
      "Finds a country's developers through GitHub's user search and harvests each new or stale one (admin). Runs as a job; follow it with countryHarvest(id:).",
  })
  async harvestCountry(
    @Ctx() { em }: GraphQLContext,
    @Arg('input', () => HarvestCountryInput, { description: 'The country to harvest.' })
    input: HarvestCountryInput,
  ): Promise<HarvestCountryPayload> {
    const countryHarvest = await this.countryHarvests.enqueue(
      em,
      requireCountry(this.directory, input.country),
    );
    return Object.assign(new HarvestCountryPayload(), { countryHarvest });
  }

  @Authorized('operator')
  @Query(() => CountryHarvestNode, {
    nullable: true,
    description: 'A country harvest by id (operator); null when unknown.',
  })
  countryHarvest(
    @Ctx() { em }: GraphQLContext,
    @Arg('id', () => ID, { description: 'The id harvestCountry returned.' }) id: string,
  ): Promise<CountryHarvestNode | null> {
    return this.countryHarvests.get(em, id);
  }

  @Subscription(() => RankingRunNode, {
    topics: ({ args, context }) => {
      const { countries } = (context as GraphQLContext).loaders;
      if (args.country != null) requireCountry(countries, String(args.country));
      return RANKINGS_UPDATED;
    },
    filter: ({ payload, args, context }) =>
      rankingsEventFor(
        payload,
        args.country == null
          ? null
          : (context as GraphQLContext).loaders.countries.resolve(String(args.country)),
      ),
    description:
      'A ranking run ended (completed, failed or skipped); completed runs bring new ranks. With `country`, only completed runs that ranked developers there. After a lost pub/sub link the latest run is sent again: re-read the rankings.',
  })
  async rankingsUpdated(
    @Root() event: RankingsUpdatedPayload | ResyncMarker,
    @Ctx() { em }: GraphQLContext,
    @Arg('country', () => String, {
      nullable: true,
      description:
        "ISO 3166-1 alpha-2 code (DE) or the country's English name (Germany); omit for every run.",
    })
    _country?: string | null,
  ): Promise<RankingRunNode> {
    if (!isResync(event)) return RankingRunNode.from(fromRankingsPayload(event));
    // Told to re-read: the run that ended last (before any run there is nothing to have missed).
    const latest = await this.jobs.latest(em);
    if (!latest) throw new DomainError('NOT_FOUND', 'No ranking run has ended yet');
    return RankingRunNode.from(latest);
  }
}
