import type { Logger } from '../logging/logger';
import { IdentityBudget, type ResourceBudgetSnapshot, type RestReason } from './identity-budget';
import { budgetFromHeaders, type HeaderBag } from './rate-limit-signals';
import { DEFAULT_LIMITS, type RateLimitResource } from './rate-limit-resource';
import { type PaceVerdict, RequestPacer } from './request-pacer';
import { maskToken } from './token-fingerprint';
import type { TokenProvider } from './token-provider';

export interface TokenPoolOptions {
  readonly provider: TokenProvider;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Secondary-limit pacing per token (default: GitHub's documented limits, with a margin). */
  readonly pacer?: RequestPacer;
}

/** The identity one request is sent with. `token` undefined means unauthenticated. */
export interface TokenLease {
  readonly token: string | undefined;
  /** Masked id (`ghp_…3f9a2c1d`) or `unauthenticated`: safe to log. */
  readonly id: string;
  readonly resource: RateLimitResource;
}

export type TokenAcquisition =
  | { readonly kind: 'ready'; readonly lease: TokenLease }
  /** Every usable identity rests for this resource: retry at `until` (epoch ms) at the earliest. */
  | { readonly kind: 'wait'; readonly until: number; readonly reason: RestReason }
  /** Tokens are configured but GitHub rejected every one: nothing may be sent until the secret changes. */
  | { readonly kind: 'paused'; readonly reason: string }
  /** Every usable token has as many requests in flight as pacing allows: retry once one ends. */
  | { readonly kind: 'busy'; readonly released: Promise<void> };

/** GitHub points left on every valid token together, for the resources asked about. */
export interface BudgetLeft {
  /** The smallest, over the resources, of the points left on all valid tokens (resting tokens: 0). */
  readonly remaining: number;
  /** When the soonest known budget of those resources resets (epoch ms); undefined when none is known. */
  readonly resetAt: number | undefined;
}

export interface TokenSnapshot {
  readonly id: string;
  readonly valid: boolean;
  readonly invalidSince: string | undefined;
  readonly resources: Readonly<Partial<Record<RateLimitResource, ResourceBudgetSnapshot>>>;
}

/** The pool's state for health: budgets per token, masked; never a token value. */
export interface TokenPoolSnapshot {
  /** `paused`: tokens are configured and GitHub rejected every one (nothing is sent). */
  readonly mode: 'authenticated' | 'unauthenticated' | 'paused';
  /** Why the pool works unauthenticated (no tokens configured) or is paused (every token rejected). */
  readonly reason: string | undefined;
  readonly tokens: readonly TokenSnapshot[];
  readonly unauthenticated: Readonly<Partial<Record<RateLimitResource, ResourceBudgetSnapshot>>>;
  /** The last failure to read the token list (the pool keeps the previous list meanwhile). */
  readonly providerError: string | undefined;
}

interface PooledToken {
  readonly token: string;
  readonly id: string;
  budget: IdentityBudget;
  invalidSince: number | undefined;
  /** The token list's version when GitHub rejected it: a later version (a new secret value) retries it. */
  rejectedInVersion: number;
}

export const UNAUTHENTICATED_ID = 'unauthenticated';

/**
 * GitHub tokens and their rate-limit budgets. Each request takes the token with the most budget
 * left for its resource; an exhausted token rests until its reset, a secondary limit rests the
 * token for `retry-after`. A token GitHub rejects (401) is dropped after the provider is re-read
 * at once (a rotated secret replaces it), until the token list read from the provider changes
 * again (a new secret value: a re-issued or re-authorized token gets another try), not for the
 * life of the process. With no token configured, requests go unauthenticated (GitHub allows 60 an
 * hour) and the snapshot says so; with tokens configured but every one rejected, the pool is
 * `paused`: `acquire` answers `paused` and nothing is sent until the list changes. The token list
 * is re-read on every acquisition; the provider (a TTL-cached secret) keeps that cheap.
 */
export class TokenPool {
  private readonly tokens = new Map<string, PooledToken>();
  private readonly anonymous = new IdentityBudget(DEFAULT_LIMITS.unauthenticated);
  private providerError: string | undefined;
  private loaded = false;
  /** The last list read (sorted, joined) and its version, bumped on every change. */
  private listKey: string | undefined;
  private listVersion = 0;
  private lastMode: TokenPoolSnapshot['mode'] | undefined;
  private readonly now: () => number;
  readonly pacer: RequestPacer;

  constructor(private readonly options: TokenPoolOptions) {
    this.now = options.now ?? Date.now;
    this.pacer = options.pacer ?? new RequestPacer();
  }

