import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ImportIssue, LegacyTable, TableCounters } from './legacy-import.types';
import type { TableVerification } from './legacy-import.verifier';

export interface ImportSummary {
  readonly source: string;
  readonly target: string;
  readonly dryRun: boolean;
  readonly resumed: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly tables: readonly { readonly table: LegacyTable; readonly counters: TableCounters }[];
  readonly verification?: readonly TableVerification[];
  /** How the import ran (for example how foreign keys were checked). */
  readonly notes?: readonly string[];
}

/**
 * The report file: what was read, written, skipped and repaired per table, the issues by kind, the
 * verification when asked for, then one line per skipped or repaired row
 * (`Users#12 skipped merged-duplicate-login: ...`). Nothing the import left out is missing here.
 */
export async function writeReport(
  path: string,
  summary: ImportSummary,
  issues: AsyncIterable<ImportIssue>,
): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const seconds = (summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000;
  await write(`Legacy MySQL import report${summary.dryRun ? ' (dry run: nothing was written)' : ''}\n`);
  await write(`source:   ${summary.source}\ntarget:   ${summary.target}\n`);
  await write(
    `started:  ${summary.startedAt.toISOString()}${summary.resumed ? ' (resumed an interrupted import)' : ''}\n`,
  );
  await write(`finished: ${summary.finishedAt.toISOString()} (${seconds.toFixed(1)} s)\n`);
  for (const note of summary.notes ?? []) await write(`note:     ${note}\n`);
  await write('\n');
  const head = ['table', 'read', 'mapped', 'inserted', 'updated', 'unchanged', 'skipped', 'repaired'];
  await write(`${row(head)}\n`);
  for (const { table, counters: c } of summary.tables) {
    await write(
      `${row([table, c.read, c.mapped, c.inserted, c.updated, c.unchanged, c.skipped, c.repaired])}\n`,
    );
  }
  if (summary.verification) {
    await write(`\nverification (row counts and checksums of the mapped values, source against target)\n`);
    for (const v of summary.verification) {
      await write(
        `${v.table.padEnd(18)} ${v.ok ? 'OK  ' : 'FAIL'} source ${v.source.rows} rows ${v.source.checksum}  target ${v.target.rows} rows ${v.target.checksum}\n`,
      );
    }
  }
  const byKind = new Map<string, number>();
  const lines: string[] = [];
  await write('\nrows skipped or repaired (one line per issue)\n');
  for await (const issue of issues) {
    const key = `${issue.table} ${issue.outcome} ${issue.kind}`;
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
    lines.push(`${issue.table}#${issue.legacyId} ${issue.outcome} ${issue.kind}: ${issue.detail}\n`);
    if (lines.length >= 1000) await write(lines.splice(0).join(''));
  }
  await write(lines.join(''));
  await write(`\nissues by kind\n`);
  for (const [key, count] of [...byKind].sort()) await write(`  ${key}: ${count}\n`);
  if (byKind.size === 0) await write('  none\n');
  out.end();
  await once(out, 'finish');
}

function row(cells: readonly (string | number)[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(18) : String(c).padStart(10))).join('');
}
