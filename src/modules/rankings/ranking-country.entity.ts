import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Ranked users per country and run, written by the run's statement: `countries` and
 * `percentileInCountry` read it instead of counting a million rows per request.
 */
@Entity({ tableName: 'ranking_country' })
export class RankingCountry {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  runId!: number;

  /** ISO 3166-1 alpha-2. */
  @PrimaryKey({ type: 'text' })
  countryCode!: string;

  @Property({ type: 'integer' })
  rankedUsers!: number;
}
