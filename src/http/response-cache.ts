import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import type { Viewer } from '../core/viewer';
import { type OperationPlan, planOperation, type ResponseCachePolicy } from '../graphql/cacheable-operation';
import type { AdmitCached } from '../graphql/rate-limit-guard';
import type { ResponseCache } from '../platform/response-cache/response-cache';

export interface ResponseCacheHttpOptions {
  readonly cache: ResponseCache;
  readonly policy: ResponseCachePolicy;
  readonly maxTokens: number;
  /** The caller (its role is part of the key); throws for a bad credential (the pipeline answers). */
  readonly viewer: (request: FastifyRequest) => Promise<Viewer>;
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

interface Planned {
  readonly plan: OperationPlan;
  readonly document: string;
  readonly operationName: string | undefined;
  /** Cache keys by `role \n variables`: SHA-256 over the document is computed once per caller kind and variables. */
  readonly keys: Map<string, string>;
}

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
  const planOf = async (fields: GraphqlRequestFields, operationName: string | undefined) => {
    // Over GET, `extensions` arrives as JSON text.
    const extensions = parseJson(fields.extensions);
    const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
    const hash = isRecord(persisted) ? persisted.sha256Hash : undefined;
    let query = typeof fields.query === 'string' ? fields.query : undefined;
    const id = query ?? `apq:${String(hash)}`;
    const known = plans.get(id)?.get(operationName ?? '');
    if (known) return known;
    if (query === undefined && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) {
      query = await options.persistedQuery(hash);
    }
    if (query === undefined) return undefined; // the pipeline answers (PERSISTED_QUERY_NOT_FOUND, ...)
    const planned: Planned = {
      plan: planOperation(options.policy, query, operationName, options.maxTokens),
      document: query,
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

  /** The cache key: SHA-256 of the role, operation name, variables and document. */
  const keyOf = (planned: Planned, role: string, variablesJson: string) => {
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

  const cacheControl = (viewer: Viewer) =>
    viewer.kind === 'anonymous' ? 'public, max-age=1' : 'private, no-cache';

  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      if (request.method !== 'GET' && request.method !== 'POST') return;
      const fields = (request.method === 'GET' ? request.query : request.body) as
        GraphqlRequestFields | undefined;
      if (!isRecord(fields) || !passesCsrfPrevention(request)) return;
      const operationName = typeof fields.operationName === 'string' ? fields.operationName : undefined;
      const variables = parseJson(fields.variables ?? {});
      if (!isRecord(variables)) return;
      const planned = await planOf(fields, operationName);
      if (!planned?.plan.cacheable) return;
      let viewer: Viewer;
      try {
        viewer = await options.viewer(request);
      } catch {
        return; // a bad credential: the pipeline refuses it as it always does
      }
      const role = viewer.kind === 'apiKey' ? viewer.role : 'anonymous';
      let variablesJson: string;
      try {
        variablesJson = JSON.stringify(variables);
      } catch {
        return; // nested past the stack: the pipeline refuses it
      }
      const key = keyOf(planned, role, variablesJson);
      const computedAt = Date.now();
      let found = await options.cache.get(key);
      const first = found ? undefined : computing.get(key);
      if (first) {
        // A stampede on a key just invalidated (or never cached) computes it once.
        await Promise.race([first, new Promise((resolve) => setTimeout(resolve, SINGLE_FLIGHT_WAIT_MS))]);
        found = await options.cache.get(key);
      }
      if (!found) {
        if (!computing.has(key)) {
          let settle = () => {};
          computing.set(key, new Promise<void>((resolve) => (settle = resolve)));
          // After the answer is sent (and stored by onSend) or the client is gone.
          reply.raw.once('close', () => {
            computing.delete(key);
            settle();
          });
        }
        const { plan } = planned;
        const cost = options.admit ? options.price(plan.document, variables, operationName) : 1;
        pending.set(request, { key, tags: plan.tags(variables), cost, computedAt });
        return;
      }
      const { response, tier } = found;
      const rateLimitHeaders = options.admit ? await options.admit(viewer, response.cost) : {};
      if (!rateLimitHeaders) return; // refused: the pipeline answers RATE_LIMITED (spending nothing)
      reply.headers(rateLimitHeaders).header('x-response-cache', `hit-${tier}`);
      if (request.method === 'GET') {
        reply
          .header('etag', response.etag)
          .header('cache-control', cacheControl(viewer))
          .header('vary', 'authorization');
        if (request.headers['if-none-match'] === response.etag) return reply.code(304).send();
      }
      return reply.type('application/json; charset=utf-8').send(response.bytes);
    },

    /** Stores a miss's answer (callback style: no promise for the hits and the rest). */
    onSend(
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload: unknown) => void,
    ): void {
      const miss = pending.get(request);
      if (!miss) return done(null, payload);
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
      const stored = { body: payload, etag, cost: miss.cost, computedAt: miss.computedAt, tags: miss.tags };
      options.cache.set(miss.key, stored).then(
        () => done(null, payload),
        () => done(null, payload), // not stored: the answer still goes out
      );
    },
  };
}
