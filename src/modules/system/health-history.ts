import type { ComponentStatus, HealthReport } from '../../core/health';

export interface HealthSample {
  readonly at: Date;
  readonly status: ComponentStatus;
  readonly detail: string | null;
}

export interface ComponentHistory {
  readonly component: string;
  readonly samples: readonly HealthSample[];
}

/** The longest window `recent` answers; older samples are dropped. */
export const HEALTH_HISTORY_MINUTES = 60;
/** Samples kept per component: an hour at the default 15 s watch interval (a shorter interval keeps less than an hour). */
export const HEALTH_HISTORY_SAMPLES = 240;
/** Components kept (checks are a fixed list; this only bounds a misbehaving one). */
const MAX_COMPONENTS = 32;
const MAX_DETAIL = 300;

/**
 * This api instance's health watch rounds, per component, in ring buffers: at most
 * HEALTH_HISTORY_SAMPLES samples of each of at most 32 components, none older than an hour.
 * Per instance (each api instance watches itself; docs/operations.md).
 */
export class HealthHistory {
  private readonly rings = new Map<string, { samples: (HealthSample | undefined)[]; next: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records one watch round (HealthWatch's `onReport`). */
  record(report: HealthReport): void {
    for (const c of report.components) {
      let ring = this.rings.get(c.name);
      if (!ring) {
        if (this.rings.size >= MAX_COMPONENTS) continue;
        ring = { samples: new Array<HealthSample | undefined>(HEALTH_HISTORY_SAMPLES), next: 0 };
        this.rings.set(c.name, ring);
      }
      ring.samples[ring.next] = {
        at: report.checkedAt,
        status: c.status,
        detail: c.message ? c.message.slice(0, MAX_DETAIL) : null,
      };
      ring.next = (ring.next + 1) % HEALTH_HISTORY_SAMPLES;
    }
  }

  /** Each component's samples of the last `minutes` (1..60), oldest first; components by name. */
  recent(minutes: number): ComponentHistory[] {
    const since = this.now() - Math.min(Math.max(1, minutes), HEALTH_HISTORY_MINUTES) * 60_000;
    return [...this.rings]
      .map(([component, ring]) => ({
        component,
        samples: [...ring.samples.slice(ring.next), ...ring.samples.slice(0, ring.next)].filter(
          (s): s is HealthSample => s !== undefined && s.at.getTime() >= since,
        ),
      }))
      .sort((a, b) => a.component.localeCompare(b.component));
  }
}
