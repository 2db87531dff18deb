import { PubSub as MemoryPubSubEngine, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from '../logging/logger';
import { closeRedis, type RedisClient, type RedisFactory } from '../redis/redis-factory';
import { EventStream, RESYNC } from './event-stream';

export { isResync, RESYNC, type ResyncMarker } from './event-stream';

/**
 * The pub/sub that type-graphql subscriptions and features publish through. Over Valkey, an
 * event published by any process reaches subscribers on every api instance; in memory, only
 * this process's subscribers. Payloads travel as JSON in both (core/topics.ts types them).
 *
 * `publish(topic, payload)` or, for per-entity topics, `publish(topic, id, payload)`, which
 * matches `@Subscription({ topics, topicId })` subscribers of `topic:id`.
 *
 * Delivery is at most once. When the subscriber link to Valkey is lost and comes back (ioredis
 * reconnects and subscribes again by itself), every open subscription receives RESYNC once, in
 * place of whatever was published while it was cut off; so does a subscriber that fell more than
 * `maxBuffered` events behind.
 *
 * An event Valkey refused (the link is down: the publisher keeps no offline queue) still reaches
 * this process's own subscribers of its topic: an api instance's subscribers then learn what the
 * instance itself saw during the outage (its health going down, docs/realtime.md). Other
 * processes do not get it; they receive RESYNC when their link is back.
 */
export interface AppPubSub {
  publish(routingKey: string, ...args: unknown[]): void;
  /**
   * Publishes `routingKey:key` through the link only: when Valkey refuses it, it is not handed to
   * this process's subscribers (as `publish` does). For probes of the link itself (heartbeats).
   */
  publishThroughLink(routingKey: string, key: string, payload: unknown): void;
  /** The events of `routingKey` (or `routingKey:dynamicId`); the shape type-graphql subscribes with. */
  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown>;
  /**
   * The events of `routingKey:<any id>` (every entity of a keyed topic), for listeners that track
   * all of them (the response cache's invalidation). Payloads only; RESYNC as for `subscribe`.
   */
  subscribeEveryKey(routingKey: string): AsyncIterable<unknown>;
  /** Subscriptions open in this process (health and tests). */
  readonly openStreams: number;
  close(): Promise<void>;
}

class EnginePubSub implements AppPubSub {
  private readonly streams = new Set<EventStream>();
  /** In memory (one process), streams of every key of a topic are fed by `publish` itself. */
  private readonly everyKey = new Map<string, Set<EventStream>>();
  /** Over Valkey, this process's streams by topic (or `<topic>:*` pattern): fed when a publish fails. */
  private readonly local = new Map<string, Set<EventStream>>();

  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
    private readonly onClose: () => Promise<void>,
    private readonly onError: (topic: string, error: Error) => void,
    /** In memory, payloads are copied through JSON so both drivers deliver the same values. */
    private readonly throughJson: boolean,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  publish(routingKey: string, ...args: unknown[]): void {
    this.send(routingKey, args, true);
  }

  publishThroughLink(routingKey: string, key: string, payload: unknown): void {
    this.send(routingKey, [key, payload], false);
  }

  private send(routingKey: string, args: unknown[], hereWhenRefused: boolean): void {
    const [topic, payload] =
      args.length >= 2 ? [`${routingKey}:${String(args[0])}`, args[1]] : [routingKey, args[0]];
    const value = this.throughJson ? (JSON.parse(JSON.stringify(payload ?? null)) as unknown) : payload;
    this.engine.publish(this.prefix + topic, value).catch((error: Error) => {
      this.onError(topic, error);
      if (hereWhenRefused) this.deliverHere(routingKey, topic, payload);
    });
    if (this.throughJson && args.length >= 2) {
      for (const stream of this.everyKey.get(routingKey) ?? []) stream.push(value);
    }
  }

  subscribeEveryKey(routingKey: string): AsyncIterable<unknown> {
    if (this.throughJson) {
      const streams = this.everyKey.get(routingKey) ?? new Set<EventStream>();
      this.everyKey.set(routingKey, streams);
      const stream = new EventStream(() => {
        this.streams.delete(stream);
        streams.delete(stream);
      });
      streams.add(stream);
      this.streams.add(stream);
      return stream;
    }
    // Over Valkey: a pattern subscription (PSUBSCRIBE <prefix><topic>:*).
    return this.open(`${routingKey}:*`, { pattern: true });
  }

  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
    return this.open(dynamicId === undefined ? routingKey : `${routingKey}:${String(dynamicId)}`, {});
  }

  /** A publish Valkey refused, to this process's subscribers of the topic (copied as JSON, as Valkey would). */
  private deliverHere(routingKey: string, topic: string, payload: unknown): void {
    const streams = [...(this.local.get(topic) ?? [])];
    if (topic !== routingKey) streams.push(...(this.local.get(`${routingKey}:*`) ?? []));
    if (streams.length === 0) return;
    const value = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
    for (const stream of streams) stream.push(value);
  }

  private open(topic: string, options: { pattern?: boolean }): AsyncIterable<unknown> {
    const subscription = this.engine.subscribe(
      this.prefix + topic,
      (payload: unknown) => stream.push(payload),
      options,
    );
    const local = this.local.get(topic) ?? new Set<EventStream>();
    this.local.set(topic, local);
    const stream = new EventStream(() => {
      this.streams.delete(stream);
      local.delete(stream);
      if (local.size === 0 && this.local.get(topic) === local) this.local.delete(topic);
      subscription.then(
        (id) => this.engine.unsubscribe(id),
        () => undefined,
      );
    });
    subscription.catch((error: Error) => {
      this.onError(topic, error);
      void stream.return();
    });
    this.streams.add(stream);
    local.add(stream);
    return stream;
  }

  /** Tells every open subscription to re-read: events may have been lost. */
  resync(): void {
    for (const stream of this.streams) stream.push(RESYNC);
  }

  close(): Promise<void> {
    for (const stream of [...this.streams]) void stream.return();
    return this.onClose();
  }
}

