import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ErrorWindow } from './error-window';
import type { ObservedMetric } from './observed-metric';

/** Seconds: fast reads to slow harvest-triggering operations. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.05, 0.25, 1, 5, 15, 60, 300, 900];

/** Operation names over this length or with other characters are not names a client chose carefully. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

type Labels = Readonly<Record<string, string>>;

/** A metric whose source throws is left empty for that scrape; the others are still served. */
async function readSafely(metric: ObservedMetric) {
  try {
    return await metric.read();
  } catch {
    return [];
  }
}

/**
 * The process's metrics: one prom-client registry, made by the composition root and handed to what
 * records figures (HTTP, GraphQL, queue workers) and to modules' observed metrics. No default
 * registry is used, so two apps in one process (tests) never share figures.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly graphqlOperationDuration: Histogram<'operation_name' | 'operation_type'>;
  readonly errors: Counter<'code'>;
  readonly jobsProcessed: Counter<'queue' | 'outcome'>;
  readonly jobDuration: Histogram<'queue'>;
  private readonly operationNames = new Set<string>();
  private readonly names = new Set<string>();

  constructor(
    private readonly options: {
      readonly maxOperationNames: number;
      /** Also fed by `countError`: the last hour's errors by code (the operator console). */
      readonly errorWindow?: ErrorWindow;
    },
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'insights_' });
    this.httpRequestDuration = new Histogram({
      name: 'insights_http_request_duration_seconds',
      help: 'HTTP requests by method, matched route (unmatched: "unmatched") and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlOperationDuration = new Histogram({
      name: 'insights_graphql_operation_duration_seconds',
      help: 'GraphQL operations over HTTP by operation name (anonymous, unknown, or other past the name limit) and type',
      labelNames: ['operation_name', 'operation_type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: 'insights_errors_total',
      help: 'Errors answered to clients, by code (GraphQL extensions.code; HTTP routes by their code)',
      labelNames: ['code'],
      registers,
    });
    this.jobsProcessed = new Counter({
      name: 'insights_queue_jobs_processed_total',
      help: 'Jobs this process ran, by queue and outcome (completed, failed, retry_later); rate() is the processing rate',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'insights_queue_job_duration_seconds',
      help: 'Time this process spent running each job, by queue',
      labelNames: ['queue'],
      buckets: JOB_BUCKETS,
      registers,
    });
  }

  /**
   * The label an operation is counted under: its name while fewer than `maxOperationNames`
   * distinct names were seen, else `other`; `anonymous` without a name, `unknown` when the request
   * never named a parseable operation. The label set stays bounded whatever clients send.
   */
  operationLabel(name: string | null | undefined, parsed: boolean): string {
    if (!parsed) return 'unknown';
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= this.options.maxOperationNames) return 'other';
    this.operationNames.add(name);
    return name;
  }

  /** Counts an error answered to a client; codes outside the known pattern collapse to `OTHER`. */
  countError(code: unknown): void {
    const label = typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? code : 'OTHER';
    this.errors.inc({ code: label });
    this.options.errorWindow?.record(label);
  }

  /** Registers a module's figures, read at each scrape. Each name may be registered once. */
  observe(metric: ObservedMetric): void {
    if (this.names.has(metric.name)) throw new Error(`metric "${metric.name}" is registered twice`);
    this.names.add(metric.name);
    const common = {
      name: metric.name,
      help: metric.help,
      labelNames: [...(metric.labelNames ?? [])],
      registers: [this.registry],
    };
    // At each scrape: read the module's samples, then replace what the metric held with them.
    const refresh = async (target: { reset(): void }, put: (labels: Labels, value: number) => void) => {
      const samples = await readSafely(metric);
      target.reset();
      for (const s of samples) put(s.labels ?? {}, s.value);
    };
    if (metric.type === 'gauge')
      new Gauge({
        ...common,
        collect: async function () {
          await refresh(this, (l, v) => this.set(l, v));
        },
      });
    else
      new Counter({
        ...common,
        collect: async function () {
          await refresh(this, (l, v) => this.inc(l, v));
        },
      });
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
