import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';

/**
 * Helpers of the fault-test harness (throw-away PostgreSQL and Redis servers): free ports, port
 * probes, and the watchdog that removes a server whose owner died. Everything binds and probes
 * 127.0.0.1 only, and never the shared CI services' ports.
 */

/** The shared services CI runs; the harness never hands these out nor touches them. */
export const RESERVED_PORTS: ReadonlySet<number> = new Set([5432, 6379]);

/** A TCP port that was free on 127.0.0.1 a moment ago (the kernel picks it by binding port 0). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (port > 0 && !RESERVED_PORTS.has(port)) return port;
  }
}

export type PortState = 'open' | 'refused' | 'unknown';

/** Whether something accepts TCP connections on 127.0.0.1:port right now ('unknown': no answer in time). */
export function probePort(port: number, timeoutMs = 1_000): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (state: PortState) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => done('unknown'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? 'refused' : 'unknown'),
    );
  });
}

/** Polls until `check()` is true; rejects with `what` in the message after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once nothing listens on 127.0.0.1:port any more (connections are refused). */
export function waitUntilPortRefuses(port: number, timeoutMs = 10_000): Promise<void> {
  return waitFor(
    async () => (await probePort(port, 250)) === 'refused',
    `port ${port} to refuse connections`,
    timeoutMs,
  );
}

/** Refuses the shared CI services' ports, so a mistake cannot stop or shadow them. */
export function assertNotReserved(port: number): void {
  if (RESERVED_PORTS.has(port)) {
    throw new Error(`port ${port} belongs to a shared service; throw-away servers never use it`);
  }
}

/**
 * Starts a detached watchdog that runs `cleanup` (and removes `dir`) once this process is gone,
 * however it ended: a crash, a SIGKILL from the test runner, a forgotten `dispose()`. Without it a
 * daemon started by a test would outlive the test run. `dispose()` kills the watchdog first.
 */
export function startReaper(dir: string, cleanup: readonly string[]): { cancel(): void } {
  const script =
    'owner=$1; dir=$2; shift 2; while kill -0 "$owner" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$dir"';
  const child = spawn('sh', ['-c', script, 'throwaway-reaper', String(process.pid), dir, ...cleanup], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  return {
    cancel() {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}
