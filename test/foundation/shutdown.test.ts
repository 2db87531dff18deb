import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from '../support/app-harness';
import { type Child, spawnTs } from '../support/child-process';
import { freePort, probePort } from '../support/free-port';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { sharedServiceEnv, sharedValkeyEnv, uniqueName } from '../support/services';

let database: MigratedDatabase;
beforeAll(async () => {
  database = await openMigratedDatabase('shutdown', new LogCapture('warn').logger);
});
afterAll(() => database?.close());

/** The real entry point with a slow health component (test/support/slow-main.ts), on a free port. */
async function startSlowMain(env: NodeJS.ProcessEnv): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = spawnTs(
    'test/support/slow-main.ts',
    sharedServiceEnv(database.name, {
      PORT: String(port),
      ...sharedValkeyEnv(uniqueName('shutdown')),
      ...env,
    }),
  );
  return { child, port };
}

describe('graceful shutdown (SIGTERM)', () => {
  it('finishes an in-flight request, refuses new connections, and exits 0', async () => {
    const { child, port } = await startSlowMain({
      LOG_LEVEL: 'info',
      SLOW_CHECK_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    try {
      await child.waitForLine(/listening http/, 30_000);
      const started = Date.now();
      const inFlight = fetch(`http://127.0.0.1:${port}/api/system/health`);
      await new Promise((r) => setTimeout(r, 300));
      child.process.kill('SIGTERM');

      const response = await inFlight;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { components: Record<string, { status: string }> };
      expect(body.components.slow.status).toBe('ok');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);

      expect(await child.exited(15_000)).toBe(0);
      expect(await probePort(port)).toBe('refused');
      expect(child.output()).toContain('shutting down: draining in-flight work');
      expect(child.output()).toContain('"msg":"closed"');
    } finally {
      child.kill();
    }
  }, 60_000);

  it('exits 1 when the drain overruns SHUTDOWN_TIMEOUT_MS', async () => {
    const { child, port } = await startSlowMain({
      SLOW_CHECK_MS: '20000',
      SHUTDOWN_TIMEOUT_MS: '500',
    });
    try {
      await child.waitForLine(/listening http/, 30_000);
      const inFlight = fetch(`http://127.0.0.1:${port}/api/system/health`).catch((error: Error) => error);
      await new Promise((r) => setTimeout(r, 300));
      child.process.kill('SIGTERM');
      expect(await child.exited(10_000)).toBe(1);
      expect(child.output()).toContain('shutdown timed out');
      expect(await inFlight).toBeInstanceOf(Error);
    } finally {
      child.kill();
    }
  }, 60_000);
});

describe('an error outside any request', () => {
  for (const kind of ['rejection', 'throw'] as const) {
    it(`(${kind}) is logged as one JSON fatal line, in-flight work drains, and the process exits 1`, async () => {
      const { child, port } = await startSlowMain({
        SLOW_CHECK_MS: '1500',
        SHUTDOWN_TIMEOUT_MS: '10000',
        STRAY_ERROR: kind,
      });
      try {
        await child.waitForLine(/listening http/, 30_000);
        const inFlight = fetch(`http://127.0.0.1:${port}/api/system/health`);
        await new Promise((r) => setTimeout(r, 300));
        child.process.kill('SIGUSR2');

        expect((await inFlight).status).toBe(200);
        expect(await child.exited(15_000)).toBe(1);
        expect(await probePort(port)).toBe('refused');
        const fatal = child
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((line) => line.level === 'fatal');
        expect(fatal).toHaveLength(1);
        expect(fatal[0]).toMatchObject({
          origin: kind === 'throw' ? 'uncaughtException' : 'unhandledRejection',
          err: { message: 'an error outside any request' },
        });
        expect((fatal[0]!.err as { stack: string }).stack).toContain('slow-main.ts');
        // Nothing but JSON lines: not Node's default report (a bare stack trace on stderr).
        expect(child.output()).not.toMatch(/^\s+at /m);
      } finally {
        child.kill();
      }
    }, 60_000);
  }
});
