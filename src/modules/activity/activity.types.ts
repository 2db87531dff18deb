import { DateResolver } from 'graphql-scalars';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { type EnumValue, graphqlEnum } from '../../graphql/enums';

export const ActivityGranularity = graphqlEnum(
  'ActivityGranularity',
  'Size of the buckets of User.activity.',
  {
    DAY: 'One bucket per calendar day (UTC).',
    WEEK: 'One bucket per ISO week (Monday to Sunday), clipped to the range.',
    MONTH: 'One bucket per calendar month, clipped to the range.',
  },
);
export type ActivityGranularity = EnumValue<typeof ActivityGranularity>;

@ObjectType('ActivityCounts', {
  description: 'Contributions counted as GitHub counts them: commits, pull requests, issues opened, reviews.',
})
export class ActivityCounts {
  @Field(() => Int, { description: 'Commits.' })
  commits!: number;

  @Field(() => Int, { description: 'Pull requests opened.' })
  pullRequests!: number;

  @Field(() => Int, { description: 'Issues opened.' })
  issuesOpened!: number;

  @Field(() => Int, { description: 'Pull request reviews.' })
  reviews!: number;

  @Field(() => Int, { description: 'The sum of the four.' })
  contributions!: number;
}

@ObjectType('ActivityAverages', {
  description:
    'Counts per day: per calendar day of the range in `dailyAverages`, per active day in `activeDayAverages`.',
})
export class ActivityAverages {
  @Field(() => Float, { description: 'Commits per day.' })
  commits!: number;

  @Field(() => Float, { description: 'Pull requests per day.' })
  pullRequests!: number;

  @Field(() => Float, { description: 'Issues opened per day.' })
  issuesOpened!: number;

  @Field(() => Float, { description: 'Reviews per day.' })
  reviews!: number;

  @Field(() => Float, { description: 'Contributions per day.' })
  contributions!: number;
}

@ObjectType('ActivityBucket', { description: 'Counts of one day, week or month.' })
export class ActivityBucket extends ActivityCounts {
  @Field(() => DateResolver, { description: 'First day of the bucket (clipped to the range).' })
  start!: string;

  @Field(() => DateResolver, { description: 'Last day of the bucket (clipped to the range).' })
  end!: string;
}

@ObjectType('ContributionStreak', {
  description: 'A run of consecutive days with at least one contribution.',
})
export class ContributionStreak {
  @Field(() => Int, { description: 'Days in the run; 0 when there is none.' })
  length!: number;

  @Field(() => DateResolver, { nullable: true, description: 'First day; null when length is 0.' })
  start!: string | null;

  @Field(() => DateResolver, { nullable: true, description: 'Last day; null when length is 0.' })
  end!: string | null;
}

@ObjectType('Activity', {
  description: "A developer's contributions over a range of calendar days (UTC), as last harvested.",
})
export class Activity {
  @Field(() => DateResolver, { description: 'First day of the range.' })
  from!: string;

  @Field(() => DateResolver, { description: 'Last day of the range.' })
  to!: string;

  @Field(() => ActivityGranularity, { description: 'Size of the buckets.' })
  granularity!: ActivityGranularity;

  @Field(() => Int, { description: 'Days in the range.' })
  days!: number;

  @Field(() => Int, { description: 'Days with at least one contribution.' })
  activeDays!: number;

  @Field(() => ActivityCounts, { description: 'Sums over the range.' })
  totals!: ActivityCounts;

  @Field(() => ActivityAverages, { description: 'Sums divided by the days of the range.' })
  dailyAverages!: ActivityAverages;

  @Field(() => ActivityAverages, {
    description: 'Sums divided by the active days of the range (how much on a day with any); 0 without any.',
  })
  activeDayAverages!: ActivityAverages;

  @Field(() => DateResolver, {
    nullable: true,
    description: 'The last day of the range with at least one contribution; null when there is none.',
  })
  lastActiveDay!: string | null;

  @Field(() => [ActivityBucket], {
    description: 'One bucket per day, week or month, oldest first, zeros included.',
  })
  buckets!: ActivityBucket[];

  @Field(() => ContributionStreak, {
    description:
      'Consecutive active days ending on `to`, or on the day before when `to` has no contribution yet (the day may not be over).',
  })
  currentStreak!: ContributionStreak;

  @Field(() => ContributionStreak, {
    description: 'The longest run of active days in the range (the earliest when tied).',
  })
  longestStreak!: ContributionStreak;
}
