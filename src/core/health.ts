/** What modules contribute to health (checks) and what the edges read (reports). */
export type ComponentStatus = 'ok' | 'degraded' | 'down' | 'disabled';
export type OverallStatus = 'ok' | 'degraded' | 'down';

/** Component figures: values, or groups of them (the queue's per-queue counts). */
export type HealthValue = string | number | boolean | null | { readonly [key: string]: HealthValue };
export type HealthDetails = Record<string, HealthValue>;

export interface CheckResult {
  readonly status: ComponentStatus;
  readonly message?: string;
  readonly details?: HealthDetails;
}

export interface HealthCheck {
  readonly name: string;
  /** A required component being down makes the whole instance `down`. */
  readonly required: boolean;
  /** Resolves with the component's state; a throw or a timeout counts as `down`. */
  check(): Promise<CheckResult>;
}

export interface ComponentReport extends CheckResult {
  readonly name: string;
  readonly required: boolean;
  readonly latencyMs: number;
}

export interface HealthReport {
  readonly status: OverallStatus;
  readonly checkedAt: Date;
  readonly uptimeSeconds: number;
  readonly version: string;
  readonly components: readonly ComponentReport[];
}

/** What the HTTP health route and the GraphQL `systemHealth` read. */
export interface HealthReporter {
  report(): Promise<HealthReport>;
}
