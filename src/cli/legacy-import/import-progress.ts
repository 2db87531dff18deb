import type { Writable } from 'node:stream';

/** Progress of the tables being imported (several load at once). */
export interface ImportProgress {
  /** `total` may come later (counting a large table takes a while): until then the line shows `?`. */
  start(label: string, total: number | Promise<number>): TableProgress;
}

export interface TableProgress {
  advance(rows: number): void;
  end(): void;
}

export interface ProgressOptions {
  /** A terminal gets one redrawn line; anything else gets plain lines. */
  readonly tty: boolean;
  /** Plain mode: at most one line per table and interval (0: a line per batch). */
  readonly intervalMs: number;
  readonly now?: () => number;
}

interface Table {
  readonly label: string;
  /** NaN until known. */
  total: number;
  readonly startedAt: number;
  done: number;
  shownAt: number;
}

/**
 * `Activities [#########-----------] 45.0% 2,250,000/5,000,000 rows 148,210 rows/s ETA 0:18` on a
 * terminal (one line, redrawn at most 10 times a second, with every table that is loading; a
 * finished table's last line stays), or the same facts as plain lines, one per table and
 * interval, when the output is a file or a pipe.
 */
export function createProgress(out: Writable, options: ProgressOptions): ImportProgress {
  const now = options.now ?? (() => Date.now());
  const active = new Set<Table>();
  let drawnAt = -Infinity;

  const figures = (t: Table, final: boolean): string => {
    const seconds = Math.max((now() - t.startedAt) / 1000, 1e-3);
    const rate = t.done / seconds;
    const speed = `${fmt(Math.round(rate))} rows/s`;
    if (Number.isNaN(t.total))
      return `${fmt(t.done)}/? rows ${speed} ${final ? `done in ${clock(seconds)}` : ''}`.trim();
    const share = t.total > 0 ? Math.min(t.done / t.total, 1) : 1;
    const eta = rate > 0 ? Math.max(t.total - t.done, 0) / rate : 0;
    const tail = final ? `done in ${clock(seconds)}` : `ETA ${clock(eta)}`;
    return `${fmt(t.done)}/${fmt(t.total)} rows ${(share * 100).toFixed(1)}% ${speed} ${tail}`;
  };
  const bar = (t: Table, final: boolean): string => {
    const width = 24;
    const filled = Math.round((t.total > 0 ? Math.min(t.done / t.total, 1) : t.total === 0 ? 1 : 0) * width);
    return `${t.label.padEnd(16)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures(t, final)}`;
  };
  /** The terminal line: one bar alone, or each loading table's share and rate. */
  const draw = () => {
    drawnAt = now();
    const tables = [...active];
    const text =
      tables.length === 1
        ? bar(tables[0]!, false)
        : tables
            .map(
              (t) =>
                `${t.label} ${t.total > 0 ? `${((100 * t.done) / t.total).toFixed(0)}%` : t.total === 0 ? '100%' : fmt(t.done)}`,
            )
            .join(' | ');
    out.write(`\r\x1b[K${text}`);
  };

  return {
    start(label, total) {
      const table: Table = { label, total: NaN, startedAt: now(), done: 0, shownAt: -Infinity };
      active.add(table);
      if (typeof total === 'number') table.total = total;
      else total.then((n) => (table.total = n)).catch(() => undefined); // the count failing is not the import failing
      return {
        advance(rows) {
          table.done += rows;
          if (options.tty) {
            if (now() - drawnAt >= 100) draw();
          } else if (now() - table.shownAt >= options.intervalMs) {
            table.shownAt = now();
            out.write(`${label}: ${figures(table, false)}\n`);
          }
        },
        end() {
          active.delete(table);
          if (!options.tty) {
            out.write(`${label}: ${figures(table, true)}\n`);
            return;
          }
          out.write(`\r\x1b[K${bar(table, true)}\n`);
          if (active.size > 0) draw();
        },
      };
    },
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
