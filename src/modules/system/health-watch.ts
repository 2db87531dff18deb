import { hostname } from 'node:os';
import type { HealthReport, HealthReporter } from '../../core/health';
import { publishEvent, type SystemHealthChangedPayload, TOPICS } from '../../core/topics';
import type { Logger } from '../../platform/logging/logger';
import type { AppPubSub } from '../../platform/pubsub/pubsub';

/** Which process reports: host name (the container's id on ECS) and process id. */
export const INSTANCE_ID = `${hostname()}:${process.pid}`;

/** The changes between two reports, by component (a component seen first counts as changed from null). */
export function healthChanges(
  previous: HealthReport | undefined,
  current: HealthReport,
): SystemHealthChangedPayload['changes'] {
  const before = new Map(previous?.components.map((c) => [c.name, c.status]));
  return current.components
    .filter((c) => previous !== undefined && before.get(c.name) !== c.status)
    .map((c) => ({
      component: c.name,
      from: before.get(c.name) ?? null,
      to: c.status,
      message: c.message ?? null,
    }));
}

/**
 * Runs the health checks of this api instance every `intervalMs` and publishes
 * SYSTEM_HEALTH_CHANGED when a component's status changed since the last run (the first run only
 * records). Each api instance watches itself: its events name it (`instance`).
 */
export class HealthWatch {
  private timer: NodeJS.Timeout | undefined;
  private last: HealthReport | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: {
      readonly health: HealthReporter;
      readonly pubSub: AppPubSub;
      readonly intervalMs: number;
      readonly logger: Logger;
      /** Sees every round's report (operator alerts). */
      readonly onReport?: (report: HealthReport) => void;
    },
  ) {}

  /** The first round runs one interval after start (not at once: start-up and its health checks stay apart). */
  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One round: check, compare, publish the changes. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      const report = await this.options.health.report();
      const changes = healthChanges(this.last, report);
      this.last = report;
      this.options.onReport?.(report);
      if (changes.length === 0) return;
      this.options.logger.info({ changes }, 'health changed');
      publishEvent(this.options.pubSub, TOPICS.SYSTEM_HEALTH_CHANGED, {
        instance: INSTANCE_ID,
        status: report.status,
        checkedAt: report.checkedAt.toISOString(),
        changes,
      });
    } catch (error) {
      this.options.logger.warn({ error: (error as Error).message }, 'health watch round failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
