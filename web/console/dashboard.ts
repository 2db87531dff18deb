import type { Client } from 'graphql-ws';
import { byId } from './dom';
import { type ApiRequestError, type ConsoleApi, subscribe } from './graphql-client';
import {
  COUNTRY_HARVEST_ACTIVITY,
  HARVEST_ACTIVITY,
  HEALTH,
  HEALTH_CHANGED,
  OVERVIEW,
  RANKINGS_UPDATED,
  REFRESH,
  RUNS_AND_HARVESTS,
} from './documents';
import { CountryHarvestsView, HarvestsView } from './harvests-view';
import { HealthView } from './health-view';
import { QueuesView, RunsView, showErrors, showTokens } from './tables-view';
import type {
  Activity,
  CountryHarvest,
  HarvestActivity,
  HealthChanged,
  HealthRead,
  Overview,
  RankingRun,
  Refreshed,
} from './types';

/** Queues, token budgets and errors have no subscription: re-read this often. */
export const REFRESH_INTERVAL_MS = 15_000;
/** While the live link is down, or a component is not OK, health is re-read this often. */
export const HEALTH_FALLBACK_MS = 5_000;

/**
 * The signed-in console: one full read, then subscriptions (health, harvests, country harvests,
 * ranking runs) and a periodic re-read of what has no subscription. A reconnect or a resync event
 * re-reads, since events may have been missed meanwhile.
 */
export class Dashboard {
  private readonly health = new HealthView();
  private readonly queues = new QueuesView();
  private readonly runs = new RunsView();
  private readonly harvests = new HarvestsView();
  private readonly countries = new CountryHarvestsView();
  private socket: Client | undefined;
  private readonly stops: (() => void)[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private live = false;
  private stopped = false;

  constructor(
    private readonly api: ConsoleApi,
    private readonly announce: (text: string) => void,
    private readonly onFatal: (error: ApiRequestError) => void,
  ) {}

  /** Reads everything; throws the API's refusal (FORBIDDEN for a reader key). */
  async start(): Promise<void> {
    this.show(await this.api.query<Overview>(OVERVIEW));
    this.socket = this.api.socket({
      connected: (wasRetry) => {
        this.setLive(true);
        if (wasRetry) void this.reread();
      },
      closed: () => this.setLive(false),
    });
    const failed = (e: ApiRequestError) => this.failed(e);
    this.stops.push(
      subscribe<HealthChanged>(this.socket, HEALTH_CHANGED, (d) => this.onHealth(d), failed),
      subscribe<HarvestActivity>(this.socket, HARVEST_ACTIVITY, (d) => this.onHarvest(d), failed),
      subscribe<{ countryHarvestActivity: CountryHarvest }>(
        this.socket,
        COUNTRY_HARVEST_ACTIVITY,
        (d) => this.say(this.countries.apply(d.countryHarvestActivity)),
        failed,
      ),
      subscribe<{ rankingsUpdated: RankingRun }>(
        this.socket,
        RANKINGS_UPDATED,
        (d) => this.say(this.runs.apply(d.rankingsUpdated)),
        failed,
      ),
    );
    this.timers.push(
      setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS),
      setInterval(() => {
        if (!this.live || this.health.anyNotOk) void this.rereadHealth();
      }, HEALTH_FALLBACK_MS),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    void this.socket?.dispose();
    this.socket = undefined;
  }

  private show(data: Overview): void {
    const ops = data.operations;
    this.health.load(ops.instance, data.systemHealth, ops.healthHistory);
    this.queues.show(ops.queues);
    showTokens(ops.githubTokens);
    showErrors(ops.recentErrors);
    this.runs.load(ops.rankingRuns);
    this.harvests.load(ops.harvests);
    this.countries.load(ops.countryHarvests);
    byId('updated-at').textContent = new Date().toLocaleTimeString();
  }

  private onHealth(data: HealthChanged): void {
    const event = data.systemHealthChanged;
    if (event.resync) return void this.rereadHealth();
    for (const text of this.health.apply(event)) this.announce(text);
  }

  private onHarvest(data: HarvestActivity): void {
    if (data.harvestActivity.resync) return void this.rereadActivity();
    this.say(this.harvests.apply(data.harvestActivity));
  }

  private say(text: string | undefined): void {
    if (text) this.announce(text);
  }

  private async guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      byId('problem').textContent = '';
    } catch (error) {
      this.failed(error as ApiRequestError);
    }
  }

  private refresh(): Promise<void> {
    return this.guarded(async () => {
      const { operations } = await this.api.query<Refreshed>(REFRESH);
      this.queues.show(operations.queues);
      showTokens(operations.githubTokens);
      showErrors(operations.recentErrors);
      byId('updated-at').textContent = new Date().toLocaleTimeString();
    });
  }

  private rereadHealth(): Promise<void> {
    return this.guarded(async () => {
      const data = await this.api.query<HealthRead>(HEALTH);
      const before = new Map(this.currentStatuses());
      this.health.load(data.operations.instance, data.systemHealth, data.operations.healthHistory);
      for (const c of data.systemHealth.components)
        if (before.has(c.name) && before.get(c.name) !== c.status) this.announce(`${c.name} is ${c.status}`);
    });
  }

  private currentStatuses(): [string, string][] {
    return [...document.querySelectorAll<HTMLElement>('#health-components [data-component]')].map((e) => [
      e.dataset.component!,
      e.dataset.status!,
    ]);
  }

  private rereadActivity(): Promise<void> {
    return this.guarded(async () => {
      const { operations } = await this.api.query<Activity>(RUNS_AND_HARVESTS);
      this.runs.load(operations.rankingRuns);
      this.harvests.load(operations.harvests);
      this.countries.load(operations.countryHarvests);
    });
  }

  private reread(): Promise<void> {
    return this.guarded(async () => this.show(await this.api.query<Overview>(OVERVIEW)));
  }

  private setLive(live: boolean): void {
    if (this.stopped || this.live === live) return;
    this.live = live;
    const status = byId('live-status');
    status.textContent = live ? 'Live' : 'Reconnecting…';
    status.className = live ? 'live live-on' : 'live live-off';
    this.announce(live ? 'Live updates connected' : 'Live updates lost; reconnecting');
  }

  /** A revoked key ends the session; other failures are shown and retried at the next turn. */
  private failed(error: ApiRequestError): void {
    if (this.stopped) return;
    if (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') return this.onFatal(error);
    byId('problem').textContent = `Could not update: ${error.message} (${error.code}). Retrying.`;
  }
}
