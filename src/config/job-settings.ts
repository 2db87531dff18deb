import { z } from 'zod';
import { httpUrl, int, list, orEmpty, type SettingValues } from './setting-types';

/** Settings of the job queue, harvests, rankings and GitHub access, each with the Config section it builds. */

export const queueSettings = {
  QUEUE_CONCURRENCY: int(1, 100).default(4),
  QUEUE_CLEANUP_MODE: z
    .enum(['always', 'nonprod', 'never'], { message: 'must be always, nonprod or never' })
    .default('nonprod'),
  QUEUE_CLEANUP_STATUSES: z
    .string()
    .regex(
      /^\s*(completed|failed|wait|waiting|delayed|paused|active)(\s*,\s*(completed|failed|wait|waiting|delayed|paused|active))*\s*$/,
      {
        message: 'must be a comma-separated list of completed, failed, wait, delayed, paused, active',
      },
    )
    .default('completed,failed'),
  QUEUE_CLEANUP_GRACE_MS: int(0, 2_592_000_000).default(3_600_000),
};

export const queueConfig = (env: SettingValues<typeof queueSettings>) =>
  ({
    concurrency: env.QUEUE_CONCURRENCY,
    /** Clean finished jobs at start-up: always, outside production only, or never (as the old service did). */
    cleanup: {
      mode: env.QUEUE_CLEANUP_MODE,
      statuses: orEmpty(env.QUEUE_CLEANUP_STATUSES.split(',').map((s) => s.trim())),
      /** Only jobs older than this are cleaned. */
      graceMs: env.QUEUE_CLEANUP_GRACE_MS,
    },
  }) as const;

export const harvestSettings = {
  HARVEST_FRESHNESS_HOURS: int(1, 8_760).default(24),
  HARVEST_NOT_FOUND_TTL_HOURS: int(1, 8_760).default(24),
  HARVEST_ATTEMPTS: int(1, 10).default(3),
  HARVEST_BACKOFF_MS: int(0, 3_600_000).default(5_000),
  REFRESH_USER_MIN_INTERVAL_MS: int(0, 86_400_000).default(60_000),
};

const HOUR_MS = 3_600_000;

export const harvestConfig = (env: SettingValues<typeof harvestSettings>) =>
  ({
    /** A developer harvested longer ago than this is refreshed when read. */
    freshnessMs: env.HARVEST_FRESHNESS_HOURS * HOUR_MS,
    /** How long a login GitHub does not know is remembered (no GitHub call meanwhile). */
    notFoundTtlMs: env.HARVEST_NOT_FOUND_TTL_HOURS * HOUR_MS,
    attempts: env.HARVEST_ATTEMPTS,
    /** First retry delay; doubles per retry. */
    backoffMs: env.HARVEST_BACKOFF_MS,
    /** refreshUser for one login at most this often. */
    refreshMinIntervalMs: env.REFRESH_USER_MIN_INTERVAL_MS,
  }) as const;

/** Rankings: score, schedule and country harvests (the score formula: src/modules/rankings/ranking-score.ts). */
export const rankingsSettings = {
  RANKING_MIN_FOLLOWERS: int(0, 1_000_000_000).default(31),
  RANKING_COMMIT_WINDOW_DAYS: int(1, 3_650).default(90),
  RANKINGS_CRON: z
    .string()
    .trim()
    .regex(/^\S+(\s+\S+){4,5}$/, { message: 'must be a cron expression of 5 or 6 fields' })
    .default('0 0 * * *'),
  RANKING_RUN_TIMEOUT_MS: int(1_000, 3_600_000).default(600_000),
  RANKING_WORK_MEM_MB: int(4, 4_096).default(64),
  RANKING_SNAPSHOT_RETENTION_DAYS: int(1, 36_500).default(400),
  COUNTRY_HARVEST_MIN_FOLLOWERS: int(0, 1_000_000_000).default(31),
  COUNTRY_HARVEST_CITIES: int(0, 100).default(10),
};

export const rankingsConfig = (env: SettingValues<typeof rankingsSettings>) =>
  ({
    /** Users with fewer followers are not ranked. */
    minFollowers: env.RANKING_MIN_FOLLOWERS,
    /** Commits of the last this many days count towards the score. */
    commitWindowDays: env.RANKING_COMMIT_WINDOW_DAYS,
    /** When the scheduled run happens (UTC cron). */
    cron: env.RANKINGS_CRON,
    /** Longest a run's statement may take before the run fails (the previous ranks stay). */
    runTimeoutMs: env.RANKING_RUN_TIMEOUT_MS,
    /** `work_mem` of the run's transaction, so its sorts and aggregates stay in memory. */
    workMemMb: env.RANKING_WORK_MEM_MB,
    /** Rank history older than this is deleted after each run. */
    snapshotRetentionDays: env.RANKING_SNAPSHOT_RETENTION_DAYS,
    /** Country harvests search developers with at least this many followers. */
    countryHarvestMinFollowers: env.COUNTRY_HARVEST_MIN_FOLLOWERS,
    /** Largest cities searched besides the country's names. */
    countryHarvestCities: env.COUNTRY_HARVEST_CITIES,
  }) as const;

export const githubSettings = {
  GITHUB_TOKENS: list.optional(),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
};

export const githubConfig = (env: SettingValues<typeof githubSettings>) =>
  ({ tokens: orEmpty(env.GITHUB_TOKENS), apiUrl: env.GITHUB_API_URL }) as const;
