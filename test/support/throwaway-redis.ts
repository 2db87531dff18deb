import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertNotReserved, freePort, startReaper, waitFor, waitUntilPortRefuses } from './free-port';

/**
 * A Redis server of a test's own, for fault tests (stop it, watch the app degrade, start it again on
 * the same port, watch it recover). Never the shared one on 6379.
 *
 *   let redis: ThrowawayRedis;
 *   beforeAll(async () => { redis = await startThrowawayRedis(); });
 *   afterAll(() => redis?.dispose());   // always: it runs even when a test failed
 *
 * The server is a child process of the test worker (`--daemonize no`), bound to 127.0.0.1 with no
 * persistence. If the worker dies without `dispose()`, a watchdog kills the server within a second.
 */
export interface ThrowawayRedis {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Whether the server is up (as far as this handle knows). */
  readonly running: boolean;
  /** Starts the server again on the same port and resolves once it answers PING. No-op when running. */
  start(): Promise<void>;
  /** Stops the server and resolves once the port refuses connections. No-op when stopped. */
  stop(): Promise<void>;
  /** Stops the server and removes its files. Safe to call twice; the handle is unusable after it. */
  dispose(): Promise<void>;
}

export interface ThrowawayRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--requirepass', 'secret']`. */
  readonly extraArgs?: readonly string[];
  /** How long `start()` waits for PING to answer. Default 15 s. */
  readonly readyTimeoutMs?: number;
}

const HOST = '127.0.0.1';
const BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const FIRST_START_ATTEMPTS = 5;

export async function startThrowawayRedis(options: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'throwaway-redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  const logFile = path.join(dir, 'redis.log');
  const reaper = startReaper(dir, ['sh', '-c', '[ -f "$0" ] && kill -9 "$(cat "$0")"', pidFile]);

  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let disposed = false;

  const launch = async (): Promise<void> => {
    assertNotReserved(port);
    rmSync(logFile, { force: true });
    // prettier-ignore
    const args = [
      '--port', String(port),
      '--bind', HOST,
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'no',
      '--dir', dir,
      '--pidfile', pidFile,
      '--logfile', logFile,
      ...(options.extraArgs ?? []),
    ];
    const proc = spawn(BINARY, args, { stdio: 'ignore' });
    child = proc;
    let failure: Error | undefined;
    exited = new Promise((resolve) => {
      proc.once('error', (error) => {
        failure = error;
        resolve();
      });
      proc.once('exit', (code, signal) => {
        failure ??= new Error(`redis-server exited (${signal ?? `code ${code}`})`);
        resolve();
      });
    });
    try {
      await waitFor(
        async () => {
          if (failure) throw failure;
          // The log line proves it is our server answering, not one that grabbed the port first.
          return readLog(logFile).includes('Ready to accept connections') && (await ping(port));
        },
        `redis-server on port ${port} to answer PING`,
        readyTimeoutMs,
      );
    } catch (error) {
      await kill({ waitForPort: false });
      throw new Error(`${(error as Error).message}\n${tail(logFile)}`, { cause: error });
    }
  };

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const kill = async ({ waitForPort = true } = {}): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const escalate = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(escalate);
    }
    // A pid file left by a killed server must not point the watchdog at a reused pid.
    rmSync(pidFile, { force: true });
    if (waitForPort) await waitUntilPortRefuses(port);
  };

  // Operations run one at a time, in call order, so a stop() racing a start() cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (operation: () => Promise<void>): Promise<void> => {
    const run = queue.then(operation, operation);
    queue = run.catch(() => undefined);
    return run;
  };
  const usable = () => {
    if (disposed) throw new Error('this throw-away Redis was disposed');
  };

  const cleanUp = async () => {
    disposed = true;
    await kill().catch(() => undefined);
    reaper.cancel();
    rmSync(dir, { recursive: true, force: true });
  };

  // The first start picks a fresh port, and another if something grabbed it in the meantime.
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= FIRST_START_ATTEMPTS) {
        await cleanUp();
        throw error;
      }
    }
  }

  return {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    get running() {
      return alive();
    },
    start: () =>
      serial(async () => {
        usable();
        if (alive()) return;
        await kill({ waitForPort: false });
        await launch();
      }),
    stop: () =>
      serial(async () => {
        usable();
        await kill();
      }),
    dispose: () =>
      serial(async () => {
        if (!disposed) await cleanUp();
      }),
  };
}

/** True once the server answers PING (`-NOAUTH` counts: a password-protected server is up too). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function tail(file: string): string {
  return readLog(file).split('\n').slice(-15).join('\n') || '(no redis log)';
}
