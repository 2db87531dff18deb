import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../platform/logging/logger';
import { loadWebBundle, type WebBundle } from './web-bundle';
import { DOCUMENT_SECURITY_HEADERS } from './security-headers';

/** URL prefix of the built assets; scripts/build-web.mjs writes the same into the pages. */
export const ASSET_PREFIX = '/assets';

export interface WebPagesOptions {
  /** The build output (`dist/web`, written by `npm run build:web`). */
  readonly dir: string;
  /** GraphiQL at `GET /graphql` for browsers; on when introspection is. */
  readonly graphiql: boolean;
  /** The operator console at `GET /console` (`CONSOLE_ENABLED`). */
  readonly console: boolean;
  readonly logger: Logger;
}

export interface WebPages {
  /**
   * A `/graphql` preHandler: a browser's GET (HTML preferred, no `query`) gets GraphiQL, or 404
   * when it is off; every other request goes on to Apollo unchanged. Callback style: an async hook
   * would cost a promise on every `/graphql` request, POSTs included.
   */
  readonly graphqlBrowserPage: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
}

/**
 * The pages' Content-Security-Policy: scripts, styles and connections (HTTP and WebSocket, which
 * 'self' covers) to this origin only; fonts and images from it or inline `data:`; no inline script
 * at all; <style> elements only with the response's nonce (a library adding one reads it from
 * `<meta property="csp-nonce">`); no framing, forms, plugins or <base>.
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** `q` of the first range in an Accept header that names `type` exactly (0 when none does). */
function quality(accept: string, type: string): number {
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (range !== type) continue;
    const q = params.find((param) => param.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/**
 * A browser navigating to the URL: it names text/html and rates it above every JSON type it names
 * (browsers send `text/html,...,*\/*;q=0.8`; GraphQL clients name only JSON types).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = quality(accept, 'text/html');
  const json = Math.max(
    quality(accept, 'application/json'),
    quality(accept, 'application/graphql-response+json'),
  );
  return html > 0 && html > json;
}

function sendPage(reply: FastifyReply, template: string) {
  const nonce = randomBytes(16).toString('base64');
  return reply
    .headers(DOCUMENT_SECURITY_HEADERS)
    .header('content-security-policy', pageCsp(nonce))
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(template.replaceAll('{{nonce}}', nonce));
}

function notBuilt(reply: FastifyReply) {
  return reply
    .code(503)
    .type('text/plain; charset=utf-8')
    .send('The web pages are not built: run `npm run build:web` (npm run build does it too).\n');
}

/** Serves a page of the bundle, 404 when `enabled` is false or the page is not in the build. */
async function servePage(
  bundle: WebBundle | undefined,
  name: string,
  enabled: boolean,
  reply: FastifyReply,
): Promise<unknown> {
  if (!enabled) return reply.callNotFound();
  if (!bundle) return notBuilt(reply);
  const template = bundle.pages.get(name);
  return template === undefined ? reply.callNotFound() : sendPage(reply, template);
}

/**
 * The browser pages (docs/web.md): built assets under `/assets/` (content-hashed names, cached for
 * a year as immutable, gzip when the client takes it), the console at `/console`, and GraphiQL
 * through the preHandler returned here, which `registerGraphqlHttp` puts first on `/graphql`.
 */
export function registerWebPages(fastify: FastifyInstance, options: WebPagesOptions): WebPages {
  const bundle = loadWebBundle(options.dir);
  if (!bundle && (options.graphiql || options.console)) {
    options.logger.warn({ dir: options.dir }, 'web pages are not built (npm run build:web): they answer 503');
  }

  fastify.get(`${ASSET_PREFIX}/*`, async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const asset = bundle?.assets.get(key);
    if (!asset) return reply.callNotFound();
    const gzip = asset.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding')
      .type(asset.contentType);
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? asset.gzip : asset.body);
  });

  fastify.get('/console', async (_request, reply) => servePage(bundle, 'console', options.console, reply));

  return {
    graphqlBrowserPage(request, reply, done) {
      if (request.method !== 'GET' || !prefersHtml(request.headers.accept)) return done();
      if ((request.query as { query?: unknown } | undefined)?.query !== undefined) return done();
      void servePage(bundle, 'graphiql', options.graphiql, reply); // answered: the chain stops here
    },
  };
}