  /** Re-reads the token list (`refresh` forces the secret to be fetched again). */
  async reload(refresh = false): Promise<void> {
    let list: readonly string[];
    try {
      list = await this.options.provider({ refresh });
      this.providerError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : 'token provider failed';
      // Re-read before every request: log a failure once, not once per request.
      const repeated = message === this.providerError;
      this.providerError = message;
      if (repeated) return;
      if (this.loaded) {
        this.options.logger.warn(
          { error: this.providerError },
          'could not re-read GitHub tokens; keeping the current list',
        );
      } else {
        this.options.logger.error({ error: this.providerError }, 'could not read GitHub tokens');
      }
      return;
    }
    this.loaded = true;
    const wanted = new Set(list);
    const key = [...wanted].sort().join('\n');
    if (key !== this.listKey) {
      this.listKey = key;
      this.listVersion++;
    }
    for (const [token, pooled] of this.tokens) {
      if (wanted.has(token)) continue;
      this.tokens.delete(token);
      this.options.logger.info({ tokenId: pooled.id }, 'GitHub token removed from the pool');
    }
    for (const token of wanted) {
      if (this.tokens.has(token)) continue;
      const pooled = {
        token,
        id: maskToken(token),
        budget: new IdentityBudget(DEFAULT_LIMITS.authenticated),
        invalidSince: undefined,
        rejectedInVersion: 0,
      };
      this.tokens.set(token, pooled);
      if (this.lastMode !== undefined)
        this.options.logger.info({ tokenId: pooled.id }, 'GitHub token added to the pool');
    }
    for (const pooled of this.tokens.values()) {
      if (pooled.invalidSince === undefined || pooled.rejectedInVersion >= this.listVersion) continue;
      pooled.invalidSince = undefined;
      // What the 401 reported was the budget of no token: start from the published limits.
      pooled.budget = new IdentityBudget(DEFAULT_LIMITS.authenticated);
      this.options.logger.info(
        { tokenId: pooled.id },
        'GitHub token rejected earlier is tried again: the token secret holds a new value',
      );
    }
    this.noteMode();
  }

  /** Whether requests would be authenticated (GraphQL needs that; events work without). */
  async hasUsableTokens(): Promise<boolean> {
    await this.reload();
    return this.validTokens().length > 0;
  }

  /** Why nothing may be sent (every configured token rejected), or undefined when requests may go. */
  async pausedReason(): Promise<string | undefined> {
    await this.reload();
    return this.isPaused() ? this.unauthenticatedReason() : undefined;
  }

  /**
   * Points left on every valid token together (unknown budgets count as GitHub's published
   * limit), the smallest over `resources`: what a harvest may still spend this hour.
   */
  budgetLeft(resources: readonly RateLimitResource[]): BudgetLeft {
    const now = this.now();
    const valid = this.validTokens();
    let remaining = Infinity;
    let resetAt: number | undefined;
    for (const resource of resources) {
      let sum = 0;
      for (const pooled of valid) {
        sum += Math.max(0, pooled.budget.available(resource, now) ?? 0);
        const reset = pooled.budget.resetAt(resource, now);
        if (reset !== undefined) resetAt = Math.min(resetAt ?? reset, reset);
      }
      remaining = Math.min(remaining, sum);
    }
    return { remaining: Number.isFinite(remaining) ? remaining : 0, resetAt };
  }

  /**
   * A token for one request: `prefer` (a token id) when that token can send it now (the token
   * holding a URL's ETag revalidates it: GitHub's ETags are per token), else the token with the
   * most budget left among those pacing lets send now.
   */
  async acquire(resource: RateLimitResource, prefer?: string): Promise<TokenAcquisition> {
    await this.reload();
    const now = this.now();
    const valid = this.validTokens();
    if (this.isPaused()) return { kind: 'paused', reason: this.unauthenticatedReason() };
    if (valid.length === 0) {
      const available = this.anonymous.available(resource, now);
      if (available === undefined) {
        return {
          kind: 'wait',
          until: this.anonymous.restingUntil(resource, now) ?? now,
          reason: 'exhausted',
        };
      }
      this.anonymous.begin(resource, now);
      return { kind: 'ready', lease: { token: undefined, id: UNAUTHENTICATED_ID, resource } };
    }
    let best: PooledToken | undefined;
    let bestAvailable = -Infinity;
    const paced: PaceVerdict[] = [];
    for (const pooled of valid) {
      const available = pooled.budget.available(resource, now);
      if (available === undefined) continue;
      const pace = this.pacer.check(pooled.id, resource, now);
      if (pace.kind !== 'go') {
        paced.push(pace);
        continue;
      }
      if (pooled.id === prefer && available > 0) {
        best = pooled;
        break;
      }
      // Most budget first; on a tie the least recently used, so equal tokens take turns.
      const better =
        available > bestAvailable ||
        (available === bestAvailable &&
          best !== undefined &&
          pooled.budget.lastUsedAt(resource) < best.budget.lastUsedAt(resource));
      if (better) {
        best = pooled;
        bestAvailable = available;
      }
    }
    if (!best && paced.length > 0) return this.pacedWait(paced);
    if (!best) {
      const until = Math.min(...valid.map((p) => p.budget.restingUntil(resource, now) ?? now));
      return { kind: 'wait', until, reason: 'exhausted' };
    }
    best.budget.begin(resource, now);
    this.pacer.begin(best.id, resource, now);
    return { kind: 'ready', lease: { token: best.token, id: best.id, resource } };
  }

