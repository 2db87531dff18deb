import { hostname } from 'node:os';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isResync, type SystemHealthChangedPayload, TOPICS } from '../../core/topics';
import type { Logger } from '../../platform/logging/logger';
import type { AppPubSub } from '../../platform/pubsub/pubsub';
import type { NotificationDispatcher, NotificationEvent } from './notification-dispatcher';

const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Operator e-mails: lifecycle (started, shutting down) and health. Health changes arrive on
 * SYSTEM_HEALTH_CHANGED from every api instance, every round; an incident row per component
 * (one open at a time, a unique index) turns them into one COMPONENT_DOWN e-mail when the first
 * instance sees it go down and one COMPONENT_RECOVERED when one sees it back to ok.
 */
export class OperatorNotices {
  private readonly startedAt = new Date().toISOString();
  private iterator: AsyncIterator<unknown> | undefined;
  private listening: Promise<void> | undefined;

  constructor(
    private readonly options: {
      readonly fork: () => EntityManager;
      readonly dispatcher: NotificationDispatcher;
      readonly pubSub: AppPubSub;
      readonly logger: Logger;
    },
  ) {}

  /** Listens to health changes (every process: the incident row makes it once). */
  listen(): void {
    if (this.iterator) return;
    this.iterator = this.options.pubSub.subscribe(TOPICS.SYSTEM_HEALTH_CHANGED)[Symbol.asyncIterator]();
    const iterator = this.iterator;
    this.listening = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        if (isResync(next.value)) continue;
        await this.healthChanged(next.value as SystemHealthChangedPayload).catch((error: Error) =>
          this.options.logger.warn({ error: error.message }, 'health change not turned into an e-mail'),
        );
      }
    })();
  }

  async healthChanged(payload: SystemHealthChangedPayload): Promise<void> {
    for (const change of payload.changes) {
      if (change.to === 'down') await this.open(change.component, change.message);
      else if (change.to === 'ok') await this.recover(change.component);
    }
  }

  started(): Promise<void> {
    return this.lifecycle('SERVICE_STARTED', 'started', 'success');
  }

  shuttingDown(): Promise<void> {
    return this.lifecycle('SHUTTING_DOWN', 'stopping', 'warning');
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
    await this.listening;
  }

  private async open(component: string, message: string | null): Promise<void> {
    await this.options.fork().transactional(async (em) => {
      const rows = await em.execute<{ id: number }[]>(
        `insert into notification_incident (component, message, opened_at) values (?, ?, now())
           on conflict do nothing returning id`,
        [component, message],
      );
      if (!rows[0]) return; // an incident is open already: its e-mail went out
      await this.options.dispatcher.dispatch(em, {
        name: 'COMPONENT_DOWN',
        key: `incident:${rows[0].id}:down`,
        severity: 'critical',
        content: {
          title: `${component} is down`,
          lines: [
            `The ${component} component is down${message ? `: ${message}` : ''}.`,
            'One e-mail follows when it recovers.',
          ],
        },
      });
    });
  }

  private async recover(component: string): Promise<void> {
    await this.options.fork().transactional(async (em) => {
      const rows = await em.execute<{ id: number; opened_at: Date | string }[]>(
        `update notification_incident set closed_at = now() where component = ? and closed_at is null returning id, opened_at`,
        [component],
      );
      if (!rows[0]) return;
      await this.options.dispatcher.dispatch(em, {
        name: 'COMPONENT_RECOVERED',
        key: `incident:${rows[0].id}:recovered`,
        severity: 'success',
        content: {
          title: `${component} recovered`,
          lines: [
            `The ${component} component is ok again (down since ${new Date(rows[0].opened_at).toISOString()}).`,
          ],
        },
      });
    });
  }

  /** One e-mail per process and event (the key names the process and its start). */
  private async lifecycle(
    name: 'SERVICE_STARTED' | 'SHUTTING_DOWN',
    key: string,
    severity: NotificationEvent['severity'],
  ): Promise<void> {
    const what = name === 'SERVICE_STARTED' ? 'started' : 'shutting down';
    const event: NotificationEvent = {
      name,
      key: `${key}:${INSTANCE}:${this.startedAt}`,
      severity,
      content: {
        title: `Service ${what} on ${INSTANCE}`,
        lines: [`Process ${INSTANCE} (started ${this.startedAt}) is ${what}.`],
      },
    };
    try {
      await this.options.fork().transactional((em) => this.options.dispatcher.dispatch(em, event));
    } catch (error) {
      this.options.logger.warn(
        { error: (error as Error).message, event: name },
        'operator e-mail not recorded',
      );
    }
  }
}
