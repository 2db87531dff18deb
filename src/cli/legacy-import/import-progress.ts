import type { Writable } from 'node:stream';

/** Progress of the table being imported. */
export interface ImportProgress {
  start(label: string, total: number): void;
  advance(rows: number): void;
  end(): void;
}

export interface ProgressOptions {
  /** A terminal gets one redrawn bar; anything else gets plain lines. */
  readonly tty: boolean;
  /** Plain mode: at most one line per interval (0: a line per batch). */
  readonly intervalMs: number;
  readonly now?: () => number;
}

/**
 * `Activities [#########-----------] 45.0% 2,250,000/5,000,000 148,210 rows/s ETA 0:18` on a
 * terminal (redrawn at most 10 times a second), or the same facts as one plain line per
 * interval when the output is a file or a pipe.
 */
export function createProgress(out: Writable, options: ProgressOptions): ImportProgress {
  const now = options.now ?? (() => Date.now());
  let label = '';
  let total = 0;
  let done = 0;
  let startedAt = 0;
  let shownAt = -Infinity;

  const line = (final: boolean): string => {
    const seconds = Math.max((now() - startedAt) / 1000, 1e-3);
    const rate = done / seconds;
    const share = total > 0 ? Math.min(done / total, 1) : 1;
    const eta = rate > 0 ? Math.max(total - done, 0) / rate : 0;
    const figures = `${fmt(done)}/${fmt(total)} rows ${(share * 100).toFixed(1)}% ${fmt(Math.round(rate))} rows/s`;
    const tail = final ? `done in ${clock(seconds)}` : `ETA ${clock(eta)}`;
    if (!options.tty) return `${label}: ${figures} ${tail}\n`;
    const width = 24;
    const filled = Math.round(share * width);
    return `\r\x1b[K${label.padEnd(16)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${figures} ${tail}${final ? '\n' : ''}`;
  };

  return {
    start(name, rows) {
      label = name;
      total = rows;
      done = 0;
      startedAt = now();
      shownAt = -Infinity;
    },
    advance(rows) {
      done += rows;
      const interval = options.tty ? 100 : options.intervalMs;
      if (now() - shownAt >= interval) {
        shownAt = now();
        out.write(line(false));
      }
    },
    end() {
      out.write(line(true));
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
