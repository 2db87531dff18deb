/**
 * A cache over a secret source (AWS Secrets Manager in production). Values are kept for `ttlMs`;
 * a read after that fetches again, so a rotated secret is picked up within one TTL, and
 * `refresh(name)` fetches at once (callers use it when a credential stops working). Concurrent
 * reads of one name share a single fetch. When a re-fetch fails and an older value exists, the
 * older value is served and the failure is reported in `status()` (health shows it).
 */
export type SecretFetcher = (name: string, stage?: SecretStage) => Promise<string>;

/**
 * A staging label of a secret version. AWSCURRENT is what a plain read returns; during a rotation
 * AWSPENDING labels the new value (already set on the database after the rotation's setSecret step,
 * before finishSecret moves AWSCURRENT onto it) and AWSPREVIOUS the value before the last one.
 */
export type SecretStage = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

export type SecretErrorKind = 'not_found' | 'access_denied' | 'unreachable' | 'invalid' | 'other';

/** A failure to read a secret. Its message names the secret, never a value. */
export class SecretError extends Error {
  constructor(
    readonly secretName: string,
    readonly kind: SecretErrorKind,
    /** What went wrong, without the secret's name (e.g. `not found (ResourceNotFoundException)`). */
    readonly detail: string,
  ) {
    super(`secret "${secretName}": ${detail}`);
    this.name = 'SecretError';
  }

  /** Network failures, throttling and server errors may pass; a missing secret or a denied role will not. */
  get retryable(): boolean {
    return this.kind === 'unreachable' || this.kind === 'other';
  }
}

export interface SecretStatus {
  readonly name: string;
  readonly fetchedAt: string | undefined;
  readonly lastError: SecretErrorKind | undefined;
  readonly lastErrorAt: string | undefined;
  /** True when the value is older than the TTL (a re-fetch failed) or was never fetched. */
  readonly stale: boolean;
}

export interface SecretStore {
  /** The secret's string value, from cache while fresh. */
  get(name: string): Promise<string>;
  /** Fetches the secret now, replacing the cached value. */
  refresh(name: string): Promise<string>;
  /**
   * The version holding `stage`, fetched now and not cached (a rotation in progress); undefined
   * when no version holds it (no rotation is in progress for AWSPENDING).
   */
  readStage(name: string, stage: SecretStage): Promise<string | undefined>;
  /** One entry per secret read so far; no values. */
  status(): SecretStatus[];
}

export interface CachedSecretStoreOptions {
  /**
   * After a failed re-fetch, how long the stale value is served before the next attempt. Without
   * it every read during an outage would call Secrets Manager again. Default: min(TTL, 30 s).
   */
  readonly retryAfterFailureMs?: number;
}

interface Entry {
  value?: string;
  fetchedAt?: number;
  lastError?: SecretErrorKind;
  lastErrorAt?: number;
  inflight?: Promise<string>;
}

export class CachedSecretStore implements SecretStore {
  private readonly entries = new Map<string, Entry>();
  private readonly retryAfterFailureMs: number;

  constructor(
    private readonly fetch: SecretFetcher,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    options: CachedSecretStoreOptions = {},
  ) {
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? Math.min(ttlMs, 30_000);
  }

  get(name: string): Promise<string> {
    const entry = this.entries.get(name);
    if (entry?.inflight) return entry.inflight;
    if (entry?.value !== undefined && this.fresh(entry)) return Promise.resolve(entry.value);
    return this.load(name);
  }

  refresh(name: string): Promise<string> {
    return this.load(name);
  }

  async readStage(name: string, stage: SecretStage): Promise<string | undefined> {
    try {
      return await this.fetch(name, stage);
    } catch (error) {
      if (error instanceof SecretError && error.kind === 'not_found') return undefined;
      throw error;
    }
  }

  status(): SecretStatus[] {
    return [...this.entries.entries()].map(([name, e]) => ({
      name,
      fetchedAt: iso(e.fetchedAt),
      lastError: e.lastError,
      lastErrorAt: iso(e.lastErrorAt),
      stale: e.fetchedAt === undefined || this.now() - e.fetchedAt >= this.ttlMs,
    }));
  }

  private fresh(entry: Entry): boolean {
    const now = this.now();
    if (entry.fetchedAt !== undefined && now - entry.fetchedAt < this.ttlMs) return true;
    // A stale value whose re-fetch just failed is served for a while instead of asking again at once.
    return entry.lastErrorAt !== undefined && now - entry.lastErrorAt < this.retryAfterFailureMs;
  }

  private load(name: string): Promise<string> {
    const entry = this.entries.get(name) ?? {};
    this.entries.set(name, entry);
    if (entry.inflight) return entry.inflight;
    const attempt = this.fetch(name).then(
      (value) => {
        entry.value = value;
        entry.fetchedAt = this.now();
        entry.lastError = undefined;
        entry.lastErrorAt = undefined;
        return value;
      },
      (error: unknown) => {
        entry.lastError = error instanceof SecretError ? error.kind : 'other';
        entry.lastErrorAt = this.now();
        // Whatever the failure (even "not found" or "access denied" after an IAM change), the value
        // that worked until now keeps the service up; status() and health report the failure.
        if (entry.value !== undefined) return entry.value;
        throw error;
      },
    );
    entry.inflight = attempt.finally(() => (entry.inflight = undefined));
    return entry.inflight;
  }
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Waits `ms` milliseconds; injectable so tests of retries need not wait. */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upper bound of one backoff delay, so a large base or many attempts cannot stall start-up for hours. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * Retries retryable failures with exponential backoff (used at start-up): waits base, 2*base,
 * 4*base, ... (capped at `MAX_BACKOFF_MS`) between attempts. Non-retryable `SecretError`s (not
 * found, access denied, invalid) are thrown at once: waiting does not fix them.
 */
export async function withBackoff<T>(
  fn: () => Promise<T>,
  attempts: number,
  baseDelayMs: number,
  sleep: Sleep = realSleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const retryable = !(error instanceof SecretError) || error.retryable;
      if (!retryable || attempt >= attempts) throw error;
      await sleep(Math.min(baseDelayMs * 2 ** (attempt - 1), Math.max(baseDelayMs, MAX_BACKOFF_MS)));
    }
  }
}
