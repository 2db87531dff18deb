import { Entity, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { GithubUser } from '../users/github-user.entity';

/** One row per user and day with activity (UTC calendar days), as GitHub counts contributions. */
@Entity({ tableName: 'daily_activity' })
@Index({ name: 'daily_activity_date_index', properties: ['date'] })
export class DailyActivity {
  @ManyToOne(() => GithubUser, { primary: true, deleteRule: 'cascade' })
  user!: Rel<GithubUser>;

  /** Calendar day, `YYYY-MM-DD`. */
  @PrimaryKey({ type: 'date' })
  date!: string;

  @Property({ type: 'integer' })
  commits: number = 0;

  @Property({ type: 'integer' })
  pullRequests: number = 0;

  @Property({ type: 'integer' })
  issuesOpened: number = 0;

  @Property({ type: 'integer' })
  reviews: number = 0;
}
