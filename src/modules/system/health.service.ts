/**
 * System health: one check per outside system, run in parallel, each bounded by a timeout.
 * Overall `down` when a required component is down (HTTP 503: take the instance out of the load
 * balancer), `degraded` when anything else is down or degraded (HTTP 200: still serving), else
 * `ok`. Messages carry error classes and hosts, never credentials.
 */
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

const MAX_MESSAGE = 200;

export class HealthService {
  private readonly startedAt = Date.now();
  /** The run in progress: concurrent callers (load balancers, a flood) share it instead of each pinging everything. */
  private inflight: Promise<HealthReport> | undefined;

  constructor(
    private readonly checks: readonly HealthCheck[],
    private readonly timeoutMs: number,
    private readonly version: string,
  ) {}

  report(): Promise<HealthReport> {
    this.inflight ??= this.runAll().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async runAll(): Promise<HealthReport> {
    const components = await Promise.all(this.checks.map((check) => this.run(check)));
    return {
      status: overallStatus(components),
      checkedAt: new Date(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: this.version,
      components,
    };
  }

  private async run(check: HealthCheck): Promise<ComponentReport> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ status: 'down', message: `no answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
    });
    const result = await Promise.race([
      check.check().catch((error: unknown): CheckResult => ({ status: 'down', message: describe(error) })),
      timeout,
    ]).finally(() => clearTimeout(timer));
    return {
      name: check.name,
      required: check.required,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      ...result,
    };
  }
}

export function overallStatus(
  components: readonly Pick<ComponentReport, 'status' | 'required'>[],
): OverallStatus {
  if (components.some((c) => c.required && c.status === 'down')) return 'down';
  if (components.some((c) => c.status === 'down' || c.status === 'degraded')) return 'degraded';
  return 'ok';
}

/** An error's class and code, and a short message; connection strings are never part of one. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  const text = `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
