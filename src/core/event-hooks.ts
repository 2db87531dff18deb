import type { Logger } from '../platform/logging/logger';

export type EventListener<T> = (event: T) => Promise<void>;

/**
 * Where a module tells later modules that something happened (a harvest ended, a ranking run
 * completed), in the process where it happened, after its commit. Later modules `use` the hooks
 * and subscribe; the publishing module knows no listener. A listener's failure is logged and
 * never reaches the publisher.
 */
export class EventHooks<T> {
  private readonly listeners = new Set<EventListener<T>>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  subscribe(listener: EventListener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: T): Promise<void> {
    for (const listener of this.listeners) {
      await listener(event).catch((error: Error) =>
        this.logger.warn({ error: error.message }, `${this.what} listener failed`),
      );
    }
  }
}
