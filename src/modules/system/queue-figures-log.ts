import type { Logger } from '../../platform/logging/logger';
import type { QueueDriver } from '../../platform/queue/job-queue';

/**
 * Every `intervalMs`, one JSON log line per queue: `{"msg":"queue figures","queue":...,"waiting":...}`.
 * On AWS a CloudWatch Logs metric filter turns `waiting` into the queue-backlog metric its alarm
 * watches (infrastructure/), with no agent scraping `/metrics`.
 */
export class QueueFiguresLog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      readonly queue: QueueDriver;
      readonly queues: readonly string[];
      readonly intervalMs: number;
      readonly logger: Logger;
    },
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer || this.options.queues.length === 0) return;
    this.timer = setInterval(() => void this.log(), this.options.intervalMs);
    this.timer.unref();
  }

  async log(): Promise<void> {
    for (const queue of this.options.queues) {
      try {
        const { waiting, active, delayed, failed } = await this.options.queue.counts(queue);
        this.options.logger.info({ queue, waiting, active, delayed, failed }, 'queue figures');
      } catch (error) {
        this.options.logger.warn({ queue, error: (error as Error).message }, 'queue figures unavailable');
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
