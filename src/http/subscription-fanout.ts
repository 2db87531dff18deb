import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLError,
} from 'graphql';
import type { Viewer } from '../core/viewer';
import type { GraphQLContext } from '../graphql/context';
import type { CompiledDocuments, CompiledOperation } from '../graphql/compiled-documents';
import type { Logger } from '../platform/logging/logger';

/** What the fan-out needs of a subscriber's socket (a `ws` WebSocket). */
export interface SubscriberSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  /** A text frame (a Buffer is sent as text too: `binary: false`). */
  send(data: string | Buffer, options: { binary: false }): void;
  close(code: number, reason: string): void;
}

export interface FanoutSubscriber {
  readonly socket: SubscriberSocket;
  /** The graphql-ws operation id. */
  readonly id: string;
  /** Calls back with the error that ends it (its connection's key was revoked or expired); returns how to stop listening. */
  whenEnded(listener: (error: GraphQLError) => void): () => void;
}

export interface FanoutOptions {
  /** A fresh context for one execution (its own EntityManager and loaders). */
  context(viewer: Viewer, requestId: string, signal: AbortSignal): GraphQLContext;
  /** The result as clients receive it (errors formatted and logged). */
  format(result: ExecutionResult, requestId: string): FormattedExecutionResult;
  /** Sends per turn of the event loop before yielding (setImmediate). */
  readonly sliceSize: number;
  /** A socket with more than this waiting to be written is closed (1013): it cannot keep up. */
  readonly maxBufferedBytes: number;
  readonly logger: Logger;
  /** Compiled documents (graphql-jit) for the executions per event; without, graphql-js `execute`. */
  readonly compiled?: CompiledDocuments;
}

const OPEN = 1;
const TEXT = { binary: false } as const;
/** Synchronous work the fan-out does per turn of the event loop before it lets I/O and timers run. */
const TURN_BUDGET_MS = 10;

/**
 * Paces the groups' executions: a burst of events for many groups (a Redis reply carrying hundreds
 * of messages resolves them all in one turn) would otherwise execute back to back in microtasks
 * and hold the event loop. Tasks start at once while the current turn has used less than
 * `budgetMs`; the rest wait, in order, for later turns (setImmediate).
 */
export class TurnPacer {
  private readonly queue: (() => void)[] = [];
  private inTurn = false;
  private turnStart = 0;

  constructor(private readonly budgetMs = TURN_BUDGET_MS) {}

  run(task: () => Promise<void>): Promise<void> {
    // The common case (nothing waiting, budget left) starts it at once, with no promise of its own.
    if (this.queue.length === 0 && this.hasBudget()) return task();
    return new Promise<void>((resolve, reject) => {
      this.queue.push(() => void task().then(resolve, reject));
    });
  }

  private hasBudget(): boolean {
    if (!this.inTurn) this.beginTurn();
    return performance.now() - this.turnStart < this.budgetMs;
  }

  private beginTurn(): void {
    this.inTurn = true;
    this.turnStart = performance.now();
    setImmediate(() => {
      this.inTurn = false;
      if (this.queue.length === 0) return;
      this.beginTurn();
      while (this.queue.length > 0 && performance.now() - this.turnStart < this.budgetMs)
        this.queue.shift()!();
    });
  }
}

/** The group of one (document, variables, role): who receives its results. */
export function fanoutKey(
  query: string,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  viewer: Viewer,
): string {
  const role = viewer.kind === 'apiKey' ? viewer.role : 'anonymous';
  return JSON.stringify([role, operationName ?? null, variables ?? {}, query]);
}

/**
 * Shared subscriptions: subscribers of the same document, variables and role share ONE source
 * stream (one pub/sub subscription), and each event is executed ONCE for all of them and serialized
 * once; each subscriber's `next` frame is that payload behind its own operation id, written straight
 * to its socket, `sliceSize` sockets per turn of the event loop. graphql-ws keeps the protocol
 * (subscribe, complete, error, close): the iterator it holds yields nothing and ends when the
 * subscriber is completed, its socket closes, its key is revoked (error) or the group's stream ends.
 *
 * A subscription result may therefore depend only on its document, variables and the caller's role
 * (true of every subscription of this schema: none reads the caller's identity).
 */
export class SubscriptionFanout {
  private readonly groups = new Map<string, GroupEntry>();
  private readonly pacer = new TurnPacer();
  private sequence = 0;

  constructor(private readonly options: FanoutOptions) {}

  /** Groups running now (tests, health). */
  get size(): number {
    return this.groups.size;
  }

  async join(
    key: string,
    args: ExecutionArgs,
    viewer: Viewer,
    subscriber: FanoutSubscriber,
  ): Promise<AsyncIterableIterator<never> | ExecutionResult> {
    for (;;) {
      let entry = this.groups.get(key);
      if (!entry) {
        const created: GroupEntry = { pending: undefined! };
        created.pending = this.open(args, viewer, () => {
          if (this.groups.get(key) === created) this.groups.delete(key);
        });
        this.groups.set(key, (entry = created));
      }
      const group = await entry.pending;
      if (!(group instanceof Group)) return group; // refused when it started (bad argument, role)
      if (!group.closed) return group.add(subscriber);
    }
  }

