import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import { andThen, withoutRejection } from '../core/maybe-promise';
import type { Viewer } from '../core/viewer';
import { type OperationPlan, planOperation, type ResponseCachePolicy } from '../graphql/cacheable-operation';
import type { AdmitCached } from '../graphql/rate-limit-guard';
import type { CacheLookup, ResponseCache } from '../platform/response-cache/response-cache';

export interface ResponseCacheHttpOptions {
  readonly cache: ResponseCache;
  readonly policy: ResponseCachePolicy;
  readonly maxTokens: number;
  /**
   * The caller (its role is part of the key), without a promise when known at once; rejects for a
   * bad credential (the pipeline answers).
   */
  readonly viewer: (request: FastifyRequest) => Viewer | Promise<Viewer>;
  /** Charges the rate limit of a cached answer; absent when rate limits are off. */
  readonly admit?: AdmitCached;
  /** The operation's rate-limit cost, stored with the answer. */
  readonly price: (
    document: DocumentNode,
    variables: Record<string, unknown>,
    operationName?: string,
  ) => number;
  /** The document of an automatic persisted query's hash (the APQ store), when known. */
  readonly persistedQuery: (sha256: string) => Promise<string | undefined>;
}

interface GraphqlRequestFields {
  readonly query?: unknown;
  readonly operationName?: unknown;
  readonly variables?: unknown;
  readonly extensions?: unknown;
}

/** A miss being computed: stored when the pipeline's answer comes back without errors. */
interface Pending {
  readonly key: string;
  readonly tags: readonly string[];
  readonly cost: number;
  readonly computedAt: number;
}

const PLAN_MEMO_SIZE = 500;
/** Keys remembered per plan, by role and variables (a hot operation is not hashed again per request). */
const KEY_MEMO_SIZE = 1_000;
/** How long identical requests wait for the first one's answer before computing their own. */
const SINGLE_FLIGHT_WAIT_MS = 2_000;
const SIMPLE_CONTENT_TYPES = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Apollo's CSRF rule: a "simple" request needs a preflight header, else Apollo refuses it. */
function passesCsrfPrevention(request: FastifyRequest): boolean {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && !SIMPLE_CONTENT_TYPES.has(type)) return true;
  return Boolean(request.headers['x-apollo-operation-name'] || request.headers['apollo-require-preflight']);
}

/**
 * The response cache on `/graphql` (docs/performance.md): answers hot, cacheable queries before
 * the GraphQL pipeline (still charging their rate-limit cost), and stores what the pipeline answers
 * to them. Keyed by the document, operation name, variables and the caller's role (never a key or
 * anything else of one caller); mutations and fields the policy does not list never reach it.
 * GET answers carry an ETag (If-None-Match gives 304) and Cache-Control.
 */
export type ResponseCacheHooks = ReturnType<typeof responseCacheHooks>;

type CacheablePlan = Extract<OperationPlan, { cacheable: true }>;

interface Planned {
  readonly plan: OperationPlan;
  readonly document: string;
  readonly operationName: string | undefined;
  /** Cache keys by `role \n variables`: SHA-256 over the document is computed once per caller kind and variables. */
  readonly keys: Map<string, string>;
}

/** What a request asks of the cache, read without waiting. */
interface Asked {
  readonly fields: GraphqlRequestFields;
  readonly operationName: string | undefined;
  readonly variables: Record<string, unknown>;
}

/** The operation a GET or POST asks for, or undefined when the response cache does not apply. */
function askedOf(request: FastifyRequest): Asked | undefined {
  if (request.method !== 'GET' && request.method !== 'POST') return undefined;
  const fields = (request.method === 'GET' ? request.query : request.body) as
    GraphqlRequestFields | undefined;
  if (!isRecord(fields) || !passesCsrfPrevention(request)) return undefined;
  const operationName = typeof fields.operationName === 'string' ? fields.operationName : undefined;
  const variables = parseJson(fields.variables ?? {});
  return isRecord(variables) ? { fields, operationName, variables } : undefined;
}

