/**
 * Subscription benchmark (issue 11): `npx tsx bench/subscriptions.bench.ts [scenario ...]`.
 *
 * One `api` process (bench/subscriptions/server.ts: the real entry point, its own process, on
 * the shared PostgreSQL and Redis) holds the subscriptions; two client processes
 * (bench/subscriptions/client.ts, raw `ws` speaking graphql-transport-ws) open one socket and one
 * `harvestProgress` subscription each; this process publishes the events to Redis, each stamped
 * with its publish time, as the harvest processor would. Each scenario runs with the shared fan-out
 * (WS_SUBSCRIPTION_FANOUT=shared) and with the stock per-subscriber execution as the yardstick.
 *
 * Scenarios (topics = distinct logins; each topic gets one event a second; `name:subs:topics`
 * runs a custom size; BENCH_SECONDS sets the measured seconds, BENCH_FANOUTS the modes):
 *   one-topic   5,000 subscriptions to one topic, one event a second
 *   topics      2,000 subscriptions on 2,000 topics, 2,000 events a second
 *   developers  10,000 subscriptions, each its own developer, one event a second each
 * `ramp` runs `developers` with the shared fan-out at growing counts until p99 passes 1 s.
 *
 * Reported per run: delivery p50/p99/max (publish to receipt, ms), events delivered/expected,
 * event-loop delay max/p99 in the server (perf_hooks monitorEventLoopDelay), server CPU %, and
 * server memory per connection (RSS and heap growth after GC, divided by the sockets).
 * Rate limits are off in the bench (RATE_LIMIT_ENABLED=false): it measures fan-out, not budgets.
 * BENCH_CPU_PROF=<dir> writes a CPU profile of the api process over each measured window there.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { freePort } from '../test/support/free-port';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const ROOT = path.resolve(__dirname, '..');
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Scenario {
  readonly name: string;
  readonly subscriptions: number;
  readonly topics: number;
}

const SCENARIOS: Record<string, Scenario> = {
  'one-topic': { name: 'one-topic', subscriptions: 5_000, topics: 1 },
  topics: { name: 'topics', subscriptions: 2_000, topics: 2_000 },
  developers: { name: 'developers', subscriptions: 10_000, topics: 10_000 },
};

type Fanout = 'shared' | 'per-subscriber';

interface Result {
  scenario: string;
  fanout: Fanout;
  subscriptions: number;
  topics: number;
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  loopMaxMs: number;
  loopP99Ms: number;
  cpuPercent: number;
  /** Server CPU time in the window per event delivered in it, in microseconds (robust to a busy machine). */
  cpuUsPerDelivery: number;
  rssPerConnectionKb: number;
  heapPerConnectionKb: number;
  errors: number;
}

function request<T>(child: ChildProcess, message: unknown, kind: string, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${kind} from child`)), timeoutMs);
    const onMessage = (reply: { kind: string }) => {
      if (reply.kind !== kind) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send(message as string);
  });
}

async function startServer(
  database: string,
  prefix: string,
  fanout: Fanout,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/subscriptions/server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DB_HOST: PG.host,
      DB_USER: PG.user,
      DB_NAME: database,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '6379',
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_ENABLED: 'false',
      HEALTH_WATCH_INTERVAL_MS: '0',
      WS_SUBSCRIPTION_FANOUT: fanout,
      GITHUB_TOKENS: 'ghp_benchtoken00000000000000000000000000000',
    },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('started api')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`api exited ${code}: ${out.slice(-2000)}`)));
  });
  return { child, url: `ws://127.0.0.1:${port}/graphql` };
}

