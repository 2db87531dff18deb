/**
 * Read-path benchmark (`npm run bench`, docs/performance.md):
 *
 *   npm run bench -- [--quick] [--seconds N] [--connections N] [--only a-hot,c-users]
 *                    [--rate-limits on|off|both] [--cache warm|cold|both]
 *                    [--target-dir /other/checkout] [--variant label:KEY=VALUE,KEY=VALUE] [--no-build]
 *
 * Generates (or reuses) the data set, starts a private redis-server, then for each variant (this
 * checkout; `--target-dir` adds another checkout, e.g. today's main; `--variant` adds this checkout
 * with settings changed, to measure a lever as a toggle) starts the server in the `api` role as its
 * own process (compiled, NODE_ENV=production) and drives it with autocannon through the scenarios,
 * with the shared cache cold (fresh process, Valkey flushed) and warm, rate limits on and off. The
 * ceiling (a bare Fastify route answering (a)'s bytes), the floor (`{ __typename }` through the
 * whole stack) and the floor of the stock stack (stock.cjs: Apollo Server 5 and type-graphql on
 * Fastify, defaults) run in the same run, and every row is printed as a ratio of the ceiling.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDataset } from './dataset';
import { answerOf, type LoadResult, runLoad } from './load';
import { buildCheckout, PrivateValkey, type ProbeCounters, ServerUnderTest, startCeiling } from './processes';
import { FLOOR, type Scenario, SCENARIOS } from './scenarios';

interface Variant {
  readonly label: string;
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
}

interface Ceiling {
  readonly scenario: string;
  readonly rateLimits: boolean;
  readonly rps: number;
}

type Measured = Awaited<ReturnType<typeof measure>>;

interface Row {
  readonly variant: string;
  readonly scenario: string;
  readonly cache: 'cold' | 'warm';
  readonly rateLimits: boolean;
  readonly load: LoadResult;
  readonly probe: ProbeCounters;
  readonly sqlPerRequest: number;
  readonly bytes: number;
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    'rate-limits': { type: 'string', default: 'both' },
    cache: { type: 'string', default: 'both' },
    'target-dir': { type: 'string', multiple: true, default: [] },
    variant: { type: 'string', multiple: true, default: [] },
    'no-build': { type: 'boolean', default: false },
  },
});

const ROOT = path.resolve(__dirname, '../..');
const seconds = Number(values.seconds ?? (values.quick ? 2 : 8));
const connections = Number(values.connections);
const both = <T>(value: string, on: T, off: T): T[] =>
  value === 'both' ? [on, off] : value === 'on' || value === 'warm' ? [on] : [off];
const rateLimitModes = both(values['rate-limits']!, true, false);
const cacheModes = both(values.cache!, 'warm' as const, 'cold' as const);
const only = values.only?.split(',');
const scenarios = only ? SCENARIOS.filter((s) => only.some((o) => s.id.startsWith(o))) : SCENARIOS;

function variants(): Variant[] {
  const list: Variant[] = [{ label: 'this', dir: ROOT, env: {} }];
  for (const dir of values['target-dir']!) list.push({ label: path.basename(dir), dir, env: {} });
  for (const spec of values.variant!) {
    const at = spec.indexOf(':');
    const [label, settings] = at < 0 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
    // KEY=VALUE pairs split at the first `=`: a value may hold more (NODE_OPTIONS=--flag=1).
    const env = Object.fromEntries(
      settings
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    list.push({ label: label!, dir: ROOT, env });
  }
  return list;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Waits until requests still in flight from a load have finished (no SQL for 300 ms; at most 15 s). */
async function quiet(server: ServerUnderTest): Promise<void> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const { sql } = await server.probe('read');
    if (sql === last) return;
    last = sql;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Sequential requests before the load: SQL statements per request, independent of throughput. */
const PROBE_REQUESTS = 5;

async function measure(
  server: ServerUnderTest,
  scenario: Scenario,
  warmFirst: boolean,
  rate?: number,
): Promise<{ load: LoadResult; probe: ProbeCounters; sqlPerRequest: number; bytes: number }> {
  if (warmFirst) {
    await runLoad({ url: server.url, connections, seconds: 1, next: scenario.next });
    await quiet(server);
  }
  await server.probe('reset');
  let bytes = 0;
  for (let i = 0; i < PROBE_REQUESTS; i++) bytes = (await answerOf(server.url, scenario.next())).bytes;
  const sqlPerRequest = (await server.probe('read')).sql / PROBE_REQUESTS;
  await server.probe('reset');
  const load = await runLoad({ url: server.url, connections, seconds, rate, next: scenario.next });
  const probe = await server.probe('read');
  return { load, probe, sqlPerRequest, bytes };
}

