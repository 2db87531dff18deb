import { randomUUID } from 'node:crypto';
import { isResync, TOPICS, type TopicPayloads } from '../core/topics';
import type { Logger } from '../platform/logging/logger';
import type { AppPubSub } from '../platform/pubsub/pubsub';
import { ALL_TAG, type ResponseCache } from '../platform/response-cache/response-cache';

/** Tags of answers: one developer's (`user(login:)`), and lists showing many developers. */
export const LISTS_TAG = 'lists';
export const userTag = (loginKey: string): string => `user:${loginKey}`;

/**
 * Keeps the response cache fresh on this instance: every instance listens to the data-change
 * events (over Valkey pub/sub, so a harvest finished by any worker reaches every api instance):
 * - a developer stored (USER_UPDATED): that developer's answers and every list;
 * - a harvest's state changed (HARVEST_PROGRESS): that developer's answers (they show the harvest);
 * - a ranking run ended (RANKINGS_UPDATED), or events may have been lost (RESYNC): everything.
 * And it bounds staleness when the link lags: see the heartbeat below.
 * Returns a function that stops listening.
 */
export function invalidateOnDataChanges(options: {
  readonly pubSub: AppPubSub;
  readonly cache: ResponseCache;
  readonly loginKey: (login: string) => string;
  readonly logger: Logger;
  /** How often this instance sends itself a heartbeat through the link (`ResponseCache.heard`). */
  readonly heartbeatMs: number;
}): () => void {
  const { pubSub, cache, loginKey } = options;
  const streams: AsyncIterable<unknown>[] = [];
  const listen = (stream: AsyncIterable<unknown>, onEvent: (payload: Record<string, unknown>) => void) => {
    streams.push(stream);
    void (async () => {
      for await (const event of stream) {
        if (isResync(event) || typeof event !== 'object' || event === null) {
          cache.invalidate(ALL_TAG);
          continue;
        }
        onEvent(event as Record<string, unknown>);
      }
    })().catch((error: unknown) => {
      options.logger.error({ err: error }, 'response cache: invalidation listener failed; flushing');
      cache.invalidate(ALL_TAG);
    });
  };
  const loginOf = (payload: Record<string, unknown>) =>
    typeof payload.login === 'string' ? loginKey(payload.login) : undefined;

  listen(pubSub.subscribeEveryKey(TOPICS.USER_UPDATED), (payload) => {
    const key = loginOf(payload);
    if (key === undefined) return cache.invalidate(ALL_TAG);
    cache.invalidate(userTag(key));
    cache.invalidate(LISTS_TAG);
  });
  listen(pubSub.subscribeEveryKey(TOPICS.HARVEST_PROGRESS), (payload) => {
    const key = loginOf(payload);
    cache.invalidate(key === undefined ? ALL_TAG : userTag(key));
  });
  listen(pubSub.subscribe(TOPICS.RANKINGS_UPDATED), () => cache.invalidate(ALL_TAG));

  // Heartbeats through the same link: one read back proves every event published before it has
  // been read, so the cache serves hits only while one was heard recently (RESPONSE_CACHE_MAX_STALE_MS).
  const instance = randomUUID();
  listen(pubSub.subscribe(TOPICS.RESPONSE_CACHE_HEARTBEAT, instance), (payload) => {
    if (typeof payload.sentAt === 'number') cache.heard(payload.sentAt);
  });
  const beat = () => {
    const payload: TopicPayloads['RESPONSE_CACHE_HEARTBEAT'] = { sentAt: Date.now() };
    pubSub.publishThroughLink(TOPICS.RESPONSE_CACHE_HEARTBEAT, instance, payload);
  };
  const heartbeat = setInterval(beat, options.heartbeatMs);
  heartbeat.unref();
  beat();
  return () => {
    clearInterval(heartbeat);
    for (const stream of streams) void (stream as AsyncIterableIterator<unknown>).return?.();
  };
}
