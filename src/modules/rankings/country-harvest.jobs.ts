import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../../platform/logging/logger';
import type { JobOutbox, PendingJob } from '../../platform/outbox/job-outbox';
import type { JobInfo, JobState, QueueDriver, RunningJob } from '../../platform/queue/job-queue';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import { publishEvent, TOPICS } from '../../core/topics';
import type { CountryDirectory } from './country-directory';
import { countryHarvestState } from './country-harvest-state';
import {
  type CountryHarvestProgress,
  type CountryHarvestService,
  noCountryHarvestProgress,
} from './country-harvest.service';
import { CountryHarvestNode, CountryHarvestProgressNode, CountryNode } from './rankings.types';

export const COUNTRY_HARVEST_QUEUE = 'country-harvest';
const ATTEMPTS = 3;

export interface CountryHarvestJobData {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

export interface CountryHarvestJobsOptions {
  readonly queue: QueueDriver;
  /** Where harvestCountry writes its job; the relay adds it to `queue` after the commit. */
  readonly outbox: JobOutbox;
  readonly service: CountryHarvestService;
  readonly countries: CountryDirectory;
  readonly fork: () => EntityManager;
  readonly logger: Logger;
  /** Where its state changes go (COUNTRY_HARVEST_ACTIVITY: countryHarvestActivity). */
  readonly pubSub: AppPubSub;
}

/** Country harvests as queue jobs: their progress is the job's progress (countryHarvest(id:)). */
export class CountryHarvestJobs {
  constructor(private readonly options: CountryHarvestJobsOptions) {}

  /**
   * Asks for a country harvest: its job is committed to the outbox before this answers, so it
   * survives a queue that is briefly unreachable or a process that dies before relaying it.
   */
  async enqueue(em: EntityManager, code: string): Promise<CountryHarvestNode> {
    // One job per country per clock hour: asking again within the hour returns that job (waiting,
    // running or done) instead of spending the 30-a-minute search budget on the same searches.
    const jobId = `country-${code}-${Math.floor(Date.now() / 3_600_000)}`;
    await this.options.outbox.enqueue<CountryHarvestJobData>(em, {
      queue: COUNTRY_HARVEST_QUEUE,
      name: 'harvest-country',
      data: { country: code },
      jobId,
      opts: { attempts: ATTEMPTS, backoffMs: 60_000 },
    });
    return (await this.get(em, jobId)) ?? this.waitingNode(code, jobId, new Date());
  }

  /** From the outbox while it waits for the relay (looked at first: a relay may be adding it), else from the queue. */
  async get(em: EntityManager, id: string): Promise<CountryHarvestNode | null> {
    const pending = await this.options.outbox.pending(em, COUNTRY_HARVEST_QUEUE, id);
    if (pending) return this.fromPending(pending);
    const job = await this.options.queue.get<CountryHarvestJobData>(COUNTRY_HARVEST_QUEUE, id);
    return job ? this.toNode(job) : null;
  }

  /**
   * Country harvests not finished yet (waiting for the relay, waiting, running or delayed), newest
   * first, at most `limit`: the operator console.
   */
  async unfinished(em: EntityManager, limit: number): Promise<CountryHarvestNode[]> {
    const [pending, jobs] = await Promise.all([
      this.options.outbox.pendingOf(em, COUNTRY_HARVEST_QUEUE, limit),
      this.options.queue.list<CountryHarvestJobData>(
        COUNTRY_HARVEST_QUEUE,
        ['waiting', 'active', 'delayed'],
        limit,
      ),
    ]);
    const queued = new Set(jobs.map((job) => job.id));
    return [
      ...pending.filter((p) => !queued.has(p.jobId)).map((p) => this.fromPending(p)),
      ...jobs.map((job) => this.toNode(job)),
    ]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .slice(0, limit);
  }

  /** Worker role: one country at a time per worker (the search budget is shared anyway). */
  startWorker(): void {
    this.options.queue.work<CountryHarvestJobData>(COUNTRY_HARVEST_QUEUE, (job) => this.handle(job), {
      concurrency: 1,
    });
  }

  /** Runs one country harvest, publishing each state change (running, progress, then the outcome). */
  readonly handle = async (job: RunningJob<CountryHarvestJobData>): Promise<CountryHarvestProgress> => {
    const queued = await this.options.queue.get(COUNTRY_HARVEST_QUEUE, job.id).catch(() => undefined);
    const publish = (state: JobState, progress: CountryHarvestProgress, error: string | null = null) =>
      publishEvent(this.options.pubSub, TOPICS.COUNTRY_HARVEST_ACTIVITY, {
        id: job.id,
        country: job.data.country,
        state,
        progress: { ...progress },
        error,
        createdAt: (queued?.createdAt ?? new Date()).toISOString(),
        finishedAt: state === 'completed' || state === 'failed' ? new Date().toISOString() : null,
      });
    let last = noCountryHarvestProgress();
    publish('active', last);
    try {
      const done = await this.options.service.harvest(this.options.fork(), job.data.country, (progress) => {
        last = progress;
        publish('active', progress);
        return job.updateProgress({ ...progress });
      });
      publish('completed', done);
      return done;
    } catch (error) {
      const final = job.attemptsMade + 1 >= ATTEMPTS;
      publish(final ? 'failed' : 'delayed', last, (error as Error).message);
      throw error;
    }
  };

  private fromPending(pending: PendingJob): CountryHarvestNode {
    return this.waitingNode(
      (pending.data as CountryHarvestJobData).country,
      pending.jobId,
      pending.createdAt,
    );
  }

  private waitingNode(code: string, id: string, createdAt: Date): CountryHarvestNode {
    return this.node(code, {
      id,
      state: countryHarvestState('waiting'),
      progress: {},
      error: null,
      createdAt,
      finishedAt: null,
    });
  }

  private toNode(job: JobInfo<CountryHarvestJobData>): CountryHarvestNode {
    const raw = typeof job.progress === 'object' && job.progress !== null ? job.progress : {};
    return this.node(job.data.country, {
      id: job.id,
      state: countryHarvestState(job.state),
      progress: raw,
      error: job.failedReason ?? null,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt ?? null,
    });
  }

  private node(code: string, job: CountryHarvestFields): CountryHarvestNode {
    return countryHarvestNode(code, this.options.countries.name(code), job);
  }
}

export type CountryHarvestFields = Pick<
  CountryHarvestNode,
  'id' | 'state' | 'error' | 'createdAt' | 'finishedAt'
> & { progress: object };

/** A country harvest as the API shows it (`name`: the country's English name; unknown: its code). */
export function countryHarvestNode(
  code: string,
  name: string | null | undefined,
  job: CountryHarvestFields,
): CountryHarvestNode {
  return Object.assign(new CountryHarvestNode(), {
    ...job,
    country: Object.assign(new CountryNode(), { code, name: name ?? code }),
    progress: Object.assign(new CountryHarvestProgressNode(), {
      ...noCountryHarvestProgress(),
      ...job.progress,
    }),
  });
}
