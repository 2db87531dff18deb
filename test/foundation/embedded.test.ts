import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnTs } from '../support/child-process';
import { freePort } from '../support/free-port';

const dir = mkdtempSync(path.join(tmpdir(), 'gi-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded mode (no configuration at all)', () => {
  it('starts PGlite and in-process drivers in the working directory and answers systemHealth', async () => {
    const port = await freePort();
    // Nothing but PATH, HOME and a port of its own: no DB_HOST, no REDIS_HOST, no .env.
    const child = spawnTs('src/main.ts', { PATH: process.env.PATH, HOME: dir, PORT: String(port) }, dir);
    try {
      await child.waitForLine(/"msg":"started"/, 90_000);
      expect(child.output()).toContain('running in embedded mode (development only)');
      expect(existsSync(path.join(dir, 'data', 'pglite'))).toBe(true);

      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ systemHealth { status components { name status } } }' }),
      });
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as {
        data: {
          systemHealth: { status: string; components: { name: string; status: string; details: unknown }[] };
        };
      };
      const byName = Object.fromEntries(data.systemHealth.components.map((c) => [c.name, c]));
      expect(byName.database.status).toBe('OK');
      expect(byName.cache.status).toBe('OK');
      expect(byName.queue.status).toBe('OK');
      // No GitHub token: unauthenticated, which health reports as degraded (still 200).
      expect(data.systemHealth.status).toBe('DEGRADED');

      child.process.kill('SIGTERM');
      expect(await child.exited(30_000)).toBe(0);
    } finally {
      child.kill();
    }
  }, 120_000);
});
