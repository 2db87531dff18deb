import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type ImportIssue, LEGACY_TABLES, type LegacyTable } from './legacy-import.types';

/**
 * A dry run writes nothing to the target: its report lines wait in temporary files (never in
 * memory), one per table (tables load at once), read back table by table in import order.
 */
export class DryRunIssueLog {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'legacy-import-'));
  private readonly files = new Map<LegacyTable, WriteStream>();

  private fileOf(table: LegacyTable): WriteStream {
    let out = this.files.get(table);
    if (!out) {
      out = createWriteStream(path.join(this.dir, `${table}.jsonl`), { encoding: 'utf8' });
      this.files.set(table, out);
    }
    return out;
  }

  async append(issues: readonly ImportIssue[]): Promise<void> {
    for (const table of new Set(issues.map((i) => i.table))) {
      const out = this.fileOf(table);
      const lines = issues.filter((i) => i.table === table).map((i) => `${JSON.stringify(i)}\n`);
      if (!out.write(lines.join(''))) await once(out, 'drain');
    }
  }

  async *read(): AsyncGenerator<ImportIssue> {
    for (const table of LEGACY_TABLES) {
      const out = this.files.get(table);
      if (!out) continue;
      if (!out.writableFinished) {
        out.end();
        await once(out, 'finish');
      }
      const lines = createInterface({
        input: createReadStream(out.path, { encoding: 'utf8' }),
        crlfDelay: Infinity,
      });
      for await (const line of lines) if (line) yield JSON.parse(line) as ImportIssue;
    }
  }

  remove(): void {
    for (const out of this.files.values()) out.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
