import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { JobInfo, QueueDriver, RunningJob } from '../../platform/queue/job-queue';
import type { CountryDirectory } from './country-directory';
import { countryHarvestState } from './country-harvest-state';
import type { CountryHarvestProgress, CountryHarvestService } from './country-harvest.service';
import { CountryHarvestNode, CountryHarvestProgressNode, CountryNode } from './rankings.types';

export const COUNTRY_HARVEST_QUEUE = 'country-harvest';

export interface CountryHarvestJobData {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

export interface CountryHarvestJobsOptions {
  readonly queue: QueueDriver;
  readonly service: CountryHarvestService;
  readonly countries: CountryDirectory;
  readonly fork: () => EntityManager;
  readonly logger: Logger;
}

const EMPTY: CountryHarvestProgress = { searches: 0, usersFound: 0, harvestsRequested: 0, queriesDone: 0 };

/** Country harvests as queue jobs: their progress is the job's progress (countryHarvest(id:)). */
export class CountryHarvestJobs {
  constructor(private readonly options: CountryHarvestJobsOptions) {}

  async enqueue(code: string): Promise<CountryHarvestNode> {
    const job = await this.options.queue.add<CountryHarvestJobData>(
      COUNTRY_HARVEST_QUEUE,
      'harvest-country',
      { country: code },
      // One job per country per clock hour: asking again within the hour returns that job (waiting,
      // running or done) instead of spending the 30-a-minute search budget on the same searches.
      { jobId: `country-${code}-${Math.floor(Date.now() / 3_600_000)}`, attempts: 3, backoffMs: 60_000 },
    );
    return this.toNode(job);
  }

  async get(id: string): Promise<CountryHarvestNode | null> {
    const job = await this.options.queue.get<CountryHarvestJobData>(COUNTRY_HARVEST_QUEUE, id);
    return job ? this.toNode(job) : null;
  }

  /** Worker role: one country at a time per worker (the search budget is shared anyway). */
  startWorker(): void {
    this.options.queue.work<CountryHarvestJobData>(COUNTRY_HARVEST_QUEUE, (job) => this.handle(job), {
      concurrency: 1,
    });
  }

  readonly handle = (job: RunningJob<CountryHarvestJobData>): Promise<CountryHarvestProgress> =>
    this.options.service.harvest(this.options.fork(), job.data.country, (progress) =>
      job.updateProgress({ ...progress }),
    );

  private toNode(job: JobInfo<CountryHarvestJobData>): CountryHarvestNode {
    const code = job.data.country;
    const raw = typeof job.progress === 'object' && job.progress !== null ? job.progress : {};
    return Object.assign(new CountryHarvestNode(), {
      id: job.id,
      country: Object.assign(new CountryNode(), { code, name: this.options.countries.name(code) ?? code }),
      state: countryHarvestState(job.state),
      progress: Object.assign(new CountryHarvestProgressNode(), { ...EMPTY, ...raw }),
      error: job.failedReason ?? null,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt ?? null,
    });
  }
}
