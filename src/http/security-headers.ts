import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers for a JSON API (helmet): nothing may frame, embed or run our responses
 * (`Content-Security-Policy: default-src 'none'`, `X-Frame-Options: DENY`), no MIME sniffing, no
 * referrer, HSTS for clients that reached us over HTTPS (the ALB), no `X-Powered-By`; responses
 * that say nothing about caching are `no-store` (they depend on the caller's key).
 *
 * The CSP holds in every environment. The browser pages (GraphiQL, the console) replace it with
 * their own, which lets them load scripts and styles from this origin (src/http/web-pages.ts).
 */
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
export function staticSecurityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
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

export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = staticSecurityHeaders(HELMET_OPTIONS);
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
