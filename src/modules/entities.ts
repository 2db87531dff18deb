import { DailyActivity } from './activity/daily-activity.entity';
import { ApiKey } from './auth/api-key.entity';
import { HarvestJob } from './harvest/harvest-job.entity';
// rankings
import { RankingCountry } from './rankings/ranking-country.entity';
import { RankingRun } from './rankings/ranking-run.entity';
import { RankingSnapshot } from './rankings/ranking-snapshot.entity';
import { Repository } from './repositories/repository.entity';
import { GithubUser } from './users/github-user.entity';
// outbox: jobs committed with their records (platform, no feature)
import { OutboxMessage } from '../platform/outbox/outbox-message.entity';

/** Every MikroORM entity, listed explicitly (no folder scanning: the same under tsc, tsx and Vitest). */
export const ENTITIES = [
  ApiKey,
  GithubUser,
  Repository,
  DailyActivity,
  HarvestJob,
  // rankings
  RankingRun,
  RankingSnapshot,
  RankingCountry,
  // outbox
  OutboxMessage,
];
