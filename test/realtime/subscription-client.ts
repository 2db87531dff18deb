import { Redis } from 'ioredis';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { waitFor } from '../support/free-port';

/** What one subscription received: results in order, and how it ended. */
export interface Received<T> {
  readonly results: {
    data?: T | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }[];
  /** GraphQL errors of an `error` message (a refusal, or the end of a subscription). */
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  closed?: { code?: number; reason?: string };
  completed: boolean;
  stop(): void;
  /** Waits until `predicate` holds over what arrived. */
  until(predicate: (r: Received<T>) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

export function wsClient(baseUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams,
  });
}

/** Starts a subscription and records everything it receives. */
export function subscribe<T, V>(
  client: Client,
  document: TypedDocumentNode<T, V>,
  variables: V,
): Received<T> {
  const received: Received<T> = {
    results: [],
    completed: false,
    stop: () => undefined,
    until: (predicate, what, timeoutMs = 20_000) => waitFor(async () => predicate(received), what, timeoutMs),
  };
  received.stop = client.subscribe(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (value) => void received.results.push(value as Received<T>['results'][number]),
      error: (error: unknown) => {
        if (Array.isArray(error)) received.errors = error as Received<T>['errors'];
        else received.closed = error as Received<T>['closed'];
      },
      complete: () => (received.completed = true),
    },
  );
  return received;
}

/** Resolves once the server acknowledged the connection. */
export function connected(client: Client): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on('connected', () => {
      off();
      resolve();
    });
  });
}

/** Subscribers of a pub/sub channel on a Redis server (0 while it cannot be reached). */
export async function channelSubscribers(
  server: { host: string; port: number },
  channel: string,
): Promise<number> {
  const client = new Redis({
    host: server.host,
    port: server.port,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    return Number(((await client.pubsub('NUMSUB', channel)) as [string, number])[1]);
  } catch {
    return 0;
  } finally {
    client.disconnect();
  }
}
