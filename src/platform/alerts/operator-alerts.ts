/**
 * Operator notifications: errors that need a human. An incident is raised once, under a stable key
 * (`health:database`), and notified once until it is resolved; raising it again meanwhile only
 * counts. Every incident is logged as one JSON line with `alert: true` (a CloudWatch metric filter
 * turns those into an alarm); modules add notifiers (the notifications module: an email to
 * NOTIFICATION_EMAIL) through their `operatorNotifier` part.
 */
export interface Incident {
  /** Stable per incident: the same problem raised again is the same incident. */
  readonly key: string;
  readonly severity: 'critical' | 'warning';
  /** One line for a human; never a secret value. */
  readonly summary: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  readonly openedAt: string;
}

export interface IncidentResolution {
  readonly key: string;
  readonly openedAt: string;
  readonly resolvedAt: string;
}

/** Implemented by whatever tells a human (email, chat). Failures are logged, never thrown on. */
export interface OperatorNotifier {
  opened(incident: Incident): Promise<void>;
  resolved?(resolution: IncidentResolution): Promise<void>;
}

/** What code that finds a problem calls. */
export interface OperatorAlerts {
  raise(incident: Omit<Incident, 'openedAt'>): void;
  resolve(key: string): void;
}
