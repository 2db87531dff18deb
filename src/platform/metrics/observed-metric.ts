/** A figure read at each scrape of `GET /metrics` (the contract is documented in src/core/metrics.ts). */
export interface MetricSample {
  /** Label values; every name must be in the metric's `labelNames`. Keep the set of values bounded. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ObservedMetric {
  /** Prometheus name, `insights_` first, `_total` last for counters. */
  readonly name: string;
  readonly help: string;
  /** `counter`: a total that only grows while the process runs; `gauge`: a current value. */
  readonly type: 'counter' | 'gauge';
  readonly labelNames?: readonly string[];
  /** The current samples, read at each scrape. A throw leaves the metric out of that scrape. */
  read(): readonly MetricSample[] | Promise<readonly MetricSample[]>;
}
