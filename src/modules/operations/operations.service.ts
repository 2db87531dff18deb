import type { EntityManager } from '@mikro-orm/postgresql';
import { boundedArgument } from '../../core/arguments';
import type { ErrorCodeCount, ErrorWindow } from '../../platform/metrics/error-window';
import type { ResourceBudgetSnapshot } from '../../platform/github/identity-budget';
import type { TokenPool } from '../../platform/github/token-pool';
import type { QueueDriver } from '../../platform/queue/job-queue';
import type { HarvestState } from '../harvest/harvest-requests';
import type { CountryHarvestJobs } from '../rankings/country-harvest.jobs';
import type { CountryHarvestNode } from '../rankings/rankings.types';
import type { RankingRunResult, RankingRunService } from '../rankings/ranking-run.service';
import type { ComponentHistory, HealthHistory } from '../system/health-history';

/** Every list the console reads is at most this long. */
export const MAX_LISTED = 50;
/** The longest window of `recentErrors` and `healthHistory`, in minutes. */
export const MAX_MINUTES = 60;

export interface QueueFigures {
  readonly name: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
  readonly paused: boolean;
  readonly workers: number;
}

export interface TokenBudget {
  readonly token: string;
  readonly valid: boolean;
  readonly core: ResourceBudgetSnapshot | undefined;
  readonly graphql: ResourceBudgetSnapshot | undefined;
  readonly search: ResourceBudgetSnapshot | undefined;
}

export interface OperationsSources {
  readonly queue: QueueDriver;
  /** Every module's queues (the module list's `queues`). */
  readonly queues: readonly string[];
  readonly pool: Pick<TokenPool, 'snapshot'>;
  readonly runs: Pick<RankingRunService, 'recent'>;
  readonly harvests: (em: EntityManager, limit: number) => Promise<HarvestState[]>;
  readonly countryHarvests: Pick<CountryHarvestJobs, 'unfinished'>;
  readonly errors: ErrorWindow;
  readonly health: HealthHistory;
}

/** The operator console's figures, each read from its real source when asked for. */
export class OperationsService {
  constructor(private readonly sources: OperationsSources) {}

  /** One entry per queue, from BullMQ's job counts (every process's jobs). */
  queues(): Promise<QueueFigures[]> {
    return Promise.all(
      this.sources.queues.map(async (name) => {
        const { counts, paused, workers } = await this.sources.queue.stats(name);
        return { name, ...counts, paused, workers };
      }),
    );
  }

  /** Per token (masked, never its value): REST core, GraphQL and search budgets as this process saw them. */
  githubTokens(): TokenBudget[] {
    const snapshot = this.sources.pool.snapshot();
    const tokens = snapshot.tokens.map((t) => ({
      token: t.id,
      valid: t.valid,
      core: t.resources.core,
      graphql: t.resources.graphql,
      search: t.resources.search,
    }));
    if (snapshot.mode !== 'unauthenticated') return tokens.slice(0, MAX_LISTED);
    const u = snapshot.unauthenticated;
    return [{ token: 'unauthenticated', valid: true, core: u.core, graphql: u.graphql, search: u.search }];
  }

  rankingRuns(em: EntityManager, first: number): Promise<RankingRunResult[]> {
    return this.sources.runs.recent(em, boundedArgument('first', first, 1, MAX_LISTED));
  }

  harvests(em: EntityManager): Promise<HarvestState[]> {
    return this.sources.harvests(em, MAX_LISTED);
  }

  countryHarvests(em: EntityManager): Promise<CountryHarvestNode[]> {
    return this.sources.countryHarvests.unfinished(em, MAX_LISTED);
  }

  recentErrors(minutes: number): ErrorCodeCount[] {
    return this.sources.errors.recent(boundedArgument('minutes', minutes, 1, MAX_MINUTES));
  }

  healthHistory(minutes: number): ComponentHistory[] {
    return this.sources.health.recent(boundedArgument('minutes', minutes, 1, MAX_MINUTES));
  }
}
