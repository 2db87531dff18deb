import { afterEach, describe, expect, it } from 'vitest';
import { startTestSchemaServer, type TestSchemaServer } from '../security/hostile/test-schema-server';

/** Who may read `GET /metrics` (docs/operations.md), on the real HTTP server. */
let server: TestSchemaServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Production settings need external hosts; this server opens neither. */
const PRODUCTION = { NODE_ENV: 'production', DB_HOST: '127.0.0.1', REDIS_HOST: '127.0.0.1' };

const get = (headers: Record<string, string> = {}) => fetch(`${server!.url}/metrics`, { headers });

describe('metrics access', () => {
  it('is open to loopback callers only when nothing is configured outside production', async () => {
    server = await startTestSchemaServer({ TRUST_PROXY_HOPS: '1' });
    expect((await get()).status).toBe(200);
    // Behind one proxy, the client is the address the proxy saw.
    const remote = await get({ 'x-forwarded-for': '203.0.113.7' });
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('is closed in production until a token or an address range is set', async () => {
    server = await startTestSchemaServer({ ...PRODUCTION });
    const closed = await get();
    expect(closed.status).toBe(403);
    expect(await closed.text()).toMatch(/METRICS_TOKEN or METRICS_ALLOWED_CIDRS/);
  });

  it('takes the bearer token in production', async () => {
    server = await startTestSchemaServer({
      ...PRODUCTION,
      METRICS_TOKEN: 'a-long-enough-scrape-token',
    });
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: 'Bearer a-long-enough-scrape-token' })).status).toBe(200);
  });

  it('checks the address range, and both when both are set', async () => {
    server = await startTestSchemaServer({
      ...PRODUCTION,
      TRUST_PROXY_HOPS: '1',
      METRICS_ALLOWED_CIDRS: '10.0.0.0/16',
      METRICS_TOKEN: 'a-long-enough-scrape-token',
    });
    const token = { authorization: 'Bearer a-long-enough-scrape-token' };
    expect((await get({ ...token, 'x-forwarded-for': '10.0.3.4' })).status).toBe(200);
    expect((await get({ ...token, 'x-forwarded-for': '10.1.3.4' })).status).toBe(403);
    expect((await get({ 'x-forwarded-for': '10.0.3.4' })).status).toBe(401);
  });

  it('is not served when METRICS_ENABLED is false', async () => {
    server = await startTestSchemaServer({ METRICS_ENABLED: 'false' });
    expect((await get()).status).toBe(404);
  });

  it('refuses a malformed range at start-up', async () => {
    await expect(startTestSchemaServer({ METRICS_ALLOWED_CIDRS: '10.0.0.0' })).rejects.toThrow(
      /METRICS_ALLOWED_CIDRS\S*: must be comma-separated CIDR blocks/,
    );
  });
});
