/** The processes of a bench run: a private Valkey (Redis) server, the server under test, the ceiling. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATASET_DB, PG } from './dataset';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A throw-away redis-server (never the shared one): its counters and FLUSHALL are the bench's alone. */
export class PrivateValkey {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateValkey> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-valkey-'));
    execFileSync('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'yes',
      '--pidfile',
      path.join(dir, 'redis.pid'),
    ]);
    const valkey = new PrivateValkey(port, dir);
    for (let i = 0; i < 50; i++) {
      try {
        valkey.cli('ping');
        return valkey;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('private redis-server did not start');
  }

  cli(...args: string[]): string {
    return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args], {
      encoding: 'utf8',
    });
  }

  flush(): void {
    this.cli('flushall');
  }

  stop(): void {
    try {
      this.cli('shutdown', 'nosave');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface ProbeCounters {
  readonly sql: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly peakRss: number;
  /** CPU time of the server process (user and system), in microseconds. */
  readonly cpuMicros: number;
}

async function waitForGraphql(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server did not answer within 60 s:\n${log()}`);
}

/** Builds a checkout's `dist/` with its own compiler settings (production runs compiled code). */
export function buildCheckout(dir: string): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
}

/**
 * V8's heap bounds as the ECS task sets them (old space half the task memory: 512 for production's
 * 1 GiB; 16 MB semi-spaces; infrastructure/lib/service-stack.ts). Unbounded on this 24 GB host, V8
 * lets garbage grow the old space to four times the live heap before collecting. A variant may set
 * its own.
 */
const SERVER_NODE_OPTIONS = '--max-old-space-size=512 --max-semi-space-size=16';

/** The server of a checkout in the `api` role, production mode, with the probe preloaded. */
export class ServerUnderTest {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static async start(options: {
    readonly dir: string;
    readonly valkeyPort: number;
    readonly rateLimits: boolean;
    readonly env: Readonly<Record<string, string>>;
  }): Promise<ServerUnderTest> {
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DB_HOST: PG.host,
      DB_PORT: String(PG.port),
      DB_USER: PG.user,
      DB_NAME: DATASET_DB,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(options.valkeyPort),
      // The data set was harvested when generated: keep it fresh, so reads never ask for harvests.
      HARVEST_FRESHNESS_HOURS: '8760',
      RATE_LIMIT_ENABLED: String(options.rateLimits),
      // Limits on means every request is checked and charged; the budget is large enough never to
      // refuse: the largest allowed (100,000,000) per second, where (c) at 25,000 req/s spends 10 M.
      RATE_LIMIT_MAX_REQUESTS: '100000000',
      RATE_LIMIT_WINDOW_MS: '1000',
      NODE_OPTIONS: SERVER_NODE_OPTIONS,
      ...options.env,
    };
    return ServerUnderTest.spawn(port, options.dir, [path.join(options.dir, 'dist/src/main.js'), 'api'], env);
  }

  /** The stock stack (stock.cjs): the yardstick for the floor, probed like the server. */
  static async startStock(): Promise<ServerUnderTest> {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      NODE_OPTIONS: SERVER_NODE_OPTIONS,
    };
    return ServerUnderTest.spawn(
      port,
      path.join(__dirname, '../..'),
      [path.join(__dirname, 'stock.cjs'), String(port)],
      env,
    );
  }

  private static async spawn(
    port: number,
    cwd: string,
    args: readonly string[],
    env: Readonly<Record<string, string>>,
  ): Promise<ServerUnderTest> {
    let output = '';
    const child = spawn(process.execPath, ['-r', path.join(__dirname, 'probe.cjs'), ...args], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    const url = `http://127.0.0.1:${port}/graphql`;
    const server = new ServerUnderTest(url, child);
    try {
      await waitForGraphql(url, child, () => output);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  probe(kind: 'reset' | 'read'): Promise<ProbeCounters> {
    return new Promise((resolve) => {
      const onMessage = (message: { probe?: string } & ProbeCounters) => {
        if (message?.probe !== kind) return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      this.child.send({ probe: kind });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The bare Fastify route answering a fixed body. */
export async function startCeiling(bodyFile: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'ceiling.cjs'), String(port), bodyFile], {
    cwd: path.join(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`ceiling exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
