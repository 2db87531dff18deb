import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { GraphQLContext } from '../graphql/context';
import type { DomainError } from '../core/errors';
import type { Viewer } from '../core/viewer';

/** Builds the per-request GraphQL context; the composition root supplies the implementation. */
export interface ContextFactory {
  /** `signal` is called when something first reads the context's signal (most requests never do). */
  forHttp(request: FastifyRequest, signal: () => AbortSignal): Promise<GraphQLContext>;
  /**
   * Only the caller of an HTTP request (routes outside GraphQL, such as health, and the response
   * cache); known at once (no promise) when no credential has to be looked up.
   */
  viewerForHttp(request: FastifyRequest): Viewer | Promise<Viewer>;
  /** Resolves the caller of a WebSocket connection once, from the upgrade request and connectionParams. */
  viewerForSocket(
    request: IncomingMessage,
    connectionParams: Readonly<Record<string, unknown>> | undefined,
  ): Promise<Viewer>;
  /** Of these API key ids, the ones no longer valid and why (one query for every open connection). */
  rejectedKeys(keyIds: readonly string[]): Promise<ReadonlyMap<string, DomainError>>;
  forSocketOperation(viewer: Viewer, requestId: string, signal: AbortSignal): GraphQLContext;
}
