import type { Logger } from '../logging/logger';
import type { Incident, IncidentResolution, OperatorAlerts, OperatorNotifier } from './operator-alerts';

/** At most this many incidents open at once; past it the oldest is forgotten (it may notify again). */
const MAX_OPEN = 1_000;

/**
 * Raises each incident once per process until it is resolved: one `alert: true` error log line and
 * one call to each notifier. Raising an open incident again is counted, not notified again.
 */
export class IncidentAlerts implements OperatorAlerts {
  private readonly open = new Map<string, Incident & { repeats: number }>();
  private readonly notifiers: OperatorNotifier[] = [];

  constructor(
    private readonly options: {
      readonly logger: Logger;
      readonly now?: () => Date;
    },
  ) {}

  /** Adds a delivery channel (the system module adds each module's `operatorNotifier`). */
  addNotifier(notifier: OperatorNotifier): void {
    this.notifiers.push(notifier);
  }

  raise(raised: Omit<Incident, 'openedAt'>): void {
    const known = this.open.get(raised.key);
    if (known) {
      known.repeats += 1;
      return;
    }
    if (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value!);
    const incident: Incident = { ...raised, openedAt: this.now() };
    this.open.set(incident.key, { ...incident, repeats: 0 });
    this.options.logger.error(
      { alert: true, incident: incident.key, severity: incident.severity, details: incident.details },
      `operator notification: ${incident.summary}`,
    );
    for (const notifier of this.notifiers) void this.deliver(() => notifier.opened(incident));
  }

  resolve(key: string): void {
    const incident = this.open.get(key);
    if (!incident) return;
    this.open.delete(key);
    const resolution: IncidentResolution = { key, openedAt: incident.openedAt, resolvedAt: this.now() };
    this.options.logger.info(
      { alert: false, incident: key, repeats: incident.repeats, openedAt: incident.openedAt },
      'operator incident resolved',
    );
    for (const notifier of this.notifiers) {
      if (notifier.resolved) void this.deliver(() => notifier.resolved!(resolution));
    }
  }

  /** The keys of the incidents open now. */
  openIncidents(): string[] {
    return [...this.open.keys()];
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private async deliver(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.options.logger.warn({ error: (error as Error).message }, 'operator notifier failed');
    }
  }
}
