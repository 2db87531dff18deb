import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, InputType, ObjectType } from 'type-graphql';
import { CountryHarvestNode, RankingRunNode } from './rankings.types';

@InputType({ description: 'The country whose developers to harvest.' })
export class HarvestCountryInput {
  @IsString() // the country directory resolves it (BAD_USER_INPUT naming the accepted forms)
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code (JP) or English name (Japan).' })
  country!: string;
}

@ObjectType({ description: 'The country harvest harvestCountry queued (or joined).' })
export class HarvestCountryPayload {
  @Field(() => CountryHarvestNode, {
    description:
      'The country harvest: a new one, or the one asked for within the same clock hour (follow it with countryHarvest(id:)).',
  })
  countryHarvest!: CountryHarvestNode;
}

@InputType({
  description:
    'Options of recomputeRankings. It needs none today: the input is there so the mutation keeps one shape (`input` in, payload out) when options come.',
})
export class RecomputeRankingsInput {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Field(() => String, {
    nullable: true,
    description:
      'Any text the client chooses (at most 200 characters), returned unchanged in the payload (Relay convention).',
  })
  clientMutationId?: string | null;
}

@ObjectType({ description: 'The ranking run recomputeRankings queued (or joined).' })
export class RecomputeRankingsPayload {
  @Field(() => RankingRunNode, {
    description: 'The run: a new one, or the one already queued or running. Its end is `rankingsUpdated`.',
  })
  run!: RankingRunNode;

  @Field(() => String, { nullable: true, description: 'The input `clientMutationId`, unchanged.' })
  clientMutationId!: string | null;
}
