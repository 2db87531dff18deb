import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { pageCsp, prefersHtml, registerWebPages } from '../../src/http/web-pages';
import { WEB_BUILD_DIR } from '../../src/platform/paths';
import { LogCapture } from '../support/app-harness';

/** The browser pages' routing without the rest of the server (docs/web.md). */
describe('web pages', () => {
  it('treats a request as a browser navigation only when it rates text/html above JSON', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/graphql-response+json, application/json;q=0.9')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/html;q=0.9, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
    expect(prefersHtml('text/html;q=abc')).toBe(false);
    expect(prefersHtml(';;;===,,,')).toBe(false);
  });

  it('puts the nonce into style-src only; scripts only from the server', () => {
    const csp = pageCsp('abc');
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'nonce-abc';");
    expect(csp).not.toContain('unsafe');
  });

  it('answers the pages 503 with the command to run when nothing is built, and starts anyway', async () => {
    const logs = new LogCapture('warn');
    const fastify = Fastify();
    const web = registerWebPages(fastify, {
      dir: '/nonexistent/dist/web',
      graphiql: true,
      console: true,
      logger: logs.logger,
    });
    fastify.get('/graphql', { preHandler: web.graphqlBrowserPage }, async () => 'apollo');
    try {
      const consolePage = await fastify.inject({ url: '/console' });
      expect(consolePage.statusCode).toBe(503);
      expect(consolePage.body).toContain('npm run build:web');
      const graphiql = await fastify.inject({ url: '/graphql', headers: { accept: 'text/html' } });
      expect(graphiql.statusCode).toBe(503);
      const json = await fastify.inject({ url: '/graphql', headers: { accept: 'application/json' } });
      expect(json.body).toBe('apollo');
      expect((await fastify.inject({ url: '/assets/graphiql/main.js' })).statusCode).toBe(404);
      expect(logs.text()).toContain('web pages are not built');
    } finally {
      await fastify.close();
    }
  });

  it('serves gzip only to clients that accept it, byte for byte the built file otherwise', async () => {
    const fastify = Fastify();
    registerWebPages(fastify, {
      dir: WEB_BUILD_DIR,
      graphiql: true,
      console: true,
      logger: new LogCapture('warn').logger,
    });
    try {
      const manifest = (await import(`${WEB_BUILD_DIR}/manifest.json`)) as {
        pages: Record<string, { assets: { path: string; bytes: number }[] }>;
      };
      const script = manifest.pages.graphiql.assets.find((asset) => asset.path.endsWith('.js'))!;
      const plain = await fastify.inject({ url: `/assets/${script.path}` });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.rawPayload.length).toBe(script.bytes);
      const gzip = await fastify.inject({
        url: `/assets/${script.path}`,
        headers: { 'accept-encoding': 'gzip, br' },
      });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gzip.headers.vary).toBe('accept-encoding');
      expect(gzip.rawPayload.length).toBeLessThan(script.bytes);
    } finally {
      await fastify.close();
    }
  });
});
