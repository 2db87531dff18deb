import { DailyActivity } from './activity/daily-activity.entity';
import { ApiKey } from './auth/api-key.entity';
import { HarvestJob } from './harvest/harvest-job.entity';
import { Repository } from './repositories/repository.entity';
import { GithubUser } from './users/github-user.entity';

/** Every MikroORM entity, listed explicitly (no folder scanning: the same under tsc, tsx and Vitest). */
export const ENTITIES = [ApiKey, GithubUser, Repository, DailyActivity, HarvestJob];
