import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportIssue } from './legacy-import.types';

/** A dry run writes nothing to the target: its report lines wait in a temporary file (never in memory). */
export class DryRunIssueLog {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'legacy-import-'));
  private readonly file = path.join(this.dir, 'issues.jsonl');
  private readonly out: WriteStream = createWriteStream(this.file, { encoding: 'utf8' });

  async append(issues: readonly ImportIssue[]): Promise<void> {
    if (issues.length === 0) return;
    if (!this.out.write(issues.map((i) => `${JSON.stringify(i)}\n`).join(''))) await once(this.out, 'drain');
  }

  async *read(): AsyncGenerator<ImportIssue> {
    if (!this.out.writableFinished) {
      this.out.end();
      await once(this.out, 'finish');
    }
    const lines = createInterface({
      input: createReadStream(this.file, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    for await (const line of lines) if (line) yield JSON.parse(line) as ImportIssue;
  }

  remove(): void {
    this.out.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
