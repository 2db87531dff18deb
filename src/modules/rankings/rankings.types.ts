import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { UserNode } from '../users/user.types';
import { CountryHarvestState } from './country-harvest-state';
import type { RankingRunResult } from './ranking-run.service';
import { type EnumValue, lowercaseEnum } from '../../graphql/enums';

export const RankingRunStatusEnum = lowercaseEnum('RankingRunStatus', 'Where a ranking run stands.', {
  QUEUED: 'Asked for; waiting for a worker.',
  RUNNING: 'Computing scores and ranks.',
  COMPLETED: 'Done: its ranks are current (until the next run completes).',
  FAILED: 'Failed; the previous ranks stayed current. See `error`.',
  SKIPPED: 'Not run: another run was in progress (never two at once).',
});
export type RankingRunStatusEnum = EnumValue<typeof RankingRunStatusEnum>;

export const RankingRunTriggerEnum = lowercaseEnum('RankingRunTrigger', 'Why a ranking run happened.', {
  SCHEDULE: 'The schedule (RANKINGS_CRON).',
  MANUAL: 'recomputeRankings.',
});
export type RankingRunTriggerEnum = EnumValue<typeof RankingRunTriggerEnum>;

@ObjectType('RankingRun', { description: 'One computation of every score, global rank and country rank.' })
export class RankingRunNode {
  @Field(() => Int, { description: 'Run number (increasing).' })
  id!: number;

  @Field(() => RankingRunStatusEnum, { description: 'Where the run stands.' })
  status!: RankingRunStatusEnum;

  @Field(() => RankingRunTriggerEnum, { description: 'Why it ran.' })
  trigger!: RankingRunTriggerEnum;

  @Field(() => DateTimeResolver, { description: 'When it was asked for or, once running, when it started.' })
  startedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it completed, failed or was skipped.' })
  finishedAt!: Date | null;

  @Field(() => Int, { description: 'Developers ranked (0 until completed).' })
  rankedUsers!: number;

  @Field(() => Int, { description: 'Countries with at least one ranked developer.' })
  countries!: number;

  @Field(() => Int, { nullable: true, description: 'How long the run took, in milliseconds.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed, when it did.' })
  error!: string | null;

  static from(run: RankingRunResult): RankingRunNode {
    return Object.assign(new RankingRunNode(), {
      ...run,
      status: run.status as RankingRunStatusEnum,
      trigger: run.trigger as RankingRunTriggerEnum,
    });
  }
}

@ObjectType('Country', { description: 'A country (ISO 3166-1).' })
export class CountryNode {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code, e.g. DE.' })
  code!: string;

  @Field(() => String, { description: 'Common English name, e.g. Germany.' })
  name!: string;
}

@ObjectType('RankedCountry', { description: 'A country with ranked developers in the current ranking.' })
export class RankedCountryNode {
  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code.' })
  code!: string;

  @Field(() => String, { description: 'Common English name.' })
  name!: string;

  @Field(() => Int, { description: 'Developers of this country in the current ranking.' })
  rankedDevelopers!: number;
}

@ObjectType('RankingEntry', { description: 'A developer in a ranking.' })
export class RankingEntryNode {
  /** Database id of the developer (not a field; `user` loads it). */
  userId!: number;

  @Field(() => Int, {
    description: 'Rank in this ranking (global, or in the country asked for); equal scores share a rank.',
  })
  rank!: number;

  @Field(() => Float, { description: 'Score (see the README for the formula).' })
  score!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Places gained since the previous run (negative: lost); null when not ranked there then.',
  })
  rankChange!: number | null;

  @Field(() => UserNode, { description: 'The developer.' })
  user!: UserNode;
}

export const RankingConnection = Connection(RankingEntryNode, 'Ranking', 'ranked developer');

@ObjectType('RankSnapshot', { description: "A developer's score and ranks as one run computed them." })
export class RankSnapshotNode {
  @Field(() => Int, { description: 'The run.' })
  runId!: number;

