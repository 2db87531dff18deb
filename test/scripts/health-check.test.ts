import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const SCRIPT = path.resolve(__dirname, '../../scripts/health-check.js');

interface Outcome {
  code: number | null;
  stderr: string;
  elapsedMs: number;
}

/** Runs the script as the container would: `node scripts/health-check.js`, with only the given env. */
function runCheck(env: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stderr, elapsedMs: Date.now() - started });
      },
    );
  });
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port = 0,
): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('scripts/health-check.js', () => {
  it('exits 0 on HTTP 200 ("ok" or "degraded"), silently', async () => {
    const port = await serve(json(200, { status: 'degraded', components: {} }));
    const outcome = await runCheck({ HEALTH_CHECK_URL: `http://127.0.0.1:${port}/api/system/health` });
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
  });

  it('by default asks 127.0.0.1:$PORT/api/system/health', async () => {
    const seen: string[] = [];
    const port = await serve((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      json(req.url === '/api/system/health' ? 200 : 404, {})(req, res);
    });
    expect((await runCheck({ PORT: String(port) })).code).toBe(0);
    expect(seen).toEqual(['GET /api/system/health']);
  });

  it('exits 1 on HTTP 503 ("down"), with one line on stderr', async () => {
    const port = await serve(json(503, { status: 'down', components: {} }));
    const outcome = await runCheck({ PORT: String(port) });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toContain('HTTP 503');
  });

  it('exits 1 on any other status (a redirect or a 404 is not healthy)', async () => {
    for (const status of [204, 301, 404, 500]) {
      const port = await serve((_req, res) => {
        res.writeHead(status, { location: '/elsewhere' });
        res.end();
      });
      expect((await runCheck({ PORT: String(port) })).code, `HTTP ${status}`).toBe(1);
    }
  });

  it('exits 1 within the timeout when the server accepts but never answers', async () => {
    const port = await serve(() => undefined);
    const outcome = await runCheck({ PORT: String(port), HEALTH_CHECK_TIMEOUT_MS: '400' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('did not answer within 400 ms');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(400);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  it('exits 1 within the timeout when the response starts but never completes', async () => {
    const port = await serve((_req, res) => res.socket?.write('HTTP/1.1 2'));
    const outcome = await runCheck({ PORT: String(port), HEALTH_CHECK_TIMEOUT_MS: '300' });
    expect(outcome.code).toBe(1);
    expect(outcome.elapsedMs).toBeLessThan(3_000);
  });

  it('exits 1 when nothing listens on the port', async () => {
    const port = await freePort();
    const outcome = await runCheck({ PORT: String(port) });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('ECONNREFUSED');
  });

  it('exits 1 on a malformed URL, without echoing it (it might carry credentials)', async () => {
    const outcome = await runCheck({ HEALTH_CHECK_URL: 'http://user:hunter2@[not a host' });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).not.toContain('hunter2');
  });

  it('never prints credentials carried by HEALTH_CHECK_URL', async () => {
    const port = await serve(json(503, {}));
    const outcome = await runCheck({
      HEALTH_CHECK_URL: `http://probe:hunter2@127.0.0.1:${port}/api/system/health`,
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).not.toContain('hunter2');
  });

  it('needs nothing but node: it requires only built-in modules', () => {
    const source = readFileSync(SCRIPT, 'utf8');
    const required = [...source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    for (const id of required) expect(id, id).toMatch(/^node:/);
    expect(source).not.toMatch(/\bimport\s/);
  });
});