  private async open(
    args: ExecutionArgs,
    viewer: Viewer,
    forget: () => void,
  ): Promise<Group | ExecutionResult> {
    const requestId = `fanout-${++this.sequence}`;
    const controller = new AbortController();
    try {
      const contextValue = this.options.context(viewer, requestId, controller.signal);
      const source = await createSourceEventStream({ ...args, contextValue });
      if (!(Symbol.asyncIterator in source)) {
        forget();
        return source;
      }
      return new Group(
        source,
        { ...args, contextValue },
        viewer,
        requestId,
        controller,
        this.options,
        this.pacer,
        forget,
      );
    } catch (error) {
      forget();
      throw error;
    }
  }
}

interface GroupEntry {
  pending: Promise<Group | ExecutionResult>;
}

class Group {
  readonly members = new Set<Member>();
  closed = false;
  private readonly iterator: AsyncIterator<unknown>;
  private readonly compiled: CompiledOperation | undefined;

  constructor(
    source: AsyncIterable<unknown>,
    private readonly args: ExecutionArgs,
    private readonly viewer: Viewer,
    private readonly requestId: string,
    private readonly controller: AbortController,
    private readonly options: FanoutOptions,
    private readonly pacer: TurnPacer,
    private readonly onClose: () => void,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    this.compiled = options.compiled?.get(args.document, args.operationName);
    void this.run();
  }

  add(subscriber: FanoutSubscriber): Member {
    const member = new Member(subscriber, this);
    this.members.add(member);
    return member;
  }

  leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    this.controller.abort();
    void this.iterator.return?.(); // unsubscribes from the pub/sub
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const step = await this.iterator.next();
        if (step.done || this.closed) break;
        await this.pacer.run(() => this.deliver(step.value));
      }
    } catch (error) {
      this.options.logger.error({ requestId: this.requestId, err: error }, 'subscription stream failed');
    } finally {
      this.close();
      for (const member of [...this.members]) member.finish();
    }
  }

  /** Executes the document once for this event and writes the same payload to every member. */
  private async deliver(event: unknown): Promise<void> {
    const contextValue = this.options.context(this.viewer, this.requestId, this.controller.signal);
    const result = await (this.compiled
      ? this.compiled(event, contextValue, this.args.variableValues)
      : execute({ ...this.args, rootValue: event, contextValue }));
    const payload = JSON.stringify(this.options.format(result, this.requestId));
    const { maxBufferedBytes } = this.options;
    if (this.members.size === 1) {
      // A developer's own subscription: one member, no copy, no yield.
      for (const member of this.members) member.send(member.frame(payload), maxBufferedBytes);
      return;
    }
    // The frame differs between members only by the operation id, and clients mostly reuse ids:
    // each distinct id's frame is encoded once and the same bytes are written to every socket.
    const frames = new Map<string, Buffer>();
    const frameOf = (member: Member) => {
      let frame = frames.get(member.id);
      if (!frame) frames.set(member.id, (frame = Buffer.from(member.frame(payload))));
      return frame;
    };
    const slice = this.options.sliceSize;
    const members = this.members.size <= slice ? this.members : [...this.members];
    let sent = 0;
    for (const member of members) {
      if (sent > 0 && sent % slice === 0) await nextTurn();
      member.send(frameOf(member), maxBufferedBytes);
      sent++;
    }
  }
}

/** One subscriber of a group: the iterator graphql-ws holds for it (it yields nothing). */
class Member implements AsyncIterableIterator<never> {
  private done = false;
  private pending?: { resolve(result: IteratorResult<never>): void; reject(error: unknown): void };
  private failure?: GraphQLError;
  private readonly prefix: string;
  private readonly unlisten: (() => void) | undefined;

  constructor(
    private readonly subscriber: FanoutSubscriber,
    private readonly group: Group,
  ) {
    this.prefix = `{"id":${JSON.stringify(subscriber.id)},"type":"next","payload":`;
    // A listener, not a reaction on a promise: it is removed when the subscriber ends, so a
    // long-lived connection that subscribes and completes again and again holds nothing of the old ones.
    this.unlisten = subscriber.whenEnded((error) => {
      if (this.done) return;
      this.failure = error;
      this.stop();
    });
  }

  /** The graphql-ws operation id. */
  get id(): string {
    return this.subscriber.id;
  }

  /** The `next` message carrying this serialized result. */
  frame(payload: string): string {
    return `${this.prefix}${payload}}`;
  }

  send(frame: string | Buffer, maxBufferedBytes: number): void {
    if (this.done) return;
    const { socket } = this.subscriber;
    if (socket.readyState !== OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      socket.close(1013, 'Subscriber too slow: reconnect');
      return;
    }
    socket.send(frame, TEXT);
  }

  /** The group's stream ended: graphql-ws completes the subscription. */
  finish(): void {
    this.stop();
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    this.unlisten?.();
    this.group.leave(this);
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (this.failure) pending.reject(this.failure);
    else pending.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<never>> {
    if (this.failure && this.done) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  return(): Promise<IteratorResult<never>> {
    this.failure = undefined;
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  async throw(error?: unknown): Promise<IteratorResult<never>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