async function main(): Promise<void> {
  await ensureDataset(log);
  const list = variants();
  if (!values['no-build']) {
    for (const dir of new Set(list.map((v) => v.dir))) {
      log(`building ${dir}`);
      buildCheckout(dir);
    }
  }
  const valkey = await PrivateValkey.start();
  // The issue's yardstick for the floor, measured beside it in each mode (it has no rate limits).
  const stock = await ServerUnderTest.startStock();
  const stockStack: Variant = { label: 'stock-stack', dir: ROOT, env: {} };
  const rows: Row[] = [];
  const ceilings: Ceiling[] = [];
  const servers = new Map<string, ServerUnderTest>();
  let ceiling: Awaited<ReturnType<typeof startCeiling>> | undefined;
  try {
    for (const rateLimits of rateLimitModes) {
      // Every variant's server runs meanwhile (idle unless measured), so the variants of one
      // scenario are measured back to back under the same conditions on a shared machine.
      const start = (variant: Variant) =>
        ServerUnderTest.start({
          dir: variant.dir,
          valkeyPort: valkey.port,
          rateLimits,
          env: { REDIS_KEY_PREFIX: `bench-${variant.label}`, ...variant.env },
        });
      for (const variant of list) servers.set(variant.label, await start(variant));
      if (!ceiling) {
        // The ceiling answers the bytes of (a)'s answer, as the first server gives it.
        const { body } = await answerOf(servers.get(list[0]!.label)!.url, SCENARIOS[0]!.next());
        const file = path.join(tmpdir(), `bench-ceiling-${process.pid}.json`);
        writeFileSync(file, body);
        ceiling = await startCeiling(file);
      }
      const measureCeiling = async (scenario: string) => {
        const load = await runLoad({ url: ceiling!.url, connections, seconds, next: () => ({ query: '' }) });
        ceilings.push({ scenario, rateLimits, rps: load.rps });
      };
      const record = (variant: Variant, scenario: string, cache: 'cold' | 'warm', result: Measured) => {
        rows.push({ variant: variant.label, scenario, cache, rateLimits, ...result });
        log(
          `${variant.label} ${scenario} ${cache} rl=${rateLimits ? 'on' : 'off'}: ` +
            `${Math.round(result.load.rps)} req/s p50 ${result.load.p50} ms p99 ${result.load.p99} ms`,
        );
      };
      await measureCeiling(FLOOR.id);
      for (const variant of list)
        record(variant, FLOOR.id, 'warm', await measure(servers.get(variant.label)!, FLOOR, true));
      record(stockStack, FLOOR.id, 'warm', await measure(stock, FLOOR, true));
      for (const scenario of scenarios) {
        await measureCeiling(scenario.id);
        for (const cache of cacheModes) {
          for (const variant of list) {
            if (cache === 'cold') {
              await servers.get(variant.label)!.stop();
              valkey.flush();
              servers.set(variant.label, await start(variant));
            }
            record(
              variant,
              scenario.id,
              cache,
              await measure(servers.get(variant.label)!, scenario, cache === 'warm'),
            );
          }
        }
        if (scenario.id !== 'c-users') continue;
        // (c) at half its maximum rate: the latency a page sees when the server is not saturated.
        for (const variant of list) {
          const full = rows.find(
            (r) => r.variant === variant.label && r.scenario === 'c-users' && r.rateLimits === rateLimits,
          );
          const rate = Math.max(1, Math.round((full?.load.rps ?? 2) / 2));
          record(
            variant,
            'c-users@half',
            'warm',
            await measure(servers.get(variant.label)!, scenario, true, rate),
          );
        }
      }
      for (const server of servers.values()) await server.stop();
      servers.clear();
    }
  } finally {
    for (const server of servers.values()) await server.stop();
    await stock.stop();
    await ceiling?.stop();
    valkey.stop();
  }
  printTable(rows, ceilings, list);
}

function printTable(rows: readonly Row[], ceilings: readonly Ceiling[], list: readonly Variant[]): void {
  const ceilingOf = (r: Row) =>
    ceilings.find((c) => c.scenario === r.scenario.replace('@half', '') && c.rateLimits === r.rateLimits)!
      .rps;
  const baseline = list[1]?.label;
  const out: string[] = [];
  out.push(
    `${connections} connections, ${seconds} s per row; ceiling = bare Fastify route answering (a)'s ` +
      `${rows.find((r) => r.scenario === 'a-hot')?.bytes ?? '?'} bytes, measured right before each scenario`,
  );
  out.push('');
  out.push(
    '| variant | scenario | cache | rate limits | req/s | CPU us/req | p50 ms | p99 ms | SQL/req (5 sequential) | resp-cache hits | ' +
      `Valkey GET hits | peak RSS MB | bytes | ceiling req/s | x ceiling |${baseline ? ` x ${baseline} |` : ''} errors |`,
  );
  out.push(`|${' --- |'.repeat(baseline ? 17 : 16)}`);
  for (const r of rows) {
    const lookups = r.probe.cacheHits + r.probe.cacheMisses;
    const pct = (n: number, d: number) => (d > 0 ? `${Math.round((100 * n) / d)}%` : '-');
    const same = rows.find(
      (b) =>
        b.variant === baseline &&
        b.scenario === r.scenario &&
        b.cache === r.cache &&
        b.rateLimits === r.rateLimits,
    );
    const ceiling = ceilingOf(r);
    out.push(
      `| ${r.variant} | ${r.scenario} | ${r.cache} | ${r.rateLimits ? 'on' : 'off'} | ${Math.round(r.load.rps)} | ` +
        `${r.load.requests > 0 ? Math.round(r.probe.cpuMicros / r.load.requests) : '-'} | ` +
        `${r.load.p50} | ${r.load.p99} | ${r.sqlPerRequest.toFixed(1)} | ` +
        `${pct(r.load.responseCacheHits, r.load.requests)} | ${pct(r.probe.cacheHits, lookups)} | ` +
        `${Math.round(r.probe.peakRss / 1048576)} | ${r.bytes} | ${Math.round(ceiling)} | ${(r.load.rps / ceiling).toFixed(3)} |` +
        `${baseline ? ` ${same ? (r.load.rps / same.load.rps).toFixed(2) : '-'} |` : ''} ${r.load.errors + r.load.non2xx} |`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