export function createMemoryPubSub(logger: Logger): AppPubSub {
  return new EnginePubSub(new MemoryPubSubEngine(), '', async () => {}, publishFailed(logger), true);
}

/** A lost event is logged, never thrown: publishers are jobs and mutations that already succeeded. */
function publishFailed(logger: Logger) {
  return (topic: string, error: Error) =>
    logger.warn({ topic, error: error.message }, 'event publish failed');
}

/** Calls `onBack` each time the connection is ready again after being lost (not on the first connect). */
function onReconnected(client: RedisClient, onBack: () => void): void {
  let ready = client.status === 'ready';
  let lost = false;
  client.on('ready', () => {
    if (ready && lost) onBack();
    ready = true;
    lost = false;
  });
  client.on('close', () => {
    if (ready) lost = true;
  });
}

export function createRedisPubSub(factory: RedisFactory, logger: Logger): AppPubSub {
  const publisher = factory.create('publisher');
  const subscriber = factory.create('subscriber');
  handleUnsubscribeFailures(subscriber, logger);
  const engine = new RedisPubSub({ publisher, subscriber });
  const pubSub = new EnginePubSub(
    engine,
    `${factory.keyPrefix}:events:`,
    // Closing the engine directly would QUIT, which fails on a link that is still reconnecting.
    () => Promise.all([closeRedis(publisher), closeRedis(subscriber)]).then(() => undefined),
    publishFailed(logger),
    false,
  );
  // ioredis subscribes again by itself once it is back; what was published meanwhile is gone.
  onReconnected(subscriber, () => {
    logger.warn({ subscriptions: pubSub.openStreams }, 'pub/sub link back: subscribers told to resync');
    pubSub.resync();
  });
  return pubSub;
}

/**
 * graphql-redis-subscriptions sends UNSUBSCRIBE and PUNSUBSCRIBE without handling their promises.
 * When the link is reconnecting (after a refused login during a credential rotation, say), ioredis
 * rejects the queued commands with that error, and an unhandled rejection ends a Node process.
 * Nothing is lost by a failed unsubscribe: the channel goes with the connection, and ioredis
 * subscribes again only to channels still wanted. So the failure is logged, not thrown.
 */
function handleUnsubscribeFailures(subscriber: RedisClient, logger: Logger): void {
  for (const name of ['unsubscribe', 'punsubscribe'] as const) {
    const send = subscriber[name].bind(subscriber) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(subscriber, {
      [name]: (...args: unknown[]) => {
        const sent = send(...args);
        sent.catch((error: Error) =>
          logger.debug({ error: error.message, command: name }, 'pub/sub: unsubscribe not sent (link down)'),
        );
        return sent;
      },
    });
  }
}
