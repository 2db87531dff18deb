import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers for a JSON API (helmet): nothing may frame, embed or run our responses
 * (`Content-Security-Policy: default-src 'none'`, `X-Frame-Options: DENY`), no MIME sniffing, no
 * referrer, HSTS for clients that reached us over HTTPS (the ALB), no `X-Powered-By`; responses
 * that say nothing about caching are `no-store` (they depend on the caller's key).
 *
 * The CSP holds in every environment. The browser pages (GraphiQL, the console) replace it with
 * their own, which lets them load scripts and styles from this origin (src/http/web-pages.ts).
 */
export async function registerSecurityHeaders(fastify: FastifyInstance): Promise<void> {
  await fastify.register(helmet, {
    global: true,
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
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}
