/**
 * A steady load of GraphQL requests for fault tests: `concurrency` loops each send one request after
 * another until `stop()`. Every answer is classified (ok, or failed with its HTTP status and
 * `extensions.code`), so a test can say how many requests a fault cost and when they stopped failing.
 */
export interface LoadFailure {
  readonly at: number;
  /** How long the failed request took, in ms. */
  readonly latencyMs: number;
  readonly status: number | 'network';
  readonly code: string | undefined;
}

export interface LoadReport {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Answers with data that said they were served from the cache (`extensions.stale`). */
  readonly stale: number;
  readonly failures: readonly LoadFailure[];
  /** Median time of a successful request, in ms (to compare failures with). */
  readonly medianOkLatencyMs: number | undefined;
  /** The slowest failed request, in ms (how fast failures fail). */
  readonly maxFailureLatencyMs: number;
  /** Failures per `status/code`, e.g. `{ "503/SERVICE_UNAVAILABLE": 12 }`. */
  readonly failuresByKind: Readonly<Record<string, number>>;
  /**
   * Milliseconds from `since` until the first answer after which no request failed any more
   * (0 when nothing failed after `since`); undefined when requests were still failing at the end.
   */
  recoveryMs(since: number): number | undefined;
}

export interface RequestLoad {
  /** Requests answered so far. */
  readonly sent: number;
  stop(): Promise<LoadReport>;
}

export interface LoadOptions {
  readonly url: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly concurrency?: number;
  /** Pause between two requests of one loop. */
  readonly pauseMs?: number;
  /** Whether a response counts as failed; default: an HTTP status other than 200 or any error. */
  readonly failed?: (status: number, body: LoadBody) => boolean;
}

export interface LoadBody {
  readonly data?: unknown;
  readonly errors?: { message: string; extensions?: { code?: string } }[];
  readonly extensions?: { stale?: boolean };
}

export function startLoad(options: LoadOptions): RequestLoad {
  const failed = options.failed ?? ((status, body) => status !== 200 || (body.errors?.length ?? 0) > 0);
  const outcomes: { at: number; ok: boolean; latencyMs: number }[] = [];
  const failures: LoadFailure[] = [];
  let stale = 0;
  let running = true;
  const loop = async () => {
    while (running) {
      let status: number | 'network' = 'network';
      let body: LoadBody = {};
      const started = Date.now();
      try {
        const response = await fetch(`${options.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({ query: options.query, variables: options.variables }),
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        body = (await response.json()) as LoadBody;
      } catch {
        // a refused or dropped connection: counted as a network failure
      }
      const at = Date.now();
      const bad = status === 'network' || failed(status, body);
      outcomes.push({ at, ok: !bad, latencyMs: at - started });
      if (bad)
        failures.push({ at, latencyMs: at - started, status, code: body.errors?.[0]?.extensions?.code });
      else if (body.extensions?.stale) stale += 1;
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 4 }, loop);
  return {
    get sent() {
      return outcomes.length;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      const failuresByKind: Record<string, number> = {};
      for (const f of failures) {
        const kind = `${f.status}/${f.code ?? '-'}`;
        failuresByKind[kind] = (failuresByKind[kind] ?? 0) + 1;
      }
      return {
        sent: outcomes.length,
        ok: outcomes.length - failures.length,
        failed: failures.length,
        stale,
        failures,
        failuresByKind,
        maxFailureLatencyMs: Math.max(0, ...failures.map((f) => f.latencyMs)),
        medianOkLatencyMs: median(outcomes.filter((o) => o.ok).map((o) => o.latencyMs)),
        recoveryMs(since) {
          const lastFailure = failures.filter((f) => f.at >= since).at(-1);
          if (!lastFailure) return 0;
          const firstOkAfter = outcomes.find((o) => o.ok && o.at > lastFailure.at);
          return firstOkAfter ? firstOkAfter.at - since : undefined;
        },
      };
    },
  };
}

/** Prints one fault's figures as a single line the fault bench collects (`FAULT-FIGURES {...}`). */
export function logFaultFigures(
  fault: string,
  report: LoadReport,
  since: number | undefined,
  extra: Record<string, unknown> = {},
): void {
  const figures = {
    fault,
    sent: report.sent,
    failed: report.failed,
    stale: report.stale,
    failuresByKind: report.failuresByKind,
    medianOkLatencyMs: report.medianOkLatencyMs,
    medianFailureLatencyMs: median(report.failures.map((f) => f.latencyMs)),
    maxFailureLatencyMs: report.maxFailureLatencyMs,
    recoveryMs: since === undefined ? undefined : report.recoveryMs(since),
    ...extra,
  };
  console.log(`FAULT-FIGURES ${JSON.stringify(figures)}`);
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