  /** Every token with budget is held back by pacing: for a free slot, or for the next minute. */
  private pacedWait(paced: readonly PaceVerdict[]): TokenAcquisition {
    if (paced.some((p) => p.kind === 'busy')) return { kind: 'busy', released: this.pacer.released() };
    const until = Math.min(...paced.map((p) => (p.kind === 'later' ? p.until : Infinity)));
    return { kind: 'wait', until, reason: 'paced' };
  }

  /** Ends a lease's request (call once per successful `acquire`). */
  release(lease: TokenLease): void {
    this.budgetOf(lease)?.end(lease.resource);
    if (lease.token !== undefined) this.pacer.end(lease.id);
  }

  /** Records the budget a response reported for the lease's identity. */
  observe(lease: TokenLease, headers: HeaderBag | undefined): void {
    const observation = budgetFromHeaders(headers);
    const budget = this.budgetOf(lease);
    if (!observation || !budget) return;
    const resource = observation.resource ?? lease.resource;
    if (budget.observe(resource, observation, this.now())) {
      this.options.logger.info(
        { tokenId: lease.id, resource, until: new Date(observation.resetAt ?? this.now()).toISOString() },
        'GitHub rate limit exhausted; token rests until its reset',
      );
    }
  }

  /** Keeps the lease's identity off this resource until `until` (epoch ms). */
  rest(lease: TokenLease, until: number, reason: RestReason): void {
    if (!this.budgetOf(lease)?.rest(lease.resource, until, reason)) return;
    this.options.logger.info(
      { tokenId: lease.id, resource: lease.resource, until: new Date(until).toISOString(), reason },
      reason === 'secondary-limit'
        ? 'GitHub secondary rate limit; token waits'
        : 'GitHub rate limit exhausted; token rests until its reset',
    );
  }

  /**
   * After a 401: re-read the provider at once (a rotated secret), then stop using the token until
   * the list read from the provider changes again (the 401 is judged against the value just read).
   */
  async invalidate(lease: TokenLease): Promise<void> {
    const pooled = lease.token === undefined ? undefined : this.tokens.get(lease.token);
    if (pooled) {
      // Not judged against a list version until the re-read below: it must not revive it.
      pooled.rejectedInVersion = Number.MAX_SAFE_INTEGER;
      if (pooled.invalidSince === undefined) {
        pooled.invalidSince = this.now();
        this.options.logger.warn(
          { tokenId: pooled.id },
          'GitHub rejected a token (401 Bad credentials); it is not used until the token secret holds a new value',
        );
      }
    }
    await this.reload(true);
    if (pooled && this.tokens.get(pooled.token) === pooled) pooled.rejectedInVersion = this.listVersion;
    this.noteMode();
  }

  snapshot(): TokenPoolSnapshot {
    const now = this.now();
    const tokens = [...this.tokens.values()].map((p) => ({
      id: p.id,
      valid: p.invalidSince === undefined,
      invalidSince: p.invalidSince === undefined ? undefined : new Date(p.invalidSince).toISOString(),
      resources: p.budget.snapshot(now),
    }));
    const mode = this.mode();
    return {
      mode,
      reason: mode === 'authenticated' ? undefined : this.unauthenticatedReason(),
      tokens,
      unauthenticated: this.anonymous.snapshot(now),
      providerError: this.providerError,
    };
  }

  private isPaused(): boolean {
    return this.tokens.size > 0 && this.validTokens().length === 0;
  }

  private mode(): TokenPoolSnapshot['mode'] {
    if (this.isPaused()) return 'paused';
    return this.validTokens().length > 0 ? 'authenticated' : 'unauthenticated';
  }

  private validTokens(): PooledToken[] {
    return [...this.tokens.values()].filter((p) => p.invalidSince === undefined);
  }

  private budgetOf(lease: TokenLease): IdentityBudget | undefined {
    return lease.token === undefined ? this.anonymous : this.tokens.get(lease.token)?.budget;
  }

  private unauthenticatedReason(): string {
    if (this.tokens.size > 0)
      return 'every GitHub token was rejected (401): GitHub requests and harvests are paused until the token secret holds a new value';
    if (this.providerError)
      return `GitHub tokens could not be read; working unauthenticated (60 requests an hour)`;
    return 'no GitHub token configured; working unauthenticated (60 requests an hour)';
  }

  /** Logs when the pool switches between authenticated and unauthenticated work. */
  private noteMode(): void {
    const mode = this.mode();
    if (mode === this.lastMode) return;
    this.lastMode = mode;
    if (mode === 'unauthenticated')
      this.options.logger.warn({ reason: this.unauthenticatedReason() }, 'GitHub client is unauthenticated');
    else if (mode === 'paused')
      this.options.logger.error({ reason: this.unauthenticatedReason() }, 'GitHub client is paused');
    else
      this.options.logger.info({ tokenCount: this.validTokens().length }, 'GitHub client is authenticated');
  }
}
