import type { RateLimitDecision } from './rate-limiter';

/**
 * The sliding window, kept as slices: the window is cut into SLICES_PER_WINDOW slices of
 * `sliceMs`; spending adds to the slice "now" falls in, and a budget counts the current slice plus
 * the SLICES_PER_WINDOW before it. Anything spent therefore counts for at least a whole window and
 * at most one slice longer: no window-long span ever holds more than `limit` units (the limit is
 * strict, never lenient at a boundary as a fixed window is), while the work and memory per identity
 * stay bounded by the slice count however much traffic it sends (a log of every request would not).
 *
 * The Valkey script (sliding-window-script.ts) implements the same rules; keep the two in step.
 */
export const SLICES_PER_WINDOW = 20;

export interface WindowShape {
  readonly windowMs: number;
  readonly sliceMs: number;
  readonly slices: number;
}

export function windowShape(windowMs: number): WindowShape {
  return {
    windowMs,
    sliceMs: Math.max(1, Math.ceil(windowMs / SLICES_PER_WINDOW)),
    slices: SLICES_PER_WINDOW,
  };
}

/** Units spent in one slice; `slice` numbers slices since the epoch. */
export interface Slice {
  readonly slice: number;
  readonly units: number;
}

export function currentSlice(shape: WindowShape, now: number): number {
  return Math.floor(now / shape.sliceMs);
}

/** Slices numbered below this have left the window at `now`. */
export function oldestCountedSlice(shape: WindowShape, now: number): number {
  return currentSlice(shape, now) - shape.slices;
}

/** When what was spent in `slice` stops counting. */
export function sliceLeavesAt(shape: WindowShape, slice: number): number {
  return (slice + shape.slices + 1) * shape.sliceMs;
}

/**
 * Decides one attempt to spend `cost` at `now`, given the slices still counted (any order). Spends
 * nothing itself: when allowed, the caller adds `cost` to the current slice.
 */
export function decide(
  counted: readonly Slice[],
  now: number,
  shape: WindowShape,
  limit: number,
  cost: number,
): RateLimitDecision {
  const oldestFirst = [...counted].sort((a, b) => a.slice - b.slice);
  const used = oldestFirst.reduce((sum, s) => sum + s.units, 0);
  if (used + cost <= limit) {
    return {
      allowed: true,
      limit,
      remaining: limit - used - cost,
      resetMs: sliceLeavesAt(shape, currentSlice(shape, now)) - now,
      retryAfterMs: 0,
    };
  }
  // Refused: wait until the oldest slices have left and freed enough for this cost.
  const needed = used + cost - limit;
  let freed = 0;
  let retryAfterMs = 0;
  for (const s of oldestFirst) {
    freed += s.units;
    if (freed >= needed) {
      retryAfterMs = sliceLeavesAt(shape, s.slice) - now;
      break;
    }
  }
  const newest = oldestFirst.at(-1);
  return {
    allowed: false,
    limit,
    remaining: Math.max(0, limit - used),
    resetMs: newest ? sliceLeavesAt(shape, newest.slice) - now : 0,
    retryAfterMs,
  };
}
