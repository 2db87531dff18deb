import { el } from './dom';

/** A status as text with a shape beside it: never told by colour alone. */
const SHAPES: Readonly<Record<string, string>> = {
  OK: '●',
  COMPLETED: '●',
  DEGRADED: '▲',
  DELAYED: '▲',
  QUEUED: '○',
  RUNNING: '◐',
  SKIPPED: '–',
  DISABLED: '–',
  DOWN: '✕',
  REJECTED: '✕',
  PAUSED: '❚❚',
  FAILED: '✕',
  NOT_FOUND: '✕',
};

export function statusBadge(status: string): HTMLElement {
  const kind = status.toLowerCase().replace(/_/g, '-');
  return el('span', { class: `status status-${kind}` }, [
    el('span', { class: 'status-shape', text: SHAPES[status] ?? '•', attrs: { 'aria-hidden': 'true' } }),
    ` ${status}`,
  ]);
}

/** The worse of two statuses (for a minute of history). */
const RANK: Readonly<Record<string, number>> = { DISABLED: 0, OK: 1, DEGRADED: 2, DOWN: 3 };
export function worse(a: string, b: string): string {
  return (RANK[a] ?? 0) >= (RANK[b] ?? 0) ? a : b;
}
