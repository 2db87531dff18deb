import type { AppPubSub } from '../platform/pubsub/pubsub';

export { isResync, RESYNC, type ResyncMarker } from '../platform/pubsub/pubsub';

/**
 * Every pub/sub topic and the payload it carries, in one place (docs/realtime.md). Payloads are
 * JSON values (dates as ISO strings): over Valkey they travel as JSON, and the in-memory driver
 * copies them through JSON too, so a subscriber sees the same values in both modes. A subscriber
 * may receive RESYNC instead of an event (see platform/pubsub): it re-reads the current state.
 */

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/** A harvest's state; published on every change, per login (`HARVEST_PROGRESS:<login key>`). */
export type HarvestProgressPayload = {
  readonly jobId: string;
  readonly login: string;
  /** queued, running, completed, failed, not_found */
  readonly status: string;
  readonly trigger: string;
  readonly progress: number;
  readonly stage: string | null;
  readonly attempts: number;
  readonly error: string | null;
  readonly enqueuedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
};

/** A country harvest's state changed (running, progress, completed, failed, delayed); one topic. */
export type CountryHarvestActivityPayload = {
  /** The queue job's id (countryHarvest(id:)). */
  readonly id: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The queue job's state: waiting, active, delayed, completed, failed. */
  readonly state: string;
  readonly progress: {
    readonly searches: number;
    readonly usersFound: number;
    readonly harvestsRequested: number;
    readonly queriesDone: number;
    readonly incompleteSearches: number;
    readonly loginsSkipped: number;
  };
  readonly error: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
};

/** A developer's stored data changed (a harvest stored it); per login (`USER_UPDATED:<login key>`). */
export type UserUpdatedPayload = {
  readonly login: string;
  readonly userId: number;
  /** The harvest that stored it. */
  readonly harvestJobId: string | null;
};

/** A ranking run ended (completed, failed or skipped); one topic. */
export type RankingsUpdatedPayload = {
  readonly id: number;
  readonly status: string;
  readonly trigger: string;
  readonly jobId: string | null;
  readonly rankedUsers: number;
  readonly countries: number;
  /** ISO codes of the countries a completed run ranked developers in (empty otherwise). */
  readonly countryCodes: readonly string[];
  readonly durationMs: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly error: string | null;
};

/** A health component of one api instance changed status; one topic. */
export type SystemHealthChangedPayload = {
  /** Which process saw it (host name and process id). */
  readonly instance: string;
  /** ok, degraded or down: the instance as a whole. */
  readonly status: string;
  readonly checkedAt: string;
  readonly changes: readonly {
    readonly component: string;
    readonly from: string | null;
    readonly to: string;
    readonly message: string | null;
  }[];
};

export interface TopicPayloads {
  HARVEST_PROGRESS: HarvestProgressPayload;
  /** Every login's harvest changes on one topic (the operator console's harvestActivity). */
  HARVEST_ACTIVITY: HarvestProgressPayload;
  COUNTRY_HARVEST_ACTIVITY: CountryHarvestActivityPayload;
  USER_UPDATED: UserUpdatedPayload;
  RANKINGS_UPDATED: RankingsUpdatedPayload;
  SYSTEM_HEALTH_CHANGED: SystemHealthChangedPayload;
  /** An api instance's heartbeat to itself through pub/sub (response cache freshness); per instance. */
  RESPONSE_CACHE_HEARTBEAT: { readonly sentAt: number };
}

export type TopicName = keyof TopicPayloads;

/** The compiler refuses a payload type that is not a JSON value (a Date, a Map, undefined). */
type AssertJson<T extends { [K in TopicName]: Json }> = T;
export type JsonSafeTopics = AssertJson<{ [K in TopicName]: TopicPayloads[K] }>;

export const TOPICS: { readonly [K in TopicName]: K } = {
  HARVEST_PROGRESS: 'HARVEST_PROGRESS',
  HARVEST_ACTIVITY: 'HARVEST_ACTIVITY',
  COUNTRY_HARVEST_ACTIVITY: 'COUNTRY_HARVEST_ACTIVITY',
  USER_UPDATED: 'USER_UPDATED',
  RANKINGS_UPDATED: 'RANKINGS_UPDATED',
  SYSTEM_HEALTH_CHANGED: 'SYSTEM_HEALTH_CHANGED',
  RESPONSE_CACHE_HEARTBEAT: 'RESPONSE_CACHE_HEARTBEAT',
};

/** Topics keyed per entity are published and subscribed as `<topic>:<key>`. */
export type KeyedTopic = 'HARVEST_PROGRESS' | 'USER_UPDATED' | 'RESPONSE_CACHE_HEARTBEAT';

/** Publishes a typed event (fire and forget: a failure is logged by the pub/sub, never thrown). */
export function publishEvent<T extends KeyedTopic>(
  pubSub: AppPubSub,
  topic: T,
  key: string,
  payload: TopicPayloads[T],
): void;
export function publishEvent<T extends Exclude<TopicName, KeyedTopic>>(
  pubSub: AppPubSub,
  topic: T,
  payload: TopicPayloads[T],
): void;
export function publishEvent(pubSub: AppPubSub, topic: TopicName, ...rest: unknown[]): void {
  pubSub.publish(topic, ...rest);
}

/** The routing key a keyed topic's subscribers listen on. */
export function keyedTopic(topic: KeyedTopic, key: string): string {
  return `${topic}:${key}`;
}

/** The ISO string of a date, or null. */
export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
