import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers for a JSON API (helmet): nothing may frame, embed or run our responses
 * (`Content-Security-Policy: default-src 'none'`, `X-Frame-Options: DENY`), no MIME sniffing, no
 * referrer, no cross-origin embedding (`Cross-Origin-Resource-Policy`), HSTS for clients that
 * reached us over HTTPS (the ALB), no `X-Powered-By`; responses that say nothing about caching
 * are `no-store` (they depend on the caller's key). That is OWASP's list for API responses (REST
 * Security Cheat Sheet, "Security Headers"), with `Referrer-Policy` and CORP besides.
 *
 * helmet's headers that only HTML documents act on (window isolation, DNS prefetching, legacy IE,
 * Flash and XSS-filter switches) go on the browser pages only (`DOCUMENT_SECURITY_HEADERS`): Node
 * checks every header of every response, and headers were a visible part of a cached answer's cost.
 *
 * The CSP holds in every environment. The browser pages (GraphiQL, the console) replace it with
 * their own, which lets them load scripts and styles from this origin (src/http/web-pages.ts).
 */
const DOCUMENT_ONLY = new Set([
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
]);

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
};

/**
 * The headers helmet sets for `options`, computed once: with static directives they depend on
 * nothing in the request. (@fastify/helmet builds helmet's middlewares again on every request,
 * parsing the CSP each time: 4 % of the CPU of `{ __typename }` under load, docs/performance.md.)
 */
function staticSecurityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
  });
  return headers;
}

const HELMET_HEADERS = Object.entries(staticSecurityHeaders(HELMET_OPTIONS));

/** The headers of every response. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  HELMET_HEADERS.filter(([name]) => !DOCUMENT_ONLY.has(name)),
);

/** What helmet adds for HTML documents to the API's headers (set by the browser pages). */
export const DOCUMENT_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(
  HELMET_HEADERS.filter(([name]) => DOCUMENT_ONLY.has(name)),
);

export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(API_SECURITY_HEADERS);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