/** The document of a request, or (without one) the automatic persisted query's hash it names. */
function documentOf(fields: GraphqlRequestFields): { query?: string; hash?: unknown } {
  if (typeof fields.query === 'string') return { query: fields.query };
  // Over GET, `extensions` arrives as JSON text.
  const extensions = parseJson(fields.extensions);
  const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
  return { hash: isRecord(persisted) ? persisted.sha256Hash : undefined };
}

const cacheControl = (viewer: Viewer) =>
  viewer.kind === 'anonymous' ? 'public, max-age=1' : 'private, no-cache';

export function responseCacheHooks(options: ResponseCacheHttpOptions) {
  /**
   * Plans by document (or `apq:<hash>`), then operation name. Two levels, not one key joining both:
   * the document is the request's own string, whose hash V8 keeps once computed (the precheck's
   * lookup computed it); a joined key would be copied and hashed again on every request.
   */
  const plans = new Map<string, Map<string, Planned>>();
  let planCount = 0;
  const pending = new WeakMap<FastifyRequest, Pending>();
  /** Misses being computed in this process, by key: identical requests wait for the first's answer. */
  const computing = new Map<string, Promise<void>>();

  /** The plan for what a request asks: without a promise once made in this process. */
  const planOf = ({ fields, operationName }: Asked): Planned | undefined | Promise<Planned | undefined> => {
    const { query, hash } = documentOf(fields);
    const id = query ?? `apq:${String(hash)}`;
    const known = plans.get(id)?.get(operationName ?? '');
    if (known) return known;
    if (query !== undefined) return plan(id, query, operationName);
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
    // The pipeline answers an unknown hash (PERSISTED_QUERY_NOT_FOUND).
    return options
      .persistedQuery(hash)
      .then((stored) => (stored === undefined ? undefined : plan(id, stored, operationName)));
  };

  const plan = (id: string, document: string, operationName: string | undefined): Planned => {
    const planned: Planned = {
      plan: planOperation(options.policy, document, operationName, options.maxTokens),
      document,
      operationName,
      keys: new Map(),
    };
    if (planCount >= PLAN_MEMO_SIZE) {
      plans.clear();
      planCount = 0;
    }
    const byName = plans.get(id) ?? new Map<string, Planned>();
    plans.set(id, byName);
    byName.set(operationName ?? '', planned);
    planCount++;
    return planned;
  };

  /**
   * The cache key: SHA-256 of the role, operation name, variables and document (undefined when the
   * variables cannot be serialized: nested past the stack, which the pipeline refuses).
   */
  const keyOf = (planned: Planned, viewer: Viewer, variables: Record<string, unknown>) => {
    const role = viewer.kind === 'apiKey' ? viewer.role : 'anonymous';
    let variablesJson: string;
    try {
      variablesJson = JSON.stringify(variables);
    } catch {
      return undefined;
    }
    const memo = `${role}\n${variablesJson}`;
    let key = planned.keys.get(memo);
    if (key === undefined) {
      key = createHash('sha256')
        .update(`${role}\n${planned.operationName ?? ''}\n${variablesJson}\n${planned.document}`)
        .digest('base64url');
      if (planned.keys.size >= KEY_MEMO_SIZE) planned.keys.clear();
      planned.keys.set(memo, key);
    }
    return key;
  };

  /** Sends a stored answer (or 304 to a GET that has it), with the rate-limit headers of its charge. */
  const sendHit = (
    request: FastifyRequest,
    reply: FastifyReply,
    viewer: Viewer,
    { response, tier }: CacheLookup,
    rateLimitHeaders: Record<string, string>,
  ): void => {
    reply.headers(rateLimitHeaders).header('x-response-cache', `hit-${tier}`);
    if (request.method === 'GET') {
      reply
        .header('etag', response.etag)
        .header('cache-control', cacheControl(viewer))
        .header('vary', 'authorization');
      if (request.headers['if-none-match'] === response.etag) {
        reply.code(304).send();
        return;
      }
    }
    reply.type('application/json; charset=utf-8').send(response.bytes);
  };

  /** A hit, charged its rate-limit cost and sent; false when refused (the pipeline answers 429, spending nothing). */
  const serve = (request: FastifyRequest, reply: FastifyReply, viewer: Viewer, found: CacheLookup) =>
    andThen(options.admit ? options.admit(viewer, found.response.cost) : {}, (rateLimitHeaders) => {
      if (!rateLimitHeaders) return false;
      sendHit(request, reply, viewer, found, rateLimitHeaders);
      return true;
    });

  /**
   * A miss: waits a while if the same key is being computed here (a stampede on a key just
   * invalidated computes it once), and is otherwise left to the pipeline, its answer stored by `onSend`.
   */
  const miss = async (
    request: FastifyRequest,
    reply: FastifyReply,
    asked: Asked,
    plan: CacheablePlan,
    viewer: Viewer,
    key: string,
    computedAt: number,
  ): Promise<boolean> => {
    const first = computing.get(key);
    if (first) {
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, SINGLE_FLIGHT_WAIT_MS))]);
      const found = await options.cache.get(key);
      if (found) return serve(request, reply, viewer, found);
    }
    if (!computing.has(key)) {
      let settle = () => {};
      computing.set(key, new Promise<void>((resolve) => (settle = resolve)));
      // After the answer is sent (and stored by onSend) or the client is gone.
      reply.raw.once('close', () => {
        computing.delete(key);
        settle();
      });
    }
    const cost = options.admit ? options.price(plan.document, asked.variables, asked.operationName) : 1;
    pending.set(request, { key, tags: plan.tags(asked.variables), cost, computedAt });
    return false;
  };

  /**
   * True when the answer was sent from the cache; otherwise the pipeline runs. Each step continues
   * at once when it needs not wait, so a hit in this process's memory, for a caller known without a
   * lookup and a charge decided in this process (the hot case), is sent without a promise.
   */
  const answer = (request: FastifyRequest, reply: FastifyReply, asked: Asked) =>
    andThen(planOf(asked), (planned) => {
      if (!planned?.plan.cacheable) return false;
      const plan = planned.plan;
      return andThen(withoutRejection(options.viewer(request)), (viewer) => {
        if (!viewer) return false; // a bad credential: the pipeline refuses it as it always does
        const key = keyOf(planned, viewer, asked.variables);
        if (key === undefined) return false;
        const computedAt = Date.now();
        return andThen(options.cache.get(key), (found) =>
          found
            ? serve(request, reply, viewer, found)
            : miss(request, reply, asked, plan, viewer, key, computedAt),
        );
      });
    });

  return {
    /** Callback style: the hot case (above) costs no promise. */
    preHandler(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void {
      const asked = askedOf(request);
      if (!asked) return done();
      let sent: boolean | Promise<boolean>;
      try {
        sent = answer(request, reply, asked);
      } catch (error) {
        return done(error as Error);
      }
      if (sent instanceof Promise) sent.then((answered) => answered || done(), done);
      else if (!sent) done();
    },

    /** Stores a miss's answer (callback style: no promise for the hits and the rest). */
    onSend(
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload: unknown) => void,
    ): void {
      const computed = pending.get(request);
      if (!computed) return done(null, payload);
      pending.delete(request);
      // Only complete answers: no errors (Apollo writes `errors` first), a 200, as a string.
      if (reply.statusCode !== 200 || typeof payload !== 'string' || !payload.startsWith('{"data":')) {
        return done(null, payload);
      }
      // Nor answers carrying extensions: a stale answer served while PostgreSQL is down is one.
      if (payload.includes('"errors":[') || payload.includes('"extensions":{')) return done(null, payload);
      const etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
      reply.header('x-response-cache', 'miss');
      if (request.method === 'GET') {
        const anonymous = !request.headers.authorization;
        reply
          .header('etag', etag)
          .header('cache-control', anonymous ? 'public, max-age=1' : 'private, no-cache')
          .header('vary', 'authorization');
      }
      const { cost, computedAt, tags } = computed;
      const stored = { body: payload, etag, cost, computedAt, tags };
      options.cache.set(computed.key, stored).then(
        () => done(null, payload),
        () => done(null, payload), // not stored: the answer still goes out
      );
    },
  };
}
