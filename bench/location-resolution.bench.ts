/**
 * Location resolution benchmark: `npx tsx bench/location-resolution.bench.ts [rounds]`.
 *
 * Resolves every location of the test table (test/rankings/fixtures/location-cases.ts) over and over
 * and compares the throughput with a baseline measured in the same run on the same inputs: lowercase
 * the text and look it up in a Map, the least any resolver could do. Rounds alternate between the two
 * so that a busy machine slows both alike; medians are reported. Also prints the one-off cost of
 * building the indexes and what a 1M-user migration would spend resolving locations.
 */
import { createLocationResolver } from '../src/modules/location';
import { LOCATION_CASES } from '../test/location/location-cases';

const ROUNDS = Number(process.argv[2] ?? 9);
const ROUND_MS = 400;

interface Measurement {
  readonly perSecond: number;
  readonly checksum: number;
}

/** Calls `resolve` on every input until ROUND_MS have passed; resolutions per second. */
function measure(inputs: readonly string[], resolve: (text: string) => string | null): Measurement {
  let resolutions = 0;
  let checksum = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (const input of inputs) {
      // Use the result, so the work cannot be optimised away.
      checksum += resolve(input)?.length ?? 0;
    }
    resolutions += inputs.length;
    elapsed = performance.now() - started;
  } while (elapsed < ROUND_MS);
  return { perSecond: (resolutions / elapsed) * 1000, checksum };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function main(): void {
  const inputs = LOCATION_CASES.map(([input]) => input);
  // Without its answer cache, so every call does the full work; the cached figure comes after.
  const resolver = createLocationResolver({ resolver: { cacheSize: 0 } });
  const cachedResolver = createLocationResolver();
  cachedResolver.warmUp();

  const coldStart = performance.now();
  const coldCpu = process.cpuUsage();
  resolver.warmUp();
  const warmUpMs = performance.now() - coldStart;
  const warmUpCpu = process.cpuUsage(coldCpu);
  // CPU time tells the cost on a busy machine, where wall time also counts waiting for a core.
  const warmUpCpuMs = (warmUpCpu.user + warmUpCpu.system) / 1000;

  const lookup = new Map(LOCATION_CASES.map(([input, code]) => [input.toLowerCase(), code]));
  const baseline = (text: string): string | null => lookup.get(text.toLowerCase()) ?? null;
  const resolve = (text: string): string | null => resolver.resolveLocation(text)?.code ?? null;
  const resolveCached = (text: string): string | null => cachedResolver.resolveLocation(text)?.code ?? null;

  // Warm the JIT for all three before measuring.
  measure(inputs, baseline);
  measure(inputs, resolve);
  measure(inputs, resolveCached);

  const baselineRates: number[] = [];
  const resolverRates: number[] = [];
  const cachedRates: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    baselineRates.push(measure(inputs, baseline).perSecond);
    resolverRates.push(measure(inputs, resolve).perSecond);
    cachedRates.push(measure(inputs, resolveCached).perSecond);
  }
  const baselineRate = median(baselineRates);
  const resolverRate = median(resolverRates);
  const cachedRate = median(cachedRates);
  const format = (n: number): string => Math.round(n).toLocaleString('en-US');

  console.log(
    `location resolution: ${inputs.length} real-world locations, ${ROUNDS} rounds of ${ROUND_MS} ms each`,
  );
  console.log(
    `  index build (once per process): ${warmUpMs.toFixed(0)} ms wall, ${warmUpCpuMs.toFixed(0)} ms CPU`,
  );
  console.log(`  baseline (lowercase + Map lookup): ${format(baselineRate)} resolutions/s`);
  console.log(`  resolver:                          ${format(resolverRate)} resolutions/s`);
  console.log(`  resolver / baseline:               ${(resolverRate / baselineRate).toFixed(4)}`);
  console.log(`  resolver with its answer cache:    ${format(cachedRate)} resolutions/s (repeated inputs)`);
  console.log(`  cached resolver / baseline:        ${(cachedRate / baselineRate).toFixed(4)}`);
  const millionMs = (1_000_000 / resolverRate) * 1000 + warmUpMs;
  console.log(`  1M distinct locations: ${millionMs.toFixed(0)} ms, index build included`);
}

main();
