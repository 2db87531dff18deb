/**
 * Fault figures: `npx tsx bench/faults.bench.ts`. Runs the fault tests (test/faults: database and
 * Valkey login rotation, PostgreSQL and Redis stopped under load, a worker SIGKILLed mid-harvest)
 * one file at a time, on throw-away servers they start themselves, and prints for each fault the
 * requests sent, the requests failed and the time to full recovery, as the tests logged them
 * (`FAULT-FIGURES` lines). The yardstick is zero failed requests; timings are printed, not asserted.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const FILES = [
  'test/faults/database-rotation.test.ts',
  'test/faults/valkey-rotation.test.ts',
  'test/faults/outages.test.ts',
  'test/faults/worker-kill.test.ts',
];

const rows: Record<string, unknown>[] = [];
for (const file of FILES) {
  let output: string;
  try {
    output = execFileSync('npx', ['vitest', 'run', file], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? '');
    console.error(`${file}: tests failed; figures below are partial`);
  }
  for (const line of output.split('\n')) {
    const at = line.indexOf('FAULT-FIGURES ');
    if (at >= 0) rows.push(JSON.parse(line.slice(at + 'FAULT-FIGURES '.length)) as Record<string, unknown>);
  }
}
console.log('fault | requests sent | requests failed (kinds) | served stale | time to full recovery');
for (const row of rows) {
  const kinds = Object.entries((row.failuresByKind as Record<string, number> | undefined) ?? {})
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  console.log(
    [
      row.fault,
      row.sent ?? '-',
      `${row.failed ?? '-'}${kinds ? ` (${kinds})` : ''}`,
      row.stale ?? '-',
      `${row.recoveryMs ?? '-'} ms${row.healthyMs !== undefined ? ` (health ok after ${row.healthyMs} ms)` : ''}`,
    ].join(' | '),
  );
  console.log(`  ${JSON.stringify(row)}`);
}
