import { defineModule, moduleKey } from '../../core/module';
import { ErrorWindow } from '../../platform/metrics/error-window';
import { unfinishedHarvests } from '../harvest/harvest-listing';
import { HARVEST } from '../harvest/harvest.module';
import { RANKINGS } from '../rankings/rankings.module';
import { SYSTEM } from '../system/system.module';
import { OperationsActivityResolver } from './operations-activity.resolver';
import { OperationsResolver } from './operations.resolver';
import { OperationsService } from './operations.service';

export interface OperationsModuleOptions {
  /**
   * The errors answered by code over the last hour: the same window AppMetrics.countError feeds,
   * made by the composition root (app.ts). Absent (schema and entity listings only): an empty one.
   */
  readonly errors?: ErrorWindow;
}

export const OPERATIONS = moduleKey<undefined>('operations');

/**
 * The operator console's API (docs/operations.md): `operations { ... }` for operator and admin
 * keys, read from the real sources (BullMQ counts, the token pool, ranking runs, harvest records,
 * country harvest jobs, this instance's error window and health history), and the
 * `harvestActivity` / `countryHarvestActivity` subscriptions. Listed after `system` (it reads the
 * health history) and after every module with queues.
 */
export function operationsModule(options: OperationsModuleOptions = {}) {
  return defineModule({
    key: OPERATIONS,
    entities: [],
    resolvers: [OperationsResolver, OperationsActivityResolver],
    create(platform, { use, created }) {
      const { pool } = use(HARVEST).github;
      const { runs, countryHarvests } = use(RANKINGS);
      const service = new OperationsService({
        queue: platform.queue,
        queues: [...new Set(created.flatMap((module) => module.queues ?? []))],
        pool,
        runs,
        harvests: unfinishedHarvests,
        countryHarvests,
        errors: options.errors ?? new ErrorWindow(),
        health: use(SYSTEM).history,
      });
      return {
        resolvers: [new OperationsResolver(service), new OperationsActivityResolver()],
        exports: undefined,
      };
    },
  });
}
