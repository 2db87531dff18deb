import { DateResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType, InterfaceType } from 'type-graphql';
import {
  ACHIEVEMENT_RULES,
  AchievementKind,
  type BadgeRule,
  REPORT_PERIOD_DAYS,
  TROPHY_RULES,
  TrophyKind,
} from './report-rules';
import { type EnumValue, graphqlEnum } from '../../graphql/enums';

export const TrophyTier = graphqlEnum('TrophyTier', 'Trophy levels, lowest first.', {
  BRONZE: 'First threshold reached.',
  SILVER: 'Second threshold reached.',
  GOLD: 'Third threshold reached.',
});
export type TrophyTier = EnumValue<typeof TrophyTier>;

/** Enum descriptions come from the rules table, so the schema shows the thresholds that apply. */
function valuesFromRules(rules: readonly BadgeRule[]): Record<string, { description: string }> {
  const levels = (t: readonly number[]) => t.map((n) => n.toLocaleString('en-US')).join(' / ');
  return Object.fromEntries(
    rules.map((r) => [
      r.id,
      { description: `${r.description.replace(/\.$/, '')}: ${levels(r.thresholds)}.` },
    ]),
  );
}

registerEnumType(TrophyKind, {
  name: 'TrophyKind',
  description: 'Trophies (thresholds in src/modules/reports/report-rules.ts).',
  valuesConfig: valuesFromRules(TROPHY_RULES),
});

registerEnumType(AchievementKind, {
  name: 'AchievementKind',
  description: 'Achievements (thresholds in src/modules/reports/report-rules.ts).',
  valuesConfig: valuesFromRules(ACHIEVEMENT_RULES),
});

/** What trophies and achievements share: a frontend can render either through one fragment. */
@InterfaceType('Badge', { description: 'A trophy or an achievement: what it counts and the value counted.' })
export abstract class Badge {
  @Field(() => String, { description: 'Its display name.' })
  name!: string;

  @Field(() => String, { description: 'What it counts.' })
  description!: string;

  @Field(() => Int, { description: 'The counted value.' })
  value!: number;
}

@ObjectType('Trophy', {
  implements: Badge,
  description: 'A trophy and how far the developer got (every trophy is listed).',
})
export class Trophy extends Badge {
  @Field(() => TrophyKind, { description: 'Which trophy.' })
  kind!: TrophyKind;

  @Field(() => TrophyTier, { nullable: true, description: 'The tier reached; null when not earned yet.' })
  tier!: TrophyTier | null;

  @Field(() => Int, { nullable: true, description: 'Value the next tier needs; null at GOLD.' })
  nextThreshold!: number | null;
}

@ObjectType('Achievement', {
  implements: Badge,
  description: 'An achievement and how far the developer got (every one is listed).',
})
export class Achievement extends Badge {
  @Field(() => AchievementKind, { description: 'Which achievement.' })
  kind!: AchievementKind;

  @Field(() => Int, { description: 'Level reached, 1-3; 0 when not earned yet.' })
  level!: number;

  @Field(() => Int, { nullable: true, description: 'Value the next level needs; null at level 3.' })
  nextThreshold!: number | null;
}

@ObjectType('Report', {
  description: `A developer's trophies and achievements (the old service's rules) and, once rankings exist, score and ranks. Commits, issues and pull requests count over the report period: the ${REPORT_PERIOD_DAYS} days ending on the day of the last harvest.`,
})
export class Report {
  @Field(() => DateResolver, { description: 'First day of the report period.' })
  periodStart!: string;

  @Field(() => DateResolver, { description: 'Last day of the report period (the day of the last harvest).' })
  periodEnd!: string;

  @Field(() => [Trophy], { description: 'Every trophy, earned or not, in the order of the rules table.' })
  trophies!: Trophy[];

  @Field(() => [Achievement], {
    description: 'Every achievement, earned or not, in the order of the rules table.',
  })
  achievements!: Achievement[];

  @Field(() => Float, { nullable: true, description: 'Score from the rankings; null until ranked.' })
  score!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Rank among all ranked developers (1 is first); null until ranked.',
  })
  globalRank!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "Rank within the developer's country; null until ranked or without a country.",
  })
  countryRank!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Share of the country's ranked developers at or below this rank, in percent (100: first); null until ranked.",
  })
  percentileInCountry!: number | null;

  @Field(() => Boolean, {
    description:
      'Whether score and ranks are provisional: the developer was harvested after the current ranking run and is placed among its scores until the next run ranks them (see UserRanking.provisional).',
  })
  provisional!: boolean;
}
