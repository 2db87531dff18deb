import type { HarvestTrigger } from './harvest-job.entity';
import type { HarvestCaller } from './harvest-starts';

/**
 * Queue priorities of harvests (BullMQ: 1 runs first; equal priorities run in order of arrival).
 * A key holder's `refreshUser` comes first, then an anonymous `refreshUser`, then automatic
 * refreshes of unknown or stale developers read through the API, then imports, then country
 * harvests' fan-out.
 */
export const HARVEST_PRIORITY = {
  keyHolderRefresh: 1,
  anonymousRefresh: 2,
  auto: 3,
  import: 4,
  country: 5,
} as const;

/** Harvests at this priority or better may spend the GitHub points kept in reserve (HARVEST_RESERVED_POINTS). */
export const RESERVE_PRIORITY = HARVEST_PRIORITY.keyHolderRefresh;

export function harvestPriority(trigger: HarvestTrigger, caller: HarvestCaller | undefined): number {
  switch (trigger) {
    case 'manual':
      return caller?.kind === 'apiKey'
        ? HARVEST_PRIORITY.keyHolderRefresh
        : HARVEST_PRIORITY.anonymousRefresh;
    case 'auto':
    case 'webhook': // a GitHub webhook asked for a refresh: like an automatic one
      return HARVEST_PRIORITY.auto;
    case 'import':
      return HARVEST_PRIORITY.import;
    case 'country':
      return HARVEST_PRIORITY.country;
  }
}
