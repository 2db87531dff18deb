import { PubSub as MemoryPubSubEngine, type PubSubEngine } from 'graphql-subscriptions';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Logger } from '../logging/logger';
import { closeRedis, type RedisFactory } from '../redis/redis-factory';

/**
 * The pub/sub that type-graphql subscriptions and features publish through. Over Valkey, an
 * event published by any process reaches subscribers on every api instance; in memory, only
 * this process's subscribers.
 *
 * `publish(topic, payload)` or, for per-entity topics, `publish(topic, id, payload)`, which
 * matches `@Subscription({ topics, topicId })` subscribers of `topic:id`.
 */
export interface AppPubSub {
  publish(routingKey: string, ...args: unknown[]): void;
  /** The events of `routingKey` (or `routingKey:dynamicId`); the shape type-graphql subscribes with. */
  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown>;
  close(): Promise<void>;
}

class EnginePubSub implements AppPubSub {
  constructor(
    private readonly engine: PubSubEngine,
    private readonly prefix: string,
    private readonly onClose: () => Promise<void>,
    private readonly onError: (topic: string, error: Error) => void,
  ) {}

  publish(routingKey: string, ...args: unknown[]): void {
    const [topic, payload] =
      args.length >= 2 ? [`${routingKey}:${String(args[0])}`, args[1]] : [routingKey, args[0]];
    this.engine.publish(this.prefix + topic, payload).catch((error: Error) => this.onError(topic, error));
  }

  subscribe(routingKey: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const topic = dynamicId === undefined ? routingKey : `${routingKey}:${String(dynamicId)}`;
    return this.engine.asyncIterableIterator(this.prefix + topic);
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

export function createMemoryPubSub(logger: Logger): AppPubSub {
  return new EnginePubSub(new MemoryPubSubEngine(), '', async () => {}, publishFailed(logger));
}

/** A lost event is logged, never thrown: publishers are jobs and mutations that already succeeded. */
function publishFailed(logger: Logger) {
  return (topic: string, error: Error) =>
    logger.warn({ topic, error: error.message }, 'event publish failed');
}

export function createRedisPubSub(factory: RedisFactory, logger: Logger): AppPubSub {
  const publisher = factory.create('publisher');
  const subscriber = factory.create('subscriber');
  const engine = new RedisPubSub({ publisher, subscriber });
  return new EnginePubSub(
    engine,
    `${factory.keyPrefix}:events:`,
    // Closing the engine directly would QUIT, which fails on a link that is still reconnecting.
    () => Promise.all([closeRedis(publisher), closeRedis(subscriber)]).then(() => undefined),
    publishFailed(logger),
  );
}