  @Field(() => DateTimeResolver, { description: 'When that run completed.' })
  recordedAt!: Date;

  @Field(() => Float, { description: 'Score then.' })
  score!: number;

  @Field(() => Int, { description: 'Global rank then.' })
  globalRank!: number;

  @Field(() => Int, { nullable: true, description: 'Country rank then; null without a country.' })
  countryRank!: number | null;
}

@ObjectType('UserRanking', { description: "A developer's place in the current ranking." })
export class UserRankingNode {
  /** Database id of the developer (not a field; `history` loads by it). */
  userId!: number;

  @Field(() => Float, { description: 'Score (see the README for the formula).' })
  score!: number;

  @Field(() => Int, { description: 'Rank among all ranked developers; equal scores share a rank.' })
  globalRank!: number;

  @Field(() => Int, { nullable: true, description: 'Rank in the country; null without a resolved country.' })
  countryRank!: number | null;

  @Field(() => CountryNode, {
    nullable: true,
    description: 'The country ranked in; null when the location names none.',
  })
  country!: CountryNode | null;

  @Field(() => Float, {
    nullable: true,
    description: "Share of the country's ranked developers at or below this rank, in percent (100: first).",
  })
  percentileInCountry!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Global places gained since the previous run (negative: lost); null when not ranked then, and for a provisional rank.',
  })
  rankChange!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Commits the score counted: those of the commit window (RANKING_COMMIT_WINDOW_DAYS, 90 days by default) when the rank was computed. Null for ranks computed before the count was kept.',
  })
  totalCommitContributions!: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Contributions (commits, pull requests, issues opened, reviews) of the same window. Null for ranks computed before the count was kept.',
  })
  totalContributions!: number | null;

  @Field(() => DateTimeResolver, {
    description: 'When the rank was computed: the end of the ranking run, or the provisional placement.',
  })
  computedAt!: Date;

  @Field(() => Boolean, {
    description:
      "Whether the rank is provisional: the developer was harvested after the current run, so score and ranks are computed now from the stored data and placed among that run's scores (one past the last when every score is above). The next run ranks the developer for real.",
  })
  provisional!: boolean;
}

@ObjectType('CountryHarvestProgress', { description: 'How far a country harvest has got.' })
export class CountryHarvestProgressNode {
  @Field(() => Int, { description: 'GitHub user searches sent (each page counts).' })
  searches!: number;

  @Field(() => Int, { description: 'Distinct developers found.' })
  usersFound!: number;

  @Field(() => Int, { description: 'Harvests requested (new or stale developers).' })
  harvestsRequested!: number;

  @Field(() => Int, { description: 'Search queries (location and follower range) finished.' })
  queriesDone!: number;

  @Field(() => Int, {
    description:
      'Search answers GitHub still marked incomplete (its search timed out) after retries, in a follower range that could not be split further: developers may be missing. Incomplete answers are otherwise asked again or split, never taken as complete.',
  })
  incompleteSearches!: number;

  @Field(() => Int, {
    description:
      'Logins found that could not be asked for (not a GitHub login): skipped, never failing the harvest.',
  })
  loginsSkipped!: number;
}

@ObjectType('CountryHarvest', {
  description: 'A search of GitHub for the developers of a country, then a harvest of each new or stale one.',
})
export class CountryHarvestNode {
  @Field(() => ID, { description: 'Job id, for countryHarvest(id:).' })
  id!: string;

  @Field(() => CountryNode, { description: 'The country searched.' })
  country!: CountryNode;

  @Field(() => CountryHarvestState, { description: 'Where it stands.' })
  state!: CountryHarvestState;

  @Field(() => CountryHarvestProgressNode, { description: 'Progress so far.' })
  progress!: CountryHarvestProgressNode;

  @Field(() => String, { nullable: true, description: 'Why it failed, when it did.' })
  error!: string | null;

  @Field(() => DateTimeResolver, { description: 'When it was asked for.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it finished.' })
  finishedAt!: Date | null;
}
