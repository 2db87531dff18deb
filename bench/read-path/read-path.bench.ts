/**
 * Read-path benchmark (`npm run bench`, docs/performance.md):
 *
 *   npm run bench -- [--quick] [--seconds N] [--rounds N] [--connections N] [--only a-hot,c-users]
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
 * With `--rounds N` every row (and the ceiling) is measured N times, the variants in alternating
 * order, and the round with the median req/s is printed: on a noisy machine a lever of a few per
 * cent shows there, where one row of each variant may differ by more than the lever.
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
    rounds: { type: 'string', default: '1' },
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
const rounds = Math.max(1, Math.floor(Number(values.rounds)));
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

/** Of the rounds of one row, the one with the median req/s (the lower middle of an even count). */
function medianRound<T extends { readonly load: LoadResult }>(measured: readonly T[]): T {
  const sorted = [...measured].sort((x, y) => x.load.rps - y.load.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Runs `measureOne` for each of `list` `rounds` times, in alternating order (forwards, then
 * backwards), and gives each one's median round.
 */
async function alternating<V, T extends { readonly load: LoadResult }>(
  list: readonly V[],
  measureOne: (item: V) => Promise<T>,
): Promise<Map<V, T>> {
  const all = new Map<V, T[]>(list.map((item) => [item, []]));
  for (let round = 0; round < rounds; round++) {
    for (const item of round % 2 === 0 ? list : [...list].reverse())
      all.get(item)!.push(await measureOne(item));
  }
  return new Map([...all].map(([item, measured]) => [item, medianRound(measured)]));
}

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
      const ceilingLoad = () =>
        runLoad({ url: ceiling!.url, connections, seconds, next: () => ({ query: '' }) });
      const record = (variant: Variant, scenario: string, cache: 'cold' | 'warm', result: Measured) => {
        rows.push({ variant: variant.label, scenario, cache, rateLimits, ...result });
        log(
          `${variant.label} ${scenario} ${cache} rl=${rateLimits ? 'on' : 'off'}: ` +
            `${Math.round(result.load.rps)} req/s p50 ${result.load.p50} ms p99 ${result.load.p99} ms`,
        );
      };
      /**
       * One row per variant of `targets` over the rounds (`run` measures a variant), and with
       * `withCeiling` the ceiling's row for `scenario`, measured between them in the same alternation.
       */
      const measureRows = async (
        scenario: string,
        cache: 'cold' | 'warm',
        targets: readonly Variant[],
        run: (variant: Variant) => Promise<Measured>,
        withCeiling: boolean,
      ) => {
        const items: (Variant | undefined)[] = [...(withCeiling ? [undefined] : []), ...targets];
        const medians = await alternating(items, async (variant) =>
          variant ? run(variant) : { load: await ceilingLoad() },
        );
        for (const [variant, result] of medians) {
          if (variant) record(variant, scenario, cache, result as Measured);
          else ceilings.push({ scenario, rateLimits, rps: result.load.rps });
        }
      };
      const serverOf = (variant: Variant) => (variant === stockStack ? stock : servers.get(variant.label)!);
      await measureRows(
        FLOOR.id,
        'warm',
        [...list, stockStack],
        (v) => measure(serverOf(v), FLOOR, true),
        true,
      );
      for (const scenario of scenarios) {
        for (const [index, cache] of cacheModes.entries()) {
          await measureRows(
            scenario.id,
            cache,
            list,
            async (variant) => {
              if (cache === 'cold') {
                await servers.get(variant.label)!.stop();
                valkey.flush();
                servers.set(variant.label, await start(variant));
              }
              return measure(servers.get(variant.label)!, scenario, cache === 'warm');
            },
            index === 0,
          );
        }
        if (scenario.id !== 'c-users') continue;
        // (c) at half its maximum rate: the latency a page sees when the server is not saturated.
        const rateOf = (variant: Variant) => {
          const full = rows.find(
            (r) => r.variant === variant.label && r.scenario === 'c-users' && r.rateLimits === rateLimits,
          );
          return Math.max(1, Math.round((full?.load.rps ?? 2) / 2));
        };
        await measureRows(
          'c-users@half',
          'warm',
          list,
          (variant) => measure(servers.get(variant.label)!, scenario, true, rateOf(variant)),
          false,
        );
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
    `${connections} connections, ${seconds} s per row` +
      (rounds > 1 ? `, the median of ${rounds} rounds in alternating order` : '') +
      `; ceiling = bare Fastify route answering (a)'s ` +
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
