/**
 * What a subscriber receives instead of events it may have missed: the link to Valkey was lost
 * and is back (events published meanwhile are gone, pub/sub being at-most-once), or it fell too
 * far behind and its backlog was dropped. The subscriber re-reads the current state.
 */
export interface ResyncMarker {
  readonly resync: true;
}

export const RESYNC: ResyncMarker = Object.freeze({ resync: true as const });

export function isResync(value: unknown): value is ResyncMarker {
  return value === RESYNC;
}

/**
 * The events of one subscription, as an async iterator: pushed by the pub/sub, pulled by the
 * GraphQL subscription. At most `maxBuffered` events wait for a slow consumer; past that its
 * backlog is replaced by one RESYNC. `return()` ends it at once, even while a pull is pending.
 */
export class EventStream implements AsyncIterableIterator<unknown> {
  private readonly buffer: unknown[] = [];
  private readonly pulls: ((result: IteratorResult<unknown>) => void)[] = [];
  private closed = false;

  constructor(
    private readonly onClose: () => void,
    private readonly maxBuffered = 100,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(value: unknown): void {
    if (this.closed) return;
    const pull = this.pulls.shift();
    if (pull) return pull({ value, done: false });
    if (this.buffer.length >= this.maxBuffered) this.buffer.splice(0, this.buffer.length, RESYNC);
    else this.buffer.push(value);
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift(), done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.pulls.push(resolve));
  }

  return(): Promise<IteratorResult<unknown>> {
    if (!this.closed) {
      this.closed = true;
      this.buffer.length = 0;
      for (const pull of this.pulls.splice(0)) pull({ value: undefined, done: true });
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