function startClient(): ChildProcess {
  return fork(path.join(__dirname, 'subscriptions/client.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(scenario: Scenario, fanout: Fanout, database: string): Promise<Result> {
  const prefix = `bench:subs:${Date.now().toString(36)}`;
  const { child: server, url } = await startServer(database, prefix, fanout);
  const clients = [startClient(), startClient()];
  const publisher = new Redis({ host: '127.0.0.1', port: 6379 });
  const logins = Array.from({ length: scenario.topics }, (_, i) => `bench-dev-${i}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const before = await request<{ rss: number; heapUsed: number }>(server, 'memory', 'memory');
    const share = Math.ceil(scenario.subscriptions / clients.length);
    await Promise.all(
      clients.map((client, c) => {
        const mine = Array.from(
          { length: Math.min(share, scenario.subscriptions - c * share) },
          (_, i) => logins[(c * share + i) % logins.length]!,
        );
        return request(client, { kind: 'start', url, logins: mine }, 'opened');
      }),
    );
    // Each topic gets one event a second: every 20 ms tick publishes what is due by then (by the
    // clock, so a late tick catches up), round-robin over the topics.
    // Warm-up publishes at a tenth of the rate (subscriptions are still being set up), then the
    // clock restarts at the full rate and the run settles for 3 s before it is measured.
    let startedAt = performance.now();
    let rate = Math.max(1, scenario.topics / 10);
    let published = 0;
    let measuredFrom = Infinity;
    let publishedInWindow = 0;
    const publish = () => {
      const due = Math.floor(((performance.now() - startedAt) / 1_000) * rate) - published;
      if (due <= 0) return;
      const pipeline = publisher.pipeline();
      for (let i = 0; i < due; i++) {
        const login = logins[published++ % logins.length]!;
        const now = new Date().toISOString();
        if (performance.now() >= measuredFrom) publishedInWindow++;
        pipeline.publish(
          `${prefix}:events:HARVEST_PROGRESS:${login}`,
          JSON.stringify({
            jobId: '00000000-0000-4000-8000-000000000000',
            login,
            status: 'running',
            trigger: 'manual',
            progress: 50,
            stage: 'repositories',
            attempts: 1,
            error: null,
            enqueuedAt: now,
            startedAt: now,
            finishedAt: null,
          }),
        );
      }
      void pipeline.exec();
    };
    timer = setInterval(publish, 20);
    // Warm-up: until every subscription received an event (so every one is running).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const seen = await Promise.all(
        clients.map((c) => request<{ count: number }>(c, { kind: 'seen' }, 'seen')),
      );
      const total = seen.reduce((n, s) => n + s.count, 0);
      if (total >= scenario.subscriptions) break;
      if (Date.now() > deadline) {
        console.warn(`  warm-up: only ${total}/${scenario.subscriptions} subscriptions received an event`);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const after = await request<{ rss: number; heapUsed: number }>(server, 'memory', 'memory');
    rate = scenario.topics;
    startedAt = performance.now();
    published = 0;
    await new Promise((r) => setTimeout(r, 3_000));
    await request(server, 'reset', 'reset');
    for (const c of clients) c.send({ kind: 'measure' });
    measuredFrom = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_SECONDS * 1_000));
    clearInterval(timer);
    timer = undefined;
    const stats = await request<{ loopMaxMs: number; loopP99Ms: number; cpuPercent: number; cpuMs: number }>(
      server,
      'stats',
      'stats',
    );
    // Events still in flight are counted, not timed out: give them a moment.
    await new Promise((r) => setTimeout(r, 2_000));
    const collected = await Promise.all(
      clients.map((c) =>
        request<{ latencies: number[]; errors: number; received: number }>(c, { kind: 'collect' }, 'collect'),
      ),
    );
    const latencies = collected.flatMap((c) => c.latencies).sort((a, b) => a - b);
    const subscribersPerTopic = scenario.subscriptions / scenario.topics;
    return {
      scenario: scenario.name,
      fanout,
      subscriptions: scenario.subscriptions,
      topics: scenario.topics,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      delivered: latencies.length,
      expected: Math.round(publishedInWindow * subscribersPerTopic),
      loopMaxMs: Math.round(stats.loopMaxMs * 10) / 10,
      loopP99Ms: Math.round(stats.loopP99Ms * 10) / 10,
      cpuPercent: Math.round(stats.cpuPercent),
      cpuUsPerDelivery: Math.round(((stats.cpuMs * 1000) / Math.max(1, latencies.length)) * 10) / 10,
      rssPerConnectionKb: Math.round(((after.rss - before.rss) / 1024 / scenario.subscriptions) * 10) / 10,
      heapPerConnectionKb:
        Math.round(((after.heapUsed - before.heapUsed) / 1024 / scenario.subscriptions) * 10) / 10,
      errors: collected.reduce((n, c) => n + c.errors, 0),
    };
  } finally {
    if (timer) clearInterval(timer);
    for (const c of clients) c.send({ kind: 'close' });
    publisher.disconnect();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function line(r: Result): string {
  return [
    `${r.scenario.padEnd(10)} ${r.fanout.padEnd(14)} subs=${String(r.subscriptions).padStart(6)} topics=${String(r.topics).padStart(6)}`,
    `p50=${r.p50}ms p99=${r.p99}ms max=${r.max}ms delivered=${r.delivered}/${r.expected}`,
    `loop max=${r.loopMaxMs}ms p99=${r.loopP99Ms}ms cpu=${r.cpuPercent}% cpu/delivery=${r.cpuUsPerDelivery}us`,
    `rss/conn=${r.rssPerConnectionKb}KB heap/conn=${r.heapPerConnectionKb}KB errors=${r.errors}`,
  ].join(' | ');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : ['one-topic', 'topics', 'developers', 'ramp'];
  const fanouts = (process.env.BENCH_FANOUTS ?? 'shared,per-subscriber').split(',') as Fanout[];
  const database = `bench_subs_${Date.now().toString(36)}`;
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  try {
    // Migrate once, through the real CLI.
    await new Promise<void>((resolve, reject) => {
      const migrate = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'migrate'], {
        cwd: ROOT,
        stdio: 'ignore',
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DB_HOST: PG.host, DB_NAME: database },
      });
      migrate.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`))));
    });
    for (const name of names) {
      if (name === 'ramp') {
        const counts = (process.env.BENCH_RAMP ?? '12500,15000,17500').split(',').map(Number);
        for (const count of counts) {
          const r = await run({ name: 'ramp', subscriptions: count, topics: count }, 'shared', database);
          console.log(line(r));
          if (!(r.p99 <= 1_000)) break;
        }
        continue;
      }
      // `name:subscriptions:topics` runs a custom size.
      const [label, subs, topics] = name.split(':');
      const scenario = subs
        ? { name: label!, subscriptions: Number(subs), topics: Number(topics ?? subs) }
        : SCENARIOS[name];
      if (!scenario) throw new Error(`unknown scenario ${name}`);
      for (const fanout of fanouts) console.log(line(await run(scenario, fanout, database)));
    }
  } finally {
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
